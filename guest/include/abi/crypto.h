/*
 * crypto.h - request layout of HS_CALL_AEAD_SEAL / HS_CALL_AEAD_OPEN
 * (ChaCha20-Poly1305, RFC 8439), shared by host and guest. Addresses are
 * guest addresses; the host fills the request in guest RAM and passes
 * its address as a1 of HS_EV_CALL.
 */
#ifndef GUEST_ABI_CRYPTO_H
#define GUEST_ABI_CRYPTO_H

#include <stdint.h>

#include "platform.h"

#define HS_AEAD_MAX_BYTES 65536 /* largest plaintext/ciphertext per call */
#define HS_AEAD_MAX_AAD 1024    /* largest associated data */

typedef struct HsAeadRequest {
    uint8_t key[32];   /* in: 256-bit key */
    uint8_t nonce[12]; /* in: 96-bit nonce */
    uint32_t aad_len;  /* in: bytes of associated data */
    uint64_t aad_addr; /* in: associated data (may be 0 when aad_len 0) */
    uint64_t in_addr;  /* in: plaintext (seal) or ciphertext (open) */
    uint64_t out_addr; /* in: where the result goes (may equal in_addr) */
    uint32_t len;      /* in: bytes at in_addr (<= HS_AEAD_MAX_BYTES) */
    int32_t status;    /* out: 0, HS_EINVAL, or HS_EPERM (bad tag) */
    uint8_t tag[16];   /* seal: out, the tag; open: in, the tag to check */
} HsAeadRequest;

_Static_assert(sizeof(HsAeadRequest) == 96, "HsAeadRequest layout");

/*
 * The domain's VPN app on the kernel's tun device (Android's VpnService
 * model; the host side is emu/phone/netstack.h). The kernel routes a
 * packet of the domain to the app: it writes an HsAeadRequest at
 * HS_TUN_IO_ADDR whose in_addr = out_addr = HS_TUN_BUF_ADDR holds the
 * packet, and calls HS_CALL_TUN_SEAL (or _OPEN for one from the tunnel).
 * The app does the AEAD in place, then writes the status to the socket
 * device's HS_SOCK_TUN_DONE: the packet goes back to the kernel, which
 * carries it on from that moment. One packet at a time per domain.
 */
#define HS_TUN_IO_ADDR (HS_IO_BASE + 0xc0000)
#define HS_TUN_BUF_ADDR (HS_TUN_IO_ADDR + 0x100)
#define HS_TUN_BUF_BYTES 2048 /* one packet, up to the MTU and a margin */

#endif /* GUEST_ABI_CRYPTO_H */
