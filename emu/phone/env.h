/*
 * env.h - what one run hands the parts that model the phone around
 * the machine (the modem and its calls, the kernel's network stack, the
 * display path): the scenario, the machine with its event kernel and
 * power meter, and the observers they report to.
 *
 * A part is built after the machine and before the first event, gets the
 * scenario's event rules it owns as they fire (at their jittered time),
 * and is finished once at the end of the run, when it adds what it
 * measured to the results. Parts never write a metric of their own
 * invention: latencies are differences of simulated timestamps reported
 * through env->latency, flows go to env->flows, energy is on the meter.
 *
 * Observers may be absent (pcap, frames NULL) and never steer: the same
 * run with and without them is the same run.
 */
#ifndef HS_PHONE_ENV_H
#define HS_PHONE_ENV_H

#include <stddef.h>

#include "flow/monitor.h"
#include "out/pcap.h"
#include "out/results.h"
#include "out/frames.h"
#include "config/scenario.h"
#include "machine/machine.h"

/* Records one latency sample in ps under a results name ("call.ring"). */
typedef void (*RunLatencyFunc)(void *ctx, const char *name, hs_time sample);

/* The state of the run's part called name ("modem", "display"), or NULL
 * when the run has not created it: parts that share hardware find each
 * other here. Parts are created in run.c's order, so a part looks up one
 * created after it at action time, not in create. */
typedef void *(*RunPartFunc)(void *ctx, const char *name);

typedef struct RunEnv {
    const Scenario *sc;     /* the scenario */
    int variant;            /* index into sc->variants */
    const SocModel *soc;    /* the variant's SoC */
    SocMicWiring wiring;    /* the variant's microphone wiring */
    int mic_policy;         /* the variant's ScenarioMicPolicy */
    Machine *m;             /* the machine (its Sim and PowerMeter) */
    FlowMonitor *flows;     /* explicit flows, never NULL */
    PcapWriter *pcap;       /* radio.pcap, or NULL */
    FrameRecorder *frames;  /* the panel's frames, or NULL */
    const char *firmware;   /* build/baseband/firmware.elf */
    RunLatencyFunc latency; /* never NULL */
    void *latency_ctx;      /* its context */
    RunPartFunc part;       /* never NULL */
    void *part_ctx;         /* its context */
} RunEnv;

#endif /* HS_PHONE_ENV_H */
