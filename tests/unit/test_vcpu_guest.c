/*
 * test_vcpu_guest.c - the real domain image on the vCPU: results read
 * back from guest memory match host computations (RFC 8439 §2.8.2 AEAD,
 * G.722 round trips, the mail parser on fixtures), workloads match the
 * host reference, counts are deterministic, proportional to the work and
 * independent of preemption.
 */
#include "harness.h"

#include "audio_util.h"
#include "rfc8439.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/elf_load.h"
#include "cpu/vcpu.h"
#include "abi/crypto.h"
#include "abi/mail.h"
#include "abi/voice.h"
#include "guest/lib/chacha20poly1305.h"
#include "guest/lib/g722.h"
#include "guest/lib/gl_util.h"
#include "guest/lib/wl.h"
#include "platform.h"

/* A booted domain with one vCPU. */
typedef struct Dom {
    GuestMem *mem;
    ElfImage img;
    Vcpu *v;
    VcpuStdCalls std;
} Dom;

static void dom_open_with(Dom *d, bool uncounted)
{
    char path[1024], err[512];
    hs_test_path("build/guest/domain.elf", path, sizeof path);
    d->mem = guest_mem_new(NULL);
    assert_non_null(d->mem);
    if (elf_load_domain(path, d->mem, &d->img, err, sizeof err) < 0)
        fail_msg("%s", err);
    uint64_t entry;
    assert_int_equal(elf_symbol(&d->img, "hs_entry", &entry), 0);
    VcpuConfig cfg = {.core = vcpu_core_type_find("little"),
                      .entry_pc = entry,
                      .uncounted = uncounted};
    d->v = vcpu_new(d->mem, &cfg, err, sizeof err);
    if (!d->v)
        fail_msg("%s", err);
    vcpu_std_calls_init(&d->std);
    vcpu_set_trap(d->v, vcpu_std_trap, &d->std);
    assert_int_equal(vcpu_enter(d->v, HS_EV_BOOT, 0, 0), 0);
    assert_int_equal(vcpu_run(d->v, 1u << 20), VCPU_RUN_DONE);
    assert_int_equal(vcpu_result(d->v), 0);
}

static void dom_open(Dom *d)
{
    dom_open_with(d, false);
}

static void dom_close(Dom *d)
{
    vcpu_free(d->v);
    elf_image_free(&d->img);
    guest_mem_unref(d->mem);
    vcpu_std_calls_free(&d->std);
}

/* Delivers an event and runs it to completion in slices of `slice`
 * instructions; returns the handler's result. */
static uint64_t dom_event(Dom *d, uint32_t ev, uint64_t a0, uint64_t a1,
                          uint64_t slice)
{
    assert_int_equal(vcpu_enter(d->v, ev, a0, a1), 0);
    VcpuRunResult r;
    while ((r = vcpu_run(d->v, slice)) == VCPU_RUN_PREEMPTED)
        ;
    if (r == VCPU_RUN_FAULT) {
        char line[256];
        vcpu_fault_format(vcpu_fault(d->v), line, sizeof line);
        fail_msg("%s", line);
    }
    assert_int_equal(r, VCPU_RUN_DONE);
    return vcpu_result(d->v);
}

static void put(Dom *d, uint64_t addr, const void *p, size_t n)
{
    assert_int_equal(guest_mem_write(d->mem, addr, p, n), 0);
}

static void get(Dom *d, uint64_t addr, void *p, size_t n)
{
    assert_int_equal(guest_mem_read(d->mem, addr, p, n), 0);
}

/* ---- RFC 8439 §2.8.2 --------------------------------------------------- */

#define IO_REQ HS_IO_BASE
#define IO_A (HS_IO_BASE + 0x1000)
#define IO_B (HS_IO_BASE + 0x20000)
#define IO_C (HS_IO_BASE + 0x40000)

static void test_guest_aead_rfc8439(void **state)
{
    (void)state;
    Rfc8439Aead v;
    rfc8439_2_8_2(&v);
    const uint8_t *aad = v.aad, *ct = v.ct, *tag = v.tag;
    HsAeadRequest rq;
    memset(&rq, 0, sizeof rq);
    memcpy(rq.key, v.key, sizeof rq.key);
    memcpy(rq.nonce, v.nonce, sizeof rq.nonce);
    rq.aad_len = 12;
    rq.aad_addr = IO_A;
    rq.in_addr = IO_B;
    rq.out_addr = IO_C;
    rq.len = 114;
    rq.status = 12345;
    Dom d;
    dom_open(&d);
    put(&d, IO_A, aad, 12);
    put(&d, IO_B, rfc8439_sunscreen, 114);
    put(&d, IO_REQ, &rq, sizeof rq);
    dom_event(&d, HS_EV_CALL, HS_CALL_AEAD_SEAL, IO_REQ, 1u << 24);
    HsAeadRequest out;
    uint8_t gct[114];
    get(&d, IO_REQ, &out, sizeof out);
    get(&d, IO_C, gct, 114);
    assert_int_equal(out.status, 0);
    assert_memory_equal(gct, ct, 114);
    assert_memory_equal(out.tag, tag, 16);
    /* and the host reference agrees */
    uint8_t hct[114], htag[16];
    aead_seal(rq.key, rq.nonce, aad, 12, (const uint8_t *)rfc8439_sunscreen,
              114, hct, htag);
    assert_memory_equal(hct, gct, 114);
    assert_memory_equal(htag, out.tag, 16);

    /* open: the right tag decrypts, a flipped one is refused (HS_EPERM) */
    for (int bad = 0; bad < 2; bad++) {
        HsAeadRequest op = rq;
        op.in_addr = IO_C;
        op.out_addr = IO_B + 0x1000;
        memcpy(op.tag, tag, 16);
        op.tag[5] ^= (uint8_t)bad;
        put(&d, IO_REQ, &op, sizeof op);
        dom_event(&d, HS_EV_CALL, HS_CALL_AEAD_OPEN, IO_REQ, 1u << 24);
        get(&d, IO_REQ, &out, sizeof out);
        uint8_t pt[114];
        get(&d, IO_B + 0x1000, pt, 114);
        if (bad) {
            assert_int_equal(out.status, HS_EPERM);
        } else {
            assert_int_equal(out.status, 0);
            assert_memory_equal(pt, rfc8439_sunscreen, 114);
        }
    }
    dom_close(&d);
}

/* ---- G.722 round trip through the guest ---------------------------------- */

#define VOICE_N (HS_VOICE_FRAMES_PER_CALL * HS_VOICE_FRAME_SAMPLES)
#define HS_VOICE_FRAMES_PER_CALL HS_VOICE_MAX_FRAMES

/* Encodes x with one call and decodes with another; checks the codes and
 * the output are bit-identical to the host codec; returns the SNR. */
static double guest_round_trip(Dom *d, const int16_t *x)
{
    static int16_t y[VOICE_N], href[VOICE_N];
    static uint8_t codes[VOICE_N / 2], hcodes[VOICE_N / 2];
    HsVoiceRequest rq;
    memset(&rq, 0, sizeof rq);
    rq.in_addr = IO_A;
    rq.out_addr = IO_B;
    rq.frames = HS_VOICE_FRAMES_PER_CALL;
    rq.flags = HS_VOICE_RESET;
    put(d, IO_A, x, sizeof y);
    put(d, IO_REQ, &rq, sizeof rq);
    dom_event(d, HS_EV_CALL, HS_CALL_VOICE_ENCODE, IO_REQ, 1u << 24);
    HsVoiceRequest out;
    get(d, IO_REQ, &out, sizeof out);
    assert_int_equal(out.status, 0);
    assert_int_equal(out.out_len, sizeof codes);
    get(d, IO_B, codes, sizeof codes);

    rq.in_addr = IO_B;
    rq.out_addr = IO_C;
    put(d, IO_REQ, &rq, sizeof rq);
    dom_event(d, HS_EV_CALL, HS_CALL_VOICE_DECODE, IO_REQ, 1u << 24);
    get(d, IO_REQ, &out, sizeof out);
    assert_int_equal(out.status, 0);
    assert_int_equal(out.out_len, VOICE_N);
    get(d, IO_C, y, sizeof y);

    G722State enc, dec;
    g722_init(&enc);
    g722_init(&dec);
    assert_int_equal(g722_encode(&enc, x, VOICE_N, hcodes), sizeof hcodes);
    assert_int_equal(g722_decode(&dec, hcodes, sizeof hcodes, href), VOICE_N);
    assert_memory_equal(codes, hcodes, sizeof codes);
    assert_memory_equal(y, href, sizeof y);
    return audio_snr_db(x, y, VOICE_N, G722_QMF_DELAY_SAMPLES);
}

/* Thresholds as in the codec's own tests: a 1 kHz tone lies in the lower
 * band (6-bit adaptive quantiser, ~6 dB per bit: 40-48 dB for a correct
 * codec) so > 35 dB; white noise puts half its energy in the upper band
 * coded with 2 bits, bounding the SNR near 10-12 dB, so > 8 dB. A wrong
 * table, scale or alignment drops either below 15 / 3 dB. */
static void test_guest_voice_snr(void **state)
{
    (void)state;
    static int16_t x[VOICE_N];
    Dom d;
    dom_open(&d);
    for (int i = 0; i < VOICE_N; i++)
        x[i] = (int16_t)(gl_sine_q15((uint32_t)i * 4096u) * 3 / 4);
    double tone = guest_round_trip(&d, x);
    print_message("guest g722 1 kHz tone: SNR %.1f dB\n", tone);
    assert_true(tone > 35.0);
    GlRng r;
    gl_rng_seed(&r, 7);
    for (int i = 0; i < VOICE_N; i++)
        x[i] = (int16_t)(((int32_t)(gl_rng_next(&r) >> 16) - 32768) / 4);
    double noise = guest_round_trip(&d, x);
    print_message("guest g722 white noise: SNR %.1f dB\n", noise);
    assert_true(noise > 8.0);
    dom_close(&d);
}

/* ---- mail
 * -------------------------------------------------------------------- */

static size_t load_file(const char *rel, uint8_t *buf, size_t cap)
{
    char path[1024];
    hs_test_path(rel, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    assert_true(n < cap);
    return n;
}

/* The multipart fixture fed in 7-byte reads (the "{2495}" literal is
 * split across many reads): the three decoded bodies match the files. */
static void test_guest_mail_bodies(void **state)
{
    (void)state;
    static uint8_t resp[16384], body[16384], want[16384];
    static const char *const parts[] = {
        "tests/data/mail/fetch_multipart.part0.txt",
        "tests/data/mail/fetch_multipart.part1.html",
        "tests/data/mail/fetch_multipart.part2.bin",
    };
    size_t len =
        load_file("tests/data/mail/fetch_multipart.txt", resp, sizeof resp);
    Dom d;
    dom_open(&d);
    for (int chunk = 0; chunk <= 7; chunk += 7) {
        HsMailRequest rq;
        memset(&rq, 0, sizeof rq);
        rq.in_addr = IO_A;
        rq.lit_addr = IO_B;
        rq.out_addr = IO_C;
        rq.in_len = (uint32_t)len;
        rq.chunk = (uint32_t)chunk;
        rq.lit_cap = 0x10000;
        rq.out_cap = 0x10000;
        put(&d, IO_A, resp, len);
        put(&d, IO_REQ, &rq, sizeof rq);
        dom_event(&d, HS_EV_CALL, HS_CALL_MAIL_PARSE, IO_REQ, 1u << 24);
        HsMailRequest out;
        get(&d, IO_REQ, &out, sizeof out);
        assert_int_equal(out.status, 0);
        assert_int_equal(out.fetches, 1);
        assert_int_equal(out.literals, 1);
        assert_int_equal(out.imap_status, 1);
        assert_int_equal(out.parts, 3);
        get(&d, IO_C, body, out.out_len);
        for (int i = 0; i < 3; i++) {
            size_t n = load_file(parts[i], want, sizeof want);
            assert_int_equal(out.part[i].len, n);
            assert_true(out.part[i].offset + n <= out.out_len);
            assert_memory_equal(body + out.part[i].offset, want, n);
        }
        assert_string_equal(out.part[0].type, "text/plain");
    }
    dom_close(&d);
}

/* ---- workloads
 * ----------------------------------------------------------------- */

typedef struct Wl {
    uint32_t id;
    uint32_t n;
    size_t scratch;
    uint64_t (*ref)(uint32_t, void *);
} Wl;

static const Wl wls[] = {
    {HS_WL_CRYPTO, 3, WL_CRYPTO_SCRATCH_BYTES, wl_crypto},
    {HS_WL_VOICE, 2, WL_VOICE_SCRATCH_BYTES, wl_voice},
    {HS_WL_MAIL, 2, WL_MAIL_SCRATCH_BYTES, wl_mail},
    {HS_WL_UI, 1, WL_UI_FB_BYTES, wl_ui},
};

static uint64_t reference(const Wl *w, uint32_t n)
{
    void *s = aligned_alloc(16, (w->scratch + 15) & ~(size_t)15);
    assert_non_null(s);
    uint64_t v = w->ref(n, s);
    free(s);
    return v;
}

/* Each workload's check equals the host reference; run twice on one
 * domain and once on another, the instruction count is identical. */
static void test_guest_workloads_match_reference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof wls / sizeof wls[0]; i++) {
        const Wl *w = &wls[i];
        Dom a, b;
        dom_open(&a);
        dom_open(&b);
        uint64_t c1 = dom_event(&a, HS_EV_WORKLOAD, w->id, w->n, 1u << 26);
        uint64_t i1 = vcpu_handler_instructions(a.v);
        uint64_t c2 = dom_event(&a, HS_EV_WORKLOAD, w->id, w->n, 1u << 26);
        uint64_t i2 = vcpu_handler_instructions(a.v);
        uint64_t c3 = dom_event(&b, HS_EV_WORKLOAD, w->id, w->n, 1u << 26);
        uint64_t i3 = vcpu_handler_instructions(b.v);
        assert_int_equal(c1, reference(w, w->n));
        assert_int_equal(c2, c1);
        assert_int_equal(c3, c1);
        assert_true(i1 > 1000);
        assert_int_equal(i2, i1);
        assert_int_equal(i3, i1);
        dom_close(&a);
        dom_close(&b);
    }
}

/* Twice the iterations: instructions within 5 % of twice as many. */
static void test_guest_work_proportional(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof wls / sizeof wls[0]; i++) {
        const Wl *w = &wls[i];
        Dom d;
        dom_open(&d);
        dom_event(&d, HS_EV_WORKLOAD, w->id, w->n, 1u << 26);
        double one = (double)vcpu_handler_instructions(d.v);
        dom_event(&d, HS_EV_WORKLOAD, w->id, 2 * w->n, 1u << 26);
        double two = (double)vcpu_handler_instructions(d.v);
        print_message("workload %u: n=%u %.0f, n=%u %.0f instructions\n", w->id,
                      w->n, one, 2 * w->n, two);
        assert_true(fabs(two / (2 * one) - 1.0) < 0.05);
        dom_close(&d);
    }
}

/* Preempted every 1,000 instructions and resumed: the same check value
 * and the same total instruction count as one uninterrupted run. */
static void test_guest_preemption(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof wls / sizeof wls[0]; i++) {
        const Wl *w = &wls[i];
        Dom a, b;
        dom_open(&a);
        dom_open(&b);
        uint64_t whole = dom_event(&a, HS_EV_WORKLOAD, w->id, w->n, UINT64_MAX);
        assert_int_equal(vcpu_enter(b.v, HS_EV_WORKLOAD, w->id, w->n), 0);
        VcpuRunResult r;
        uint64_t slices = 1;
        while ((r = vcpu_run(b.v, 1000)) == VCPU_RUN_PREEMPTED)
            slices++;
        assert_int_equal(r, VCPU_RUN_DONE);
        assert_int_equal(vcpu_result(b.v), whole);
        assert_int_equal(vcpu_handler_instructions(b.v),
                         vcpu_handler_instructions(a.v));
        assert_int_equal(vcpu_local_time(b.v), vcpu_local_time(a.v));
        assert_true(slices >= vcpu_handler_instructions(a.v) / 1300);
        dom_close(&a);
        dom_close(&b);
    }
}

/* Uncounted (the guest_bare benchmarks): the same check values, run to
 * the end in one vcpu_run whatever the budget, with nothing counted and
 * no time passing; the counted vCPU's figures are not zero. */
static void test_guest_uncounted(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof wls / sizeof wls[0]; i++) {
        const Wl *w = &wls[i];
        Dom bare, counted;
        dom_open_with(&bare, true);
        dom_open(&counted);
        assert_int_equal(vcpu_enter(bare.v, HS_EV_WORKLOAD, w->id, w->n), 0);
        assert_int_equal(vcpu_run(bare.v, 1), VCPU_RUN_DONE);
        uint64_t check = vcpu_result(bare.v);
        assert_int_equal(check, reference(w, w->n));
        assert_int_equal(vcpu_instructions(bare.v), 0);
        assert_int_equal(vcpu_local_time(bare.v), 0);
        assert_int_equal(
            dom_event(&counted, HS_EV_WORKLOAD, w->id, w->n, 1u << 26), check);
        assert_true(vcpu_instructions(counted.v) > 1000);
        assert_true(vcpu_local_time(counted.v) > 0);
        dom_close(&bare);
        dom_close(&counted);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_guest_aead_rfc8439),
    cmocka_unit_test(test_guest_voice_snr),
    cmocka_unit_test(test_guest_mail_bodies),
    cmocka_unit_test(test_guest_workloads_match_reference),
    cmocka_unit_test(test_guest_work_proportional),
    cmocka_unit_test(test_guest_preemption),
    cmocka_unit_test(test_guest_uncounted),
};

HS_TEST_GROUP(vcpu_guest, tests)
