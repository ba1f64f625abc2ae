/*
 * crypto.c - the crypto app: ChaCha20-Poly1305 seal/open of one buffer
 * per call (the per-packet work of a VPN or crypto domain), and the same
 * on the kernel's tun device (crypto.h), handing each packet back.
 */
#include "apps/apps.h"
#include "abi/crypto.h"
#include "lib/chacha20poly1305.h"
#include "platform.h"
#include "rt/rt.h"

int64_t crypto_call(uint64_t id, uint64_t addr)
{
    HsAeadRequest *req = (HsAeadRequest *)(uintptr_t)addr;
    if (req->len > HS_AEAD_MAX_BYTES || req->aad_len > HS_AEAD_MAX_AAD ||
        (req->len > 0 && (req->in_addr == 0 || req->out_addr == 0)) ||
        (req->aad_len > 0 && req->aad_addr == 0)) {
        req->status = HS_EINVAL;
        return HS_EINVAL;
    }
    const uint8_t *aad = (const uint8_t *)(uintptr_t)req->aad_addr;
    const uint8_t *in = (const uint8_t *)(uintptr_t)req->in_addr;
    uint8_t *out = (uint8_t *)(uintptr_t)req->out_addr;
    if (id == HS_CALL_AEAD_SEAL) {
        aead_seal(req->key, req->nonce, aad, req->aad_len, in, req->len, out,
                  req->tag);
        req->status = 0;
    } else {
        req->status = aead_open(req->key, req->nonce, aad, req->aad_len, in,
                                req->len, req->tag, out) == 0
                          ? 0
                          : HS_EPERM;
    }
    return req->status;
}

int64_t crypto_tun_call(uint64_t id, uint64_t addr)
{
    int64_t rc = crypto_call(
        id == HS_CALL_TUN_SEAL ? HS_CALL_AEAD_SEAL : HS_CALL_AEAD_OPEN, addr);
    /* the write to the tun is what lets the kernel carry the packet on */
    rt_mmio_write32(HS_MMIO_SOCK + HS_SOCK_TUN_DONE, (uint32_t)rc);
    return rc;
}
