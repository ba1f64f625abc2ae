/*
 * bb_rig.c - see bb_rig.h.
 */
#include "bb_rig.h"

#include <stdio.h>
#include <string.h>

#define AP_BUF 0x40000000ULL

static uint32_t ap_recv(BbRig *r)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    uint64_t v = 0;
    bus_write(&r->ap_bus, HS_MMIO_BBIPC + HS_BBIPC_RX_ADDR, AP_BUF + 4096, 8,
              &acc);
    if (r->mb.to[IPC_SIDE_AP].count == 0)
        return 0;
    bus_write(&r->ap_bus, HS_MMIO_BBIPC + HS_BBIPC_RX_POP, 1, 4, &acc);
    bus_read(&r->ap_bus, HS_MMIO_BBIPC + HS_BBIPC_RX_POP, 4, &acc, &v);
    return (uint32_t)v;
}

static void ap_send(BbRig *r, uint16_t type, uint32_t call)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    uint32_t len = ipc_msg_build(r->ap_mem, 4096, type, call, 0, NULL, 0);
    bus_write(&r->ap_bus, HS_MMIO_BBIPC + HS_BBIPC_TX_ADDR, AP_BUF, 8, &acc);
    bus_write(&r->ap_bus, HS_MMIO_BBIPC + HS_BBIPC_TX_LEN, len, 4, &acc);
}

static void on_answer(Sim *sim, void *ctx, hs_time now)
{
    BbRig *r = ctx;
    (void)sim;
    /* the phone app: speech path mic -> baseband, then ANSWER */
    audio_set_route(&r->audio, HS_AUDIO_ROUTE_BB, 0, now);
    mic_set_capture(&r->mic, true, 0, now);
    ap_send(r, HS_BBMSG_MIC_OPEN, r->ringing_call);
    ap_send(r, HS_BBMSG_ANSWER, r->ringing_call);
}

static void on_ap_hangup(Sim *sim, void *ctx, hs_time now)
{
    BbRig *r = ctx;
    (void)sim;
    (void)now;
    ap_send(r, HS_BBMSG_HANGUP, r->ringing_call);
}

static void on_ap(Sim *sim, void *ctx, hs_time now)
{
    BbRig *r = ctx;
    (void)sim;
    uint32_t len;
    const uint8_t *m = r->ap_mem + 4096;
    while ((len = ap_recv(r)) != 0) {
        uint16_t type = ipc_msg_type(m, len);
        uint32_t call = ipc_msg_call(m, len);
        if (type == HS_BBMSG_RING) {
            r->rings++;
            r->ring_at = now;
            r->ringing_call = call;
            uint32_t n = ipc_msg_payload_bytes(m, len);
            if (n >= sizeof r->caller)
                n = sizeof r->caller - 1;
            memcpy(r->caller, m + HS_BBMSG_HEADER_BYTES, n);
            r->caller[n] = 0;
            if (r->answer_after_ps)
                sim_schedule_at(r->sim, &r->answer_ev,
                                now + r->answer_after_ps);
            else
                ap_send(r, HS_BBMSG_HANGUP, call);
        } else if (type == HS_BBMSG_CALL_STATE) {
            uint32_t st = ipc_msg_arg(m, len);
            if (st == HS_CALL_ST_ACTIVE) {
                r->actives++;
                r->active_at = now;
                if (r->hangup_after_ps)
                    sim_schedule_at(r->sim, &r->hangup_ev,
                                    now + r->hangup_after_ps);
            } else if (st == HS_CALL_ST_IDLE) {
                r->idles++;
                r->idle_at = now;
                sim_cancel(r->sim, &r->hangup_ev);
                audio_set_route(&r->audio, 0, 0, now);
                mic_set_capture(&r->mic, false, 0, now);
                ap_send(r, HS_BBMSG_MIC_CLOSE, call);
            }
        }
    }
}

static void on_doorbell(void *ctx, int line, bool level)
{
    BbRig *r = ctx;
    (void)line;
    if (level && !sim_event_pending(&r->ap_ev))
        sim_schedule_at(r->sim, &r->ap_ev, sim_now(r->sim));
}

int bb_rig_init(BbRig *r, SocMicWiring wiring, const char *firmware,
                const char *soc_path, const char *pcap_path, char *err,
                size_t err_size)
{
    memset(r, 0, sizeof *r);
    r->soc = soc_load(soc_path, err, err_size);
    if (!r->soc)
        return -1;
    r->sim = sim_new(11);
    r->meter = power_meter_new(2);
    r->mic_buf = (DmaBuffer){AP_BUF, r->mic_mem, sizeof r->mic_mem};
    dma_buffer_init(&r->mic_dma, &r->mic_buf);
    MicConfig mc = {.fifo_frames = 4,
                    .tone_hz = 440,
                    .tone_amplitude = 8000,
                    .noise_amplitude = 300};
    if (mic_init(&r->mic, "mic", &mc, &r->mic_dma, NULL, err, err_size) < 0 ||
        r->mic.dev.ops->realize(&r->mic.dev, r->sim) < 0)
        return -1;
    AudioConfig ac = {.on_uw = 380};
    audio_init(&r->audio, "audio", &ac, NULL);
    mic_set_output(&r->mic, audio_route_frame, &r->audio);
    audio_set_ap_sink(&r->audio, mic_fifo_push, &r->mic);
    ipc_mailbox_init(&r->mb);
    r->ap_buf = (DmaBuffer){AP_BUF, r->ap_mem, sizeof r->ap_mem};
    dma_buffer_init(&r->ap_dma, &r->ap_buf);
    ipc_end_init(&r->ap, "bbipc", &r->mb, IPC_SIDE_AP, &r->ap_dma);
    bus_init(&r->ap_bus);
    bus_map(&r->ap_bus, &r->ap.dev, HS_MMIO_BBIPC, HS_MMIO_WINDOW);
    sim_event_init(&r->ap_ev, "ap-phone", on_ap, r, 1);
    sim_event_init(&r->answer_ev, "ap-answer", on_answer, r, 1);
    sim_event_init(&r->hangup_ev, "ap-hangup", on_ap_hangup, r, 1);
    irq_connect(&r->mb.doorbell[IPC_SIDE_AP], on_doorbell, r, HS_IRQ_BBIPC);
    if (pcap_path) {
        r->pcap =
            pcap_writer_open(pcap_path, PCAP_WRITER_ATOMIC, err, err_size);
        if (!r->pcap)
            return -1;
    }
    BbConfig cfg = {.firmware = firmware,
                    .wiring = wiring,
                    .tap = r->pcap ? pcap_writer_tap : NULL,
                    .tap_ctx = r->pcap,
                    .cpu_run_uw = r->soc->devices.baseband.run_uw,
                    .cpu_sleep_uw = r->soc->devices.baseband.sleep_uw};
    rrc_config_from_soc(&cfg.rrc, r->soc);
    r->bb = bb_new(r->sim, r->meter, &r->mb, &r->mic, &r->audio, &cfg, err,
                   err_size);
    if (!r->bb)
        return -1;
    NetCell cell = bb_cell(r->bb);
    if (peers_init(&r->peers, r->sim, &cell, NULL, err, err_size) < 0)
        return -1;
    bb_radio_set_net(bb_radio(r->bb), peers_uplink, &r->peers);
    return bb_boot(r->bb, 0);
}

int bb_rig_free(BbRig *r, char *err, size_t err_size)
{
    int rc = 0;
    if (r->bb)
        peers_free(&r->peers);
    bb_free(r->bb);
    if (r->pcap && pcap_writer_close(r->pcap, err, err_size) < 0)
        rc = -1;
    if (r->sim) {
        sim_cancel(r->sim, &r->ap_ev);
        sim_cancel(r->sim, &r->answer_ev);
        sim_cancel(r->sim, &r->hangup_ev);
    }
    if (r->mic.dev.ops)
        r->mic.dev.ops->destroy(&r->mic.dev);
    bus_free(&r->ap_bus);
    power_meter_free(r->meter);
    sim_free(r->sim);
    soc_free(r->soc);
    return rc;
}
