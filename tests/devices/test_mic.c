/*
 * test_mic.c - microphone frames, labels across ambient-label boundaries,
 * deterministic PCM, the FIFO and DMA pop, and audio routing to the AP
 * and the baseband, through the bus with no CPU.
 */
#include "harness.h"

#include <string.h>

#include "platform.h"
#include "soc_models/devices/audio.h"
#include "soc_models/devices/mic.h"

#define BUF_BASE 0x40000000ULL

typedef struct BbLog {
    int frames;
    uint8_t labels[16];
} BbLog;

static void bb_sink(void *ctx, const MicFrame *f, hs_time when)
{
    (void)when;
    BbLog *l = ctx;
    if (l->frames < 16)
        l->labels[l->frames] = f->label;
    l->frames++;
}

typedef struct Rig {
    Sim *sim;
    Bus bus;
    uint8_t mem[4096];
    DmaBuffer buf;
    GuestDma dma;
    MicState mic;
    AudioState audio;
    BbLog bb;
} Rig;

static void rig_init(Rig *r, uint64_t seed, int16_t noise, unsigned depth)
{
    memset(r, 0, sizeof *r);
    r->sim = sim_new(seed);
    bus_init(&r->bus);
    r->buf = (DmaBuffer){BUF_BASE, r->mem, sizeof r->mem};
    dma_buffer_init(&r->dma, &r->buf);
    MicConfig cfg = {.fifo_frames = depth,
                     .tone_hz = 1000,
                     .tone_amplitude = 10000,
                     .noise_amplitude = noise};
    char err[128];
    assert_int_equal(
        mic_init(&r->mic, "mic", &cfg, &r->dma, NULL, err, sizeof err), 0);
    AudioConfig acfg = {.on_uw = 380};
    audio_init(&r->audio, "audio", &acfg, NULL);
    assert_int_equal(bus_map(&r->bus, &r->mic.dev, HS_MMIO_MIC, HS_MMIO_WINDOW),
                     0);
    assert_int_equal(
        bus_map(&r->bus, &r->audio.dev, HS_MMIO_AUDIO, HS_MMIO_WINDOW), 0);
    assert_int_equal(r->mic.dev.ops->realize(&r->mic.dev, r->sim), 0);
    assert_int_equal(r->audio.dev.ops->realize(&r->audio.dev, r->sim), 0);
}

/* The machine's wiring: mic -> router -> (mic FIFO | baseband). */
static void rig_route(Rig *r)
{
    mic_set_output(&r->mic, audio_route_frame, &r->audio);
    audio_set_ap_sink(&r->audio, mic_fifo_push, &r->mic);
    audio_set_baseband_sink(&r->audio, bb_sink, &r->bb);
}

static void rig_free(Rig *r)
{
    r->mic.dev.ops->destroy(&r->mic.dev);
    bus_free(&r->bus);
    sim_free(r->sim);
}

static void wr(Rig *r, uint64_t addr, uint64_t v, unsigned size)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    assert_true(bus_write(&r->bus, addr, v, size, &acc));
}

static uint64_t rd(Rig *r, uint64_t addr)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    uint64_t v;
    assert_true(bus_read(&r->bus, addr, 4, &acc, &v));
    return v;
}

static void test_frame_labels_across_boundaries(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 1, 0, 8);
    assert_int_equal(MIC_FRAME_PS, 20 * HS_MS);
    mic_set_label(&r.mic, 2, 30 * HS_MS); /* secret conversation starts */
    mic_set_label(&r.mic, 0, 45 * HS_MS); /* ... and ends */
    mic_set_label(&r.mic, 1, 70 * HS_MS);
    mic_set_label(&r.mic, 3, 100 * HS_MS); /* exactly at a frame edge */
    assert_int_equal(mic_set_label(&r.mic, 1, 10 * HS_MS), -1);
    assert_int_equal(mic_set_label(&r.mic, 4, 200 * HS_MS), -1);
    wr(&r, HS_MMIO_MIC + HS_MIC_DMA_ADDR, BUF_BASE, 8);
    wr(&r, HS_MMIO_MIC + HS_MIC_CTRL, 1, 4);
    sim_run_until(r.sim, 120 * HS_MS);
    assert_int_equal(rd(&r, HS_MMIO_MIC + HS_MIC_STATUS), 6);
    /* [0,20) 0; [20,40) 2 (boundary at 30); [40,60) 2 (secret until 45);
     * [60,80) 1; [80,100) 1; [100,120) 3 */
    const uint8_t want[6] = {0, 2, 2, 1, 1, 3};
    for (int i = 0; i < 6; i++) {
        wr(&r, HS_MMIO_MIC + HS_MIC_POP, 1, 4);
        assert_int_equal(rd(&r, HS_MMIO_MIC + HS_MIC_FRAME_LABEL), want[i]);
    }
    assert_int_equal(rd(&r, HS_MMIO_MIC + HS_MIC_STATUS), 0);
    rig_free(&r);
}

static void test_pcm_tone_and_determinism(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 1, 0, 8);
    wr(&r, HS_MMIO_MIC + HS_MIC_DMA_ADDR, BUF_BASE, 8);
    wr(&r, HS_MMIO_MIC + HS_MIC_CTRL, 1, 4);
    sim_run_until(r.sim, 20 * HS_MS);
    wr(&r, HS_MMIO_MIC + HS_MIC_POP, 1, 4);
    /* 1 kHz at 16 kHz: 16 samples per period; peak at sample 4 */
    int16_t s0 = (int16_t)(r.mem[0] | r.mem[1] << 8);
    int16_t s4 = (int16_t)(r.mem[8] | r.mem[9] << 8);
    int16_t s12 = (int16_t)(r.mem[24] | r.mem[25] << 8);
    int16_t s2 = (int16_t)(r.mem[4] | r.mem[5] << 8);
    assert_int_equal(s0, 0);
    assert_int_equal(s4, 10000);
    assert_int_equal(s12, -10000);
    assert_true(s2 > 7050 && s2 < 7100); /* sin(pi/4) = 0.7071 */
    rig_free(&r);

    /* noisy PCM repeats exactly under the same seed, not under another */
    uint8_t a[640], b[640], c[640];
    uint64_t seeds[3] = {7, 7, 8};
    uint8_t *outs[3] = {a, b, c};
    for (int k = 0; k < 3; k++) {
        rig_init(&r, seeds[k], 300, 8);
        wr(&r, HS_MMIO_MIC + HS_MIC_DMA_ADDR, BUF_BASE, 8);
        wr(&r, HS_MMIO_MIC + HS_MIC_CTRL, 1, 4);
        sim_run_until(r.sim, 40 * HS_MS);
        wr(&r, HS_MMIO_MIC + HS_MIC_POP, 1, 4);
        wr(&r, HS_MMIO_MIC + HS_MIC_POP, 1, 4);
        memcpy(outs[k], r.mem, 640);
        rig_free(&r);
    }
    assert_memory_equal(a, b, 640);
    assert_memory_not_equal(a, c, 640);
}

static void test_fifo_irq_and_errors(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 1, 0, 2);
    wr(&r, HS_MMIO_MIC + HS_MIC_POP, 1, 4); /* empty: guest error */
    assert_int_equal(r.mic.dev.guest_errors, 1);
    wr(&r, HS_MMIO_MIC + HS_MIC_CTRL, 1, 4);
    sim_run_until(r.sim, 20 * HS_MS);
    assert_true(r.mic.irq.level);
    sim_run_until(r.sim, 60 * HS_MS);
    assert_int_equal(rd(&r, HS_MMIO_MIC + HS_MIC_STATUS), 2);
    assert_int_equal(r.mic.overruns, 1);
    /* DMA outside guest memory: error, the frame stays queued */
    wr(&r, HS_MMIO_MIC + HS_MIC_DMA_ADDR, 0x10, 8);
    wr(&r, HS_MMIO_MIC + HS_MIC_POP, 1, 4);
    assert_int_equal(r.mic.dev.guest_errors, 2);
    assert_int_equal(rd(&r, HS_MMIO_MIC + HS_MIC_STATUS), 2);
    wr(&r, HS_MMIO_MIC + HS_MIC_DMA_ADDR, BUF_BASE, 8);
    wr(&r, HS_MMIO_MIC + HS_MIC_POP, 1, 4);
    wr(&r, HS_MMIO_MIC + HS_MIC_POP, 1, 4);
    assert_false(r.mic.irq.level);
    /* capture off: no more frames */
    wr(&r, HS_MMIO_MIC + HS_MIC_CTRL, 0, 4);
    sim_run_until(r.sim, HS_S);
    assert_int_equal(rd(&r, HS_MMIO_MIC + HS_MIC_STATUS), 0);
    assert_int_equal(sim_pending(r.sim), 0);
    rig_free(&r);
}

/* An approach that never lets domain 0 route the mic to the baseband. */
static uint32_t no_bb_for_d0(void *ctx, int domain, uint32_t requested)
{
    (void)ctx;
    return domain == 0 ? requested & ~(uint32_t)HS_AUDIO_ROUTE_BB : requested;
}

static void test_audio_routing(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 1, 0, 8);
    rig_route(&r);
    mic_set_label(&r.mic, 2, 0);
    /* baseband only: the AP sees nothing */
    wr(&r, HS_MMIO_AUDIO + HS_AUDIO_ROUTE, HS_AUDIO_ROUTE_BB, 4);
    assert_int_equal(rd(&r, HS_MMIO_AUDIO + HS_AUDIO_ROUTE), HS_AUDIO_ROUTE_BB);
    wr(&r, HS_MMIO_MIC + HS_MIC_CTRL, 1, 4);
    sim_run_until(r.sim, 40 * HS_MS);
    assert_int_equal(r.bb.frames, 2);
    assert_int_equal(r.bb.labels[0], 2);
    assert_int_equal(mic_fifo_count(&r.mic), 0);
    /* both */
    wr(&r, HS_MMIO_AUDIO + HS_AUDIO_ROUTE,
       HS_AUDIO_ROUTE_AP | HS_AUDIO_ROUTE_BB, 4);
    sim_run_until(r.sim, 60 * HS_MS);
    assert_int_equal(r.bb.frames, 3);
    assert_int_equal(mic_fifo_count(&r.mic), 1);
    /* the approach's filter */
    audio_set_filter(&r.audio, no_bb_for_d0, NULL);
    wr(&r, HS_MMIO_AUDIO + HS_AUDIO_ROUTE,
       HS_AUDIO_ROUTE_AP | HS_AUDIO_ROUTE_BB, 4);
    assert_int_equal(rd(&r, HS_MMIO_AUDIO + HS_AUDIO_ROUTE), HS_AUDIO_ROUTE_AP);
    /* ... while hostile baseband firmware asks for itself */
    assert_int_equal(audio_set_route(&r.audio, HS_AUDIO_ROUTE_BB,
                                     BUS_DOMAIN_HOST, 60 * HS_MS),
                     HS_AUDIO_ROUTE_BB);
    sim_run_until(r.sim, 80 * HS_MS);
    assert_int_equal(r.bb.frames, 4);
    assert_int_equal(r.audio.to_ap, 1); /* the route is BB only now */
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_frame_labels_across_boundaries),
    cmocka_unit_test(test_pcm_tone_and_determinism),
    cmocka_unit_test(test_fifo_irq_and_errors),
    cmocka_unit_test(test_audio_routing),
};
HS_TEST_GROUP(dev_mic, tests)
