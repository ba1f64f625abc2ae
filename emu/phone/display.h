/*
 * display.h - what the display part of a run (display.c) offers
 * the other parts: a notification shown to the user (the ring of a
 * call, an SMS), a page (the mail app's inbox), the user's switch
 * between domains and the storage step of a download.
 *
 * Both act through the domain's guest code and the run's devices. The
 * part state is the one the runner created for "display" (RunEnv.part);
 * a scenario without ui apps or display-document events has none.
 */
#ifndef HS_PHONE_DISPLAY_H
#define HS_PHONE_DISPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

/* A notification for domain at now: the domain's ui composes the
 * notification card and the frame travels to the panel like any other.
 * When the frame is on the panel, `latency` (a results name such as
 * "sms.shown", or NULL) is recorded from since (<= now: when the world
 * sent what is notified, e.g. the IMS core's INVITE), besides
 * display.frame (from now); a frame the approach keeps off the panel
 * records neither. Returns 0, or -1 with a message when the domain runs
 * no ui app. */
int phone_display_notify(void *part, int domain, const char *latency,
                         hs_time since, hs_time now, char *err,
                         size_t err_size);

/* Told when a frame is on the panel (the vsync that shows it). */
typedef void (*PhoneShownFunc)(void *ctx, hs_time shown);

/* A page for domain at now: its ui redraws its whole screen (an inbox,
 * a list) and the user reads it when it is shown; `latency` (or NULL) is
 * recorded from since (<= now) to the vsync that shows it. Returns 0,
 * or -1 with a message when the domain runs no ui app. */
int phone_display_page(void *part, int domain, const char *latency,
                       hs_time since, hs_time now, char *err, size_t err_size);

/* The user brings domain `to` to the front at now: the approach's
 * switch_domain hops run as scheduled work (machine_switch_domain); when
 * they are done `to` is the foreground and its ui redraws its whole
 * screen, a frame that takes the display path like any other.
 * latency.switch is from now to the vsync that shows that frame, and
 * fn(ctx, shown) (fn may be NULL) is told then; a frame the approach
 * keeps off the panel tells nothing. A switch to the domain already in
 * front, or asked while another switch's hops run, does nothing and is
 * counted (counts.dropped "switch.front", "switch.busy"): returns 1.
 * Returns 0 when the switch started, -1 with a message for a domain
 * without a ui app. */
int phone_display_switch(void *part, int to, hs_time now, PhoneShownFunc fn,
                         void *ctx, char *err, size_t err_size);

/* The storage step of a download: domain's guest code writes a document
 * of bytes into the domain's document area of the storage device (the
 * one display-document reads back). `latency` (or NULL) is recorded from
 * now to the last byte on the medium. Returns 0, or -1 with a message
 * (bad domain, a document larger than the area, no request slot). */
int phone_display_store(void *part, int domain, uint64_t bytes,
                        const char *latency, hs_time now, char *err,
                        size_t err_size);

#endif /* HS_PHONE_DISPLAY_H */
