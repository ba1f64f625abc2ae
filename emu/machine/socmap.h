/*
 * socmap.h - turns a loaded SoC description into the device models'
 * configurations.
 *
 * The SoC file (soc.h) says what the phone is; the devices (soc_models/
 * devices) take plain integer configs. This is the one place that maps
 * one onto the other, so a figure in the file reaches exactly one device
 * field and the devices never depend on the file format. Limits of the
 * model itself (queue depths, the size of the simulated flash) are not
 * phone figures and are set here, each with its reason.
 */
#ifndef HS_MACHINE_SOCMAP_H
#define HS_MACHINE_SOCMAP_H

#include <stddef.h>

#include "config/soc.h"
#include "soc_models/devices/audio.h"
#include "soc_models/devices/display.h"
#include "soc_models/devices/dvfs.h"
#include "soc_models/devices/gpu.h"
#include "soc_models/devices/mic.h"
#include "soc_models/devices/net.h"
#include "soc_models/devices/pmic.h"
#include "soc_models/devices/storage.h"

/* Each returns 0, or -1 with a reason in err when the SoC asks for more
 * than the device model supports (e.g. more OPPs than DVFS_MAX_OPPS).
 * Strings in the configs point into soc, which must outlive them. */
int socmap_pmic(const SocModel *soc, PmicConfig *out, char *err,
                size_t err_size);
int socmap_dvfs(const SocModel *soc, DvfsConfig *out, char *err,
                size_t err_size);
int socmap_display(const SocModel *soc, DisplayConfig *out, char *err,
                   size_t err_size);
int socmap_gpu(const SocModel *soc, GpuConfig *out, char *err, size_t err_size);
int socmap_mic(const SocModel *soc, MicConfig *out, char *err, size_t err_size);
int socmap_audio(const SocModel *soc, AudioConfig *out, char *err,
                 size_t err_size);
int socmap_net(const SocModel *soc, NetConfig *out, char *err, size_t err_size);
int socmap_storage(const SocModel *soc, StorageConfig *out, char *err,
                   size_t err_size);

#endif /* HS_MACHINE_SOCMAP_H */
