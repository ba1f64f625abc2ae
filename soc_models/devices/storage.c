/*
 * storage.c - block device with per-KiB latency, lazy backing store and
 * power per state.
 */
#include "soc_models/devices/storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

static int slot(int domain)
{
    return domain >= 0 && domain < POWER_MAX_DOMAINS ? domain
                                                     : POWER_MAX_DOMAINS;
}

hs_time storage_latency_ps(const StorageState *s, uint32_t op, uint32_t count)
{
    hs_time per_kib = op == HS_STORAGE_CMD_WRITE ? s->cfg.write_ps_per_kib
                                                 : s->cfg.read_ps_per_kib;
    unsigned __int128 t = (unsigned __int128)per_kib * count;
    t = (t + 1023) / 1024 + s->cfg.cmd_latency_ps;
    return t > HS_TIME_MAX ? HS_TIME_MAX : (hs_time)t;
}

static void meter_update(StorageState *s, hs_time when)
{
    if (!s->meter || s->comp < 0)
        return;
    if (s->status != HS_STORAGE_ST_BUSY || !s->on_medium) {
        power_set_state(s->meter, s->comp, 0, NULL, when);
        return;
    }
    int d = s->op_domain;
    PowerAttr a = power_attr_domain(
        d >= 0 && d < power_meter_domains(s->meter) ? d : POWER_UNATTRIBUTED);
    power_set_state(s->meter, s->comp, s->op == HS_STORAGE_CMD_WRITE ? 2 : 1,
                    &a, when);
}

/* Copies between the medium and buf; allocates blocks on write. */
static int medium_io(StorageState *s, uint64_t lba, uint8_t *buf,
                     uint32_t count, bool write)
{
    uint64_t pos = lba * HS_STORAGE_BLOCK;
    uint32_t done = 0;
    while (done < count) {
        uint64_t b = (pos + done) / HS_STORAGE_BLOCK;
        uint32_t off = (uint32_t)((pos + done) % HS_STORAGE_BLOCK);
        uint32_t n = HS_STORAGE_BLOCK - off;
        if (n > count - done)
            n = count - done;
        if (write) {
            if (!s->blocks[b]) {
                s->blocks[b] = calloc(1, HS_STORAGE_BLOCK);
                if (!s->blocks[b])
                    return -1;
            }
            memcpy(s->blocks[b] + off, buf + done, n);
        } else if (s->blocks[b]) {
            memcpy(buf + done, s->blocks[b] + off, n);
        } else {
            memset(buf + done, 0, n);
        }
        done += n;
    }
    return 0;
}

static void finish(StorageState *s, uint32_t status, hs_time when)
{
    s->status = status;
    s->on_medium = false;
    free(s->op_data);
    s->op_data = NULL;
    meter_update(s, when);
    irq_pulse(&s->irq);
}

/* A read's data reaches the issuer's buffer and the command ends. */
static void read_end(StorageState *s, hs_time when)
{
    uint32_t st = HS_STORAGE_ST_DONE;
    if (dma_write(s->dma, s->op_domain, s->op_addr, s->op_data, s->op_count)) {
        device_guest_error(&s->dev, "read into 0x%llx failed",
                           (unsigned long long)s->op_addr);
        st = HS_STORAGE_ST_ERROR;
    } else {
        s->bytes_read[slot(s->op_domain)] += s->op_count;
    }
    finish(s, st, when);
}

static void storage_done(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    StorageState *s = ctx;
    if (s->op == HS_STORAGE_CMD_WRITE) {
        uint32_t st = HS_STORAGE_ST_DONE;
        if (medium_io(s, s->op_lba, s->op_data, s->op_count, true))
            st = HS_STORAGE_ST_ERROR; /* host out of memory */
        else
            s->bytes_written[slot(s->op_domain)] += s->op_count;
        finish(s, st, now);
        return;
    }
    free(s->op_data);
    s->op_data = malloc(s->op_count);
    if (!s->op_data ||
        medium_io(s, s->op_lba, s->op_data, s->op_count, false)) {
        device_guest_error(&s->dev, "read into 0x%llx failed",
                           (unsigned long long)s->op_addr);
        finish(s, HS_STORAGE_ST_ERROR, now);
        return;
    }
    s->on_medium = false;
    meter_update(s, now);
    if (s->hook) /* the data goes up the issuer's I/O path first */
        s->hook(s->hook_ctx, s, STORAGE_HOOK_READ_DONE, s->op_seq, now);
    else
        read_end(s, now);
}

void storage_set_hook(StorageState *s, StorageHookFunc fn, void *ctx)
{
    s->hook = fn;
    s->hook_ctx = ctx;
}

void storage_continue(StorageState *s, uint64_t seq, bool ok, hs_time when)
{
    if (!s->sim || seq != s->op_seq || s->status != HS_STORAGE_ST_BUSY)
        return; /* reset or superseded meanwhile */
    hs_time now = sim_now(s->sim);
    if (when < now)
        when = now;
    if (s->on_medium)
        return;
    if (!ok) {
        finish(s, HS_STORAGE_ST_ERROR, when);
        return;
    }
    if (s->op == HS_STORAGE_CMD_READ && s->op_data) {
        read_end(s, when); /* the read's data has come up the path */
        return;
    }
    s->on_medium = true;
    meter_update(s, when);
    sim_schedule_at(s->sim, &s->done_ev,
                    when + storage_latency_ps(s, s->op, s->op_count));
}

static void storage_cmd(StorageState *s, uint32_t op, const BusAccess *acc)
{
    if (!s->sim) {
        device_guest_error(&s->dev, "command before the device is realized");
        return;
    }
    if (s->status == HS_STORAGE_ST_BUSY) {
        device_guest_error(&s->dev, "command while busy");
        return;
    }
    hs_time now = sim_now(s->sim);
    hs_time when = acc->when < now ? now : acc->when;
    if (op != HS_STORAGE_CMD_READ && op != HS_STORAGE_CMD_WRITE) {
        device_guest_error(&s->dev, "unknown command %u", op);
        return;
    }
    s->op = op;
    s->op_domain = acc->domain;
    s->op_lba = s->lba;
    s->op_addr = s->addr;
    s->op_count = s->count;
    bool fits = s->count > 0 && s->count <= s->cfg.max_transfer_bytes &&
                s->lba < s->n_blocks &&
                s->count <= (s->n_blocks - s->lba) * HS_STORAGE_BLOCK;
    if (!fits) {
        device_guest_error(&s->dev, "%u bytes at block %llu out of range",
                           s->count, (unsigned long long)s->lba);
        finish(s, HS_STORAGE_ST_ERROR, when);
        return;
    }
    if (op == HS_STORAGE_CMD_WRITE) {
        s->op_data = malloc(s->count);
        if (!s->op_data ||
            dma_read(s->dma, acc->domain, s->addr, s->op_data, s->count)) {
            device_guest_error(&s->dev, "write buffer 0x%llx unreadable",
                               (unsigned long long)s->addr);
            finish(s, HS_STORAGE_ST_ERROR, when);
            return;
        }
    }
    s->status = HS_STORAGE_ST_BUSY;
    s->op_seq++;
    if (s->hook) /* the command goes down the issuer's I/O path first */
        s->hook(s->hook_ctx, s, STORAGE_HOOK_ISSUE, s->op_seq, when);
    else
        storage_continue(s, s->op_seq, true, when);
}

static int storage_realize(Device *dev, Sim *sim)
{
    StorageState *s = (StorageState *)dev;
    s->sim = sim;
    sim_event_init(&s->done_ev, "storage.done", storage_done, s, 0);
    if (!s->meter)
        return 0;
    s->comp = power_component_add(s->meter, dev->name);
    if (s->comp < 0 ||
        power_state_add(s->meter, s->comp, "idle", s->cfg.idle_uw) < 0 ||
        power_state_add(s->meter, s->comp, "read", s->cfg.read_uw) < 0 ||
        power_state_add(s->meter, s->comp, "write", s->cfg.write_uw) < 0)
        return -1;
    return 0;
}

static void storage_reset(Device *dev)
{
    StorageState *s = (StorageState *)dev;
    if (s->sim)
        sim_cancel(s->sim, &s->done_ev);
    free(s->op_data);
    s->op_data = NULL;
    s->status = HS_STORAGE_ST_IDLE;
    s->on_medium = false;
    s->op_seq++;
    if (s->sim)
        meter_update(s, sim_now(s->sim));
    s->lba = s->addr = 0;
    s->count = 0;
}

static uint64_t storage_read(Device *dev, uint64_t offset, unsigned size,
                             const BusAccess *acc)
{
    (void)acc;
    StorageState *s = (StorageState *)dev;
    switch (offset) {
    case HS_STORAGE_LBA: /* first block (low half if 32-bit) */
        return size == 8 ? s->lba : (uint32_t)s->lba;
    case HS_STORAGE_LBA + 4: /* first block, high half */
        return (uint32_t)(s->lba >> 32);
    case HS_STORAGE_ADDR: /* guest buffer (low half if 32-bit) */
        return size == 8 ? s->addr : (uint32_t)s->addr;
    case HS_STORAGE_ADDR + 4: /* guest buffer, high half */
        return (uint32_t)(s->addr >> 32);
    case HS_STORAGE_COUNT: /* bytes */
        return s->count;
    case HS_STORAGE_STATUS: /* HS_STORAGE_ST_* */
        return s->status;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static uint64_t set64(uint64_t old, uint64_t value, unsigned size, bool hi)
{
    if (hi)
        return (old & 0xffffffffULL) | (value << 32);
    if (size == 8)
        return value;
    return (old & ~0xffffffffULL) | (uint32_t)value;
}

static void storage_write(Device *dev, uint64_t offset, uint64_t value,
                          unsigned size, const BusAccess *acc)
{
    StorageState *s = (StorageState *)dev;
    switch (offset) {
    case HS_STORAGE_LBA: /* first block (low half if 32-bit) */
        s->lba = set64(s->lba, value, size, false);
        break;
    case HS_STORAGE_LBA + 4: /* first block, high half */
        s->lba = set64(s->lba, value, size, true);
        break;
    case HS_STORAGE_ADDR: /* guest buffer (low half if 32-bit) */
        s->addr = set64(s->addr, value, size, false);
        break;
    case HS_STORAGE_ADDR + 4: /* guest buffer, high half */
        s->addr = set64(s->addr, value, size, true);
        break;
    case HS_STORAGE_COUNT: /* bytes */
        s->count = (uint32_t)value;
        break;
    case HS_STORAGE_CMD: /* start a read or write */
        storage_cmd(s, (uint32_t)value, acc);
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
    }
}

static void storage_destroy(Device *dev)
{
    StorageState *s = (StorageState *)dev;
    if (s->blocks)
        for (uint64_t i = 0; i < s->n_blocks; i++)
            free(s->blocks[i]);
    free(s->blocks);
    free(s->op_data);
    s->blocks = NULL;
    s->op_data = NULL;
}

const DeviceOps storage_ops = {
    .type = "storage",
    .realize = storage_realize,
    .reset = storage_reset,
    .read = storage_read,
    .write = storage_write,
    .destroy = storage_destroy,
};

int storage_init(StorageState *s, const char *name, const StorageConfig *cfg,
                 const GuestDma *dma, PowerMeter *meter, char *err,
                 size_t err_size)
{
    memset(s, 0, sizeof *s);
    const char *why = NULL;
    if (cfg->capacity_bytes == 0 || cfg->capacity_bytes % HS_STORAGE_BLOCK)
        why = "capacity_bytes must be a positive multiple of 4096";
    else if (cfg->capacity_bytes / HS_STORAGE_BLOCK > (1ULL << 24))
        why = "capacity_bytes above 64 GiB";
    else if (cfg->max_transfer_bytes == 0)
        why = "max_transfer_bytes must be > 0";
    else if (cfg->idle_uw > POWER_MAX_UW || cfg->read_uw > POWER_MAX_UW ||
             cfg->write_uw > POWER_MAX_UW)
        why = "power out of range";
    if (!why) {
        s->n_blocks = cfg->capacity_bytes / HS_STORAGE_BLOCK;
        s->blocks = calloc(s->n_blocks, sizeof *s->blocks);
        if (!s->blocks)
            why = "out of memory";
    }
    if (why) {
        if (err && err_size)
            snprintf(err, err_size, "storage: %s", why);
        return -1;
    }
    device_init(&s->dev, &storage_ops, name);
    s->cfg = *cfg;
    s->dma = dma;
    s->meter = meter;
    s->comp = -1;
    return 0;
}
