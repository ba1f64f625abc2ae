/*
 * test_soc.c - the SoC loader: the shipped files load with the figures
 * they state (converted exactly to integer units), and every corrupted
 * fixture under tests/data/soc/ fails with the exact file:line:column,
 * key and reason.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/soc.h"

static SocModel *load_ok(const char *relative)
{
    char path[512], err[JSON_ERR_MAX] = "";
    SocModel *soc =
        soc_load(hs_test_path(relative, path, sizeof path), err, sizeof err);
    if (!soc)
        fail_msg("%s did not load: %s", relative, err);
    return soc;
}

static void test_ref2013_figures(void **state)
{
    (void)state;
    SocModel *soc = load_ok("soc_models/ref-2013.json");
    assert_string_equal(soc->name, "ref-2013");
    assert_int_equal(soc->battery.capacity_mah, 2300);
    assert_int_equal(soc->battery.voltage_mv, 3800);

    assert_int_equal(soc->n_clusters, 1);
    const SocCluster *c = &soc->clusters[0];
    assert_int_equal(c->cores, 4);
    assert_int_equal(soc_total_cores(soc), 4);
    assert_int_equal(c->cpi_milli, 1000);
    assert_int_equal(c->n_opps, 14);
    assert_int_equal(c->opps[0].freq_khz, 300000);
    assert_int_equal(c->opps[0].active_uw, 220020); /* 57.9 mA x 3.8 V */
    assert_int_equal(c->opps[1].freq_khz, 422400);
    assert_int_equal(c->opps[13].freq_khz, 2265600);
    assert_int_equal(c->opps[13].active_uw, 1467560); /* 386.2 mA */
    assert_non_null(strstr(c->opps[5].source, "interpolated"));

    /* The hand-computed energies follow from these powers:
     * awake-idle 60 s = 3967.2 mJ, suspended 60 s = 729.6 mJ. */
    assert_int_equal(soc->cpu.awake_idle_uw, 66120);
    assert_int_equal(soc->cpu.awake_idle_uw * 60, 3967200);
    assert_int_equal(soc->cpu.suspend_uw, 12160);
    assert_int_equal(soc->cpu.suspend_uw * 60, 729600);
    assert_int_equal(soc->cpu.suspend_entry_ps, 195 * HS_US);
    assert_int_equal(soc->cpu.suspend_entry_nj, 55800);
    assert_int_equal(soc->cpu.resume_ps, 15 * HS_US);
    assert_int_equal(soc->cpu.resume_nj, 4290);

    assert_string_equal(soc->gpu.name, "adreno-330");
    assert_int_equal(soc->gpu.n_opps, 3);
    assert_int_equal(soc->gpu.opps[1].freq_khz, 320000);
    assert_int_equal(soc->gpu.opps[1].active_uw, 770700);
    assert_int_equal(soc->gpu.idle_uw, 30000);

    assert_int_equal(soc->display.width_px, 1080);
    assert_int_equal(soc->display.height_px, 1920);
    assert_int_equal(soc->display.refresh_hz, 60);
    assert_int_equal(soc->display.off_uw, 0);
    assert_int_equal(soc->display.on_uw, 314450);         /* 82.75 mA */
    assert_int_equal(soc->display.full_extra_uw, 764408); /* 201.16 mA */

    assert_int_equal(soc->mic.wiring, SOC_MIC_BASEBAND_DIRECT);
    assert_string_equal(soc_mic_wiring_name(soc->mic.wiring),
                        "baseband-direct");
    assert_int_equal(soc->storage.read_ps_per_kib, 10 * HS_US);
    assert_int_equal(soc->storage.write_nj_per_kib, 8000);
    assert_int_equal(soc->storage.idle_uw, 300);

    const SocLte *lte = &soc->radio.lte;
    assert_int_equal(soc->radio.idle_uw, 0); /* paging carries radio.on */
    assert_int_equal(soc->devices.baseband.run_uw, 40000);
    assert_int_equal(soc->devices.baseband.sleep_uw, 0);
    assert_int_equal(lte->promotion_ps, 260 * HS_MS);
    assert_int_equal(lte->promotion_uw, 1210000);
    assert_int_equal(lte->inactivity_ps, 100 * HS_MS);
    assert_int_equal(lte->short_drx_ps, 20 * HS_MS);
    assert_int_equal(lte->long_drx_tail_ps, 10 * HS_S);
    assert_int_equal(lte->tail_uw, 1060000);
    assert_int_equal(lte->drx_ping_uw, 1680000);
    assert_int_equal(lte->drx_ping_ps, 2 * HS_MS);
    assert_int_equal(lte->drx_short_period_ps, 20 * HS_MS);
    assert_int_equal(lte->drx_long_period_ps, 40 * HS_MS);
    assert_int_equal(lte->idle_ping_uw, 594000);
    assert_int_equal(lte->idle_ping_ps, 43 * HS_MS);
    assert_int_equal(lte->idle_period_ps, 1280 * HS_MS);
    assert_int_equal(lte->alpha_up_uw_per_mbps, 438390);
    assert_int_equal(lte->alpha_down_uw_per_mbps, 51970);
    assert_int_equal(lte->beta_uw, 1200000);

    assert_true(soc->platform.iommu);
    assert_true(soc->platform.trustzone);
    assert_true(soc->platform.virtualization_extensions);
    soc_free(soc);
}

static void test_ref2024_big_little(void **state)
{
    (void)state;
    SocModel *soc = load_ok("soc_models/ref-2024.json");
    assert_string_equal(soc->name, "ref-2024");
    assert_true(soc->battery.capacity_mah > 2300);
    assert_int_equal(soc->battery.voltage_mv, 3870);
    assert_int_equal(soc->n_clusters, 2);
    assert_string_equal(soc->clusters[0].name, "little");
    assert_string_equal(soc->clusters[1].name, "big");
    assert_int_equal(soc->clusters[0].cores, 4);
    assert_int_equal(soc->clusters[1].cores, 4);
    assert_int_equal(soc_total_cores(soc), 8);
    /* Separate OPP tables: the big cluster reaches higher. */
    const SocCluster *lit = &soc->clusters[0], *big = &soc->clusters[1];
    assert_true(big->opps[big->n_opps - 1].freq_khz >
                lit->opps[lit->n_opps - 1].freq_khz);
    assert_int_equal(lit->cpi_milli, 1200);
    assert_int_equal(big->cpi_milli, 600);
    assert_int_equal(soc->cpu.awake_idle_uw, 58050); /* 15 mA x 3.87 V */
    assert_int_equal(soc->mic.wiring, SOC_MIC_AP_CODEC);
    assert_non_null(strstr(soc->battery.source, "estimate"));
    assert_non_null(strstr(lit->source, "estimate"));
    soc_free(soc);
}

/* Every figure group of a shipped file carries a non-empty source. */
static void assert_sources(const SocModel *soc)
{
    const char *groups[] = {
        soc->battery.source,
        soc->cpu.awake_idle_source,
        soc->cpu.suspend_source,
        soc->cpu.suspend_entry_source,
        soc->cpu.resume_source,
        soc->gpu.source,
        soc->display.source,
        soc->mic.source,
        soc->storage.source,
        soc->radio.idle_source,
        soc->radio.lte.promotion_source,
        soc->radio.lte.tail_source,
        soc->radio.lte.drx_source,
        soc->radio.lte.idle_ping_source,
        soc->radio.lte.throughput_source,
        soc->platform.source,
        soc->devices.mic.source,
        soc->devices.audio.source,
        soc->devices.net.source,
    };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        assert_non_null(groups[i]);
        assert_true(groups[i][0] != '\0');
    }
    for (size_t i = 0; i < soc->n_clusters; i++) {
        assert_true(soc->clusters[i].source[0] != '\0');
        for (size_t j = 0; j < soc->clusters[i].n_opps; j++)
            assert_true(soc->clusters[i].opps[j].source[0] != '\0');
    }
    for (size_t j = 0; j < soc->gpu.n_opps; j++)
        assert_true(soc->gpu.opps[j].source[0] != '\0');
}

static void test_shipped_sources(void **state)
{
    (void)state;
    SocModel *a = load_ok("soc_models/ref-2013.json");
    SocModel *b = load_ok("soc_models/ref-2024.json");
    assert_sources(a);
    assert_sources(b);
    assert_non_null(strstr(a->gpu.source, "No published phone GPU power"));
    assert_non_null(strstr(a->cpu.suspend_entry_source, "Juno"));
    soc_free(a);
    soc_free(b);
}

/* Loads a fixture and checks the whole error message. */
static void expect_error(const char *fixture, const char *where_and_why)
{
    char rel[256], path[512], want[1024], err[JSON_ERR_MAX] = "";
    snprintf(rel, sizeof rel, "tests/data/soc/%s", fixture);
    hs_test_path(rel, path, sizeof path);
    snprintf(want, sizeof want, "%s:%s", path, where_and_why);
    SocModel *soc = soc_load(path, err, sizeof err);
    if (soc) {
        soc_free(soc);
        fail_msg("%s loaded but should not", fixture);
    }
    if (strcmp(err, want) != 0)
        fail_msg("%s\n  got:    '%s'\n  wanted: '%s'", fixture, err, want);
}

static void test_corrupted_fixtures(void **state)
{
    (void)state;
    expect_error("invalid-json.json",
                 "14:18: invalid JSON: string or '}' expected near ','");
    expect_error("duplicate-key.json",
                 "15:13: invalid JSON: duplicate object key near "
                 "'\"cores\"'");
    expect_error("missing-key.json", "5:14: battery.capacity_mah: missing");
    expect_error("wrong-type.json",
                 "22:22: clusters[0].opps[2].freq_mhz: expected a number");
    expect_error("negative-power.json",
                 "55:19: cpu.suspend.power_ma: must not be negative");
    expect_error("unknown-key.json",
                 "6:5: battery.capacity_mha: unknown key (did you mean "
                 "\"capacity_mah\"?)");
    expect_error("opps-not-increasing.json",
                 "26:22: clusters[0].opps[4].freq_mhz: must be greater "
                 "than the previous OPP's frequency (729.6 MHz)");
    expect_error("missing-source.json", "92:14: display.source: missing");
    expect_error("bad-format.json",
                 "2:13: format: expected \"handset-soc/1\" (got "
                 "\"handset-soc/2\")");
    expect_error("bad-duration.json",
                 "127:26: radio.lte.tail.long_drx_tail: invalid duration "
                 "\"10 seconds\": unknown unit (use ps, ns, us, ms, s, m, h "
                 "or d)");
    expect_error("bad-wiring.json",
                 "102:15: microphone.wiring: expected one of "
                 "\"baseband-direct\", \"ap-codec\" (got \"baseband\")");
    expect_error("display-too-large.json",
                 "94:18: display.height_px: 1080 x 4000 pixels do not fit "
                 "the 16 MiB framebuffer");
    expect_error("zero-frequency.json",
                 "18:22: clusters[0].opps[0].freq_mhz: must be greater "
                 "than 0");
    expect_error("bad-mic-tone.json",
                 "161:18: devices.mic.tone_hz: must be at most 7999");
    expect_error("devices-missing-source.json",
                 "159:12: devices.mic.source: missing");
}

/* The devices group: the shipped files give the figures the models had
 * in code; a file without the group gets the same figures from soc.c's
 * defaults, each with a source that says it is a default. */
static void test_device_figures(void **state)
{
    (void)state;
    SocModel *a = load_ok("soc_models/ref-2013.json");
    assert_int_equal(a->devices.mic.tone_hz, 440);
    assert_int_equal(a->devices.mic.fifo_frames, 4);
    assert_int_equal(a->devices.mic.tone_amplitude, 8000);
    assert_int_equal(a->devices.mic.noise_amplitude, 300);
    assert_int_equal(a->devices.mic.on_uw, 0);
    assert_int_equal(a->devices.audio.on_uw, 380); /* 0.1 mA at 3.8 V */
    assert_int_equal(a->devices.net.rx_queue_packets, 256);
    char path[1024], err[JSON_ERR_MAX];
    hs_test_path("soc_models/ref-2013.json", path, sizeof path);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *cut = strstr(text, ",\n  \"devices\"");
    assert_non_null(cut);
    memcpy(cut, "\n}\n", 4); /* drop the group and what follows */
    JsonDoc *doc =
        json_doc_load_text("nodev.json", text, strlen(text), err, sizeof err);
    if (!doc)
        fail_msg("%s", err);
    SocModel *b = soc_from_doc(doc);
    if (!b)
        print_error("%s\n", json_doc_error(doc));
    json_doc_free(doc);
    assert_non_null(b);
    assert_int_equal(b->devices.mic.tone_hz, a->devices.mic.tone_hz);
    assert_int_equal(b->devices.mic.fifo_frames, a->devices.mic.fifo_frames);
    assert_int_equal(b->devices.audio.on_uw, a->devices.audio.on_uw);
    assert_int_equal(b->devices.net.rx_queue_packets,
                     a->devices.net.rx_queue_packets);
    assert_non_null(strstr(b->devices.mic.source, "default (soc.c)"));
    assert_non_null(strstr(b->devices.audio.source, "default (soc.c)"));
    assert_non_null(strstr(b->devices.net.source, "default (soc.c)"));
    soc_free(a);
    soc_free(b);
}

/* Rules that need no file of their own, checked on small documents. */
static void expect_doc_error(const char *text, const char *want)
{
    char err[JSON_ERR_MAX];
    JsonDoc *doc =
        json_doc_load_text("m.json", text, strlen(text), err, sizeof err);
    if (!doc)
        fail_msg("did not parse: %s", err);
    SocModel *soc = soc_from_doc(doc);
    assert_null(soc);
    if (strcmp(json_doc_error(doc), want) != 0)
        fail_msg("got '%s', wanted '%s'", json_doc_error(doc), want);
    json_doc_free(doc);
}

static void test_rules_on_small_docs(void **state)
{
    (void)state;
    expect_doc_error("[1]", "m.json:1:1: expected an object at the top level");
    expect_doc_error("{\"name\": \"x\"}", "m.json:1:1: format: missing");
    expect_doc_error("{\"format\": \"handset-soc/1\", \"nmae\": \"x\"}",
                     "m.json:1:29: nmae: unknown key (did you mean "
                     "\"name\"?)");
    expect_doc_error("{\"format\": \"handset-soc/1\", \"name\": \"\"}",
                     "m.json:1:37: name: must not be empty");
    expect_doc_error("{\"format\": \"handset-soc/1\", \"name\": \"x\",\n"
                     " \"description\": \"d\",\n"
                     " \"battery\": {\"capacity_mah\": 2300.5, "
                     "\"voltage_v\": 3.8, \"source\": \"s\"}}",
                     "m.json:3:30: battery.capacity_mah: has more than 0 "
                     "decimal places");
    expect_doc_error("{\"format\": \"handset-soc/1\", \"name\": \"x\",\n"
                     " \"description\": \"d\",\n"
                     " \"battery\": {\"capacity_mah\": 0, "
                     "\"voltage_v\": 3.8, \"source\": \"s\"}}",
                     "m.json:3:30: battery.capacity_mah: must be greater "
                     "than 0");
    expect_doc_error("{\"format\": \"handset-soc/1\", \"name\": \"x\",\n"
                     " \"description\": \"d\",\n"
                     " \"battery\": {\"capacity_mah\": 1, "
                     "\"voltage_v\": 3.8, \"source\": \"s\"},\n"
                     " \"clusters\": [{\"name\": \"c\", \"core_type\": \"t\","
                     " \"cores\": 1, \"cpi\": 1, \"source\": \"s\",\n"
                     "   \"opps\": [{\"freq_mhz\": 1, \"active_mw\": 1, "
                     "\"active_ma\": 1, \"source\": \"s\"}]}]}",
                     "m.json:5:58: clusters[0].opps[0].active_ma: give "
                     "either active_mw or active_ma, not both");
    expect_doc_error("{\"format\": \"handset-soc/1\", \"name\": \"x\",\n"
                     " \"description\": \"d\",\n"
                     " \"battery\": {\"capacity_mah\": 1, "
                     "\"voltage_v\": 3.8, \"source\": \"s\"},\n"
                     " \"clusters\": [{\"name\": \"c\", \"core_type\": \"t\","
                     " \"cores\": 1, \"cpi\": 1, \"source\": \"s\",\n"
                     "   \"opps\": [{\"freq_mhz\": 1, \"source\": \"s\"}]}]}",
                     "m.json:5:13: clusters[0].opps[0].active_mw: missing");
}

static void test_resolve_path(void **state)
{
    (void)state;
    char buf[4096], err[256] = "";
    assert_int_equal(
        soc_resolve_path("x/y.json", buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, "x/y.json");
    assert_int_equal(
        soc_resolve_path("mine.json", buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, "mine.json");

    /* A shipped name resolves through HANDSET_DATA. */
    char data[512];
    hs_test_path("", data, sizeof data);
    const char *old = getenv("HANDSET_DATA");
    char saved[4096] = "";
    if (old)
        snprintf(saved, sizeof saved, "%s", old);
    setenv("HANDSET_DATA", data, 1);
    assert_int_equal(
        soc_resolve_path("ref-2013", buf, sizeof buf, err, sizeof err), 0);
    char want[1024];
    snprintf(want, sizeof want, "%s/soc_models/ref-2013.json", data);
    assert_string_equal(buf, want);
    SocModel *soc = soc_load(buf, err, sizeof err);
    assert_non_null(soc);
    assert_string_equal(soc->name, "ref-2013");
    soc_free(soc);
    assert_int_equal(
        soc_resolve_path("ref-1999", buf, sizeof buf, err, sizeof err), -1);
    assert_non_null(strstr(err, "no shipped SoC named \"ref-1999\""));
    if (old)
        setenv("HANDSET_DATA", saved, 1);
    else
        unsetenv("HANDSET_DATA");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_device_figures),
    cmocka_unit_test(test_ref2013_figures),
    cmocka_unit_test(test_ref2024_big_little),
    cmocka_unit_test(test_shipped_sources),
    cmocka_unit_test(test_corrupted_fixtures),
    cmocka_unit_test(test_rules_on_small_docs),
    cmocka_unit_test(test_resolve_path),
};

HS_TEST_GROUP(soc, tests)
