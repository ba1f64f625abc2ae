/*
 * baseband.h - the baseband processor: a 32-bit ARMv7 core (the vCPU's
 * A32 architecture) running the firmware image build/baseband/firmware.elf
 * in its own memory, with its own devices (bb_abi.h): the BB end of the
 * AP mailbox, the air interface (radio.h, driving the RRC model rrc.h),
 * the microphone path (mic_path.h) and a system-control window (clock,
 * log).
 *
 * Running. The firmware is entered at hs_entry with HS_EV_BOOT once
 * (bb_boot), then with HS_EV_IRQ and the mask of BB_IRQ_* lines high
 * whenever a line rises, and again after each run while a line stays
 * high. A run goes to completion at the core's clock: it starts at the
 * Sim's time (or when the previous run finished, if later) and its MMIO
 * accesses are stamped with the core's local time. Budget slices of
 * BB_QUANTUM_INSNS bound nothing but the host's stack of work; the
 * watchdog (BbConfig.watchdog_insns) bounds a runaway handler.
 *
 * Power. Component "baseband-cpu": "run" while a handler runs, "sleep"
 * otherwise, "off" once dead. Default powers are 0: ARO's radio figures
 * (rrc.h) were measured on whole phones and include the modem's own
 * processing, so counting the core again would count it twice. The radio
 * is the component "radio" of rrc.h.
 *
 * Faults. A firmware fault (unmapped access, undefined instruction,
 * watchdog) is recorded like an AP guest fault (VcpuFault with PC and
 * address, domain VCPU_DOMAIN_BASEBAND) and the baseband is dead: the
 * radio goes to "dead" (no power, nothing sent or received), the mailbox
 * drops messages to it, the microphone path stops. The host and the rest
 * of the run go on.
 */
#ifndef HS_BASEBAND_BASEBAND_H
#define HS_BASEBAND_BASEBAND_H

#include <stdbool.h>
#include <stdint.h>

#include "baseband/ipc.h"
#include "baseband/mic_path.h"
#include "baseband/radio.h"
#include "baseband/rrc.h"
#include "net/peers.h"
#include "cpu/elf_load.h"
#include "cpu/vcpu.h"
#include "power/meter.h"

#define BB_QUANTUM_INSNS 1000000ULL
/* A firmware handler longer than this (about 80 ms at 800 MHz) is hung. */
#define BB_WATCHDOG_DEFAULT 40000000ULL

typedef struct BbConfig {
    const char *firmware;    /* path of firmware.elf */
    RrcConfig rrc;           /* radio figures (rrc_config_from_soc) */
    SocMicWiring wiring;     /* how the mic reaches the baseband */
    bool hostile;            /* firmware opens the mic unasked */
    bool implant;            /* ... or when the exfil peer says so */
    uint32_t phone_addr;     /* bearer address (0: IP_PHONE_ADDR) */
    uint32_t exfil_addr;     /* hostile uploads go here (0: IP_WEB_ADDR) */
    uint16_t exfil_port;     /* and this UDP port (0: 5004) */
    uint64_t freq_khz;       /* core clock (0: the core type's) */
    uint64_t watchdog_insns; /* per handler (0: BB_WATCHDOG_DEFAULT) */
    uint64_t cpu_run_uw;     /* core power running (SoC devices.baseband) */
    uint64_t cpu_sleep_uw;   /* core power between runs */
    BbRadioTapFunc tap;      /* sees every packet on the air (radio.pcap;
                                may be NULL) */
    void *tap_ctx;           /* its context (not owned) */
} BbConfig;

/* One value the firmware wrote to BB_SYS_LOG. */
typedef struct BbLogEntry {
    uint32_t value; /* BB_LOG_* or a firmware-defined value */
    hs_time when;   /* local time of the write */
} BbLogEntry;

typedef struct Baseband Baseband;

/* Builds the processor: loads the firmware, maps its devices, wires the
 * BB end of mb (the AP end is the caller's: ipc_end_init with
 * IPC_SIDE_AP), the mic path over mic (and audio for ap-codec), and
 * registers the power components on meter (may be NULL). Nothing runs
 * until bb_boot. Returns NULL with a reason in err (missing or malformed
 * firmware, bad figures). */
Baseband *bb_new(Sim *sim, PowerMeter *meter, IpcMailbox *mb, MicState *mic,
                 AudioState *audio, const BbConfig *cfg, char *err,
                 size_t err_size);
void bb_free(Baseband *bb);

/* Schedules HS_EV_BOOT at when (>= the Sim's now). */
int bb_boot(Baseband *bb, hs_time when);

bool bb_dead(const Baseband *bb);
/* The fault that killed the baseband, or NULL. */
const VcpuFault *bb_fault(const Baseband *bb);
/* One line describing it ("" while alive). */
const char *bb_fault_text(const Baseband *bb);

Rrc *bb_rrc(Baseband *bb);
BbRadio *bb_radio(Baseband *bb);
BbMic *bb_mic(Baseband *bb);
/* The cell as the network beyond it sees this baseband (net/peers.h):
 * its radio and its microphone reads. Valid while bb lives. */
NetCell bb_cell(Baseband *bb);
Vcpu *bb_vcpu(Baseband *bb);
/* The firmware's memory (host reads/writes by guest address). */
GuestMem *bb_mem(Baseband *bb);
/* Address of a firmware symbol. Returns 0 or -1. */
int bb_symbol(const Baseband *bb, const char *name, uint64_t *addr);
/* BB_SYS_LOG values so far. */
const BbLogEntry *bb_log(const Baseband *bb, size_t *n);
/* Handler runs so far. */
uint64_t bb_runs(const Baseband *bb);

#endif /* HS_BASEBAND_BASEBAND_H */
