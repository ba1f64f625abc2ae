/*
 * test_modem.c - the cellular side around a Machine: a scenario's call
 * and hostile-mic events through the baseband firmware, the guest phone
 * app in the called domain and the approach's delivery. The rig plays
 * the runner: a Machine with the scenario's domains on ref-2013, a flow
 * monitor, a RunEnv, the rules fired at their nominal times.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseband/firmware/bb_abi.h"
#include "phone/modem.h"
#include "phone/part.h"
#include "virt/virt.h"

#define MAX_SAMPLES 4096

typedef struct Samples {
    hs_time v[MAX_SAMPLES];
    size_t n;
} Samples;

typedef struct ModemRig {
    char fw[1024]; /* the firmware's path, which env points to */
    Scenario *sc;
    SocModel *soc;
    Machine *m;
    FlowMonitor *flows;
    RunEnv env;
    Modem *mo;
    Samples ring, a2a, m2e, sms;
    int unclass;
} ModemRig;

static void on_latency(void *ctx, const char *name, hs_time sample)
{
    ModemRig *r = ctx;
    Samples *s = strcmp(name, "call.ring") == 0              ? &r->ring
                 : strcmp(name, "call.answer_to_audio") == 0 ? &r->a2a
                 : strcmp(name, "call.mouth_to_ear") == 0    ? &r->m2e
                 : strcmp(name, "sms.notify") == 0           ? &r->sms
                                                             : NULL;
    assert_non_null(s);
    if (s->n < MAX_SAMPLES)
        s->v[s->n++] = sample;
}

static int cmp_time(const void *a, const void *b)
{
    hs_time x = *(const hs_time *)a, y = *(const hs_time *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile, as results.json computes it. */
static hs_time pct(Samples *s, unsigned p)
{
    assert_true(s->n > 0);
    qsort(s->v, s->n, sizeof s->v[0], cmp_time);
    size_t rank = (p * s->n + 99) / 100;
    return s->v[rank ? rank - 1 : 0];
}

static ModemRig *rig_open_file(const char *file, const char *approach,
                               SocMicWiring wiring)
{
    char path[1024], img[1024], err[512];
    ModemRig *r = calloc(1, sizeof *r);
    assert_non_null(r);
    /* "ref-2013" resolves through the shipped data: the source tree */
    const char *old = getenv("HANDSET_DATA");
    char saved[1024], data[1024];
    snprintf(saved, sizeof saved, "%s", old ? old : "");
    setenv("HANDSET_DATA", hs_test_path("", data, sizeof data), 1);
    r->sc =
        scenario_load(hs_test_path(file, path, sizeof path), err, sizeof err);
    if (old)
        setenv("HANDSET_DATA", saved, 1);
    else
        unsetenv("HANDSET_DATA");
    if (!r->sc)
        fail_msg("%s", err);
    r->soc = soc_load(r->sc->soc_path, err, sizeof err);
    assert_non_null(r->soc);
    MachineDomainConfig doms[SCENARIO_MAX_DOMAINS];
    for (size_t i = 0; i < r->sc->n_domains; i++)
        doms[i] = (MachineDomainConfig){.name = r->sc->domains[i].name,
                                        .level = (int)r->sc->domains[i].level,
                                        .n_vcpus = 1};
    size_t n_approaches;
    const ApproachOps *const *approaches = virt_approaches(&n_approaches);
    MachineConfig mc = {
        .soc = r->soc,
        .approach = approach,
        .approaches = approaches,
        .n_approaches = n_approaches,
        .seed = r->sc->seed,
        .image_path = hs_test_path("build/guest/domain.elf", img, sizeof img),
        .domains = doms,
        .n_domains = r->sc->n_domains,
        .devices = phone_part_modem.devices,
    };
    r->m = machine_new(&mc, err, sizeof err);
    if (!r->m)
        fail_msg("%s: %s", approach, err);
    machine_set_foreground(r->m, r->sc->user.foreground);
    r->flows = flow_monitor_new();
    r->env = (RunEnv){
        .sc = r->sc,
        .soc = r->soc,
        .wiring = wiring,
        .m = r->m,
        .flows = r->flows,
        .firmware =
            hs_test_path("build/baseband/firmware.elf", r->fw, sizeof r->fw),
        .latency = on_latency,
        .latency_ctx = r,
    };
    r->unclass = machine_domain_find(r->m, "unclass");
    return r;
}

static ModemRig *rig_open(const char *approach, SocMicWiring wiring)
{
    return rig_open_file("tests/data/modem/call.json", approach, wiring);
}

static void rig_start(ModemRig *r)
{
    char err[512];
    r->mo = modem_new(&r->env, err, sizeof err);
    if (!r->mo)
        fail_msg("%s", err);
}

static void rig_close(ModemRig *r)
{
    modem_free(r->mo);
    flow_monitor_free(r->flows);
    machine_free(r->m);
    soc_free(r->soc);
    scenario_free(r->sc);
    free(r);
}

/* Fires every occurrence of the rules whose action is in `mask` (bits
 * of ScenarioAction) in time order, then runs to the end. */
static void rig_run(ModemRig *r, unsigned mask)
{
    char err[512];
    hs_time next_at[16];
    uint64_t k[16] = {0};
    assert_true(r->sc->n_events <= 16);
    for (;;) {
        int best = -1;
        for (size_t i = 0; i < r->sc->n_events; i++) {
            if (!(mask & (1u << r->sc->events[i].action)) ||
                scenario_event_time(&r->sc->events[i], r->sc->duration_ps, k[i],
                                    &next_at[i]) < 0)
                continue;
            if (best < 0 || next_at[i] < next_at[best])
                best = (int)i;
        }
        if (best < 0)
            break;
        assert_int_equal(machine_run_until(r->m, next_at[best]), 0);
        assert_int_equal(modem_action(r->mo, &r->sc->events[best], best,
                                      next_at[best], err, sizeof err),
                         0);
        k[best]++;
    }
    assert_int_equal(machine_run_until(r->m, r->sc->duration_ps), 0);
    Results *res = results_new("t", "default", "t", "t", 1);
    assert_int_equal(modem_finish(r->mo, res, err, sizeof err), 0);
    results_free(res);
}

static void no_faults(ModemRig *r)
{
    for (size_t i = 0; i < machine_fault_count(r->m); i++) {
        char line[256];
        vcpu_fault_format(machine_fault(r->m, i), line, sizeof line);
        print_error("%s\n", line);
    }
    assert_int_equal(machine_fault_count(r->m), 0);
}

#define CALLS (1u << SCENARIO_ACTION_INCOMING_CALL)
#define SMS (1u << SCENARIO_ACTION_SMS)
#define HOSTILE                                                                \
    (1u << SCENARIO_ACTION_HOSTILE_MIC_OPEN |                                  \
     1u << SCENARIO_ACTION_HOSTILE_MIC_CLOSE)

static double per_s(uint64_t n, hs_time span)
{
    return (double)n * (double)HS_S / (double)span;
}

static void test_call_end_to_end(void **state)
{
    (void)state;
    ModemRig *r = rig_open("selinux-mls", SOC_MIC_AP_CODEC);
    rig_start(r);
    rig_run(r, CALLS);
    no_faults(r);
    PhoneIo io;
    assert_int_equal(modem_phone_io(r->mo, r->unclass, &io), 0);
    assert_int_equal(io.rings, 1);
    assert_int_equal(io.answered, 1);
    assert_int_equal(io.state, HS_CALL_ST_IDLE);
    assert_string_equal(io.caller, "+15555550100");
    /* the secret domain never saw the mailbox */
    PhoneIo other;
    assert_int_equal(modem_phone_io(r->mo, 0, &other), 0);
    assert_int_equal(other.rings, 0);
    /* switch-and-answer brought the called domain to the front */
    assert_int_equal(machine_foreground(r->m), r->unclass);
    const BbPeers *p = modem_peers(r->mo);
    hs_time span = p->ended_at - p->active_at;
    double up = per_s(p->rtp_from_phone, span);
    double down = per_s(p->rtp_to_phone, span);
    print_message(
        "selinux-mls call: RTP up %.2f/s, down %.2f/s over %.3f s; "
        "ring %.1f ms, answer->audio %.1f ms, m2e p95 %.1f ms (%zu)\n",
        up, down, (double)span / HS_S, (double)r->ring.v[0] / HS_MS,
        (double)r->a2a.v[0] / HS_MS, (double)pct(&r->m2e, 95) / HS_MS,
        r->m2e.n);
    assert_true(up > 49.0 && up < 51.0);
    assert_true(down > 49.0 && down < 51.0);
    /* hang-up tore the speech path down */
    assert_int_equal(modem_audio(r->mo)->route, 0);
    assert_false(modem_mic(r->mo)->capturing);
    assert_int_equal(modem_stats(r->mo)->ended, 1);
    /* latencies: one ring (paging occasion within 1.28 s), one answer */
    assert_int_equal(r->ring.n, 1);
    assert_true(r->ring.v[0] > 0 && r->ring.v[0] < 2 * HS_S);
    assert_int_equal(r->a2a.n, 1);
    assert_true(r->a2a.v[0] > 0 && r->a2a.v[0] < HS_S);
    assert_true(r->m2e.n > 400);
    assert_true(pct(&r->m2e, 100) < 400 * HS_MS);
    assert_true(pct(&r->m2e, 50) > 20 * HS_MS);
    /* the secret room reached the baseband during the unclassified call */
    assert_true(flow_violations(r->flows) > 400);
    rig_close(r);
}

/* Three calls 12 s apart, each answered after 2 s and ended by the
 * caller after 2 s of talk. */
static void three_calls(ModemRig *r)
{
    ScenarioEvent *ev = &r->sc->events[0];
    ev->every_ps = 12 * HS_S;
    ev->count = 3;
    ev->talk_ps = 2 * HS_S;
}

static hs_time ring_p95(const char *approach, hs_time *p50)
{
    ModemRig *r = rig_open(approach, SOC_MIC_AP_CODEC);
    three_calls(r);
    rig_start(r);
    rig_run(r, CALLS);
    no_faults(r);
    assert_int_equal(r->ring.n, 3);
    *p50 = pct(&r->ring, 50);
    hs_time p95 = pct(&r->ring, 95);
    print_message("%-12s ring p50 %.2f ms p95 %.2f ms\n", approach,
                  (double)*p50 / HS_MS, (double)p95 / HS_MS);
    rig_close(r);
    return p95;
}

static void test_ring_waits_for_slice(void **state)
{
    (void)state;
    hs_time n50, m50;
    hs_time native = ring_p95("native", &n50);
    hs_time mils = ring_p95("hyp-mils", &m50);
    assert_true(mils > native);
    /* the extra wait is bounded by the other partitions' slices */
    assert_true(mils - native < 100 * HS_MS);
}

static void test_hostile_direct(void **state)
{
    (void)state;
    ModemRig *r = rig_open("selinux-mls", SOC_MIC_BASEBAND_DIRECT);
    rig_start(r);
    rig_run(r, HOSTILE);
    size_t n;
    const BbFlowRecord *f = bb_mic_flows(bb_mic(modem_bb(r->mo)), &n);
    print_message("baseband-direct: %zu frames read, %llu violations, "
                  "%llu packets up\n",
                  n, (unsigned long long)flow_violations(r->flows),
                  (unsigned long long)bb_radio(modem_bb(r->mo))->tx_packets);
    /* open from ~30 s to ~35 s: about 250 frames, all secret */
    assert_true(n > 200 && n < 260);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(f[i].label, FLOW_SECRET);
    assert_int_equal(flow_violations(r->flows), n);
    assert_true(bb_radio(modem_bb(r->mo))->tx_packets >= n);
    assert_false(modem_mic(r->mo)->capturing); /* closed again */
    rig_close(r);
}

static void test_hostile_ap_codec(void **state)
{
    (void)state;
    ModemRig *r = rig_open("selinux-mls", SOC_MIC_AP_CODEC);
    rig_start(r);
    rig_run(r, HOSTILE);
    size_t n;
    bb_mic_flows(bb_mic(modem_bb(r->mo)), &n);
    assert_int_equal(n, 0);
    assert_int_equal(flow_violations(r->flows), 0);
    rig_close(r);
}

/* ap-codec, mic_policy mute, a secret room, a call for unclass: where
 * the approach checks the label of the audio, no frame leaves (blocked
 * flows, no uplink, no mouth-to-ear sample, the downlink still plays);
 * native has no check: every frame goes, a violation. */
static void mute_call(const char *approach, bool checked)
{
    ModemRig *r = rig_open(approach, SOC_MIC_AP_CODEC);
    r->env.mic_policy = SCENARIO_MIC_MUTE;
    rig_start(r);
    rig_run(r, CALLS);
    no_faults(r);
    const BbPeers *p = modem_peers(r->mo);
    print_message("%-12s mute: %llu violations, %llu blocked, RTP up %llu, "
                  "%zu m2e, %zu a2a\n",
                  approach, (unsigned long long)flow_violations(r->flows),
                  (unsigned long long)flow_blocked(r->flows),
                  (unsigned long long)p->rtp_from_phone, r->m2e.n, r->a2a.n);
    assert_int_equal(r->a2a.n, 1);
    if (checked) {
        assert_int_equal(flow_violations(r->flows), 0);
        assert_true(flow_blocked(r->flows) > 400);
        assert_int_equal(p->rtp_from_phone, 0);
        assert_int_equal(r->m2e.n, 0);
        assert_int_equal(modem_stats(r->mo)->voice_blocked,
                         flow_blocked(r->flows));
    } else {
        assert_true(flow_violations(r->flows) > 400);
        assert_int_equal(flow_blocked(r->flows), 0);
        assert_true(p->rtp_from_phone > 400);
        assert_true(r->m2e.n > 400);
    }
    rig_close(r);
}

static void test_mic_policy_mute(void **state)
{
    (void)state;
    mute_call("selinux-mls", true);
    mute_call("trustzone", true);
    mute_call("native", false);
}

static void test_every_approach(void **state)
{
    (void)state;
    static const char *const names[] = {"native", "selinux-mls", "hyp-mils",
                                        "hyp-pv", "trustzone",   "containers"};
    for (size_t i = 0; i < 6; i++) {
        ModemRig *r = rig_open(names[i], SOC_MIC_BASEBAND_DIRECT);
        r->sc->duration_ps = 25 * HS_S;
        rig_start(r);
        rig_run(r, CALLS);
        PhoneIo io;
        assert_int_equal(modem_phone_io(r->mo, r->unclass, &io), 0);
        print_message("%-12s rings %u answered %u faults %zu ring %.1f ms\n",
                      names[i], io.rings, io.answered,
                      machine_fault_count(r->m),
                      r->ring.n ? (double)r->ring.v[0] / HS_MS : -1.0);
        no_faults(r);
        assert_int_equal(io.rings, 1);
        assert_int_equal(io.answered, 1);
        assert_int_equal(io.state, HS_CALL_ST_IDLE);
        assert_int_equal(r->a2a.n, 1);
        assert_true(r->m2e.n > 400);
        rig_close(r);
    }
}

static void test_policy_reject(void **state)
{
    (void)state;
    ModemRig *r = rig_open("native", SOC_MIC_AP_CODEC);
    r->sc->call_policy = SCENARIO_CALL_REJECT;
    rig_start(r);
    rig_run(r, CALLS);
    PhoneIo io;
    assert_int_equal(modem_phone_io(r->mo, r->unclass, &io), 0);
    assert_int_equal(io.rings, 1);
    assert_int_equal(io.answered, 0);
    assert_int_equal(
        modem_peers(r->mo)->sip_status[modem_peers(r->mo)->n_status - 1], 603);
    assert_int_equal(machine_foreground(r->m), 0); /* no switch */
    rig_close(r);
}

static void test_notify_only_times_out(void **state)
{
    (void)state;
    ModemRig *r = rig_open("native", SOC_MIC_AP_CODEC);
    r->sc->call_policy = SCENARIO_CALL_NOTIFY_ONLY;
    rig_start(r);
    rig_run(r, CALLS);
    PhoneIo io;
    assert_int_equal(modem_phone_io(r->mo, r->unclass, &io), 0);
    assert_int_equal(io.rings, 1);
    assert_int_equal(io.answered, 0);
    assert_int_equal(modem_stats(r->mo)->timeouts, 1);
    assert_int_equal(io.state, HS_CALL_ST_IDLE);
    assert_int_equal(r->a2a.n, 0);
    rig_close(r);
}

static void test_firmware_fault(void **state)
{
    (void)state;
    ModemRig *r = rig_open("selinux-mls", SOC_MIC_AP_CODEC);
    rig_start(r);
    /* an undefined instruction where the firmware handles a page */
    uint64_t addr;
    Baseband *bb = modem_bb(r->mo);
    assert_int_equal(bb_symbol(bb, "call_on_page", &addr), 0);
    if (addr & 1) {
        uint16_t udf = 0xde00; /* Thumb UDF #0 */
        assert_int_equal(guest_mem_write(bb_mem(bb), addr & ~1ull, &udf, 2), 0);
    } else {
        uint32_t udf = 0xe7f000f0; /* A32 UDF #0 */
        assert_int_equal(guest_mem_write(bb_mem(bb), addr, &udf, 4), 0);
    }
    rig_run(r, CALLS);
    print_message("fault: %s\n", modem_fault_text(r->mo));
    assert_true(bb_dead(bb));
    assert_true(strstr(modem_fault_text(r->mo), "baseband") != NULL);
    assert_int_equal(rrc_state(modem_rrc(r->mo)), RRC_DEAD);
    no_faults(r); /* the AP is fine */
    PhoneIo io;
    assert_int_equal(modem_phone_io(r->mo, r->unclass, &io), 0);
    assert_int_equal(io.rings, 0);
    assert_int_equal(r->ring.n, 0);
    /* the run went on to its end */
    assert_int_equal(sim_now(machine_sim(r->m)), r->sc->duration_ps);
    rig_close(r);
}

/* ---- short messages ------------------------------------------------------ */

#define SMS_FILE "tests/data/modem/sms.json"

/* Only the first rule: four 140-octet messages 15 s apart. */
static ModemRig *sms_rig(const char *approach)
{
    ModemRig *r = rig_open_file(SMS_FILE, approach, SOC_MIC_AP_CODEC);
    r->sc->n_events = 1;
    rig_start(r);
    rig_run(r, SMS);
    no_faults(r);
    return r;
}

static void test_sms_reaches_addressee(void **state)
{
    (void)state;
    ModemRig *r = sms_rig("selinux-mls");
    PhoneIo io, other;
    assert_int_equal(modem_phone_io(r->mo, r->unclass, &io), 0);
    assert_int_equal(modem_phone_io(r->mo, 0, &other), 0);
    assert_int_equal(io.sms, 4);
    assert_int_equal(io.sms_bytes, 140);
    assert_int_equal(io.sms_mr, 3); /* references 0, 1, 2, 3 */
    assert_string_equal(io.sms_from, BB_PEERS_SMS_FROM);
    /* the user data is the text the core sent, intact */
    for (size_t i = 0; i < 140; i++) {
        uint8_t c = io.rx[HS_BBMSG_HEADER_BYTES + strlen(io.sms_from) + 14 + i];
        assert_true(c == ' ' || (c >= 'a' && c <= 'z'));
    }
    assert_int_equal(other.sms, 0); /* the secret domain saw none */
    assert_int_equal(io.rings, 0);
    /* the firmware answered every MESSAGE with 200 OK over the air */
    const BbPeers *p = modem_peers(r->mo);
    assert_int_equal(p->sms_sent, 4);
    assert_int_equal(p->sms_ok, 4);
    assert_int_equal(p->sms_failed, 0);
    for (int mr = 0; mr < 4; mr++)
        assert_int_equal(peers_sms_sent(p, (uint8_t)mr)->status, 200);
    assert_int_equal(modem_stats(r->mo)->sms_notified, 4);
    assert_int_equal(modem_stats(r->mo)->sms_unrouted, 0);
    /* one latency each: paging (occasions 1.28 s apart) and promotion
     * dominate, the core network adds half an RTT */
    assert_int_equal(r->sms.n, 4);
    print_message("selinux-mls sms.notify p50 %.1f ms p100 %.1f ms\n",
                  (double)pct(&r->sms, 50) / HS_MS,
                  (double)pct(&r->sms, 100) / HS_MS);
    assert_true(pct(&r->sms, 0) > 20 * HS_MS);
    assert_true(pct(&r->sms, 100) < 2 * HS_S);
    rig_close(r);
}

static hs_time sms_p95(const char *approach)
{
    ModemRig *r = sms_rig(approach);
    assert_int_equal(r->sms.n, 4);
    hs_time p95 = pct(&r->sms, 95);
    print_message("%-12s sms.notify p50 %.2f ms p95 %.2f ms\n", approach,
                  (double)pct(&r->sms, 50) / HS_MS, (double)p95 / HS_MS);
    rig_close(r);
    return p95;
}

static void test_sms_waits_for_slice(void **state)
{
    (void)state;
    hs_time native = sms_p95("native");
    hs_time mils = sms_p95("hyp-mils");
    assert_true(mils > native);
    assert_true(mils - native < 100 * HS_MS);
}

static void test_sms_during_call(void **state)
{
    (void)state;
    ModemRig *r = rig_open_file(SMS_FILE, "selinux-mls", SOC_MIC_AP_CODEC);
    r->sc->events[0].count = 1; /* one message before the call */
    rig_start(r);
    rig_run(r, SMS | CALLS);
    no_faults(r);
    PhoneIo io;
    assert_int_equal(modem_phone_io(r->mo, r->unclass, &io), 0);
    const BbPeers *p = modem_peers(r->mo);
    /* the second message came while the call was active */
    const BbPeerSms *m = peers_sms_sent(p, 1);
    assert_non_null(m);
    assert_true(m->sent_at > p->active_at && m->sent_at < p->ended_at);
    assert_int_equal(io.sms, 2);
    assert_int_equal(io.sms_bytes, 17);
    assert_int_equal(p->sms_ok, 2);
    assert_int_equal(r->sms.n, 2);
    /* and the call went on: answered, media both ways, ended by the
     * caller's BYE, which the firmware answered in the call's dialog */
    assert_int_equal(io.rings, 1);
    assert_int_equal(io.answered, 1);
    assert_int_equal(io.state, HS_CALL_ST_IDLE);
    assert_int_equal(p->state, BB_PEER_ENDED);
    assert_false(p->saw_bye_from_phone);
    assert_int_equal(p->sip_status[p->n_status - 1], 200);
    assert_true(r->m2e.n > 800);
    assert_int_equal(modem_stats(r->mo)->ended, 1);
    rig_close(r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_call_end_to_end),
    cmocka_unit_test(test_ring_waits_for_slice),
    cmocka_unit_test(test_hostile_direct),
    cmocka_unit_test(test_hostile_ap_codec),
    cmocka_unit_test(test_mic_policy_mute),
    cmocka_unit_test(test_policy_reject),
    cmocka_unit_test(test_notify_only_times_out),
    cmocka_unit_test(test_firmware_fault),
    cmocka_unit_test(test_every_approach),
    cmocka_unit_test(test_sms_reaches_addressee),
    cmocka_unit_test(test_sms_waits_for_slice),
    cmocka_unit_test(test_sms_during_call),
};

HS_TEST_GROUP(modem, tests)
