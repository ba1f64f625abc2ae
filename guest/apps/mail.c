/*
 * mail.c - the mail app: parse an IMAP FETCH response in chunks, decode
 * its MIME parts and optionally hand the bodies to storage.
 */
#include "apps/apps.h"
#include "apps/mail.h"
#include "lib/gl_util.h"
#include "lib/imap.h"
#include "lib/mime.h"
#include "rt/rt.h"

typedef struct MailCtx {
    HsMailRequest *req;  /* the caller's request (outputs) */
    uint8_t *out;        /* decoded bodies buffer */
    uint32_t msg_seq;    /* FETCH of the literal being parsed */
    uint64_t next_lba;   /* next free storage block */
    int32_t error;       /* first error */
} MailCtx;

static void on_part(void *opaque, const MimePart *part)
{
    MailCtx *mc = (MailCtx *)opaque;
    HsMailRequest *req = mc->req;
    uint32_t offset = (uint32_t)(part->data - mc->out);
    if (req->parts < HS_MAIL_MAX_PARTS) {
        HsMailPart *p = &req->part[req->parts];
        p->offset = offset;
        p->len = part->len;
        p->encoding = part->encoding;
        p->msg_seq = mc->msg_seq;
        uint32_t n = part->type_len < HS_MAIL_TYPE_BYTES - 1
                         ? part->type_len
                         : HS_MAIL_TYPE_BYTES - 1;
        gl_fill(p->type, 0, HS_MAIL_TYPE_BYTES);
        gl_copy(p->type, part->type, n);
    }
    req->parts++;
    if ((req->flags & HS_MAIL_STORE) && part->len > 0 && mc->error == 0) {
        int64_t rc = rt_storage_io(HS_STORAGE_CMD_WRITE, mc->next_lba,
                                   (void *)(uintptr_t)part->data, part->len);
        if (rc < 0) {
            mc->error = (int32_t)rc;
            return;
        }
        uint32_t blocks = (part->len + HS_STORAGE_BLOCK - 1) /
                          HS_STORAGE_BLOCK;
        mc->next_lba += blocks;
        req->blocks_written += blocks;
    }
}

static void on_literal(void *opaque, uint32_t msg_seq, const uint8_t *data,
                       uint32_t len)
{
    MailCtx *mc = (MailCtx *)opaque;
    HsMailRequest *req = mc->req;
    mc->msg_seq = msg_seq;
    int32_t rc = mime_parse(data, len, mc->out + req->out_len,
                            req->out_cap - req->out_len, on_part, mc);
    if (rc < 0 && mc->error == 0)
        mc->error = HS_EINVAL;
    /* bodies decoded so far stay: find the end of the last one */
    uint32_t end = req->out_len;
    uint32_t described = req->parts < HS_MAIL_MAX_PARTS ? req->parts
                                                        : HS_MAIL_MAX_PARTS;
    for (uint32_t i = 0; i < described; i++)
        if (req->part[i].offset + req->part[i].len > end)
            end = req->part[i].offset + req->part[i].len;
    req->out_len = end;
}

int64_t mail_call(uint64_t id, uint64_t addr)
{
    (void)id;
    HsMailRequest *req = (HsMailRequest *)(uintptr_t)addr;
    if (req->in_addr == 0 || req->lit_addr == 0 || req->out_addr == 0) {
        req->status = HS_EINVAL;
        return HS_EINVAL;
    }
    req->literals = 0;
    req->fetches = 0;
    req->imap_status = 0;
    req->parts = 0;
    req->out_len = 0;
    req->blocks_written = 0;
    MailCtx mc = {
        .req = req,
        .out = (uint8_t *)(uintptr_t)req->out_addr,
        .next_lba = req->store_lba,
    };
    ImapParser p;
    imap_init(&p, (uint8_t *)(uintptr_t)req->lit_addr, req->lit_cap,
              on_literal, &mc);
    const uint8_t *in = (const uint8_t *)(uintptr_t)req->in_addr;
    uint32_t chunk = req->chunk ? req->chunk : req->in_len;
    for (uint32_t off = 0; off < req->in_len && p.error == 0;) {
        uint32_t n = req->in_len - off < chunk ? req->in_len - off : chunk;
        imap_feed(&p, in + off, n);
        off += n;
    }
    req->literals = p.literals;
    req->fetches = p.fetches;
    req->imap_status = p.status;
    if (p.error != 0)
        req->status = HS_EINVAL;
    else
        req->status = mc.error;
    return req->status;
}
