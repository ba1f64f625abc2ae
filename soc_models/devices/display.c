/*
 * display.c - panel power by state and brightness, vsync-aligned flips.
 */
#include "soc_models/devices/display.h"

#include <stdio.h>
#include <string.h>

#include "platform.h"

uint64_t display_power_uw(const DisplayState *s, bool on, uint32_t brightness)
{
    if (!on)
        return s->cfg.off_uw;
    return s->cfg.on_uw + s->cfg.full_uw * brightness / 255;
}

static void meter_update(DisplayState *s, hs_time when)
{
    if (!s->meter || s->comp < 0)
        return;
    int d = s->foreground;
    PowerAttr a =
        power_attr_domain(s->on && d >= 0 && d < power_meter_domains(s->meter)
                              ? d
                              : POWER_UNATTRIBUTED);
    int state = s->on ? 1 : 0;
    power_state_set_power(s->meter, s->comp, 1,
                          display_power_uw(s, true, s->brightness), when);
    power_set_state(s->meter, s->comp, state, &a, when);
}

void display_set_on(DisplayState *s, bool on, hs_time when)
{
    s->on = on;
    if (!on && s->sim)
        sim_cancel(s->sim, &s->vsync); /* a pending flip is not shown */
    meter_update(s, when);
}

void display_set_brightness(DisplayState *s, uint32_t brightness, hs_time when)
{
    s->brightness = brightness > 255 ? 255 : brightness;
    meter_update(s, when);
}

void display_set_foreground(DisplayState *s, int domain, hs_time when)
{
    s->foreground = domain;
    meter_update(s, when);
}

static void display_vsync(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    (void)now;
    DisplayState *s = ctx;
    s->frames++;
    irq_pulse(&s->irq);
}

void display_present(DisplayState *s, const BusAccess *acc)
{
    if (!s->on || !s->sim) {
        device_guest_error(&s->dev, "flip while the panel is off");
        return;
    }
    if (sim_event_pending(&s->vsync)) {
        s->flips_merged++;
        s->flip_domain = acc->domain;
        return;
    }
    hs_time now = sim_now(s->sim);
    hs_time t = acc->when < now ? now : acc->when;
    hs_time period = HS_S / s->cfg.refresh_hz;
    hs_time next = (t / period + 1) * period;
    s->flip_domain = acc->domain;
    sim_schedule_at(s->sim, &s->vsync, next);
}

static int display_realize(Device *dev, Sim *sim)
{
    DisplayState *s = (DisplayState *)dev;
    s->sim = sim;
    sim_event_init(&s->vsync, "display.vsync", display_vsync, s, 0);
    if (!s->meter)
        return 0;
    s->comp = power_component_add(s->meter, dev->name);
    if (s->comp < 0 ||
        power_state_add(s->meter, s->comp, "off", s->cfg.off_uw) < 0 ||
        power_state_add(s->meter, s->comp, "on",
                        display_power_uw(s, true, s->brightness)) < 0)
        return -1;
    return 0;
}

static void display_reset(Device *dev)
{
    DisplayState *s = (DisplayState *)dev;
    hs_time now = s->sim ? sim_now(s->sim) : 0;
    s->brightness = 0;
    display_set_on(s, false, now);
}

static uint64_t display_read(Device *dev, uint64_t offset, unsigned size,
                             const BusAccess *acc)
{
    (void)size;
    (void)acc;
    DisplayState *s = (DisplayState *)dev;
    switch (offset) {
    case HS_DISPLAY_CTRL: /* bit0 on */
        return s->on ? 1 : 0;
    case HS_DISPLAY_BRIGHTNESS: /* 0 .. 255 */
        return s->brightness;
    case HS_DISPLAY_WIDTH: /* pixels */
        return s->cfg.width;
    case HS_DISPLAY_HEIGHT: /* pixels */
        return s->cfg.height;
    case HS_DISPLAY_FRAMES: /* frames presented */
        return (uint32_t)s->frames;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void display_write(Device *dev, uint64_t offset, uint64_t value,
                          unsigned size, const BusAccess *acc)
{
    (void)size;
    DisplayState *s = (DisplayState *)dev;
    switch (offset) {
    case HS_DISPLAY_CTRL: /* bit0 on */
        if (value & ~1ULL)
            device_guest_error(dev, "CTRL reserved bits 0x%llx",
                               (unsigned long long)value);
        display_set_on(s, value & 1, acc->when);
        break;
    case HS_DISPLAY_BRIGHTNESS: /* 0 .. 255 */
        if (value > 255)
            device_guest_error(dev, "brightness %llu above 255",
                               (unsigned long long)value);
        display_set_brightness(s, value > 255 ? 255 : (uint32_t)value,
                               acc->when);
        break;
    case HS_DISPLAY_FLIP: /* present the framebuffer at the next vsync */
        if (s->flip_fn && acc->domain >= 0)
            s->flip_fn(s->flip_ctx, value, acc);
        else
            display_present(s, acc);
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
    }
}

const DeviceOps display_ops = {
    .type = "display",
    .realize = display_realize,
    .reset = display_reset,
    .read = display_read,
    .write = display_write,
};

int display_init(DisplayState *s, const char *name, const DisplayConfig *cfg,
                 PowerMeter *meter, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    const char *why = NULL;
    if (cfg->refresh_hz == 0 || cfg->refresh_hz > 1000)
        why = "refresh_hz must be 1 .. 1000";
    else if (cfg->width == 0 || cfg->height == 0 ||
             (uint64_t)cfg->width * cfg->height * 4 > HS_FB_SIZE)
        why = "resolution must be non-zero and fit the framebuffer";
    else if (cfg->off_uw > POWER_MAX_UW ||
             cfg->on_uw + cfg->full_uw > POWER_MAX_UW)
        why = "power out of range";
    if (why) {
        if (err && err_size)
            snprintf(err, err_size, "display: %s", why);
        return -1;
    }
    device_init(&s->dev, &display_ops, name);
    s->cfg = *cfg;
    s->meter = meter;
    s->comp = -1;
    s->foreground = POWER_UNATTRIBUTED;
    s->flip_domain = BUS_DOMAIN_HOST;
    return 0;
}

void display_set_flip_hook(DisplayState *s, DisplayFlipFunc fn, void *ctx)
{
    s->flip_fn = fn;
    s->flip_ctx = ctx;
}
