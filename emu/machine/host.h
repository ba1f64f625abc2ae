/*
 * host.h - the machine as an approach sees it: the narrow interface the
 * approach files (emu/virt) build kernels and schedule through, and the
 * few queries their decisions read. machine.h is the whole machine for
 * its users (the run, parts, tests); approaches include only this.
 */
#ifndef HS_MACHINE_HOST_H
#define HS_MACHINE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/soc.h"
#include "machine/approach.h"
#include "sim/sim.h"

#define MACHINE_MAX_DOMAINS 8
#define MACHINE_MAX_KERNELS 32

typedef struct Machine Machine;

/* The machine's own parameters ("machine.<key>"); *n gets the count. */
const VirtParam *machine_params_table(size_t *n);

/* ---- what a decision reads -------------------------------------------- */
Sim *machine_sim(Machine *m);
const SocModel *machine_soc(const Machine *m);
size_t machine_domain_count(const Machine *m);
/* The domain's name; domain == count is the kernel pseudo-domain
 * ("kernel"). */
const char *machine_domain_name(const Machine *m, int domain);
int machine_domain_level(const Machine *m, int domain);
/* The foreground domain (the one the user sees; 0 at start). */
int machine_foreground(const Machine *m);

/* ---- building ---------------------------------------------------------- */
/* Adds a kernel. Returns its index, or -1 when the table is full. */
int machine_add_kernel(Machine *m, const char *name, VirtKernelKind kind,
                       bool trusted);
/* Puts domain's vCPUs in kernel. */
void machine_map_domain(Machine *m, int domain, int kernel);
size_t machine_kernel_count(const Machine *m);
const char *machine_kernel_name(const Machine *m, int kernel);
VirtKernelKind machine_kernel_kind(const Machine *m, int kernel);
int machine_domain_kernel(const Machine *m, int domain);
/* The approach's own parameter (key without prefix); 0 if absent. */
uint64_t machine_vparam(const Machine *m, const char *key);
void *machine_approach_state(Machine *m);
void machine_set_approach_state(Machine *m, void *state);

/* Migration (an approach's build turns it on): a core with nothing of
 * its own to run takes a runnable vCPU pinned to a busy core of its
 * cluster (not one running now) and keeps it, as a work-conserving
 * scheduler's idle pCPU steals from its peers. Off: every vCPU stays on
 * the core it was pinned to (round robin at creation). */
void machine_set_migration(Machine *m, bool on);

/* ---- scheduling -------------------------------------------------------- */
unsigned machine_core_count(const Machine *m);
size_t machine_vcpu_count(const Machine *m);
/* The vCPU's domain, or -1 for a driver/service VM's own vCPU. */
int machine_vcpu_domain(const Machine *m, int vcpu);
/* The kernel a vCPU runs in (its domain's, or its VM's). */
int machine_vcpu_kernel(const Machine *m, int vcpu);
unsigned machine_vcpu_core(const Machine *m, int vcpu);
/* Has work: entered or preempted, yielded, or idle with queued events. */
bool machine_runnable(const Machine *m, int vcpu);
/* Work-conserving round robin among the runnable vCPUs on core that
 * keep(m, vcpu, ctx) accepts (keep NULL: all): the vCPU holding the
 * core's slice keeps it while it has work and slice time left, else the
 * next runnable one gets a new slice of slice_ps. vcpu -1 if none. */
VirtPick machine_pick_rr(Machine *m, unsigned core, hs_time now,
                         hs_time slice_ps,
                         bool (*keep)(const Machine *, int, const void *),
                         const void *ctx);
/* Adds kernel work of `cycles` to a core (booked to the kernel
 * pseudo-domain) with its counts, and kicks the core. */
void machine_kernel_work(Machine *m, unsigned core, const VirtCharge *c);
/* machine_kernel_work for a switch of core into kernel's partition
 * window (a cyclic schedule's boundary); the switch hook sees it. */
void machine_window_switch(Machine *m, unsigned core, int kernel,
                           const VirtCharge *c);
/* machine_window_switch of every core in turn, c priced once. */
void machine_window_switch_all(Machine *m, int kernel, const VirtCharge *c);
/* Accounts at once the boundaries first, first + period, ... of a cyclic
 * schedule at which the machine is idle: each is machine_wake, then
 * machine_window_switch of every core with charge c, then machine_kick,
 * and books exactly what those calls would (counts, kernel cycles, energy,
 * the governor's evaluations, the autosleep timer). first may be the
 * current time: the boundary being handled, after its machine_wake and
 * before its switches. It stops before the
 * first time another event is due and at the end of the current run, and
 * does nothing where the rounds would not be alike (a vCPU runnable, the
 * AP not awake, a switch hook or observer that must see each round). The
 * caller handles the boundary after the last one as usual. Returns how
 * many boundaries it accounted (0: none). */
uint64_t machine_idle_windows(Machine *m, hs_time first, hs_time period,
                              const VirtCharge *c);
/* A wake source fired (resumes a suspended AP). */
void machine_wake(Machine *m, hs_time now);
/* Makes idle cores dispatch now. */
void machine_kick(Machine *m);
/* Quantum in ps. */
hs_time machine_quantum_ps(const Machine *m);

#endif /* HS_MACHINE_HOST_H */
