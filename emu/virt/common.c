/*
 * common.c - the mechanisms more than one approach shares (virt_common.h):
 * the one-kernel build and I/O path, the type-1 hypervisor build, its
 * I/O path and switch cost.
 */
#include "virt/virt_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"

const char *virt_io_device(VirtIoKind kind)
{
    switch (kind) {
    case VIRT_IO_NET:
        return "baseband";
    case VIRT_IO_STORAGE:
        return "storage";
    case VIRT_IO_GPU:
        return "gpu";
    default:
        return "panel";
    }
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
    /* the kernel's own driver work, on the domain's core */
    hops[0].kernel = machine_domain_kernel(m, domain);
    hops[0].component = machine_kernel_name(m, hops[0].kernel);
    hops[0].charge.syscalls = 1;
    hops[0].charge.mac_checks = mac_checks;
    hops[0].charge.copies_bytes = bytes;
    hops[1].kernel = -1;
    hops[1].component = virt_io_device(kind);
    return 2;
}

size_t virt_one_kernel_switch(Machine *m, int to, uint64_t mac_checks,
                              VirtHop *hops)
{
    hops[0].kernel = machine_domain_kernel(m, to);
    hops[0].component = machine_kernel_name(m, hops[0].kernel);
    hops[0].charge.syscalls = 2; /* the input event read, the focus change */
    hops[0].charge.mac_checks = mac_checks;
    hops[0].charge.cycles = machine_vparam(m, "focus_cycles");
    hops[1].kernel = -1;
    hops[1].component = "panel";
    return 2;
}

/* ---- type-1 hypervisor ------------------------------------------------ */

int virt_hyp_build(Machine *m, const char *hyp_name, size_t state_size,
                   bool storage_vm, char *err, size_t err_size)
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
    l->storage_vm = -1;
    if (storage_vm) {
        l->storage_vm =
            machine_add_kernel(m, "storage-vm", VIRT_KERNEL_DRIVER_VM, true);
        if (l->storage_vm < 0)
            return hs_errorf(err, err_size, "too many kernels");
        l->partitions[l->n_partitions++] = l->storage_vm;
    }
    return 0;
}

void virt_hyp_destroy(Machine *m)
{
    free(machine_approach_state(m));
    machine_set_approach_state(m, NULL);
}

/* A hop through a driver or service VM: the front end's hypercall (an
 * event-channel notify with a grant), then the VM's own work on the
 * bytes, executed by the service image on the VM's vCPU (op). The VM
 * switch is not a charge here: it happens when a core switches to the
 * VM's vCPU (switch_cost, or the partition window under hyp-mils). */
static void vm_hop(Machine *m, VirtHop *h, int kernel, VirtSvcOp op)
{
    h->kernel = kernel;
    h->component = machine_kernel_name(m, kernel);
    h->op = op;
    h->charge.hypercalls = 1;
}

size_t virt_hyp_io_path(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                        VirtHop *hops)
{
    const VirtHypLayout *l = machine_approach_state(m);
    size_t n = 0;
    /* the domain VM's own kernel: the call into it and the copy into its
     * front-end ring */
    hops[n].kernel = machine_domain_kernel(m, domain);
    hops[n].component = machine_kernel_name(m, hops[n].kernel);
    hops[n].charge.syscalls = 1;
    hops[n++].charge.copies_bytes = bytes;
    if (kind == VIRT_IO_NET) {
        if (l->crypto_vm[domain] >= 0) {
            /* the crypto VM seals or opens what it passes on */
            vm_hop(m, &hops[n], l->crypto_vm[domain], VIRT_SVC_SEAL);
            hops[n++].encrypts = true;
        }
        vm_hop(m, &hops[n++], l->net_vm, VIRT_SVC_COPY);
        hops[n].kernel = -1;
        hops[n++].component = "baseband";
    } else if (kind == VIRT_IO_GPU) {
        /* the gfx VM takes the command buffer off its virtio queue
         * (gpu_cmd_cycles a command) and copies it to the GPU's ring */
        vm_hop(m, &hops[n], l->gfx_vm, VIRT_SVC_COPY);
        hops[n++].charge.cycles = machine_vparam(m, "gpu_cmd_cycles");
        hops[n].kernel = -1;
        hops[n++].component = "gpu";
    } else if (kind == VIRT_IO_STORAGE) {
        /* the storage driver VM moves the blocks to or from the device
         * (no storage VM: the domain VM's kernel drives it behind the
         * trapped MMIO path). No hop encrypts: nothing here has a source
         * for encryption at rest. */
        if (l->storage_vm >= 0)
            vm_hop(m, &hops[n++], l->storage_vm, VIRT_SVC_MOVE);
        hops[n].kernel = -1;
        hops[n++].component = "storage";
    } else {
        vm_hop(m, &hops[n++], l->gfx_vm, VIRT_SVC_COMPOSE);
        hops[n].kernel = -1;
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

size_t virt_hyp_switch(Machine *m, int from, int to, uint64_t bytes,
                       VirtHop *hops)
{
    (void)from;
    (void)bytes; /* the service image composes them on the gfx VM */
    (void)to;
    const VirtHypLayout *l = machine_approach_state(m);
    /* The switch key's interrupt is routed to the gfx VM (a virtual IRQ,
     * delivered when it runs), which tells the hypervisor to move input
     * focus and the scanout to the new VM (two hypercalls). */
    hops[0].kernel = l->gfx_vm;
    hops[0].component = machine_kernel_name(m, l->gfx_vm);
    hops[0].op = VIRT_SVC_COMPOSE;
    hops[0].charge.hypercalls = 2;
    hops[1].kernel = -1;
    hops[1].component = "panel";
    return 2;
}
