/*
 * apps.h - the guest's app tables (guest only): HS_EV_WORKLOAD and
 * HS_EV_CALL are found by id in const tables of apps.c, and each app
 * provides its handlers here.
 */
#ifndef GUEST_APPS_H
#define GUEST_APPS_H

#include <stdint.h>

/* HS_EV_WORKLOAD: runs workload `id` for n iterations and returns its
 * 64-bit check value, or (uint64_t)HS_EINVAL for an unknown id or an n
 * beyond 32 bits. */
uint64_t app_workload(uint64_t id, uint64_t n);

/* HS_EV_CALL: runs direct call `id` on the request at guest address
 * req_addr; returns 0 or a negative HS_E* (also stored in the request's
 * status field when the request is valid). */
int64_t app_call(uint64_t id, uint64_t req_addr);

/* A direct call handler; req is the request's guest address. */
typedef int64_t (*AppCallFunc)(uint64_t id, uint64_t req);
/* A workload driver: n iterations, returns the check value. */
typedef uint64_t (*AppWorkloadFunc)(uint32_t n);

int64_t crypto_call(uint64_t id, uint64_t req);
int64_t crypto_tun_call(uint64_t id, uint64_t req);
int64_t voice_call(uint64_t id, uint64_t req);
int64_t mail_call(uint64_t id, uint64_t req);
int64_t ui_call(uint64_t id, uint64_t req);
int64_t ui_document_call(uint64_t id, uint64_t req);
int64_t gl_call(uint64_t id, uint64_t req);
int64_t covert_call(uint64_t id, uint64_t req);
int64_t mail_sync_call(uint64_t id, uint64_t req);
int64_t net_get_call(uint64_t id, uint64_t req);

/* HS_IRQ_SOCK: the socket apps read what arrived on their socket; each
 * returns the reads it made. */
uint64_t mail_on_sock(void);
uint64_t net_get_on_sock(void);

uint64_t covert_workload_tx(uint32_t symbols);
uint64_t covert_workload_rx(uint32_t symbols);

#endif /* GUEST_APPS_H */
