/*
 * virt_common.h - mechanisms more than one approach shares: the one-kernel
 * build and I/O path, the type-1 hypervisor build (a VM per domain, a
 * crypto VM per domain above unclassified, net and gfx driver VMs, a
 * storage driver VM where the approach isolates storage) and
 * its I/O path. Each approach file still decides which of them it uses
 * and what they cost (its own parameter table).
 */
#ifndef HS_VIRT_COMMON_H
#define HS_VIRT_COMMON_H

#include "machine/host.h"

/* Per-run state of the hypervisor builds: which kernel is what. */
typedef struct VirtHypLayout {
    int hypervisor;                      /* kernel index */
    int net_vm, gfx_vm;                  /* driver VMs */
    int storage_vm;                      /* driver VM, or -1 */
    int crypto_vm[MACHINE_MAX_DOMAINS];  /* per domain, or -1 */
    int partitions[MACHINE_MAX_KERNELS]; /* VMs in creation order */
    size_t n_partitions;                 /* entries in partitions */
} VirtHypLayout;

/* One OS instance named kernel_name holding every domain. */
int virt_one_kernel_build(Machine *m, const char *kernel_name, char *err,
                          size_t err_size);
/* A type-1 hypervisor named hyp_name with the layout above (storage_vm:
 * the approach's own choice to isolate storage in a driver VM); the layout
 * is the start of the machine's approach state, state_size bytes
 * (>= sizeof(VirtHypLayout)), zeroed; freed by virt_hyp_destroy. */
int virt_hyp_build(Machine *m, const char *hyp_name, size_t state_size,
                   bool storage_vm, char *err, size_t err_size);
/* The device at the end of an I/O kind's path ("baseband", "panel",
 * "storage"). */
const char *virt_io_device(VirtIoKind kind);
void virt_hyp_destroy(Machine *m);
/* Domain VM -> (crypto VM) -> net VM -> baseband, domain VM -> gfx VM ->
 * panel, or domain VM -> (storage VM, when built) -> storage: each VM
 * hop is a hypercall, a VM switch and a copy. */
size_t virt_hyp_io_path(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                        VirtHop *hops);
/* Domain -> the one kernel (a syscall and a copy, plus mac_checks
 * policy checks) -> baseband or panel (DMA, no CPU copy). */
size_t virt_one_kernel_io_path(Machine *m, int domain, VirtIoKind kind,
                               uint64_t bytes, VirtHop *hops,
                               uint64_t mac_checks);
/* Switch cost between VMs: one VM switch whenever the kernel changes. */
void virt_hyp_switch_cost(Machine *m, int from, int to, VirtCharge *c);

/* The user's switch between domains in one kernel (switch_domain): the
 * kernel's window manager takes the input event and moves focus to `to`
 * (two syscalls and the approach's "focus_cycles" of window-manager
 * work, plus mac_checks policy checks on the devices that change
 * owner), on the domain's core; then the new foreground's ui redraws. */
size_t virt_one_kernel_switch(Machine *m, int to, uint64_t mac_checks,
                              VirtHop *hops);
/* The user's switch between VMs under a type-1 hypervisor: the input
 * interrupt goes to the gfx driver VM (which owns input and display), a
 * request on its vCPU that waits for its turn, redraws the trusted
 * label strip for `to` (bytes, composed by the service image) and
 * moves input focus and scanout with two hypercalls; the new VM is told
 * by a virtual interrupt in its own window (machine_io adds that step),
 * then its ui redraws and its frame takes the gfx path. */
size_t virt_hyp_switch(Machine *m, int from, int to, uint64_t bytes,
                       VirtHop *hops);

/* The approach tables (one file each), listed by registry.c. */
extern const ApproachOps virt_native;
extern const ApproachOps virt_selinux_mls;
extern const ApproachOps virt_hyp_mils;
extern const ApproachOps virt_hyp_pv;
extern const ApproachOps virt_trustzone;
extern const ApproachOps virt_containers;

#endif /* HS_VIRT_COMMON_H */
