/*
 * query.c - what the machine tells its users and the approaches: counts,
 * energy, faults, the TCB, domains, kernels and vCPUs (machine.h,
 * host.h).
 */
#include "machine/machine_int.h"

int machine_foreground(const Machine *m)
{
    return m->foreground;
}

const SocModel *machine_soc(const Machine *m)
{
    return m->soc;
}

Sim *machine_sim(Machine *m)
{
    return m->sim;
}

PowerMeter *machine_meter(Machine *m)
{
    return m->meter;
}

PmicState *machine_pmic(Machine *m)
{
    return &m->pmic;
}

const ApproachOps *machine_approach(const Machine *m)
{
    return m->ops;
}

const MachineCounts *machine_counts(const Machine *m)
{
    return &m->counts;
}

size_t machine_domain_count(const Machine *m)
{
    return m->n_domains;
}

const char *machine_domain_name(const Machine *m, int domain)
{
    if (domain == (int)m->n_domains)
        return "kernel";
    return m->domains[domain].name;
}

int machine_domain_level(const Machine *m, int domain)
{
    return m->domains[domain].level;
}

int machine_domain_find(const Machine *m, const char *name)
{
    for (size_t d = 0; d < m->n_domains; d++)
        if (strcmp(m->domains[d].name, name) == 0)
            return (int)d;
    return -1;
}

uint64_t machine_instructions(const Machine *m, int domain)
{
    uint64_t n = 0;
    for (size_t i = 0; i < m->n_vcpus; i++)
        if (m->vcpus[i].domain == domain)
            n += vcpu_instructions(m->vcpus[i].v);
    return n;
}

uint64_t machine_kernel_instructions(const Machine *m, int kernel)
{
    if (kernel < 0 || (size_t)kernel >= m->n_kernels ||
        m->kernels[kernel].vcpu < 0)
        return 0;
    return vcpu_instructions(m->vcpus[m->kernels[kernel].vcpu].v);
}

const char *machine_service_image(const Machine *m)
{
    return m->service_image[0] ? m->service_image : NULL;
}

bool machine_kernel_has_vcpu(const Machine *m, int kernel)
{
    return kernel >= 0 && (size_t)kernel < m->n_kernels &&
           m->kernels[kernel].vcpu >= 0;
}

power_energy machine_energy_total(Machine *m)
{
    return power_energy_total(m->meter, sim_now(m->sim));
}

power_energy machine_energy_domain(Machine *m, int domain)
{
    return power_energy_domain(m->meter, domain, sim_now(m->sim));
}

uint64_t machine_avg_power_uw(Machine *m)
{
    return power_avg_power_uw(m->meter, sim_now(m->sim));
}

double machine_ap_awake_pct(Machine *m)
{
    hs_time now = sim_now(m->sim);
    if (now == 0 || m->pmic.comp < 0)
        return 100.0;
    hs_time asleep = power_residency_ps(
        m->meter, m->pmic.comp, m->pmic.st_power[HS_PMIC_ST_SUSPENDED], now);
    return 100.0 * (double)(now - asleep) / (double)now;
}

size_t machine_tcb(const Machine *m, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < m->n_kernels; k++)
        if (__builtin_popcountll(m->kernels[k].labels) >= 2) {
            if (n < max)
                out[n] = m->kernels[k].name;
            n++;
        }
    return n;
}

size_t machine_fault_count(const Machine *m)
{
    return m->n_faults;
}

const VcpuFault *machine_fault(const Machine *m, size_t i)
{
    return i < m->n_faults ? &m->faults[i] : NULL;
}

void machine_map_domain(Machine *m, int domain, int kernel)
{
    m->domains[domain].kernel = kernel;
}

size_t machine_kernel_count(const Machine *m)
{
    return m->n_kernels;
}

const char *machine_kernel_name(const Machine *m, int kernel)
{
    return m->kernels[kernel].name;
}

VirtKernelKind machine_kernel_kind(const Machine *m, int kernel)
{
    return m->kernels[kernel].kind;
}

int machine_domain_kernel(const Machine *m, int domain)
{
    return m->domains[domain].kernel;
}

void *machine_approach_state(Machine *m)
{
    return m->approach_state;
}

void machine_set_approach_state(Machine *m, void *state)
{
    m->approach_state = state;
}

unsigned machine_core_count(const Machine *m)
{
    return m->n_cores;
}

size_t machine_vcpu_count(const Machine *m)
{
    return m->n_vcpus;
}

int machine_vcpu_domain(const Machine *m, int vcpu)
{
    return m->vcpus[vcpu].domain;
}

int machine_vcpu_kernel(const Machine *m, int vcpu)
{
    return machine_vcpu_kernel_of(m, &m->vcpus[vcpu]);
}

unsigned machine_vcpu_core(const Machine *m, int vcpu)
{
    return m->vcpus[vcpu].core;
}

hs_time machine_quantum_ps(const Machine *m)
{
    return m->quantum_ps;
}
