/*
 * netget.h - layout of HS_CALL_NET_GET, shared by host and guest: a
 * download over socket HS_SOCK_GET (platform.h), driven by events.
 *
 * The call connects to peer `peer` and returns; at each HS_IRQ_SOCK for
 * the socket the app reads what arrived. Once connected it sends
 * "GET /doc/<bytes> HTTP/1.1" (Host, Connection: close); it reads the
 * status line and headers (up to HS_NET_GET_HEAD_BYTES) for the status
 * and Content-Length, then folds every body byte into a 64-bit FNV-1a
 * hash, so the work grows with the bytes. When Content-Length bytes have
 * arrived it writes HS_SOCK_MARK (0, or HS_EIO for a status other than
 * 200 or a length other than `bytes`) and closes the socket.
 *
 * Not built: keeping the document. Storing it (HS_MMIO_STORAGE) and
 * displaying it belong to the download's later stages; the body passes
 * through rx[] and only its hash is kept.
 */
#ifndef GUEST_ABI_NETGET_H
#define GUEST_ABI_NETGET_H

#include <stdint.h>

#include "platform.h"

#define HS_NET_GET_IO_ADDR (HS_IO_BASE + 0xe8000)
#define HS_NET_GET_RX_BYTES 4096
#define HS_NET_GET_HEAD_BYTES 1024
#define HS_NET_GET_FNV_OFFSET 0xcbf29ce484222325ULL /* FNV-1a 64 */
#define HS_NET_GET_FNV_PRIME 0x100000001b3ULL

#define HS_NET_GET_PH_IDLE 0
#define HS_NET_GET_PH_CONNECTING 1
#define HS_NET_GET_PH_HEAD 2
#define HS_NET_GET_PH_BODY 3
#define HS_NET_GET_PH_DONE 4
#define HS_NET_GET_PH_FAILED 5

typedef struct HsNetGetIo {
    uint64_t bytes;                   /* in: document size asked for */
    uint32_t peer;                    /* in: network peer (a web server) */
    uint32_t phase;                   /* HS_NET_GET_PH_* */
    int32_t status;                   /* out: 0 or HS_E* */
    uint32_t http_status;             /* out: status code of the response */
    uint64_t content_length;          /* out: from the headers */
    uint64_t body_bytes;              /* out: body bytes read */
    uint64_t hash;                    /* out: FNV-1a 64 of the body */
    uint32_t head_len;                /* bytes of the head collected */
    uint32_t gets;                    /* out: downloads completed (marked) */
    char head[HS_NET_GET_HEAD_BYTES]; /* status line and headers */
    uint8_t rx[HS_NET_GET_RX_BYTES];  /* socket reads */
    char req[160];                    /* the request */
} HsNetGetIo;

_Static_assert(sizeof(HsNetGetIo) ==
                   56 + HS_NET_GET_HEAD_BYTES + HS_NET_GET_RX_BYTES + 160,
               "HsNetGetIo layout");

#endif /* GUEST_ABI_NETGET_H */
