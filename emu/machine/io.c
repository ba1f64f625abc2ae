/*
 * io.c - I/O pricing: a request's hops along the approach's path, priced,
 * counted and booked as kernel work on the domain's core (machine.h).
 */
#include "machine/machine_int.h"

hs_time machine_io(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                   VirtHop *hops, size_t *n_hops)
{
    VirtHop local[VIRT_MAX_HOPS];
    VirtHop *h = hops ? hops : local;
    memset(h, 0, sizeof(VirtHop) * VIRT_MAX_HOPS);
    size_t n = 0;
    if (domain >= 0 && (size_t)domain < m->n_domains)
        n = m->ops->io_path(m, domain, kind, bytes, h);
    /* The hops' work runs on a core (the kernel's, the driver and crypto
     * VMs'): it occupies the domain's core and draws its power, booked to
     * the kernel pseudo-domain, deferred to resume if the AP sleeps. */
    MachineCore *core = &m->cores[0];
    for (size_t v = 0; v < m->n_vcpus; v++)
        if (m->vcpus[v].domain == domain) {
            core = &m->cores[m->vcpus[v].core];
            break;
        }
    uint64_t cycles = 0;
    for (size_t i = 0; i < n; i++) {
        approach_price(m->op_cycles, &h[i].charge);
        machine_counts_add(m, &h[i].charge);
        machine_note_switch(m, core->index, h[i].component, false, &h[i].charge,
                            sim_now(m->sim));
        cycles += h[i].charge.cycles;
    }
    if (n_hops)
        *n_hops = n;
    if (pmic_state(&m->pmic) != HS_PMIC_ST_AWAKE)
        core->deferred = hs_add_sat(core->deferred, cycles);
    else
        machine_book_kernel(m, core, cycles);
    return cycles_to_ps(cycles, dvfs_cur_khz(&m->dvfs, core->cluster));
}
