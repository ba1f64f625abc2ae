/*
 * gpu.c - GPU job queue, time-sliced contexts, the GPU MMU, timing at the
 * current OPP, power per state.
 */
#include "soc_models/devices/gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/gpu.h"
#include "platform.h"
#include "soc_models/devices/gpu_raster.h"

/* ps per cycle = 1e9 / kHz; time = cycles x 1e9 / kHz, rounded up. */
static hs_time cycles_to_ps(uint64_t cycles, uint32_t khz)
{
    unsigned __int128 t = (unsigned __int128)cycles * 1000000000u;
    t = (t + khz - 1) / khz;
    return t > HS_TIME_MAX ? HS_TIME_MAX : (hs_time)t;
}

/* Cycles a job of `units` takes: units x cycles_per_unit / units_per_cycle,
 * rounded up to a whole cycle (gpu_submit bounds units so this fits). */
static uint64_t job_cycles(const GpuState *s, uint64_t units)
{
    uint64_t c = units * s->cfg.cycles_per_unit;
    return (c + s->cfg.units_per_cycle - 1) / s->cfg.units_per_cycle;
}

hs_time gpu_job_time_ps(const GpuState *s, uint64_t units, unsigned opp)
{
    return cycles_to_ps(job_cycles(s, units), s->cfg.opps[opp].freq_khz);
}

static int slot(int domain)
{
    return domain >= 0 && domain < POWER_MAX_DOMAINS ? domain
                                                     : POWER_MAX_DOMAINS;
}

static int collapsed_state(const GpuState *s)
{
    return 1 + (int)s->cfg.n_opps;
}

/* The context a job belongs to (the host's plain jobs last). */
static int job_slot(const GpuJob *j)
{
    return slot(j->domain);
}

static void meter_update(GpuState *s, hs_time when)
{
    if (!s->meter || s->comp < 0)
        return;
    if (!s->powered) {
        power_set_state(s->meter, s->comp, collapsed_state(s), NULL, when);
        return;
    }
    if (s->count == 0) {
        power_set_state(s->meter, s->comp, 0, NULL, when);
        return;
    }
    int d = s->queue[s->head].domain;
    PowerAttr a = power_attr_domain(
        d >= 0 && d < power_meter_domains(s->meter) ? d : POWER_UNATTRIBUTED);
    power_set_state(s->meter, s->comp, 1 + (int)s->opp, &a, when);
}

uint64_t gpu_work_units(const GpuState *s, const RasterStats *st)
{
    unsigned __int128 u =
        (unsigned __int128)st->commands * s->cfg.units_per_command +
        (unsigned __int128)st->triangles * s->cfg.units_per_triangle +
        (unsigned __int128)st->fragments * s->cfg.units_per_fragment +
        (unsigned __int128)st->texels * s->cfg.units_per_texel;
    uint64_t cap =
        (UINT64_MAX - s->cfg.units_per_cycle) / s->cfg.cycles_per_unit;
    if (u > cap)
        return cap;
    return u ? (uint64_t)u : 1;
}

/* ---- the GPU MMU -------------------------------------------------------- */

/* Whether [addr, addr + bytes) lies inside one buffer mapped into
 * domain's context (writable when write). */
static bool mmu_allows(const GpuState *s, int domain, uint64_t addr,
                       uint64_t bytes, bool write)
{
    if (domain < 0 || domain >= POWER_MAX_DOMAINS)
        return false;
    const GpuContext *c = &s->ctx[domain];
    for (unsigned i = 0; i < c->n_mmu; i++) {
        const GpuMmuEntry *e = &c->mmu[i];
        if (addr >= e->addr && addr - e->addr <= e->bytes &&
            bytes <= e->bytes - (addr - e->addr) && (!write || e->write))
            return true;
    }
    return false;
}

static void mmu_ctrl(GpuState *s, GpuContext *c, int domain, uint32_t flags);

/* ---- surfaces of a command job ------------------------------------------ */

/* A buffer of at least bytes for a surface copy: the smallest spare one
 * that holds them, else a new one. Its size goes to *cap. NULL when
 * memory runs out. */
static uint32_t *buf_take(GpuState *s, size_t bytes, size_t *cap)
{
    unsigned best = s->n_spare;
    for (unsigned i = 0; i < s->n_spare; i++)
        if (s->spare[i].cap >= bytes &&
            (best == s->n_spare || s->spare[i].cap < s->spare[best].cap))
            best = i;
    if (best < s->n_spare) {
        uint32_t *buf = s->spare[best].buf;
        *cap = s->spare[best].cap;
        s->spare_bytes -= *cap;
        s->spare[best] = s->spare[--s->n_spare];
        return buf;
    }
    *cap = bytes ? bytes : 4;
    return malloc(*cap);
}

/* Keeps a surface copy's buffer for a later job, within GPU_SPARE_BUFS
 * buffers and GPU_SPARE_BYTES: smaller spares make room for it, a buffer
 * smaller than every spare goes when there is none. */
static void buf_give(GpuState *s, uint32_t *buf, size_t cap)
{
    if (!buf)
        return;
    while (s->n_spare && (s->n_spare == GPU_SPARE_BUFS ||
                          s->spare_bytes + cap > GPU_SPARE_BYTES)) {
        unsigned small = 0;
        for (unsigned i = 1; i < s->n_spare; i++)
            if (s->spare[i].cap < s->spare[small].cap)
                small = i;
        if (s->spare[small].cap >= cap)
            break;
        free(s->spare[small].buf);
        s->spare_bytes -= s->spare[small].cap;
        s->spare[small] = s->spare[--s->n_spare];
    }
    if (s->n_spare < GPU_SPARE_BUFS &&
        s->spare_bytes + cap <= GPU_SPARE_BYTES) {
        s->spare[s->n_spare++] = (GpuBuf){buf, cap};
        s->spare_bytes += cap;
    } else {
        free(buf);
    }
}

/* Largest surface copy: a 4096 x 4096 surface. */
#define GPU_MAX_MAP_BYTES ((uint64_t)HS_GPU_MAX_DIM * HS_GPU_MAX_DIM * 4)

static uint32_t *gpu_map(void *ctx, uint64_t addr, uint64_t bytes, int write)
{
    GpuState *s = ctx;
    GpuJob *j = s->mapping;
    if (!mmu_allows(s, j->domain, addr, bytes, write != 0)) {
        s->map_fault = 1;
        return NULL;
    }
    for (unsigned i = 0; i < j->n_maps; i++) {
        GpuMap *m = &j->maps[i];
        if (addr >= m->addr && addr - m->addr <= m->bytes &&
            bytes <= m->bytes - (addr - m->addr) && (addr - m->addr) % 4 == 0) {
            m->write |= write != 0;
            return m->buf + (addr - m->addr) / 4;
        }
        if (addr < m->addr + m->bytes && m->addr < addr + bytes) {
            s->map_error = 1; /* partly overlapping surfaces */
            return NULL;
        }
    }
    if (j->n_maps == GPU_MAX_MAPS || bytes > GPU_MAX_MAP_BYTES ||
        addr > UINT64_MAX - bytes) {
        s->map_error = 1;
        return NULL;
    }
    size_t cap;
    uint32_t *buf = buf_take(s, (size_t)bytes, &cap);
    /* a target the list clears whole first: its bytes need no copy, only
     * the check that the copy would have succeeded */
    int rc = write == GPU_RASTER_OVERWRITE
                 ? dma_check(s->dma, j->domain, addr, (size_t)bytes)
                 : 1;
    if (rc > 0 && buf) /* copy (or the GuestDma cannot check without) */
        rc = dma_read(s->dma, j->domain, addr, buf, (size_t)bytes);
    if (!buf || rc) {
        buf_give(s, buf, cap);
        s->map_error = 1;
        return NULL;
    }
    j->maps[j->n_maps++] = (GpuMap){addr, bytes, buf, cap, write != 0};
    return buf;
}

static void maps_free(GpuState *s, GpuJob *j)
{
    for (unsigned i = 0; i < j->n_maps; i++)
        buf_give(s, j->maps[i].buf, j->maps[i].cap);
    j->n_maps = 0;
}

static const char *err_name(int err)
{
    static const char *const names[] = {
        "none",         "unknown opcode",  "bad length",
        "bad surface",  "no target bound", "no texture bound",
        "out of range", "bad ring entry",  "no GPU context",
        "GPU MMU fault"};
    return err >= 0 && err < (int)(sizeof names / sizeof *names) ? names[err]
                                                                 : "error";
}

static void context_error(GpuState *s, int domain, int err, const char *what,
                          uint64_t addr, uint32_t word)
{
    s->cmd_errors++;
    if (domain >= 0 && domain < POWER_MAX_DOMAINS)
        s->ctx[domain].status = (uint32_t)err;
    device_guest_error(&s->dev, "domain %d: %s at 0x%llx, word %u: %s", domain,
                       what, (unsigned long long)addr, word, err_name(err));
}

/* Executes the job's command list on surface copies; sets its units.
 * The target copies stay with the job until it completes. */
static void run_commands(GpuState *s, GpuJob *j)
{
    RasterStats st = {0};
    uint32_t n = j->cmd_len / 4, at = 0;
    uint32_t *words = NULL;
    int rc = -HS_GPU_ERR_RING;
    s->map_error = 0;
    s->map_fault = 0;
    if (!mmu_allows(s, j->domain, j->cmd_addr, j->cmd_len, false)) {
        s->map_fault = 1;
    } else if (s->words && s->words_cap >= j->cmd_len) {
        words = s->words;
    } else { /* the copy grows to the largest list seen */
        size_t cap = j->cmd_len ? j->cmd_len : 4;
        words = malloc(cap);
        if (words) {
            free(s->words);
            s->words = words;
            s->words_cap = cap;
        }
    }
    if (words &&
        dma_read(s->dma, j->domain, j->cmd_addr, words, j->cmd_len) == 0) {
        RasterMem mem = {gpu_map, s};
        j->n_maps = 0;
        s->mapping = j;
        rc = gpu_raster_exec(words, n, &mem, &st, &at);
        s->mapping = NULL;
    }
    if (s->map_fault) {
        rc = -HS_GPU_ERR_FAULT;
        s->mmu_faults++;
        if (j->domain >= 0 && j->domain < POWER_MAX_DOMAINS)
            s->ctx[j->domain].faults++;
    }
    if (rc) {
        maps_free(s, j);
        context_error(s, j->domain, -rc, "command list", j->cmd_addr, at);
        RasterStats cost = {.commands = st.commands ? st.commands : 1};
        j->units = gpu_work_units(s, &cost);
        j->cmd_len = 0; /* nothing to write back */
        return;
    }
    j->stats = st;
    j->units = gpu_work_units(s, &st);
}

/* Writes the completed command job's targets back. */
static void write_back(GpuState *s, GpuJob *j)
{
    for (unsigned i = 0; i < j->n_maps; i++) {
        GpuMap *m = &j->maps[i];
        if (m->write &&
            dma_write(s->dma, j->domain, m->addr, m->buf, (size_t)m->bytes))
            context_error(s, j->domain, HS_GPU_ERR_SURFACE, "write-back",
                          m->addr, 0);
    }
    maps_free(s, j);
}

/* ---- power ------------------------------------------------------------ */

static void collapse(GpuState *s, hs_time when)
{
    if (!s->powered)
        return;
    if (s->sim)
        sim_cancel(s->sim, &s->collapse_ev);
    s->powered = false;
    meter_update(s, when);
}

static void collapse_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    GpuState *s = ctx;
    if (s->count == 0)
        collapse(s, now);
}

/* The queue emptied at when: collapse now if the AP sleeps, else after
 * the idle delay. */
static void went_idle(GpuState *s, hs_time when)
{
    if (s->ap_asleep || s->cfg.collapse_delay_ps == 0)
        collapse(s, when);
    else if (s->sim)
        sim_schedule_at(s->sim, &s->collapse_ev,
                        when + s->cfg.collapse_delay_ps);
}

void gpu_ap_state(void *ctx, int old_state, int new_state, hs_time when)
{
    (void)old_state;
    GpuState *s = ctx;
    s->ap_asleep =
        new_state == HS_PMIC_ST_SUSPENDING || new_state == HS_PMIC_ST_SUSPENDED;
    if (s->ap_asleep && s->count == 0)
        collapse(s, when);
}

/* ---- the queue -------------------------------------------------------- */

/* Index of the job to run after context `after` had its turn: the
 * oldest job of the next context in turn that has one (`after` itself
 * last), or -1 with none queued. */
static int pick_next(const GpuState *s, int after)
{
    for (int k = 1; k <= POWER_MAX_DOMAINS + 1; k++) {
        int t = (after + k) % (POWER_MAX_DOMAINS + 1);
        for (unsigned i = 0; i < s->count; i++)
            if (job_slot(&s->queue[i]) == t)
                return (int)i;
    }
    return -1;
}

/* Schedules the end of the running job's slice (only needed while
 * another context waits, checked when it ends). */
static void arm_slice(GpuState *s, hs_time at)
{
    if (s->cfg.timeslice_ps && s->sim)
        sim_schedule_at(s->sim, &s->slice_ev, at + s->cfg.timeslice_ps);
}

/* Starts (or resumes) job `idx` at time `at`, waking the GPU first if it
 * is collapsed. */
static void start_job(GpuState *s, unsigned idx, hs_time at)
{
    s->head = idx;
    GpuJob *j = &s->queue[idx];
    if (s->sim)
        sim_cancel(s->sim, &s->collapse_ev);
    if (!s->powered) {
        s->powered = true;
        s->wakes++;
        s->ready_at = at + s->cfg.wake_ps;
        if (s->meter && s->comp >= 0) {
            int d = j->domain;
            PowerAttr a =
                power_attr_domain(d >= 0 && d < power_meter_domains(s->meter)
                                      ? d
                                      : POWER_UNATTRIBUTED);
            power_set_state(s->meter, s->comp, 0, NULL, at);
            power_add_energy(s->meter, s->comp,
                             (power_energy)s->cfg.wake_nj * 1000000000u, &a,
                             at);
        }
    }
    if (at < s->ready_at)
        at = s->ready_at;
    if (!j->started) {
        j->started = true;
        if (j->cmd_addr)
            run_commands(s, j);
        j->cycles_left = job_cycles(s, j->units);
    }
    s->cycles_left = j->cycles_left;
    s->run_since = at;
    sim_schedule_at(
        s->sim, &s->done_ev,
        at + cycles_to_ps(s->cycles_left, s->cfg.opps[s->opp].freq_khz));
    arm_slice(s, at);
    meter_update(s, at);
}

/* The running job's slice ended: preempt it when another context has a
 * job waiting. */
static void slice_fire(Sim *sim, void *ctx, hs_time now)
{
    GpuState *s = ctx;
    if (s->count < 2)
        return;
    GpuJob *run = &s->queue[s->head];
    int next = pick_next(s, job_slot(run));
    if (next < 0 || next == (int)s->head ||
        job_slot(&s->queue[next]) == job_slot(run)) {
        arm_slice(s, now);
        return;
    }
    if (now > s->run_since) {
        unsigned __int128 done = (unsigned __int128)(now - s->run_since) *
                                 s->cfg.opps[s->opp].freq_khz / 1000000000u;
        s->cycles_left =
            done >= s->cycles_left ? 0 : s->cycles_left - (uint64_t)done;
    }
    if (s->cycles_left == 0)
        return; /* completes now: gpu_done runs the next one */
    run->cycles_left = s->cycles_left;
    s->preemptions++;
    sim_cancel(sim, &s->done_ev);
    start_job(s, (unsigned)next, now);
}

static int enqueue(GpuState *s, const GpuJob *job)
{
    if (s->count == s->cfg.queue_depth)
        return -1;
    GpuJob *j = &s->queue[s->count++];
    *j = *job;
    j->started = false;
    j->n_maps = 0;
    if (s->count == 1)
        start_job(s, 0, job->submit_ps);
    return 0;
}

/* Takes ring entries into the queue while it has room, one context at a
 * time in turn. */
static void fetch(GpuState *s, hs_time when)
{
    bool progress = true;
    while (progress && s->count < s->cfg.queue_depth) {
        progress = false;
        for (unsigned k = 0; k < POWER_MAX_DOMAINS; k++) {
            unsigned d = (s->fetch_next + k) % POWER_MAX_DOMAINS;
            GpuContext *c = &s->ctx[d];
            uint32_t limit = c->forwarded ? c->released : c->tail;
            if (!c->granted || c->ring_size == 0 || c->fetched == limit ||
                s->count == s->cfg.queue_depth)
                continue;
            uint64_t at =
                c->ring_base + (uint64_t)(c->fetched & (c->ring_size - 1)) *
                                   sizeof(HsGpuRingEntry);
            HsGpuRingEntry e;
            c->fetched++;
            progress = true;
            s->fetch_next = (d + 1) % POWER_MAX_DOMAINS;
            if (c->refused) { /* its way to the GPU failed */
                c->refused--;
                c->head++;
                context_error(s, (int)d, HS_GPU_ERR_RING, "forwarded entry", at,
                              0);
                continue;
            }
            if (dma_read(s->dma, (int)d, at, &e, sizeof e) || e.cmd_addr == 0 ||
                e.cmd_len == 0 || e.cmd_len % 4 ||
                e.cmd_len > s->cfg.max_cmd_bytes) {
                c->head++; /* skipped: counts as completed */
                context_error(s, (int)d, HS_GPU_ERR_RING, "ring entry", at, 0);
                continue;
            }
            GpuJob j = {.domain = (int)d,
                        .submit_ps = when,
                        .cmd_addr = e.cmd_addr,
                        .cmd_len = e.cmd_len};
            enqueue(s, &j);
        }
    }
}

static void gpu_done(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    GpuState *s = ctx;
    GpuJob job = s->queue[s->head];
    memmove(&s->queue[s->head], &s->queue[s->head + 1],
            (s->count - s->head - 1) * sizeof s->queue[0]);
    s->count--;
    s->done++;
    if (s->sim)
        sim_cancel(s->sim, &s->slice_ev);
    s->units_done[slot(job.domain)] += job.units;
    if (job.cmd_addr) {
        if (job.cmd_len)
            write_back(s, &job);
        RasterStats *w = &s->work[slot(job.domain)];
        w->commands += job.stats.commands;
        w->triangles += job.stats.triangles;
        w->fragments += job.stats.fragments;
        w->texels += job.stats.texels;
        if (job.domain >= 0 && job.domain < POWER_MAX_DOMAINS) {
            s->ctx[job.domain].head++;
            s->ctx[job.domain].jobs++;
        }
    }
    int next = pick_next(s, job_slot(&job));
    if (next >= 0)
        start_job(s, (unsigned)next, now);
    else
        meter_update(s, now);
    fetch(s, now);
    if (s->count == 0)
        went_idle(s, now);
    s->irq_domain = job.domain;
    irq_pulse(&s->irq);
    if (s->on_done)
        s->on_done(s->on_done_ctx, &job, now);
}

int gpu_submit(GpuState *s, int domain, uint64_t units, hs_time when)
{
    if (s->count == s->cfg.queue_depth)
        s->full++;
    if (!s->sim || units == 0 || s->count == s->cfg.queue_depth ||
        units > (UINT64_MAX - s->cfg.units_per_cycle) / s->cfg.cycles_per_unit)
        return -1;
    hs_time now = sim_now(s->sim);
    if (when < now)
        when = now;
    GpuJob j = {.units = units, .domain = domain, .submit_ps = when};
    return enqueue(s, &j);
}

int gpu_set_opp(GpuState *s, unsigned opp, hs_time when)
{
    if (opp >= s->cfg.n_opps)
        return -1;
    if (opp == s->opp)
        return 0;
    if (s->count && s->sim) {
        hs_time now = sim_now(s->sim);
        if (when < now)
            when = now;
        if (when > s->run_since) {
            /* cycles done since run_since at the old clock */
            unsigned __int128 done = (unsigned __int128)(when - s->run_since) *
                                     s->cfg.opps[s->opp].freq_khz / 1000000000u;
            s->cycles_left =
                done >= s->cycles_left ? 0 : s->cycles_left - (uint64_t)done;
            s->run_since = when;
        }
        s->opp = opp;
        sim_schedule_at(s->sim, &s->done_ev,
                        s->run_since + cycles_to_ps(s->cycles_left,
                                                    s->cfg.opps[opp].freq_khz));
        meter_update(s, when > s->run_since ? when : s->run_since);
    } else {
        s->opp = opp;
    }
    return 0;
}

void gpu_set_done_observer(GpuState *s, GpuDoneFunc fn, void *ctx)
{
    s->on_done = fn;
    s->on_done_ctx = ctx;
}

void gpu_set_access(GpuState *s, int domain, bool granted)
{
    if (domain >= 0 && domain < POWER_MAX_DOMAINS)
        s->ctx[domain].granted = granted;
}

void gpu_set_forwarding(GpuState *s, int domain, bool forwarded,
                        GpuForwardFunc fn, void *ctx)
{
    if (domain < 0 || domain >= POWER_MAX_DOMAINS)
        return;
    s->ctx[domain].forwarded = forwarded;
    s->on_forward = fn;
    s->on_forward_ctx = ctx;
}

void gpu_forward_done(GpuState *s, int domain, bool ok, hs_time when)
{
    if (domain < 0 || domain >= POWER_MAX_DOMAINS)
        return;
    GpuContext *c = &s->ctx[domain];
    if (c->released == c->tail)
        return; /* the ring was reset meanwhile */
    c->released++;
    if (!ok)
        c->refused++;
    fetch(s, when);
}

static int gpu_realize(Device *dev, Sim *sim)
{
    GpuState *s = (GpuState *)dev;
    s->sim = sim;
    sim_event_init(&s->done_ev, "gpu.job_done", gpu_done, s, 0);
    sim_event_init(&s->collapse_ev, "gpu.collapse", collapse_fire, s, 0);
    sim_event_init(&s->slice_ev, "gpu.slice", slice_fire, s, 0);
    if (!s->meter)
        return 0;
    s->comp = power_component_add(s->meter, dev->name);
    if (s->comp < 0 ||
        power_state_add(s->meter, s->comp, "idle", s->cfg.idle_uw) < 0)
        return -1;
    for (unsigned i = 0; i < s->cfg.n_opps; i++) {
        char st[24];
        snprintf(st, sizeof st, "opp%u", i);
        if (power_state_add(s->meter, s->comp, st, s->cfg.opps[i].active_uw) <
            0)
            return -1;
    }
    if (power_state_add(s->meter, s->comp, "collapsed", s->cfg.collapsed_uw) !=
        collapsed_state(s))
        return -1;
    meter_update(s, sim_now(sim)); /* collapsed until the first job */
    return 0;
}

static void gpu_reset(Device *dev)
{
    GpuState *s = (GpuState *)dev;
    for (unsigned i = 0; i < s->count; i++)
        maps_free(s, &s->queue[i]);
    s->count = 0;
    s->head = 0;
    s->powered = false;
    s->ready_at = 0;
    for (unsigned d = 0; d < POWER_MAX_DOMAINS; d++) {
        bool granted = s->ctx[d].granted;
        bool forwarded = s->ctx[d].forwarded;
        s->ctx[d] = (GpuContext){.granted = granted, .forwarded = forwarded};
    }
    if (s->sim) {
        sim_cancel(s->sim, &s->done_ev);
        sim_cancel(s->sim, &s->collapse_ev);
        sim_cancel(s->sim, &s->slice_ev);
        meter_update(s, sim_now(s->sim));
    }
    s->opp = s->cfg.initial_opp;
}

static void gpu_destroy(Device *dev)
{
    GpuState *s = (GpuState *)dev;
    if (s->sim) {
        sim_cancel(s->sim, &s->done_ev);
        sim_cancel(s->sim, &s->collapse_ev);
        sim_cancel(s->sim, &s->slice_ev);
    }
    for (unsigned i = 0; i < s->count; i++)
        maps_free(s, &s->queue[i]);
    for (unsigned i = 0; i < s->n_spare; i++)
        free(s->spare[i].buf);
    s->n_spare = 0;
    s->spare_bytes = 0;
    free(s->words);
    s->words = NULL;
    s->words_cap = 0;
}

/* The reading or writing domain's context, or NULL (with a device error)
 * when it has none. */
static GpuContext *context_of(GpuState *s, const BusAccess *acc)
{
    if (acc->domain >= 0 && acc->domain < POWER_MAX_DOMAINS &&
        s->ctx[acc->domain].granted)
        return &s->ctx[acc->domain];
    context_error(s, acc->domain, HS_GPU_ERR_DENIED, "ring register", 0, 0);
    return NULL;
}

static uint64_t gpu_read(Device *dev, uint64_t offset, unsigned size,
                         const BusAccess *acc)
{
    GpuState *s = (GpuState *)dev;
    const GpuContext *c = acc->domain >= 0 && acc->domain < POWER_MAX_DOMAINS
                              ? &s->ctx[acc->domain]
                              : NULL;
    switch (offset) {
    case HS_GPU_DONE: /* jobs completed */
        return (uint32_t)s->done;
    case HS_GPU_BUSY: /* jobs queued or running */
        return s->count;
    case HS_GPU_CAPS: /* what this domain has */
        return c && c->granted ? HS_GPU_CAP_3D : 0;
    case HS_GPU_STATUS: /* last error of this domain's context */
        return c ? c->status : HS_GPU_ERR_DENIED;
    case HS_GPU_FAULTS: /* its MMU faults */
        return c ? (uint32_t)c->faults : 0;
    case HS_GPU_RING_BASE:
    case HS_GPU_RING_BASE + 4:
    case HS_GPU_RING_SIZE:
    case HS_GPU_RING_TAIL:
    case HS_GPU_RING_HEAD:
        c = context_of(s, acc);
        if (!c)
            return 0;
        if (offset == HS_GPU_RING_BASE)
            return size == 8 ? c->ring_base : (uint32_t)c->ring_base;
        if (offset == HS_GPU_RING_BASE + 4)
            return (uint32_t)(c->ring_base >> 32);
        if (offset == HS_GPU_RING_SIZE)
            return c->ring_size;
        return offset == HS_GPU_RING_TAIL ? c->tail : c->head;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void gpu_write(Device *dev, uint64_t offset, uint64_t value,
                      unsigned size, const BusAccess *acc)
{
    GpuState *s = (GpuState *)dev;
    GpuContext *c = NULL;
    switch (offset) {
    case HS_GPU_SUBMIT: /* work units of a plain job */
        if (gpu_submit(s, acc->domain, (uint32_t)value, acc->when))
            device_guest_error(dev, "job of %u units refused (queue %u)",
                               (uint32_t)value, s->count);
        return;
    case HS_GPU_RING_BASE:
    case HS_GPU_RING_BASE + 4:
    case HS_GPU_RING_SIZE:
    case HS_GPU_RING_TAIL:
        c = context_of(s, acc);
        break;
    case HS_GPU_MAP_ADDR:
    case HS_GPU_MAP_ADDR + 4:
    case HS_GPU_MAP_SIZE:
    case HS_GPU_MAP_SIZE + 4:
    case HS_GPU_MAP_CTRL:
        c = context_of(s, acc);
        if (!c)
            return;
        if (offset == HS_GPU_MAP_CTRL) {
            mmu_ctrl(s, c, acc->domain, (uint32_t)value);
        } else {
            uint64_t *r =
                offset < HS_GPU_MAP_SIZE ? &c->map_addr : &c->map_size;
            if (size == 8)
                *r = value;
            else if ((offset & 7) == 0)
                *r = (*r & ~0xffffffffULL) | (uint32_t)value;
            else
                *r = (*r & 0xffffffffULL) | ((uint64_t)(uint32_t)value << 32);
        }
        return;
    case HS_GPU_STATUS: /* any value clears it */
        if (acc->domain >= 0 && acc->domain < POWER_MAX_DOMAINS)
            s->ctx[acc->domain].status = 0;
        return;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return;
    }
    if (!c)
        return;
    if (offset == HS_GPU_RING_BASE) {
        c->ring_base = size == 8
                           ? value
                           : (c->ring_base & ~0xffffffffULL) | (uint32_t)value;
    } else if (offset == HS_GPU_RING_BASE + 4) {
        c->ring_base = (c->ring_base & 0xffffffffULL) | (value << 32);
    } else if (offset == HS_GPU_RING_SIZE) {
        uint32_t n = (uint32_t)value;
        if (n > HS_GPU_RING_MAX || (n & (n - 1))) {
            context_error(s, acc->domain, HS_GPU_ERR_RING, "ring size", n, 0);
            return;
        }
        c->ring_size = n;
        c->tail = c->fetched = c->head = c->released = c->refused = 0;
    } else {
        uint32_t t = (uint32_t)value;
        if (c->ring_size == 0 || t - c->head > c->ring_size) {
            context_error(s, acc->domain, HS_GPU_ERR_RING, "ring tail", t, 0);
            return;
        }
        uint32_t old = c->tail;
        c->tail = t;
        hs_time now = s->sim ? sim_now(s->sim) : 0;
        hs_time when = acc->when > now ? acc->when : now;
        if (c->forwarded) {
            if (s->on_forward && t != old)
                s->on_forward(s->on_forward_ctx, acc->domain, old, t, when);
            return;
        }
        fetch(s, when);
    }
}

/* HS_GPU_MAP_CTRL: maps [map_addr, map_addr + map_size) into the context
 * (flags HS_GPU_MAP_READ, | HS_GPU_MAP_WRITE), or unmaps the buffer that
 * starts at map_addr (flags 0). Mapping a buffer again updates its
 * flags. A bad request is a device error for the context. */
static void mmu_ctrl(GpuState *s, GpuContext *c, int domain, uint32_t flags)
{
    uint64_t a = c->map_addr, n = c->map_size;
    unsigned i = 0;
    while (i < c->n_mmu &&
           !(c->mmu[i].addr == a && (flags == 0 || c->mmu[i].bytes == n)))
        i++;
    if (flags == 0) {
        if (i == c->n_mmu) {
            context_error(s, domain, HS_GPU_ERR_FAULT, "unmap of no buffer", a,
                          0);
            return;
        }
        c->mmu[i] = c->mmu[--c->n_mmu];
        return;
    }
    if ((flags & ~(uint32_t)(HS_GPU_MAP_READ | HS_GPU_MAP_WRITE)) ||
        !(flags & HS_GPU_MAP_READ) || n == 0 || a > UINT64_MAX - n ||
        (i == c->n_mmu && c->n_mmu == GPU_MMU_ENTRIES)) {
        context_error(s, domain, HS_GPU_ERR_FAULT, "map", a, flags);
        return;
    }
    c->mmu[i] = (GpuMmuEntry){a, n, (flags & HS_GPU_MAP_WRITE) != 0};
    if (i == c->n_mmu)
        c->n_mmu++;
}

const DeviceOps gpu_ops = {
    .type = "gpu",
    .realize = gpu_realize,
    .reset = gpu_reset,
    .read = gpu_read,
    .write = gpu_write,
    .destroy = gpu_destroy,
};

int gpu_init(GpuState *s, const char *name, const GpuConfig *cfg,
             const GuestDma *dma, PowerMeter *meter, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    const char *why = NULL;
    if (cfg->n_opps < 1 || cfg->n_opps > GPU_MAX_OPPS ||
        cfg->initial_opp >= cfg->n_opps)
        why = "bad OPP count or initial OPP";
    else if (cfg->cycles_per_unit == 0)
        why = "cycles_per_unit must be > 0";
    else if (cfg->units_per_cycle == 0)
        why = "units_per_cycle must be > 0";
    else if (cfg->queue_depth < 1 || cfg->queue_depth > GPU_MAX_QUEUE)
        why = "queue_depth out of range";
    else if (cfg->idle_uw > POWER_MAX_UW || cfg->collapsed_uw > POWER_MAX_UW)
        why = "idle_uw or collapsed_uw out of range";
    for (unsigned i = 0; !why && i < cfg->n_opps; i++)
        if (cfg->opps[i].freq_khz == 0 ||
            (i && cfg->opps[i].freq_khz <= cfg->opps[i - 1].freq_khz) ||
            cfg->opps[i].active_uw > POWER_MAX_UW)
            why = "OPP frequencies must ascend, powers be sane";
    if (why) {
        if (err && err_size)
            snprintf(err, err_size, "gpu: %s", why);
        return -1;
    }
    device_init(&s->dev, &gpu_ops, name);
    s->cfg = *cfg;
    s->dma = dma;
    s->meter = meter;
    s->comp = -1;
    s->opp = cfg->initial_opp;
    return 0;
}
