/*
 * test_vcpu_power.c - a real guest workload on a vCPU whose clock comes
 * from a DVFS cluster built from ref-2013.json: at two OPPs the workload
 * executes the same instructions, its time is inversely proportional to
 * the frequency, and the CPU energy the meter books is that time at the
 * OPP table's active power.
 */
#include "harness.h"

#include <string.h>

#include "cpu/elf_load.h"
#include "cpu/vcpu.h"
#include "platform.h"
#include "machine/socmap.h"

typedef struct OppRun {
    uint64_t instructions; /* executed by the workload */
    uint64_t check;        /* its check value */
    hs_time time_ps;       /* local time it took */
    uint32_t khz;          /* the cluster's clock */
    uint64_t active_uw;    /* the OPP's active power */
    power_energy cpu_e;    /* energy booked to the domain */
} OppRun;

static void run_at_opp(const SocModel *soc, unsigned opp, OppRun *out)
{
    char err[512], path[1024];
    Sim *sim = sim_new(1);
    PowerMeter *meter = power_meter_new(1);
    static DvfsState dvfs;
    DvfsConfig dc;
    if (socmap_dvfs(soc, &dc, err, sizeof err) < 0 ||
        dvfs_init(&dvfs, "dvfs", &dc, meter, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(dvfs.dev.ops->realize(&dvfs.dev, sim), 0);
    assert_int_equal(dvfs_set_governor(&dvfs, 0, DVFS_GOV_FIXED, 0), 0);
    assert_int_equal(dvfs_set_opp(&dvfs, 0, opp, 0), 0);

    /* The core type comes from the SoC file's first cluster. */
    const SocCluster *cl = &soc->clusters[0];
    VcpuCoreType core = *vcpu_core_type_find("little");
    core.name = cl->name;
    core.model = cl->core_type;
    core.cpi_milli = cl->cpi_milli;
    core.source = cl->source;

    GuestMem *mem = guest_mem_new(NULL);
    ElfImage img;
    uint64_t entry;
    assert_non_null(mem);
    if (elf_load_domain(
            hs_test_path("build/guest/domain.elf", path, sizeof path), mem,
            &img, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(elf_symbol(&img, "hs_entry", &entry), 0);
    VcpuConfig vc = {
        .core = &core, .freq_khz = dvfs_cur_khz(&dvfs, 0), .entry_pc = entry};
    Vcpu *v = vcpu_new(mem, &vc, err, sizeof err);
    if (!v)
        fail_msg("%s", err);

    vcpu_set_time(v, 0);
    assert_int_equal(dvfs_core_run(&dvfs, 0, 0, 0, 0), 0);
    assert_int_equal(vcpu_enter(v, HS_EV_WORKLOAD, HS_WL_CRYPTO, 4), 0);
    VcpuRunResult r;
    while ((r = vcpu_run(v, 100000)) == VCPU_RUN_PREEMPTED)
        ;
    assert_int_equal(r, VCPU_RUN_DONE);
    hs_time end = vcpu_local_time(v);
    assert_int_equal(dvfs_core_stop(&dvfs, 0, 0, end), 0);

    out->instructions = vcpu_instructions(v);
    out->check = vcpu_result(v);
    out->time_ps = end;
    out->khz = dvfs_cur_khz(&dvfs, 0);
    out->active_uw = cl->opps[opp].active_uw;
    out->cpu_e = power_energy_domain(meter, 0, end);

    vcpu_free(v);
    elf_image_free(&img);
    guest_mem_unref(mem);
    device_destroy(&dvfs.dev);
    power_meter_free(meter);
    sim_free(sim);
}

static void test_workload_at_two_frequencies(void **state)
{
    (void)state;
    char path[1024], err[512];
    SocModel *soc =
        soc_load(hs_test_path("soc_models/ref-2013.json", path, sizeof path),
                 err, sizeof err);
    if (!soc)
        fail_msg("%s", err);
    unsigned hi = (unsigned)soc->clusters[0].n_opps - 1;
    OppRun low, high;
    run_at_opp(soc, 0, &low);
    run_at_opp(soc, hi, &high);

    assert_int_equal(low.khz, 300000);
    assert_int_equal(high.khz, 2265600);
    /* Same code, same instructions, same answer. */
    assert_true(low.instructions > 0);
    assert_int_equal(low.instructions, high.instructions);
    assert_int_equal(low.check, high.check);
    /* time x frequency = cycles, the same at both clocks (to within the
     * 1 ps rounding of each). */
    unsigned __int128 lo = (unsigned __int128)low.time_ps * low.khz;
    unsigned __int128 hi_c = (unsigned __int128)high.time_ps * high.khz;
    unsigned __int128 diff = lo > hi_c ? lo - hi_c : hi_c - lo;
    assert_true(diff <= (unsigned __int128)2 * high.khz);
    /* Energy = time at the OPP's active power, exactly as booked. */
    assert_true(low.cpu_e == (power_energy)low.time_ps * low.active_uw);
    assert_true(high.cpu_e == (power_energy)high.time_ps * high.active_uw);
    /* So the energy ratio is the power ratio over the frequency ratio. */
    double ratio =
        power_energy_to_mj(high.cpu_e) / power_energy_to_mj(low.cpu_e);
    double want = ((double)high.active_uw / (double)low.active_uw) *
                  ((double)low.khz / (double)high.khz);
    assert_true(ratio > want * 0.999 && ratio < want * 1.001);
    soc_free(soc);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_workload_at_two_frequencies),
};
HS_TEST_GROUP(vcpu_power, tests)
