/*
 * soc.c - the handset-soc/1 loader: reads a SoC description through the
 * typed getters of json.h, checks every rule soc_models/README.md states
 * and fills a SocModel with integer figures.
 *
 * Rules enforced beyond types: each object's keys are checked against its
 * schema before its values; every object holding figures carries a
 * non-empty "source"; power is never negative; frequencies, counts,
 * capacities, voltages and time periods are positive; OPP frequencies
 * rise strictly. The first error stops the load.
 */
#include "config/soc.h"

#include "platform.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/datadir.h"

typedef struct SocLoader {
    JsonDoc *doc;  /* document being read (errors go here) */
    SocModel *soc; /* model being filled */
} SocLoader;

static const char *const mic_wiring_names[] = {
    [SOC_MIC_BASEBAND_DIRECT] = "baseband-direct",
    [SOC_MIC_AP_CODEC] = "ap-codec",
    NULL,
};

const char *soc_mic_wiring_name(SocMicWiring wiring)
{
    return wiring <= SOC_MIC_AP_CODEC ? mic_wiring_names[wiring] : "?";
}

uint32_t soc_total_cores(const SocModel *soc)
{
    uint32_t n = 0;
    for (size_t i = 0; i < soc->n_clusters; i++)
        n += soc->clusters[i].cores;
    return n;
}

void soc_free(SocModel *soc)
{
    if (!soc)
        return;
    for (size_t i = 0; i < soc->n_owned; i++)
        free(soc->owned[i]);
    free(soc->owned);
    free(soc);
}

/* Copies s into the model; NULL (with an error in doc) when out of
 * memory. */
static const char *keep(SocLoader *L, const char *path, const char *s)
{
    const char *copy = json_pool_add(&L->soc->owned, &L->soc->n_owned, s);
    if (!copy)
        json_fail(L->doc, path, "out of memory");
    return copy;
}

/* A non-empty string member, copied into the model: a name
 * (json_check_name's rule) or one line of text. */
static int get_string(SocLoader *L, const json_t *obj, const char *prefix,
                      const char *key, bool name, const char **out)
{
    char path[JSON_PATH_MAX];
    const char *s;
    json_path_key(path, sizeof path, prefix, key);
    if (json_get_string(L->doc, obj, prefix, key, &s) < 0)
        return -1;
    if (s[0] == '\0')
        return json_fail(L->doc, path, "must not be empty");
    if ((name ? json_check_name(L->doc, path, s)
              : json_check_line(L->doc, path, s)) < 0)
        return -1;
    *out = keep(L, path, s);
    return *out ? 0 : -1;
}

static int get_text(SocLoader *L, const json_t *obj, const char *prefix,
                    const char *key, const char **out)
{
    return get_string(L, obj, prefix, key, false, out);
}

static int get_name(SocLoader *L, const json_t *obj, const char *prefix,
                    const char *key, const char **out)
{
    return get_string(L, obj, prefix, key, true, out);
}

/* The "source" every object with figures must carry. */
static int get_source(SocLoader *L, const json_t *obj, const char *prefix,
                      const char **out)
{
    return get_text(L, obj, prefix, "source", out);
}

/*
 * A power figure given as BASE_mw or BASE_ma (never both), stored in uW.
 * mA are converted at the battery voltage: uW = mA * mV exactly, rounded
 * once half away from zero.
 */
static int get_power(SocLoader *L, const json_t *obj, const char *prefix,
                     const char *base, uint64_t *out_uw)
{
    char mw[64], ma[64], path[JSON_PATH_MAX];
    snprintf(mw, sizeof mw, "%s_mw", base);
    snprintf(ma, sizeof ma, "%s_ma", base);
    bool has_mw = json_has_key(obj, mw), has_ma = json_has_key(obj, ma);
    if (has_mw && has_ma)
        return json_fail(L->doc, json_path_key(path, sizeof path, prefix, ma),
                         "give either %s or %s, not both", mw, ma);
    int64_t uw;
    if (has_ma) {
        JsonDecimal d;
        if (json_get_decimal(L->doc, obj, prefix, ma, JSON_NUM_NONNEGATIVE,
                             &d) < 0)
            return -1;
        json_path_key(path, sizeof path, prefix, ma);
        if (json_decimal_mul_int(d, L->soc->battery.voltage_mv, &d) < 0 ||
            json_decimal_scale(d, 0, &uw, NULL) < 0)
            return json_fail(L->doc, path, "is too large");
    } else if (json_get_scaled(L->doc, obj, prefix, mw, 3, JSON_NUM_NONNEGATIVE,
                               &uw) < 0) {
        /* A missing figure is reported under BASE_mw, the preferred
         * unit; the README says BASE_ma is accepted too. */
        return -1;
    }
    *out_uw = (uint64_t)uw;
    return 0;
}

/* An energy figure in uJ (decimal), stored in nJ. */
static int get_energy_nj(SocLoader *L, const json_t *obj, const char *prefix,
                         const char *key, uint64_t *out_nj)
{
    int64_t nj;
    if (json_get_scaled(L->doc, obj, prefix, key, 3, JSON_NUM_NONNEGATIVE,
                        &nj) < 0)
        return -1;
    *out_nj = (uint64_t)nj;
    return 0;
}

/* A duration that must be longer than zero. */
static int get_period(SocLoader *L, const json_t *obj, const char *prefix,
                      const char *key, hs_time *out)
{
    char path[JSON_PATH_MAX];
    if (json_get_duration(L->doc, obj, prefix, key, out) < 0)
        return -1;
    if (*out == 0)
        return json_fail(L->doc, json_path_key(path, sizeof path, prefix, key),
                         "must be greater than 0");
    return 0;
}

/* An object member whose keys are checked against allowed. */
static int get_group(SocLoader *L, const json_t *obj, const char *prefix,
                     const char *key, const char *const allowed[],
                     const json_t **out, char *path)
{
    json_path_key(path, JSON_PATH_MAX, prefix, key);
    if (json_get_object(L->doc, obj, prefix, key, out) < 0)
        return -1;
    return json_check_keys(L->doc, *out, path, allowed);
}

/* ---- groups --------------------------------------------------------- */

static int load_battery(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {"capacity_mah", "voltage_v", "source",
                                       NULL};
    char p[JSON_PATH_MAX];
    const json_t *o;
    int64_t cap, mv;
    SocBattery *b = &L->soc->battery;
    if (get_group(L, root, "", "battery", keys, &o, p) < 0 ||
        json_get_scaled(L->doc, o, p, "capacity_mah", 0,
                        JSON_NUM_POSITIVE | JSON_NUM_EXACT, &cap) < 0 ||
        json_get_scaled(L->doc, o, p, "voltage_v", 3,
                        JSON_NUM_POSITIVE | JSON_NUM_EXACT, &mv) < 0 ||
        get_source(L, o, p, &b->source) < 0)
        return -1;
    char path[JSON_PATH_MAX];
    if (cap > 1000000)
        return json_fail(L->doc,
                         json_path_key(path, sizeof path, p, "capacity_mah"),
                         "must be at most 1000000");
    if (mv > 100000)
        return json_fail(L->doc,
                         json_path_key(path, sizeof path, p, "voltage_v"),
                         "must be at most 100");
    b->capacity_mah = (uint32_t)cap;
    b->voltage_mv = (uint32_t)mv;
    return 0;
}

/* Writes kHz as MHz the way a file would: 729600 -> "729.6". */
static void format_mhz(uint32_t khz, char *buf, size_t size)
{
    unsigned frac = khz % 1000;
    if (frac == 0) {
        snprintf(buf, size, "%u", khz / 1000);
        return;
    }
    int digits = 3;
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    snprintf(buf, size, "%u.%0*u", khz / 1000, digits, frac);
}

/* An OPP table: array of {freq_mhz, active_mw|active_ma, source}. */
static int load_opps(SocLoader *L, const json_t *obj, const char *prefix,
                     SocOpp *opps, size_t *n_opps)
{
    static const char *const keys[] = {"freq_mhz", "active_mw", "active_ma",
                                       "source", NULL};
    const json_t *arr;
    char ap[JSON_PATH_MAX];
    json_path_key(ap, sizeof ap, prefix, "opps");
    if (json_get_array(L->doc, obj, prefix, "opps", 1, SOC_MAX_OPPS, &arr) < 0)
        return -1;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *e = json_array_get(arr, i);
        char p[JSON_PATH_MAX], fp[JSON_PATH_MAX];
        int64_t khz;
        SocOpp *opp = &opps[i];
        json_path_index(p, sizeof p, ap, i);
        if (json_expect_object(L->doc, e, p) < 0 ||
            json_check_keys(L->doc, e, p, keys) < 0 ||
            json_get_scaled(L->doc, e, p, "freq_mhz", 3,
                            JSON_NUM_POSITIVE | JSON_NUM_EXACT, &khz) < 0)
            return -1;
        json_path_key(fp, sizeof fp, p, "freq_mhz");
        if (khz > UINT32_MAX)
            return json_fail(L->doc, fp, "is too large");
        if (i > 0 && (uint32_t)khz <= opps[i - 1].freq_khz) {
            char mhz[32];
            format_mhz(opps[i - 1].freq_khz, mhz, sizeof mhz);
            return json_fail(L->doc, fp,
                             "must be greater than the previous OPP's "
                             "frequency (%s MHz)",
                             mhz);
        }
        opp->freq_khz = (uint32_t)khz;
        if (get_power(L, e, p, "active", &opp->active_uw) < 0 ||
            get_source(L, e, p, &opp->source) < 0)
            return -1;
    }
    *n_opps = json_array_size(arr);
    return 0;
}

static int load_clusters(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {"name", "core_type", "cores", "cpi",
                                       "opps", "source",    NULL};
    const json_t *arr;
    if (json_get_array(L->doc, root, "", "clusters", 1, SOC_MAX_CLUSTERS,
                       &arr) < 0)
        return -1;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *e = json_array_get(arr, i);
        SocCluster *c = &L->soc->clusters[i];
        char p[JSON_PATH_MAX], path[JSON_PATH_MAX];
        int64_t cores, cpi;
        json_path_index(p, sizeof p, "clusters", i);
        if (json_expect_object(L->doc, e, p) < 0 ||
            json_check_keys(L->doc, e, p, keys) < 0 ||
            get_name(L, e, p, "name", &c->name) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(L->soc->clusters[j].name, c->name) == 0)
                return json_fail(L->doc,
                                 json_path_key(path, sizeof path, p, "name"),
                                 "duplicate cluster name \"%s\"", c->name);
        if (get_name(L, e, p, "core_type", &c->core_type) < 0 ||
            json_get_integer(L->doc, e, p, "cores", 1, 256, &cores) < 0 ||
            json_get_scaled(L->doc, e, p, "cpi", 3, JSON_NUM_POSITIVE, &cpi) <
                0)
            return -1;
        if (cpi > 1000000)
            return json_fail(L->doc, json_path_key(path, sizeof path, p, "cpi"),
                             "must be at most 1000");
        c->cores = (uint32_t)cores;
        c->cpi_milli = (uint32_t)cpi;
        if (load_opps(L, e, p, c->opps, &c->n_opps) < 0 ||
            get_source(L, e, p, &c->source) < 0)
            return -1;
    }
    L->soc->n_clusters = json_array_size(arr);
    return 0;
}

static int load_cpu(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {
        "awake_idle", "suspend", "suspend_entry", "resume", "autosleep",
        "governor",   NULL};
    static const char *const sleep_keys[] = {"delay", "source", NULL};
    static const char *const gov_keys[] = {"rate_limit", "headroom_pct",
                                           "source", NULL};
    int64_t headroom;
    static const char *const power_keys[] = {"power_mw", "power_ma", "source",
                                             NULL};
    static const char *const trans_keys[] = {"latency", "energy_uj", "source",
                                             NULL};
    SocCpu *cpu = &L->soc->cpu;
    const json_t *o, *g;
    char p[JSON_PATH_MAX], gp[JSON_PATH_MAX];
    if (get_group(L, root, "", "cpu", keys, &o, p) < 0)
        return -1;
    if (get_group(L, o, p, "awake_idle", power_keys, &g, gp) < 0 ||
        get_power(L, g, gp, "power", &cpu->awake_idle_uw) < 0 ||
        get_source(L, g, gp, &cpu->awake_idle_source) < 0)
        return -1;
    if (get_group(L, o, p, "suspend", power_keys, &g, gp) < 0 ||
        get_power(L, g, gp, "power", &cpu->suspend_uw) < 0 ||
        get_source(L, g, gp, &cpu->suspend_source) < 0)
        return -1;
    if (get_group(L, o, p, "suspend_entry", trans_keys, &g, gp) < 0 ||
        get_period(L, g, gp, "latency", &cpu->suspend_entry_ps) < 0 ||
        get_energy_nj(L, g, gp, "energy_uj", &cpu->suspend_entry_nj) < 0 ||
        get_source(L, g, gp, &cpu->suspend_entry_source) < 0)
        return -1;
    if (get_group(L, o, p, "resume", trans_keys, &g, gp) < 0 ||
        get_period(L, g, gp, "latency", &cpu->resume_ps) < 0 ||
        get_energy_nj(L, g, gp, "energy_uj", &cpu->resume_nj) < 0 ||
        get_source(L, g, gp, &cpu->resume_source) < 0)
        return -1;
    /* The autosleep delay may be 0 (suspend as soon as nothing holds the
     * AP awake), so it is read as a plain duration. */
    if (get_group(L, o, p, "autosleep", sleep_keys, &g, gp) < 0 ||
        json_get_duration(L->doc, g, gp, "delay", &cpu->autosleep_delay_ps) <
            0 ||
        get_source(L, g, gp, &cpu->autosleep_source) < 0)
        return -1;
    if (get_group(L, o, p, "governor", gov_keys, &g, gp) < 0 ||
        get_period(L, g, gp, "rate_limit", &cpu->governor_rate_limit_ps) < 0 ||
        json_get_integer(L->doc, g, gp, "headroom_pct", 100, 400, &headroom) <
            0 ||
        get_source(L, g, gp, &cpu->governor_source) < 0)
        return -1;
    cpu->governor_headroom_pct = (uint32_t)headroom;
    return 0;
}

static int load_gpu(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {
        "name", "units_per_cycle", "idle_mw", "idle_ma",
        "opps", "source",          NULL};
    SocGpu *gpu = &L->soc->gpu;
    const json_t *o;
    char p[JSON_PATH_MAX];
    int64_t upc;
    if (get_group(L, root, "", "gpu", keys, &o, p) < 0 ||
        get_name(L, o, p, "name", &gpu->name) < 0 ||
        json_get_integer(L->doc, o, p, "units_per_cycle", 1, 1 << 20, &upc) <
            0 ||
        get_power(L, o, p, "idle", &gpu->idle_uw) < 0 ||
        load_opps(L, o, p, gpu->opps, &gpu->n_opps) < 0 ||
        get_source(L, o, p, &gpu->source) < 0)
        return -1;
    gpu->units_per_cycle = (uint32_t)upc;
    return 0;
}

static int load_display(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {
        "width_px",      "height_px", "refresh_hz", "off_mw",
        "off_ma",        "on_mw",     "on_ma",      "full_extra_mw",
        "full_extra_ma", "source",    NULL};
    SocDisplay *d = &L->soc->display;
    const json_t *o;
    char p[JSON_PATH_MAX];
    int64_t w, h, hz;
    if (get_group(L, root, "", "display", keys, &o, p) < 0 ||
        json_get_integer(L->doc, o, p, "width_px", 1, 65535, &w) < 0 ||
        json_get_integer(L->doc, o, p, "height_px", 1, 65535, &h) < 0 ||
        json_get_integer(L->doc, o, p, "refresh_hz", 1, 1000, &hz) < 0 ||
        get_power(L, o, p, "off", &d->off_uw) < 0 ||
        get_power(L, o, p, "on", &d->on_uw) < 0 ||
        get_power(L, o, p, "full_extra", &d->full_extra_uw) < 0 ||
        get_source(L, o, p, &d->source) < 0)
        return -1;
    if ((uint64_t)w * (uint64_t)h * 4 > HS_FB_SIZE) {
        char path[JSON_PATH_MAX];
        return json_fail(
            L->doc, json_path_key(path, sizeof path, p, "height_px"),
            "%lld x %lld pixels do not fit the %llu MiB framebuffer",
            (long long)w, (long long)h, (unsigned long long)(HS_FB_SIZE >> 20));
    }
    d->width_px = (uint32_t)w;
    d->height_px = (uint32_t)h;
    d->refresh_hz = (uint32_t)hz;
    return 0;
}

static int load_microphone(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {"wiring", "source", NULL};
    const json_t *o;
    char p[JSON_PATH_MAX];
    int wiring;
    if (get_group(L, root, "", "microphone", keys, &o, p) < 0 ||
        json_get_enum(L->doc, o, p, "wiring", mic_wiring_names, &wiring) < 0 ||
        get_source(L, o, p, &L->soc->mic.source) < 0)
        return -1;
    L->soc->mic.wiring = (SocMicWiring)wiring;
    return 0;
}

static int load_storage(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {"read_latency_per_kib",
                                       "write_latency_per_kib",
                                       "read_energy_per_kib_uj",
                                       "write_energy_per_kib_uj",
                                       "idle_mw",
                                       "idle_ma",
                                       "source",
                                       NULL};
    SocStorage *s = &L->soc->storage;
    const json_t *o;
    char p[JSON_PATH_MAX];
    if (get_group(L, root, "", "storage", keys, &o, p) < 0 ||
        get_period(L, o, p, "read_latency_per_kib", &s->read_ps_per_kib) < 0 ||
        get_period(L, o, p, "write_latency_per_kib", &s->write_ps_per_kib) <
            0 ||
        get_energy_nj(L, o, p, "read_energy_per_kib_uj", &s->read_nj_per_kib) <
            0 ||
        get_energy_nj(L, o, p, "write_energy_per_kib_uj",
                      &s->write_nj_per_kib) < 0 ||
        get_power(L, o, p, "idle", &s->idle_uw) < 0 ||
        get_source(L, o, p, &s->source) < 0)
        return -1;
    return 0;
}

static int load_lte(SocLoader *L, const json_t *radio, const char *rp)
{
    static const char *const keys[] = {"promotion",   "tail",       "drx",
                                       "idle_paging", "throughput", NULL};
    static const char *const promo_keys[] = {"time", "power_mw", "power_ma",
                                             "source", NULL};
    static const char *const tail_keys[] = {"inactivity_timer",
                                            "short_drx_time",
                                            "long_drx_tail",
                                            "power_mw",
                                            "power_ma",
                                            "source",
                                            NULL};
    static const char *const drx_keys[] = {"ping_power_mw",
                                           "ping_power_ma",
                                           "ping_duration",
                                           "short_period",
                                           "long_period",
                                           "source",
                                           NULL};
    static const char *const paging_keys[] = {"ping_power_mw", "ping_power_ma",
                                              "ping_duration", "period",
                                              "source",        NULL};
    static const char *const tput_keys[] = {"alpha_up_mw_per_mbps",
                                            "alpha_down_mw_per_mbps",
                                            "beta_mw",
                                            "beta_ma",
                                            "source",
                                            NULL};
    SocLte *lte = &L->soc->radio.lte;
    const json_t *o, *g;
    char p[JSON_PATH_MAX], gp[JSON_PATH_MAX], path[JSON_PATH_MAX];
    int64_t up, down;
    if (get_group(L, radio, rp, "lte", keys, &o, p) < 0)
        return -1;
    if (get_group(L, o, p, "promotion", promo_keys, &g, gp) < 0 ||
        get_period(L, g, gp, "time", &lte->promotion_ps) < 0 ||
        get_power(L, g, gp, "power", &lte->promotion_uw) < 0 ||
        get_source(L, g, gp, &lte->promotion_source) < 0)
        return -1;
    if (get_group(L, o, p, "tail", tail_keys, &g, gp) < 0 ||
        get_period(L, g, gp, "inactivity_timer", &lte->inactivity_ps) < 0 ||
        get_period(L, g, gp, "short_drx_time", &lte->short_drx_ps) < 0 ||
        get_period(L, g, gp, "long_drx_tail", &lte->long_drx_tail_ps) < 0 ||
        get_power(L, g, gp, "power", &lte->tail_uw) < 0 ||
        get_source(L, g, gp, &lte->tail_source) < 0)
        return -1;
    if (get_group(L, o, p, "drx", drx_keys, &g, gp) < 0 ||
        get_power(L, g, gp, "ping_power", &lte->drx_ping_uw) < 0 ||
        get_period(L, g, gp, "ping_duration", &lte->drx_ping_ps) < 0 ||
        get_period(L, g, gp, "short_period", &lte->drx_short_period_ps) < 0 ||
        get_period(L, g, gp, "long_period", &lte->drx_long_period_ps) < 0 ||
        get_source(L, g, gp, &lte->drx_source) < 0)
        return -1;
    if (lte->drx_ping_ps > lte->drx_short_period_ps)
        return json_fail(L->doc,
                         json_path_key(path, sizeof path, gp, "ping_duration"),
                         "must not be longer than short_period");
    if (get_group(L, o, p, "idle_paging", paging_keys, &g, gp) < 0 ||
        get_power(L, g, gp, "ping_power", &lte->idle_ping_uw) < 0 ||
        get_period(L, g, gp, "ping_duration", &lte->idle_ping_ps) < 0 ||
        get_period(L, g, gp, "period", &lte->idle_period_ps) < 0 ||
        get_source(L, g, gp, &lte->idle_ping_source) < 0)
        return -1;
    if (lte->idle_ping_ps > lte->idle_period_ps)
        return json_fail(L->doc,
                         json_path_key(path, sizeof path, gp, "ping_duration"),
                         "must not be longer than period");
    if (get_group(L, o, p, "throughput", tput_keys, &g, gp) < 0 ||
        json_get_scaled(L->doc, g, gp, "alpha_up_mw_per_mbps", 3,
                        JSON_NUM_NONNEGATIVE, &up) < 0 ||
        json_get_scaled(L->doc, g, gp, "alpha_down_mw_per_mbps", 3,
                        JSON_NUM_NONNEGATIVE, &down) < 0 ||
        get_power(L, g, gp, "beta", &lte->beta_uw) < 0 ||
        get_source(L, g, gp, &lte->throughput_source) < 0)
        return -1;
    lte->alpha_up_uw_per_mbps = (uint64_t)up;
    lte->alpha_down_uw_per_mbps = (uint64_t)down;
    return 0;
}

static int load_radio(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {"idle", "lte", NULL};
    static const char *const idle_keys[] = {"power_mw", "power_ma", "source",
                                            NULL};
    SocRadio *r = &L->soc->radio;
    const json_t *o, *g;
    char p[JSON_PATH_MAX], gp[JSON_PATH_MAX];
    if (get_group(L, root, "", "radio", keys, &o, p) < 0 ||
        get_group(L, o, p, "idle", idle_keys, &g, gp) < 0 ||
        get_power(L, g, gp, "power", &r->idle_uw) < 0 ||
        get_source(L, g, gp, &r->idle_source) < 0)
        return -1;
    return load_lte(L, o, p);
}

static int load_platform(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {
        "iommu", "trustzone", "virtualization_extensions", "source", NULL};
    SocPlatform *pf = &L->soc->platform;
    const json_t *o;
    char p[JSON_PATH_MAX];
    if (get_group(L, root, "", "platform", keys, &o, p) < 0 ||
        json_get_bool(L->doc, o, p, "iommu", &pf->iommu) < 0 ||
        json_get_bool(L->doc, o, p, "trustzone", &pf->trustzone) < 0 ||
        json_get_bool(L->doc, o, p, "virtualization_extensions",
                      &pf->virtualization_extensions) < 0 ||
        get_source(L, o, p, &pf->source) < 0)
        return -1;
    return 0;
}

/* ---- device models ---------------------------------------------------
 * The "devices" group and each of its members are optional; what is left
 * out takes these defaults, each with its source. */

#define SOC_DEFAULT_MIC_SOURCE                                                 \
    "default (soc.c): estimate: a speech-level 440 Hz tone (peak 8000) over "  \
    "noise (peak 300), a FIFO of 4 frames (80 ms at 20 ms frames) so a "       \
    "reader a few frames late loses nothing; 0 mW, the microphone's bias "     \
    "is inside dsp.audio"
#define SOC_DEFAULT_AUDIO_SOURCE                                               \
    "default (soc.c): Nexus 5 power_profile.xml dsp.audio 0.1 mA "             \
    "(PARAMS.md) at the battery's nominal voltage"
#define SOC_DEFAULT_NET_SOURCE                                                 \
    "default (soc.c): model limit: 256 packets per domain, more than a TCP "   \
    "window of full-size segments so the queue is not the bottleneck"

#define SOC_DEFAULT_BASEBAND_SOURCE                                            \
    "default (soc.c): estimate: 40 mW while the modem's Cortex-A7-class "      \
    "core runs firmware at 800 MHz (Arm quotes the Cortex-A7 at about "        \
    "0.1 mW/MHz in 28 nm, recalled: 80 mW at 800 MHz, halved for a "           \
    "core clocked and powered for control work); 0 mW between runs, its "      \
    "standby is inside the radio's idle and paging figures (AT&T ARO "         \
    "measured the whole phone, base power included)"

static void device_defaults(SocModel *soc)
{
    soc->devices.mic = (SocMicModel){
        .fifo_frames = 4,
        .tone_hz = 440,
        .tone_amplitude = 8000,
        .noise_amplitude = 300,
        .on_uw = 0,
        .source = SOC_DEFAULT_MIC_SOURCE,
    };
    /* 0.1 mA at the battery's voltage in mV gives uW */
    soc->devices.audio = (SocAudioModel){
        .on_uw = (uint64_t)100 * soc->battery.voltage_mv / 1000,
        .source = SOC_DEFAULT_AUDIO_SOURCE,
    };
    soc->devices.net = (SocNetModel){
        .rx_queue_packets = 256,
        .source = SOC_DEFAULT_NET_SOURCE,
    };
    soc->devices.baseband = (SocBasebandModel){
        .run_uw = 40000,
        .sleep_uw = 0,
        .source = SOC_DEFAULT_BASEBAND_SOURCE,
    };
}

static int get_u32(SocLoader *L, const json_t *o, const char *p,
                   const char *key, int64_t min, int64_t max, uint32_t *out)
{
    int64_t v;
    if (json_get_integer(L->doc, o, p, key, min, max, &v) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int load_mic_model(SocLoader *L, const json_t *dev, const char *dp)
{
    static const char *const keys[] = {
        "fifo_frames", "tone_hz",  "tone_amplitude", "noise_amplitude",
        "power_mw",    "power_ma", "source",         NULL};
    SocMicModel *mc = &L->soc->devices.mic;
    const json_t *o;
    char p[JSON_PATH_MAX];
    if (!json_has_key(dev, "mic"))
        return 0;
    if (get_group(L, dev, dp, "mic", keys, &o, p) < 0 ||
        get_u32(L, o, p, "fifo_frames", 1, 1024, &mc->fifo_frames) < 0 ||
        get_u32(L, o, p, "tone_hz", 1, HS_MIC_RATE_HZ / 2 - 1, &mc->tone_hz) <
            0 ||
        get_u32(L, o, p, "tone_amplitude", 0, 32767, &mc->tone_amplitude) < 0 ||
        get_u32(L, o, p, "noise_amplitude", 0, 32767, &mc->noise_amplitude) <
            0 ||
        get_power(L, o, p, "power", &mc->on_uw) < 0 ||
        get_source(L, o, p, &mc->source) < 0)
        return -1;
    return 0;
}

static int load_audio_model(SocLoader *L, const json_t *dev, const char *dp)
{
    static const char *const keys[] = {"power_mw", "power_ma", "source", NULL};
    SocAudioModel *ac = &L->soc->devices.audio;
    const json_t *o;
    char p[JSON_PATH_MAX];
    if (!json_has_key(dev, "audio"))
        return 0;
    if (get_group(L, dev, dp, "audio", keys, &o, p) < 0 ||
        get_power(L, o, p, "power", &ac->on_uw) < 0 ||
        get_source(L, o, p, &ac->source) < 0)
        return -1;
    return 0;
}

static int load_net_model(SocLoader *L, const json_t *dev, const char *dp)
{
    static const char *const keys[] = {"rx_queue_packets", "source", NULL};
    SocNetModel *nc = &L->soc->devices.net;
    const json_t *o;
    char p[JSON_PATH_MAX];
    if (!json_has_key(dev, "net"))
        return 0;
    if (get_group(L, dev, dp, "net", keys, &o, p) < 0 ||
        get_u32(L, o, p, "rx_queue_packets", 1, 65536, &nc->rx_queue_packets) <
            0 ||
        get_source(L, o, p, &nc->source) < 0)
        return -1;
    return 0;
}

static int load_baseband_model(SocLoader *L, const json_t *dev, const char *dp)
{
    static const char *const keys[] = {"run_mw",   "run_ma", "sleep_mw",
                                       "sleep_ma", "source", NULL};
    SocBasebandModel *bc = &L->soc->devices.baseband;
    const json_t *o;
    char p[JSON_PATH_MAX];
    if (!json_has_key(dev, "baseband"))
        return 0;
    if (get_group(L, dev, dp, "baseband", keys, &o, p) < 0 ||
        get_power(L, o, p, "run", &bc->run_uw) < 0 ||
        get_power(L, o, p, "sleep", &bc->sleep_uw) < 0 ||
        get_source(L, o, p, &bc->source) < 0)
        return -1;
    return 0;
}

static int load_devices(SocLoader *L, const json_t *root)
{
    static const char *const keys[] = {"mic", "audio", "net", "baseband", NULL};
    const json_t *o;
    char p[JSON_PATH_MAX];
    device_defaults(L->soc);
    if (!json_has_key(root, "devices"))
        return 0;
    if (get_group(L, root, "", "devices", keys, &o, p) < 0 ||
        load_mic_model(L, o, p) < 0 || load_audio_model(L, o, p) < 0 ||
        load_net_model(L, o, p) < 0 || load_baseband_model(L, o, p) < 0)
        return -1;
    return 0;
}

/* ---- entry points --------------------------------------------------- */

SocModel *soc_from_doc(JsonDoc *doc)
{
    static const char *const keys[] = {
        "format", "name",     "description", "battery",    "clusters",
        "cpu",    "gpu",      "display",     "microphone", "storage",
        "radio",  "platform", "devices",     NULL};
    SocLoader L = {.doc = doc, .soc = calloc(1, sizeof(SocModel))};
    const json_t *root = doc->root;
    const char *format;
    if (!L.soc) {
        json_fail(doc, "", "out of memory");
        return NULL;
    }
    if (!json_is_object(root)) {
        json_fail(doc, "", "expected an object at the top level");
        goto fail;
    }
    if (json_check_keys(doc, root, "", keys) < 0 ||
        json_get_string(doc, root, "", "format", &format) < 0)
        goto fail;
    if (strcmp(format, SOC_FORMAT) != 0) {
        json_fail(doc, "format", "expected \"%s\" (got \"%s\")", SOC_FORMAT,
                  format);
        goto fail;
    }
    L.soc->file = keep(&L, "", doc->file);
    if (!L.soc->file || get_name(&L, root, "", "name", &L.soc->name) < 0 ||
        get_text(&L, root, "", "description", &L.soc->description) < 0 ||
        load_battery(&L, root) < 0 || load_clusters(&L, root) < 0 ||
        load_cpu(&L, root) < 0 || load_gpu(&L, root) < 0 ||
        load_display(&L, root) < 0 || load_microphone(&L, root) < 0 ||
        load_storage(&L, root) < 0 || load_radio(&L, root) < 0 ||
        load_platform(&L, root) < 0 || load_devices(&L, root) < 0)
        goto fail;
    return L.soc;

fail:
    soc_free(L.soc);
    return NULL;
}

SocModel *soc_load(const char *path, char *err, size_t err_size)
{
    JsonDoc *doc = json_doc_load_file(path, err, err_size);
    if (!doc)
        return NULL;
    SocModel *soc = soc_from_doc(doc);
    if (!soc)
        snprintf(err, err_size, "%s", json_doc_error(doc));
    json_doc_free(doc);
    return soc;
}

int soc_resolve_path(const char *name_or_path, char *buf, size_t size,
                     char *err, size_t err_size)
{
    size_t len = strlen(name_or_path);
    bool is_path = strchr(name_or_path, '/') != NULL ||
                   (len >= 5 && strcmp(name_or_path + len - 5, ".json") == 0);
    if (is_path) {
        int n = snprintf(buf, size, "%s", name_or_path);
        if (n < 0 || (size_t)n >= size) {
            snprintf(err, err_size, "%s: path is too long", name_or_path);
            return -1;
        }
        return 0;
    }
    char dir[PATH_MAX];
    if (datadir_path("soc_models", dir, sizeof dir, err, err_size) < 0)
        return -1;
    int n = snprintf(buf, size, "%s/%s.json", dir, name_or_path);
    if (n < 0 || (size_t)n >= size) {
        snprintf(err, err_size, "%s: path is too long", name_or_path);
        return -1;
    }
    if (access(buf, R_OK) != 0) {
        snprintf(err, err_size,
                 "no shipped SoC named \"%s\" in %s (see 'handset list "
                 "socs')",
                 name_or_path, dir);
        return -1;
    }
    return 0;
}
