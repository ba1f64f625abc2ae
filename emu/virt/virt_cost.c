/*
 * virt_cost.c - the approach table (listing order), parameter lookup,
 * pricing of charges, and the mechanisms approaches share (virt_common.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"
#include "sim/text.h"
#include "virt/approach.h"
#include "virt/virt_common.h"

static const ApproachOps *const approaches[] = {
    &approach_native, &approach_selinux_mls, &approach_hyp_mils,
    &approach_hyp_pv, &approach_trustzone,   &approach_containers,
};

size_t approach_count(void)
{
    return sizeof approaches / sizeof approaches[0];
}

const ApproachOps *approach_at(size_t i)
{
    return i < approach_count() ? approaches[i] : NULL;
}

const ApproachOps *approach_find(const char *name)
{
    for (size_t i = 0; i < approach_count(); i++)
        if (strcmp(approaches[i]->name, name) == 0)
            return approaches[i];
    return NULL;
}

const VirtParam *approach_param(const ApproachOps *ops, const char *key)
{
    for (size_t i = 0; i < ops->n_params; i++)
        if (strcmp(ops->params[i].key, key) == 0)
            return &ops->params[i];
    return NULL;
}

/* Considers one full key as a suggestion for key. */
static void suggest(const char *key, const char *prefix, const char *name,
                    char *best, size_t best_size, size_t *best_d)
{
    char full[128];
    snprintf(full, sizeof full, "%s.%s", prefix, name);
    size_t d = hs_edit_distance(key, full);
    if (d < *best_d) {
        *best_d = d;
        snprintf(best, best_size, "%s", full);
    }
}

int approach_parse_value(const char *key, const char *val, uint64_t *out,
                         char *err, size_t err_size)
{
    char *end = NULL;
    if (*val < '0' || *val > '9')
        return hs_errorf(err, err_size,
                         "--set %s: value '%s' is not a non-negative integer",
                         key, val);
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    if (*end != '\0')
        return hs_errorf(err, err_size,
                         "--set %s: value '%s' is not a non-negative integer",
                         key, val);
    if (errno == ERANGE)
        return hs_errorf(err, err_size,
                         "--set %s: value %s is out of range (0 to %llu)", key,
                         val, (unsigned long long)UINT64_MAX);
    *out = v;
    return 0;
}

static int check_value(const char *key, const char *val, char *err,
                       size_t err_size)
{
    uint64_t v;
    return approach_parse_value(key, val, &v, err, err_size);
}

int approach_check_set(const char *kv, char *err, size_t err_size)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return hs_errorf(err, err_size, "--set '%s': expected KEY=VALUE", kv);
    char key[128];
    size_t klen = (size_t)(eq - kv);
    if (klen >= sizeof key)
        return hs_errorf(err, err_size, "--set '%s': key too long", kv);
    memcpy(key, kv, klen);
    key[klen] = '\0';
    /* the key first: a misspelt key is reported as such, whatever its
     * value */
    char best[128] = "", prefix[64];
    size_t best_d = 4, n;
    const VirtParam *mp = machine_params_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(key, "machine.", 8) == 0 && strcmp(key + 8, mp[i].key) == 0)
            return check_value(key, eq + 1, err, err_size);
        suggest(key, "machine", mp[i].key, best, sizeof best, &best_d);
    }
    for (size_t a = 0; a < approach_count(); a++) {
        const ApproachOps *o = approach_at(a);
        snprintf(prefix, sizeof prefix, "virt.%s", o->name);
        size_t pl = strlen(prefix);
        for (size_t i = 0; i < o->n_params; i++) {
            if (strncmp(key, prefix, pl) == 0 && key[pl] == '.' &&
                strcmp(key + pl + 1, o->params[i].key) == 0)
                return check_value(key, eq + 1, err, err_size);
            suggest(key, prefix, o->params[i].key, best, sizeof best, &best_d);
        }
    }
    if (best[0])
        return hs_errorf(err, err_size,
                         "--set %s: unknown key (did you mean \"%s\"?)", key,
                         best);
    return hs_errorf(err, err_size,
                     "--set %s: unknown key (keys are machine.<key> and "
                     "virt.<approach>.<key>)",
                     key);
}

const char *const virt_op_keys[VIRT_OP_COUNT] = {
    [VIRT_OP_SYSCALL] = "syscall_cycles",
    [VIRT_OP_HYPERCALL] = "hypercall_cycles",
    [VIRT_OP_SMC] = "smc_cycles",
    [VIRT_OP_MMIO_TRAP] = "mmio_trap_cycles",
    [VIRT_OP_VM_SWITCH] = "vm_switch_cycles",
    [VIRT_OP_WORLD_SWITCH] = "world_switch_cycles",
    [VIRT_OP_MAC_CHECK] = "mac_check_cycles",
    [VIRT_OP_VIRQ] = "virq_cycles",
    [VIRT_OP_COPY_KIB] = "copy_cycles_per_kib",
};

void virt_charge_price(const Machine *m, VirtCharge *c)
{
    const uint64_t *p = machine_op_cycles(m);
    /* saturating: a cost parameter may be set to 2^64-1 */
    const uint64_t n[] = {
        [VIRT_OP_SYSCALL] = c->syscalls,
        [VIRT_OP_HYPERCALL] = c->hypercalls,
        [VIRT_OP_SMC] = c->smcs,
        [VIRT_OP_MMIO_TRAP] = c->mmio_traps,
        [VIRT_OP_VM_SWITCH] = c->vm_switches,
        [VIRT_OP_WORLD_SWITCH] = c->world_switches,
        [VIRT_OP_MAC_CHECK] = c->mac_checks,
        [VIRT_OP_VIRQ] = c->virq,
    };
    for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
        c->cycles = hs_add_sat(c->cycles, hs_mul_sat(n[i], p[i]));
    c->cycles = hs_add_sat(
        c->cycles, hs_muldiv_sat(c->copies_bytes, p[VIRT_OP_COPY_KIB], 1024));
}

void virt_charge_add(VirtCharge *a, const VirtCharge *b)
{
    a->syscalls += b->syscalls;
    a->hypercalls += b->hypercalls;
    a->smcs += b->smcs;
    a->mmio_traps += b->mmio_traps;
    a->vm_switches += b->vm_switches;
    a->world_switches += b->world_switches;
    a->mac_checks += b->mac_checks;
    a->virq += b->virq;
    a->copies_bytes += b->copies_bytes;
    a->cycles = hs_add_sat(a->cycles, b->cycles);
}

/* ---- one kernel -------------------------------------------------------- */

int virt_one_kernel_build(Machine *m, const char *kernel_name, char *err,
                          size_t err_size)
{
    int k = machine_add_kernel(m, kernel_name, VIRT_KERNEL_OS, true);
    if (k < 0)
        return hs_errorf(err, err_size, "too many kernels");
    for (size_t d = 0; d < machine_domain_count(m); d++)
        machine_map_domain(m, (int)d, k);
    return 0;
}

size_t virt_one_kernel_io_path(Machine *m, int domain, VirtIoKind kind,
                               uint64_t bytes, VirtHop *hops,
                               uint64_t mac_checks)
{
    hops[0].component =
        machine_kernel_name(m, machine_domain_kernel(m, domain));
    hops[0].charge.syscalls = 1;
    hops[0].charge.mac_checks = mac_checks;
    hops[0].charge.copies_bytes = bytes;
    hops[1].component = kind == VIRT_IO_NET ? "baseband" : "panel";
    return 2;
}

/* ---- type-1 hypervisor ------------------------------------------------ */

int virt_hyp_build(Machine *m, const char *hyp_name, size_t state_size,
                   char *err, size_t err_size)
{
    if (!machine_soc(m)->platform.virtualization_extensions)
        return hs_errorf(err, err_size,
                         "a type-1 hypervisor needs EL2: SoC %s has no "
                         "virtualization extensions",
                         machine_soc(m)->name);
    VirtHypLayout *l = calloc(1, state_size);
    if (!l)
        return hs_errorf(err, err_size, "out of memory");
    machine_set_approach_state(m, l);
    l->hypervisor =
        machine_add_kernel(m, hyp_name, VIRT_KERNEL_HYPERVISOR, true);
    for (size_t d = 0; d < machine_domain_count(m); d++) {
        char name[48];
        snprintf(name, sizeof name, "%s-vm", machine_domain_name(m, (int)d));
        int k = machine_add_kernel(m, name, VIRT_KERNEL_OS, false);
        if (k < 0)
            return hs_errorf(err, err_size, "too many kernels");
        machine_map_domain(m, (int)d, k);
        l->partitions[l->n_partitions++] = k;
        l->crypto_vm[d] = -1;
    }
    for (size_t d = 0; d < machine_domain_count(m); d++) {
        if (machine_domain_level(m, (int)d) == 0)
            continue;
        char name[48];
        snprintf(name, sizeof name, "crypto-%s-vm",
                 machine_domain_name(m, (int)d));
        int k = machine_add_kernel(m, name, VIRT_KERNEL_SERVICE_VM, true);
        if (k < 0)
            return hs_errorf(err, err_size, "too many kernels");
        l->crypto_vm[d] = k;
        l->partitions[l->n_partitions++] = k;
    }
    l->net_vm = machine_add_kernel(m, "net-vm", VIRT_KERNEL_DRIVER_VM, true);
    l->gfx_vm = machine_add_kernel(m, "gfx-vm", VIRT_KERNEL_DRIVER_VM, true);
    if (l->hypervisor < 0 || l->net_vm < 0 || l->gfx_vm < 0)
        return hs_errorf(err, err_size, "too many kernels");
    l->partitions[l->n_partitions++] = l->net_vm;
    l->partitions[l->n_partitions++] = l->gfx_vm;
    return 0;
}

void virt_hyp_destroy(Machine *m)
{
    free(machine_approach_state(m));
    machine_set_approach_state(m, NULL);
}

static void vm_hop(VirtHop *h, const char *component, uint64_t bytes)
{
    h->component = component;
    h->charge.hypercalls = 1;
    h->charge.vm_switches = 1;
    h->charge.copies_bytes = bytes;
}

size_t virt_hyp_io_path(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                        VirtHop *hops)
{
    const VirtHypLayout *l = machine_approach_state(m);
    size_t n = 0;
    if (kind == VIRT_IO_NET) {
        if (l->crypto_vm[domain] >= 0) {
            /* the crypto VM seals or opens what it passes on */
            vm_hop(&hops[n], machine_kernel_name(m, l->crypto_vm[domain]),
                   bytes);
            hops[n].charge.cycles = hs_add_sat(
                hops[n].charge.cycles,
                hs_muldiv_sat(bytes, machine_vparam(m, "crypto_cycles_per_kib"),
                              1024));
            n++;
        }
        vm_hop(&hops[n++], machine_kernel_name(m, l->net_vm), bytes);
        hops[n++].component = "baseband";
    } else {
        vm_hop(&hops[n++], machine_kernel_name(m, l->gfx_vm), bytes);
        hops[n++].component = "panel";
    }
    return n;
}

void virt_hyp_switch_cost(Machine *m, int from, int to, VirtCharge *c)
{
    (void)m;
    if (from != to)
        c->vm_switches++;
}
