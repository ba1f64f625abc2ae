/*
 * phone.h - the phone app's entry points (guest side). What it does and
 * the I/O area it shares with the host are in abi/phone.h.
 */
#ifndef GUEST_APPS_PHONE_H
#define GUEST_APPS_PHONE_H

#include <stdint.h>

#include "abi/phone.h"

/* Serves the mailbox; returns the number of messages taken. */
uint64_t phone_on_irq(void);
/* The user's tap (HS_CALL_PHONE_ANSWER / HS_CALL_PHONE_HANGUP); req must
 * be PHONE_IO_ADDR. Returns 0, HS_EAGAIN (no call) or HS_EINVAL. */
int64_t phone_call(uint64_t id, uint64_t req);

#endif /* GUEST_APPS_PHONE_H */
