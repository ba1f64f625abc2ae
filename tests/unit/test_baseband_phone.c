/*
 * test_baseband_phone.c - an incoming call answered by guest code: the
 * AP domain's image (guest/apps/phone) runs on an AArch64 vCPU and serves
 * the mailbox's doorbell; the baseband firmware runs on its ARMv7 core;
 * the IMS peer calls. The mic is wired to the baseband (baseband-direct):
 * the firmware opens it when the phone app says MIC_OPEN (the voice path
 * through the AP, ap-codec, is the modem's: test_modem.c).
 */
#include "harness.h"

#include <string.h>

#include "abi/phone.h"
#include "baseband/baseband.h"
#include "net/peers.h"
#include "cpu/elf_load.h"
#include "config/soc.h"
#include "soc_models/devices/intc.h"

typedef struct Rig {
    SocModel *soc;
    Sim *sim;
    PowerMeter *meter;
    GuestMem *mem;
    ElfImage img;
    Vcpu *v;
    VcpuStdCalls std;
    GuestDma dma;
    Bus bus;
    IntcState intc;
    MicState mic;
    AudioState audio;
    IpcMailbox mb;
    IpcEnd ap;
    Baseband *bb;
    BbPeers peers;
    SimEvent irq_ev;
    int faults;
} Rig;

static int dom_read(void *ctx, int domain, uint64_t addr, void *buf, size_t len)
{
    (void)domain;
    return guest_mem_read(ctx, addr, buf, len);
}

static int dom_write(void *ctx, int domain, uint64_t addr, const void *buf,
                     size_t len)
{
    (void)domain;
    return guest_mem_write(ctx, addr, buf, len);
}

static uint64_t run_event(Rig *r, uint32_t ev, uint64_t a0)
{
    assert_int_equal(vcpu_enter(r->v, ev, a0, 0), 0);
    VcpuRunResult res;
    while ((res = vcpu_run(r->v, 1u << 20)) == VCPU_RUN_PREEMPTED)
        ;
    if (res == VCPU_RUN_FAULT) {
        char line[256];
        vcpu_fault_format(vcpu_fault(r->v), line, sizeof line);
        print_error("%s\n", line);
        r->faults++;
        return 0;
    }
    assert_int_equal(res, VCPU_RUN_DONE);
    return vcpu_result(r->v);
}

/* The AP's doorbell: the domain takes HS_EV_IRQ at the Sim's time. */
static void on_irq_ev(Sim *sim, void *ctx, hs_time now)
{
    Rig *r = ctx;
    (void)sim;
    vcpu_set_time(r->v, now);
    run_event(r, HS_EV_IRQ, 1u << HS_IRQ_BBIPC);
}

static void on_doorbell(void *ctx, int line, bool level)
{
    Rig *r = ctx;
    (void)line;
    if (level && !sim_event_pending(&r->irq_ev))
        sim_schedule_at(r->sim, &r->irq_ev, sim_now(r->sim));
}

static PhoneIo *phone(Rig *r)
{
    return guest_mem_ptr(r->mem, PHONE_IO_ADDR, sizeof(PhoneIo));
}

static void rig_init(Rig *r, uint32_t answer)
{
    char path[512], err[512];
    memset(r, 0, sizeof *r);
    r->soc =
        soc_load(hs_test_path("soc_models/ref-2013.json", path, sizeof path),
                 err, sizeof err);
    assert_non_null(r->soc);
    r->sim = sim_new(3);
    r->meter = power_meter_new(2);
    r->mem = guest_mem_new(NULL);
    assert_non_null(r->mem);
    assert_int_equal(elf_load_domain(hs_test_path("build/guest/domain.elf",
                                                  path, sizeof path),
                                     r->mem, &r->img, err, sizeof err),
                     0);
    r->dma = (GuestDma){.read = dom_read, .write = dom_write, .ctx = r->mem};
    intc_init(&r->intc, "intc");
    MicConfig mc = {.fifo_frames = 4,
                    .tone_hz = 440,
                    .tone_amplitude = 8000,
                    .noise_amplitude = 300};
    assert_int_equal(
        mic_init(&r->mic, "mic", &mc, &r->dma, NULL, err, sizeof err), 0);
    AudioConfig ac = {.on_uw = 380};
    audio_init(&r->audio, "audio", &ac, NULL);
    mic_set_output(&r->mic, audio_route_frame, &r->audio);
    audio_set_ap_sink(&r->audio, mic_fifo_push, &r->mic);
    ipc_mailbox_init(&r->mb);
    ipc_end_init(&r->ap, "bbipc", &r->mb, IPC_SIDE_AP, &r->dma);
    bus_init(&r->bus);
    assert_int_equal(
        bus_map(&r->bus, &r->intc.dev, HS_MMIO_INTC, HS_MMIO_WINDOW), 0);
    assert_int_equal(bus_map(&r->bus, &r->mic.dev, HS_MMIO_MIC, HS_MMIO_WINDOW),
                     0);
    assert_int_equal(
        bus_map(&r->bus, &r->audio.dev, HS_MMIO_AUDIO, HS_MMIO_WINDOW), 0);
    assert_int_equal(
        bus_map(&r->bus, &r->ap.dev, HS_MMIO_BBIPC, HS_MMIO_WINDOW), 0);
    assert_int_equal(r->mic.dev.ops->realize(&r->mic.dev, r->sim), 0);
    uint64_t entry;
    assert_int_equal(elf_symbol(&r->img, "hs_entry", &entry), 0);
    VcpuConfig vc = {.core = vcpu_core_type_find("little"),
                     .entry_pc = entry,
                     .bus = &r->bus};
    r->v = vcpu_new(r->mem, &vc, err, sizeof err);
    assert_non_null(r->v);
    vcpu_std_calls_init(&r->std);
    vcpu_set_trap(r->v, vcpu_std_trap, &r->std);
    assert_int_equal(run_event(r, HS_EV_BOOT, 0), 0);
    PhoneIo *p = phone(r);
    assert_non_null(p);
    p->answer = answer;
    p->route = HS_AUDIO_ROUTE_BB;
    sim_event_init(&r->irq_ev, "ap-irq", on_irq_ev, r, 1);
    irq_connect(&r->mb.doorbell[IPC_SIDE_AP], on_doorbell, r, HS_IRQ_BBIPC);

    BbConfig cfg = {
        .firmware =
            hs_test_path("build/baseband/firmware.elf", path, sizeof path),
        .wiring = SOC_MIC_BASEBAND_DIRECT,
    };
    rrc_config_from_soc(&cfg.rrc, r->soc);
    r->bb = bb_new(r->sim, r->meter, &r->mb, &r->mic, &r->audio, &cfg, err,
                   sizeof err);
    assert_non_null(r->bb);
    NetCell cell = bb_cell(r->bb);
    assert_int_equal(
        peers_init(&r->peers, r->sim, &cell, NULL, err, sizeof err), 0);
    bb_radio_set_net(bb_radio(r->bb), peers_uplink, &r->peers);
    assert_int_equal(bb_boot(r->bb, 0), 0);
}

static void rig_free(Rig *r)
{
    peers_free(&r->peers);
    bb_free(r->bb);
    sim_cancel(r->sim, &r->irq_ev);
    vcpu_free(r->v);
    vcpu_std_calls_free(&r->std);
    elf_image_free(&r->img);
    guest_mem_unref(r->mem);
    r->mic.dev.ops->destroy(&r->mic.dev);
    bus_free(&r->bus);
    power_meter_free(r->meter);
    sim_free(r->sim);
    soc_free(r->soc);
}

static void test_guest_phone_answers(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 1);
    char err[160];
    assert_int_equal(peers_call(&r.peers, HS_S, 5 * HS_S, err, sizeof err), 0);
    sim_run_until(r.sim, 10 * HS_S);
    assert_int_equal(r.faults, 0);
    PhoneIo *p = phone(&r);
    assert_int_equal(p->signal, 4);
    assert_int_equal(p->rings, 1);
    assert_int_equal(p->answered, 1);
    assert_string_equal(p->caller, "+15555550100");
    assert_int_equal(p->state, HS_CALL_ST_IDLE);
    assert_int_equal(p->states, 3); /* ringing, active, idle */
    /* the domain logged the RING with its call id */
    assert_true(r.std.log_len >= 1);
    assert_int_equal(r.std.log[0].tag, HS_LOG_MARK);
    assert_int_equal(r.std.log[0].value, p->call);
    /* media both ways for the 5 s the call was up */
    print_message("guest phone: RTP up %llu, down %llu; mic route %u at the "
                  "end\n",
                  (unsigned long long)r.peers.rtp_from_phone,
                  (unsigned long long)r.peers.rtp_to_phone, r.audio.route);
    assert_true(r.peers.rtp_from_phone >= 245 && r.peers.rtp_from_phone <= 251);
    assert_true(r.peers.rtp_to_phone >= 249 && r.peers.rtp_to_phone <= 251);
    assert_int_equal(r.audio.route, 0); /* torn down by the app */
    assert_false(r.mic.capturing);
    rig_free(&r);
}

static void test_guest_phone_rejects(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 0);
    char err[160];
    assert_int_equal(peers_call(&r.peers, HS_S, 0, err, sizeof err), 0);
    sim_run_until(r.sim, 5 * HS_S);
    assert_int_equal(r.faults, 0);
    PhoneIo *p = phone(&r);
    assert_int_equal(p->rings, 1);
    assert_int_equal(p->answered, 0);
    assert_int_equal(r.peers.state, BB_PEER_ENDED);
    assert_int_equal(r.peers.sip_status[r.peers.n_status - 1], 603);
    assert_int_equal(r.peers.rtp_from_phone, 0);
    size_t n;
    bb_mic_flows(bb_mic(r.bb), &n);
    assert_int_equal(n, 0); /* no route, no frames at the baseband */
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_guest_phone_answers),
    cmocka_unit_test(test_guest_phone_rejects),
};

HS_TEST_GROUP(baseband_phone, tests)
