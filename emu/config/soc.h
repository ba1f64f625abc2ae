/*
 * soc.h - SoC descriptions: the SocModel every other part reads (device
 * models, the power meter, the baseband's RRC machine) and its loader for
 * `handset-soc/1` files (soc_models/README.md documents the format).
 *
 * Every figure is an integer in the unit its name says: frequencies in
 * kHz, power in microwatts (uW), energy in nanojoules (nJ), time in
 * picoseconds (hs_time), sizes in bytes or pixels. Power the file gives
 * in mA is converted at the battery's nominal voltage: uW = mA * mV,
 * computed exactly from the decimal text and rounded once, half away from
 * zero. Every group of figures keeps the "source" text from the file.
 */
#ifndef HS_CONFIG_SOC_H
#define HS_CONFIG_SOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/json.h"
#include "sim/time.h"

#define SOC_FORMAT "handset-soc/1" /* value of the "format" key */
#define SOC_MAX_CLUSTERS 8         /* CPU clusters (frequency domains) */
#define SOC_MAX_OPPS 32            /* operating points per table */

/* How the microphone reaches the processors. */
typedef enum SocMicWiring {
    SOC_MIC_BASEBAND_DIRECT = 0, /* the baseband reads the mic itself */
    SOC_MIC_AP_CODEC = 1,        /* only through the AP's audio codec */
} SocMicWiring;

/* One operating point of a CPU cluster or the GPU. */
typedef struct SocOpp {
    uint32_t freq_khz;  /* clock frequency, kHz (> 0, strictly rising) */
    uint64_t active_uw; /* power while busy at this OPP, uW (see below) */
    const char *source; /* where the figures come from */
} SocOpp;

/* A CPU cluster: cores sharing one frequency domain and OPP table.
 * opps[i].active_uw is the power one busy core adds at that OPP on top of
 * the CPU awake-idle power (Android power_profile cpu.active meaning). */
typedef struct SocCluster {
    const char *name;          /* cluster name, e.g. "little" */
    const char *core_type;     /* core micro-architecture, e.g. "cortex-a55" */
    uint32_t cores;            /* number of cores (> 0) */
    uint32_t cpi_milli;        /* average cycles per instruction x 1000 */
    size_t n_opps;             /* entries used in opps */
    SocOpp opps[SOC_MAX_OPPS]; /* OPP table, strictly rising frequency */
    const char *source;        /* source of cores, core type and CPI */
} SocCluster;

/* Whole-CPU power states and AP suspend/resume transitions. */
typedef struct SocCpu {
    uint64_t awake_idle_uw;        /* AP awake (wakelock held), no work, uW */
    const char *awake_idle_source; /* source of awake_idle_uw */
    uint64_t suspend_uw;           /* AP suspended, uW */
    const char *suspend_source;    /* source of suspend_uw */
    hs_time suspend_entry_ps;      /* time to enter suspend, ps */
    uint64_t suspend_entry_nj;     /* energy spent entering suspend, nJ */
    const char *suspend_entry_source; /* source of the two above */
    hs_time resume_ps;                /* time to resume from suspend, ps */
    uint64_t resume_nj;               /* energy spent resuming, nJ */
    const char *resume_source;        /* source of the two above */
    hs_time autosleep_delay_ps;       /* no wakelock this long: suspend */
    const char *autosleep_source;     /* source of autosleep_delay_ps */
    hs_time governor_rate_limit_ps;   /* DVFS governor period, ps */
    uint32_t governor_headroom_pct;   /* frequency headroom, 125 = 1.25 */
    const char *governor_source;      /* source of the two above */
} SocCpu;

/* The GPU: one frequency domain; a job of N work units takes
 * N / (units_per_cycle * freq) at the current OPP. */
typedef struct SocGpu {
    const char *name;          /* GPU name, e.g. "adreno-330" */
    uint32_t units_per_cycle;  /* work units completed per GPU clock cycle */
    uint64_t idle_uw;          /* power while powered but idle, uW */
    size_t n_opps;             /* entries used in opps */
    SocOpp opps[SOC_MAX_OPPS]; /* active power = total GPU power busy */
    const char *source;        /* source of name, throughput and idle */
} SocGpu;

/* The display panel. Power at brightness b in [0,1] is
 * on_uw + b * full_extra_uw (power_profile screen.on / screen.full). */
typedef struct SocDisplay {
    uint32_t width_px;      /* horizontal resolution */
    uint32_t height_px;     /* vertical resolution */
    uint32_t refresh_hz;    /* refresh rate */
    uint64_t off_uw;        /* panel off, uW */
    uint64_t on_uw;         /* on at minimum brightness, uW */
    uint64_t full_extra_uw; /* added at maximum brightness, uW */
    const char *source;     /* source of these figures */
} SocDisplay;

/* The microphone's wiring. */
typedef struct SocMicrophone {
    SocMicWiring wiring; /* who can read the microphone */
    const char *source;  /* why this wiring */
} SocMicrophone;

/* The device models' own figures (the "devices" group; every figure has
 * a source, and a group the file leaves out takes soc.c's defaults,
 * which carry theirs). */
typedef struct SocMicModel {
    uint32_t fifo_frames;     /* frames the capture FIFO holds, >= 1 */
    uint32_t tone_hz;         /* the test tone, < HS_MIC_RATE_HZ / 2 */
    uint32_t tone_amplitude;  /* peak of the tone, 0..32767 */
    uint32_t noise_amplitude; /* peak of the noise, 0..32767 */
    uint64_t on_uw;           /* power while capturing, uW */
    const char *source;       /* source of these figures */
} SocMicModel;

typedef struct SocAudioModel {
    uint64_t on_uw;     /* DSP power while any route is on, uW */
    const char *source; /* source of on_uw */
} SocAudioModel;

typedef struct SocNetModel {
    uint32_t rx_queue_packets; /* per-domain RX queue depth, >= 1 */
    const char *source;        /* source of the depth */
} SocNetModel;

/* The baseband processor's core (its firmware runs and idles on it). */
typedef struct SocBasebandModel {
    uint64_t run_uw;    /* while a firmware handler runs, uW */
    uint64_t sleep_uw;  /* between runs (waiting for an interrupt), uW */
    const char *source; /* source of the two */
} SocBasebandModel;

typedef struct SocDevices {
    SocMicModel mic;           /* "devices.mic" */
    SocAudioModel audio;       /* "devices.audio" */
    SocNetModel net;           /* "devices.net" */
    SocBasebandModel baseband; /* "devices.baseband" */
} SocDevices;

/* Flash storage: cost per KiB transferred. */
typedef struct SocStorage {
    hs_time read_ps_per_kib;   /* read latency per KiB, ps */
    hs_time write_ps_per_kib;  /* write latency per KiB, ps */
    uint64_t read_nj_per_kib;  /* read energy per KiB, nJ */
    uint64_t write_nj_per_kib; /* write energy per KiB, nJ */
    uint64_t idle_uw;          /* idle power, uW */
    const char *source;        /* source of these figures */
} SocStorage;

/* LTE RRC power model (AT&T ARO lte.conf; Huang et al., MobiSys 2012). */
typedef struct SocLte {
    hs_time promotion_ps;            /* RRC_IDLE -> RRC_CONNECTED, ps */
    uint64_t promotion_uw;           /* power during promotion, uW */
    const char *promotion_source;    /* source of the two above */
    hs_time inactivity_ps;           /* connected, no data, before short DRX */
    hs_time short_drx_ps;            /* time spent in short DRX */
    hs_time long_drx_tail_ps;        /* long-DRX tail before RRC_IDLE */
    uint64_t tail_uw;                /* connected, no data (tail) power, uW */
    const char *tail_source;         /* source of the tail figures */
    uint64_t drx_ping_uw;            /* DRX on-duration power, uW */
    hs_time drx_ping_ps;             /* DRX on-duration, ps */
    hs_time drx_short_period_ps;     /* DRX cycle in short DRX, ps */
    hs_time drx_long_period_ps;      /* DRX cycle in long DRX, ps */
    const char *drx_source;          /* source of the DRX figures */
    uint64_t idle_ping_uw;           /* RRC_IDLE paging-occasion power, uW */
    hs_time idle_ping_ps;            /* paging-occasion length, ps */
    hs_time idle_period_ps;          /* paging cycle, ps */
    const char *idle_ping_source;    /* source of the paging figures */
    uint64_t alpha_up_uw_per_mbps;   /* uplink power per Mbit/s, uW */
    uint64_t alpha_down_uw_per_mbps; /* downlink power per Mbit/s, uW */
    uint64_t beta_uw;                /* base power while transferring, uW */
    const char *throughput_source;   /* source of alpha and beta */
} SocLte;

/* The cellular radio. */
typedef struct SocRadio {
    uint64_t idle_uw;        /* radio on, camped, between pings, uW */
    const char *idle_source; /* source of idle_uw */
    SocLte lte;              /* LTE RRC parameters */
} SocRadio;

/* Hardware features approaches depend on. */
typedef struct SocPlatform {
    bool iommu;                     /* DMA isolation (SMMU) present */
    bool trustzone;                 /* secure world available */
    bool virtualization_extensions; /* EL2 / hypervisor mode usable */
    const char *source;             /* source of these facts */
} SocPlatform;

/* The battery. */
typedef struct SocBattery {
    uint32_t capacity_mah; /* rated capacity, mAh */
    uint32_t voltage_mv;   /* nominal voltage, mV */
    const char *source;    /* source of these figures */
} SocBattery;

/* A loaded SoC description. Strings are owned by the model. */
typedef struct SocModel {
    const char *file;        /* file it was loaded from */
    const char *name;        /* "ref-2013" */
    const char *description; /* one line for `handset list socs` */
    SocBattery battery;      /* battery */
    size_t n_clusters;       /* entries used in clusters */
    SocCluster clusters[SOC_MAX_CLUSTERS]; /* CPU clusters */
    SocCpu cpu;           /* CPU-wide power states and suspend */
    SocGpu gpu;           /* GPU */
    SocDisplay display;   /* display */
    SocMicrophone mic;    /* microphone wiring */
    SocStorage storage;   /* storage */
    SocRadio radio;       /* cellular radio */
    SocPlatform platform; /* platform features */
    SocDevices devices;   /* device models' figures */
    char **owned;         /* every string above, for soc_free */
    size_t n_owned;       /* entries in owned */
} SocModel;

/*
 * Loads and validates a SoC description file. Returns a new model the
 * caller frees with soc_free, or NULL with "FILE:LINE:COLUMN: KEY:
 * MESSAGE" (or "FILE: MESSAGE") in err.
 */
SocModel *soc_load(const char *path, char *err, size_t err_size);

/*
 * Builds a model from a parsed document whose "format" is SOC_FORMAT.
 * Returns NULL on the first error, which is stored in doc (see json.h).
 * The model copies what it keeps; doc stays owned by the caller.
 */
SocModel *soc_from_doc(JsonDoc *doc);

/*
 * Turns what a user gives to --soc into a file path: a value containing
 * '/' or ending in ".json" is a path and is copied as is; anything else
 * is a shipped name, DATADIR/soc_models/NAME.json (see datadir.h).
 * Returns 0, or -1 with a reason in err (no data directory, or a shipped
 * name that does not exist, listing `handset list socs` as the remedy).
 */
int soc_resolve_path(const char *name_or_path, char *buf, size_t size,
                     char *err, size_t err_size);

/* Frees a model. NULL is allowed. */
void soc_free(SocModel *soc);

/* "baseband-direct" or "ap-codec". */
const char *soc_mic_wiring_name(SocMicWiring wiring);

/* Total cores over all clusters. */
uint32_t soc_total_cores(const SocModel *soc);

#endif /* HS_CONFIG_SOC_H */
