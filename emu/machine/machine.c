/*
 * machine.c - one run's machine: construction (the SoC's devices through
 * soc_realize in realize.c, cores, the approach's kernels, domains and their
 * vCPUs on the shared guest image) and teardown. The execution loop is sched.c,
 * the trap bridge trap.c, the MMIO proxy mmio.c, I/O pricing io.c, parameters
 * params.c, queries query.c (machine.h).
 */
#include "machine/machine_int.h"

#include "config/setting.h"
#include "cpu/elf_load.h"
#include "sim/error.h"

static int build_cores(Machine *m, unsigned max_cores)
{
    for (size_t cl = 0; cl < m->soc->n_clusters && cl < DVFS_MAX_CLUSTERS;
         cl++) {
        const SocCluster *sc = &m->soc->clusters[cl];
        VcpuCoreType *ct = &m->core_types[cl];
        *ct = *vcpu_core_type_find("little");
        ct->name = sc->name;
        ct->model = sc->core_type;
        ct->cpi_milli = sc->cpi_milli;
        ct->source = sc->source;
        for (unsigned i = 0; i < sc->cores; i++) {
            if (m->n_cores >= MACHINE_MAX_CORES ||
                (max_cores && m->n_cores >= max_cores))
                return 0;
            MachineCore *c = &m->cores[m->n_cores];
            c->m = m;
            c->index = m->n_cores++;
            c->cluster = (unsigned)cl;
            c->core_in = i;
            c->last_kernel = -1;
            c->slice_vcpu = -1;
            sim_event_init(&c->dispatch, "machine.dispatch",
                           machine_core_dispatch, c, 10);
        }
    }
    return 0;
}

static int build_vcpus(Machine *m, const char *image, char *err,
                       size_t err_size)
{
    uint64_t entry = 0;
    m->shm = guest_shm_new();
    if (!m->shm)
        return hs_errorf(err, err_size, "out of memory");
    for (size_t d = 0; d < m->n_domains; d++) {
        MachineDomain *dom = &m->domains[d];
        dom->mem = guest_mem_new(m->shm);
        if (!dom->mem)
            return hs_errorf(err, err_size, "out of memory");
        ElfImage img;
        if (elf_load_domain(image, dom->mem, &img, err, err_size) < 0)
            return -1;
        if (elf_symbol(&img, "hs_entry", &entry) < 0) {
            elf_image_free(&img);
            return hs_errorf(err, err_size, "%s: no symbol hs_entry", image);
        }
        elf_image_free(&img);
        for (unsigned i = 0; i < dom->n_vcpus; i++) {
            if (m->n_vcpus >= MACHINE_MAX_VCPUS)
                return hs_errorf(err, err_size, "too many vCPUs (max %d)",
                                 MACHINE_MAX_VCPUS);
            MachineVcpu *mv = &m->vcpus[m->n_vcpus];
            mv->m = m;
            mv->index = (int)m->n_vcpus;
            mv->domain = (int)d;
            mv->kernel = -1;
            if (i == 0)
                dom->kvcpu = mv->index;
            mv->core = (unsigned)(m->n_vcpus % m->n_cores);
            const MachineCore *core = &m->cores[mv->core];
            VcpuConfig vc = {
                .domain = (int)d,
                .index = (int)i,
                .core = &m->core_types[core->cluster],
                .freq_khz = dvfs_cur_khz(&m->dvfs, core->cluster),
                .entry_pc = entry,
                .bus = &m->bus,
            };
            mv->v = vcpu_new(dom->mem, &vc, err, err_size);
            if (!mv->v)
                return -1;
            vcpu_set_trap(mv->v, machine_trap, mv);
            m->n_vcpus++;
            if (machine_tasks_init(m, mv, i, err, err_size) < 0)
                return -1;
            MachineEvent boot = {HS_EV_BOOT, 0, 0, 0};
            machine_queue_event(m, (int)d, &boot);
        }
    }
    return 0;
}

/* The driver and service VMs' vCPUs on the service image (by default
 * service.elf beside the domains' image). */
static int build_service_vms(Machine *m, const MachineConfig *cfg, char *err,
                             size_t err_size)
{
    char path[1024];
    const char *image = cfg->service_image_path;
    if (!image) {
        const char *dom = cfg->image_path ? cfg->image_path : "";
        const char *slash = strrchr(dom, '/');
        int dir = slash ? (int)(slash - dom) + 1 : 0;
        snprintf(path, sizeof path, "%.*sservice.elf", dir, dom);
        image = path;
    }
    return machine_io_build_vms(m, image, err, err_size);
}

Machine *machine_new(const MachineConfig *cfg, char *err, size_t err_size)
{
    const ApproachOps *ops = NULL;
    const char *want = cfg->approach ? cfg->approach : "";
    for (size_t i = 0; i < cfg->n_approaches && !ops; i++)
        if (strcmp(approach_name(cfg->approaches[i]), want) == 0)
            ops = cfg->approaches[i];
    if (!ops) {
        char names[256] = "";
        for (size_t i = 0; i < cfg->n_approaches; i++) {
            size_t l = strlen(names);
            snprintf(names + l, sizeof names - l, "%s%s", i ? ", " : "",
                     approach_name(cfg->approaches[i]));
        }
        hs_errorf(err, err_size, "unknown approach '%s' (known: %s)", want,
                  names);
        return NULL;
    }
    if (!ops->built) {
        hs_errorf(err, err_size,
                  "approach '%s' is not built yet: its mechanisms are not "
                  "implemented, so it cannot run",
                  approach_name(ops));
        return NULL;
    }
    if (!cfg->soc || cfg->n_domains == 0 ||
        cfg->n_domains > MACHINE_MAX_DOMAINS ||
        cfg->n_domains + 1 > POWER_MAX_DOMAINS) {
        hs_errorf(err, err_size, "a machine needs a SoC and 1..%d domains",
                  MACHINE_MAX_DOMAINS);
        return NULL;
    }
    Machine *m = calloc(1, sizeof *m);
    if (!m) {
        hs_errorf(err, err_size, "out of memory");
        return NULL;
    }
    m->ops = ops;
    m->soc = cfg->soc;
    m->n_domains = cfg->n_domains;
    for (size_t d = 0; d < cfg->n_domains; d++) {
        const MachineDomainConfig *dc = &cfg->domains[d];
        MachineDomain *dom = &m->domains[d];
        if (!dc->name || !dc->name[0] || strlen(dc->name) >= sizeof dom->name ||
            dc->level < 0 || dc->level > 3) {
            hs_errorf(err, err_size,
                      "domain %zu: needs a name (< 32 chars) and a level "
                      "0..3",
                      d);
            machine_free(m);
            return NULL;
        }
        snprintf(dom->name, sizeof dom->name, "%s", dc->name);
        dom->level = dc->level;
        dom->n_vcpus = dc->n_vcpus ? dc->n_vcpus : 1;
        dom->kernel = -1;
    }
    size_t n_mp;
    const VirtParam *mp = machine_params_table(&n_mp);
    for (size_t i = 0; i < n_mp; i++)
        machine_param_add(m, "machine", &mp[i]);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "virt.%s", approach_name(ops));
    for (size_t i = 0; i < ops->n_params; i++)
        machine_param_add(m, prefix, &ops->params[i]);
    for (size_t i = 0; i < cfg->n_set; i++)
        if (machine_param_set(m, cfg, cfg->set[i], err, err_size) < 0) {
            machine_free(m);
            return NULL;
        }
    for (int op = 0; op < VIRT_OP_COUNT; op++)
        m->op_cycles[op] = machine_vparam(m, approach_op_keys[op]);
    m->quantum_ps = (hs_time)machine_mparam(m, "quantum_us") * HS_US;
    if (m->quantum_ps == 0) {
        hs_errorf(err, err_size, "machine.quantum_us must be > 0");
        machine_free(m);
        return NULL;
    }
    if (machine_mparam(m, "timeslice_us") == 0) {
        hs_errorf(err, err_size, "machine.timeslice_us must be > 0");
        machine_free(m);
        return NULL;
    }
    m->sim = sim_new(cfg->seed);
    m->meter = power_meter_new((int)cfg->n_domains + 1);
    if (!m->sim || !m->meter) {
        hs_errorf(err, err_size, "out of memory");
        machine_free(m);
        return NULL;
    }
    if (soc_realize(m, cfg, err, err_size) < 0 ||
        build_cores(m, cfg->max_cores) < 0 ||
        ops->build(m, err, err_size) < 0) {
        machine_free(m);
        return NULL;
    }
    for (size_t d = 0; d < m->n_domains; d++)
        if (m->domains[d].kernel < 0) {
            hs_errorf(err, err_size, "approach %s left domain %s unmapped",
                      approach_name(ops), m->domains[d].name);
            machine_free(m);
            return NULL;
        }
    if (build_vcpus(m, cfg->image_path ? cfg->image_path : "", err, err_size) <
            0 ||
        build_service_vms(m, cfg, err, err_size) < 0) {
        machine_free(m);
        return NULL;
    }
    if (ops->pmic_policy)
        pmic_set_policy(&m->pmic, ops->pmic_policy, m, 0);
    /* Housekeeping alarms of every OS-type kernel, with a seeded phase. */
    hs_time period = (hs_time)machine_mparam(m, "kernel_wake_ms") * HS_MS;
    for (size_t k = 0; k < m->n_kernels && period > 0; k++) {
        MachineKernel *kn = &m->kernels[k];
        if (kn->kind == VIRT_KERNEL_HYPERVISOR ||
            kn->kind == VIRT_KERNEL_SECURE_OS)
            continue;
        char name[80];
        snprintf(name, sizeof name, "machine.kernel.%s", kn->name);
        SimRng *rng = sim_rng(m->sim, name);
        hs_time phase = rng ? (hs_time)sim_rng_below(rng, period) : 0;
        sim_schedule_at(m->sim, &kn->wake, phase + 1);
    }
    if (ops->start)
        ops->start(m);
    machine_kick(m);
    return m;
}

void machine_free(Machine *m)
{
    if (!m)
        return;
    if (m->ops && m->ops->destroy)
        m->ops->destroy(m);
    machine_io_free_all(m);
    for (size_t i = 0; i < m->n_vcpus; i++) {
        if (m->vcpus[i].kernel < 0)
            machine_tasks_free(&m->vcpus[i]);
        vcpu_free(m->vcpus[i].v);
    }
    for (size_t k = 0; k < m->n_kernels; k++)
        if (m->kernels[k].mem)
            guest_mem_unref(m->kernels[k].mem);
    for (size_t d = 0; d < m->n_domains; d++)
        if (m->domains[d].mem)
            guest_mem_unref(m->domains[d].mem);
    if (m->shm)
        guest_shm_unref(m->shm);
    soc_unrealize(m);
    bus_free(&m->bus);
    power_meter_free(m->meter);
    sim_free(m->sim);
    free(m);
}

const char *machine_error(const Machine *m)
{
    return m->error;
}

void machine_set_latency_hook(Machine *m, MachineLatencyFunc fn, void *ctx)
{
    m->lat_fn = fn;
    m->lat_ctx = ctx;
}

void machine_set_log_hook(Machine *m, MachineLogFunc fn, void *ctx)
{
    m->log_fn = fn;
    m->log_ctx = ctx;
}

void machine_set_run_hook(Machine *m, MachineRunFunc fn, void *ctx)
{
    m->run_fn = fn;
    m->run_ctx = ctx;
}

void machine_set_switch_hook(Machine *m, MachineSwitchFunc fn, void *ctx)
{
    m->switch_fn = fn;
    m->switch_ctx = ctx;
}

void machine_set_kernel_work_hook(Machine *m, MachineKernelWorkFunc fn,
                                  void *ctx)
{
    m->kwork_fn = fn;
    m->kwork_ctx = ctx;
}

void machine_set_migration(Machine *m, bool on)
{
    m->migrate = on;
}

int machine_set_foreground(Machine *m, int domain)
{
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    m->foreground = domain;
    pmic_evaluate(&m->pmic, sim_now(m->sim));
    return 0;
}

int machine_add_kernel(Machine *m, const char *name, VirtKernelKind kind,
                       bool trusted)
{
    if (m->n_kernels >= MACHINE_MAX_KERNELS)
        return -1;
    MachineKernel *k = &m->kernels[m->n_kernels];
    snprintf(k->name, sizeof k->name, "%s", name);
    k->kind = kind;
    k->trusted = trusted;
    k->m = m;
    k->index = (int)m->n_kernels;
    k->vcpu = -1;
    sim_event_init(&k->wake, "machine.kernel_wake", machine_kernel_wake_fire, k,
                   20);
    return (int)m->n_kernels++;
}
