/*
 * core_types.c - the built-in CPU core types: cycles per instruction and
 * default clock for the "little" and "big" cores, each with its source.
 *
 * These stand in until the SoC description files supply per-cluster
 * figures. CPIs are estimates and say so: they turn an emulated
 * instruction count into cycles and must be replaced by measured values
 * for any published result.
 */
#include <string.h>
#include <unicorn/unicorn.h>

#include "cpu/vcpu.h"

static const VcpuCoreType core_types[] = {
    {
        .name = "little",
        .arch = VCPU_ARCH_A64,
        .model = "Arm Cortex-A53",
        .cpi_milli = 1500,
        .default_khz = 1400000,
        .uc_model = UC_CPU_ARM64_A53,
        .source = "Cortex-A53: in-order, dual-issue (Arm Cortex-A53 MPCore "
                  "TRM r0p4, section 1.1); CPI 1.5 is an estimate for "
                  "integer code; 1.4 GHz is a typical LITTLE-cluster clock "
                  "(estimate)",
    },
    {
        .name = "big",
        .arch = VCPU_ARCH_A64,
        .model = "Arm Cortex-A72",
        .cpi_milli = 800,
        .default_khz = 2000000,
        .uc_model = UC_CPU_ARM64_A72,
        .source = "Cortex-A72: out-of-order, 3-wide decode (Arm Cortex-A72 "
                  "MPCore TRM r0p3, section 1.1); CPI 0.8 is an estimate "
                  "for integer code; 2.0 GHz is a typical big-cluster "
                  "clock (estimate)",
    },
};

/* The baseband processor: application-class ARMv7 cores run modem
 * protocol stacks on current basebands; its figures are estimates. */
static const VcpuCoreType baseband_core = {
    .name = "baseband",
    .arch = VCPU_ARCH_A32,
    .model = "Arm Cortex-A7",
    .cpi_milli = 1600,
    .default_khz = 800000,
    .uc_model = UC_CPU_ARM_CORTEX_A7,
    .source = "Cortex-A7: in-order, partial dual-issue (Arm Cortex-A7 "
              "MPCore TRM r0p5, section 1.1); CPI 1.6 and the 800 MHz "
              "clock are estimates for a modem's application core",
};

const VcpuCoreType *vcpu_core_type_baseband(void)
{
    return &baseband_core;
}

#define N_CORE_TYPES (sizeof core_types / sizeof core_types[0])

const VcpuCoreType *vcpu_core_type_find(const char *name)
{
    for (size_t i = 0; i < N_CORE_TYPES; i++)
        if (strcmp(core_types[i].name, name) == 0)
            return &core_types[i];
    return NULL;
}

size_t vcpu_core_type_count(void)
{
    return N_CORE_TYPES;
}

const VcpuCoreType *vcpu_core_type_at(size_t i)
{
    return i < N_CORE_TYPES ? &core_types[i] : NULL;
}
