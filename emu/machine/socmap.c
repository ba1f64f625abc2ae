/*
 * socmap.c - SoC description -> device configurations.
 */
#include "machine/socmap.h"

#include <stdio.h>
#include <string.h>
#include "sim/error.h"

/* Model limits (not phone figures). The simulated flash is backed
 * lazily, so its size costs nothing until written; one request moves at
 * most the guest's I/O area. */
#define SOCMAP_FLASH_BYTES (256ULL << 20)
#define SOCMAP_MAX_TRANSFER (1U << 20)
/* Largest command list: a few thousand textured triangles (abi/gpu.h:
 * 52 bytes each). */
#define SOCMAP_GPU_CMD_BYTES (1u << 20)

/* The SoC asks for more of what than the model has room for. */
static int too_many(char *err, size_t size, const char *what, size_t got,
                    size_t max)
{
    return hs_errorf(err, size, "%s: %zu is more than the model supports (%zu)",
                     what, got, max);
}

int socmap_pmic(const SocModel *soc, PmicConfig *out, char *err,
                size_t err_size)
{
    (void)err;
    (void)err_size;
    const SocCpu *c = &soc->cpu;
    *out = (PmicConfig){
        .awake_idle_uw = c->awake_idle_uw,
        .suspend_uw = c->suspend_uw,
        .suspend_entry_ps = c->suspend_entry_ps,
        .resume_exit_ps = c->resume_ps,
        .suspend_entry_nj = c->suspend_entry_nj,
        .resume_exit_nj = c->resume_nj,
        .autosleep_delay_ps = c->autosleep_delay_ps,
    };
    return 0;
}

int socmap_dvfs(const SocModel *soc, DvfsConfig *out, char *err,
                size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (soc->n_clusters > DVFS_MAX_CLUSTERS)
        return too_many(err, err_size, "clusters", soc->n_clusters,
                        DVFS_MAX_CLUSTERS);
    for (size_t i = 0; i < soc->n_clusters; i++) {
        const SocCluster *sc = &soc->clusters[i];
        DvfsClusterConfig *dc = &out->clusters[i];
        if (sc->cores > DVFS_MAX_CORES)
            return too_many(err, err_size, "cores in a cluster", sc->cores,
                            DVFS_MAX_CORES);
        if (sc->n_opps > DVFS_MAX_OPPS)
            return too_many(err, err_size, "cluster OPPs", sc->n_opps,
                            DVFS_MAX_OPPS);
        dc->name = sc->name;
        dc->n_cores = sc->cores;
        dc->n_opps = (unsigned)sc->n_opps;
        dc->initial_opp = 0; /* Linux boots at the policy minimum */
        for (size_t k = 0; k < sc->n_opps; k++)
            dc->opps[k] =
                (DvfsOpp){sc->opps[k].freq_khz, sc->opps[k].active_uw};
    }
    out->n_clusters = (unsigned)soc->n_clusters;
    out->rate_limit_ps = soc->cpu.governor_rate_limit_ps;
    out->headroom_pct = soc->cpu.governor_headroom_pct;
    return 0;
}

int socmap_display(const SocModel *soc, DisplayConfig *out, char *err,
                   size_t err_size)
{
    (void)err;
    (void)err_size;
    const SocDisplay *d = &soc->display;
    *out = (DisplayConfig){
        .width = d->width_px,
        .height = d->height_px,
        .refresh_hz = d->refresh_hz,
        .off_uw = d->off_uw,
        .on_uw = d->on_uw,
        .full_uw = d->full_extra_uw,
    };
    return 0;
}

int socmap_gpu(const SocModel *soc, GpuConfig *out, char *err, size_t err_size)
{
    const SocGpu *g = &soc->gpu;
    memset(out, 0, sizeof *out);
    if (g->n_opps > GPU_MAX_OPPS)
        return too_many(err, err_size, "GPU OPPs", g->n_opps, GPU_MAX_OPPS);
    for (size_t k = 0; k < g->n_opps; k++)
        out->opps[k] = (GpuOpp){g->opps[k].freq_khz, g->opps[k].active_uw};
    out->n_opps = (unsigned)g->n_opps;
    out->initial_opp = 0;
    out->idle_uw = g->idle_uw;
    /* The file counts work units per cycle; one unit is one cycle's work
     * of one lane. */
    out->cycles_per_unit = 1;
    out->units_per_cycle = g->units_per_cycle;
    out->queue_depth = GPU_MAX_QUEUE;
    out->max_cmd_bytes = SOCMAP_GPU_CMD_BYTES;
    /* estimate: the command processor decodes a command of a few words
     * in a few cycles of one lane group. */
    out->units_per_command = 16;
    /* estimate: three vertices transformed (a 4x4 matrix times a vector,
     * 16 multiply-adds each) and the triangle set up (three edge
     * equations, bounding box): about 32 lane operations per vertex. */
    out->units_per_triangle = 96;
    /* estimate: a handful of ALU lane operations per pixel written, the
     * same figure the display part uses for composition (GPU_OPS_PER_PX
     * in emu/phone/display.c). */
    out->units_per_fragment = 8;
    /* estimate: a nearest-sample texel fetch (address, wrap, load). */
    out->units_per_texel = 4;
    /* Adreno's kgsl driver powers the GPU down after its idle timeout,
     * 80 ms on MSM8974 (qcom,idle-timeout = <8> jiffies at HZ = 100 in
     * msm8974-gpu.dtsi; recalled, re-check); used for both SoCs. */
    out->collapse_delay_ps = 80 * HS_MS;
    /* estimate: the GPU's power switch (GDSC) is off; the leakage left
     * behind it is neglected. */
    out->collapsed_uw = 0;
    /* estimate: enabling the GPU's power switch and clocks and restoring
     * its state takes a few hundred microseconds ... */
    out->wake_ps = 300 * HS_US;
    /* ... and about its idle power over that time plus the rail's
     * inrush charge: 30 uJ (estimate). */
    out->wake_nj = 30000;
    /* estimate: a context's GPU time slice while another waits, 1 ms,
     * the default of Linux i915's timeslice_duration_ms
     * (CONFIG_DRM_I915_TIMESLICE_DURATION, drivers/gpu/drm/i915/
     * Kconfig.profile; recalled, re-check); no mobile GPU driver
     * publishes one (kgsl preempts by ring priority), so used for both
     * SoCs. */
    out->timeslice_ps = 1 * HS_MS;
    return 0;
}

/* Power while transferring = energy per KiB / time per KiB:
 * nJ / ps = 1e9 uW. Rounded to the nearest microwatt. */
static uint64_t transfer_uw(uint64_t nj_per_kib, hs_time ps_per_kib)
{
    unsigned __int128 p = (unsigned __int128)nj_per_kib * 1000000000u;
    return (uint64_t)((p + ps_per_kib / 2) / ps_per_kib);
}

int socmap_storage(const SocModel *soc, StorageConfig *out, char *err,
                   size_t err_size)
{
    (void)err;
    (void)err_size;
    const SocStorage *s = &soc->storage;
    *out = (StorageConfig){
        .capacity_bytes = SOCMAP_FLASH_BYTES,
        /* The file's per-KiB latencies include command overhead. */
        .cmd_latency_ps = 0,
        .read_ps_per_kib = s->read_ps_per_kib,
        .write_ps_per_kib = s->write_ps_per_kib,
        .idle_uw = s->idle_uw,
        .read_uw = transfer_uw(s->read_nj_per_kib, s->read_ps_per_kib),
        .write_uw = transfer_uw(s->write_nj_per_kib, s->write_ps_per_kib),
        .max_transfer_bytes = SOCMAP_MAX_TRANSFER,
    };
    return 0;
}

/* The devices group (soc.h SocDevices): the loader has checked every
 * range, so these only copy. */
int socmap_mic(const SocModel *soc, MicConfig *out, char *err, size_t err_size)
{
    (void)err;
    (void)err_size;
    const SocMicModel *mc = &soc->devices.mic;
    *out = (MicConfig){
        .fifo_frames = mc->fifo_frames,
        .tone_hz = mc->tone_hz,
        .tone_amplitude = (int16_t)mc->tone_amplitude,
        .noise_amplitude = (int16_t)mc->noise_amplitude,
        .on_uw = mc->on_uw,
    };
    return 0;
}

int socmap_audio(const SocModel *soc, AudioConfig *out, char *err,
                 size_t err_size)
{
    (void)err;
    (void)err_size;
    *out = (AudioConfig){.on_uw = soc->devices.audio.on_uw};
    return 0;
}

int socmap_net(const SocModel *soc, NetConfig *out, char *err, size_t err_size)
{
    (void)err;
    (void)err_size;
    *out = (NetConfig){.rx_queue_packets = soc->devices.net.rx_queue_packets};
    return 0;
}
