/*
 * mail.c - the mail app: parse an IMAP FETCH response in chunks, decode
 * its MIME parts and optionally hand the bodies to storage
 * (HS_CALL_MAIL_PARSE), and sync a mailbox over a socket, event by event
 * (HS_CALL_MAIL_SYNC, layout and protocol in mail.h).
 */
#include "apps/apps.h"
#include "abi/mail.h"
#include "lib/gl_util.h"
#include "lib/imap.h"
#include "lib/mime.h"
#include "rt/rt.h"

typedef struct MailCtx {
    HsMailRequest *req; /* the caller's request (outputs) */
    uint8_t *out;       /* decoded bodies buffer */
    uint32_t msg_seq;   /* FETCH of the literal being parsed */
    uint64_t next_lba;  /* next free storage block */
    int32_t error;      /* first error */
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
        uint32_t blocks = (part->len + HS_STORAGE_BLOCK - 1) / HS_STORAGE_BLOCK;
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
    uint32_t described =
        req->parts < HS_MAIL_MAX_PARTS ? req->parts : HS_MAIL_MAX_PARTS;
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
    imap_init(&p, (uint8_t *)(uintptr_t)req->lit_addr, req->lit_cap, on_literal,
              &mc);
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

/* ---- HS_CALL_MAIL_SYNC: the sync over a socket ---------------------------
 * Each socket event reads what arrived and feeds it to the parser of the
 * response being awaited; a tagged result sends the next command. The
 * parser lives in the I/O area between events, its callback re-bound at
 * every entry (the image is the same, so are its addresses). */

_Static_assert(sizeof(ImapParser) <= HS_MAIL_SYNC_PARSER_BYTES,
               "ImapParser does not fit HsMailSyncIo.parser");

typedef struct SyncCtx {
    HsMailSyncIo *io; /* the sync's state */
} SyncCtx;

static HsMailSyncIo *sync_io(void)
{
    return (HsMailSyncIo *)(uintptr_t)HS_MAIL_SYNC_IO_ADDR;
}

static ImapParser *sync_parser(HsMailSyncIo *io)
{
    return (ImapParser *)(void *)io->parser;
}

static void on_sync_part(void *opaque, const MimePart *part)
{
    SyncCtx *sc = (SyncCtx *)opaque;
    sc->io->parts++;
    sc->io->decoded_bytes += part->len;
}

static void on_sync_literal(void *opaque, uint32_t msg_seq, const uint8_t *data,
                            uint32_t len)
{
    SyncCtx *sc = (SyncCtx *)opaque;
    (void)msg_seq;
    sc->io->literals++;
    if (mime_parse(data, len, (uint8_t *)(uintptr_t)HS_MAIL_SYNC_OUT_ADDR,
                   HS_MAIL_SYNC_OUT_CAP, on_sync_part, sc) < 0 &&
        sc->io->status == 0)
        sc->io->status = HS_EINVAL;
}

static uint32_t put_str(char *dst, uint32_t at, uint32_t cap, const char *s)
{
    while (*s && at + 1 < cap)
        dst[at++] = *s++;
    dst[at] = 0;
    return at;
}

static uint32_t put_u32(char *dst, uint32_t at, uint32_t cap, uint32_t v)
{
    char digits[12];
    uint32_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && at + 1 < cap)
        dst[at++] = digits[--n];
    dst[at] = 0;
    return at;
}

/* Sends the command of the next phase and starts a fresh parser for its
 * response. */
static void sync_command(HsMailSyncIo *io, uint32_t phase)
{
    uint32_t cap = sizeof io->cmd, n = 0;
    if (phase == HS_MAIL_PH_LOGIN) {
        n = put_str(io->cmd, n, cap, "a1 LOGIN ");
        n = put_str(io->cmd, n, cap, io->user);
        n = put_str(io->cmd, n, cap, " ");
        n = put_str(io->cmd, n, cap, io->password);
    } else if (phase == HS_MAIL_PH_SELECT) {
        n = put_str(io->cmd, n, cap, "a2 SELECT INBOX");
    } else if (phase == HS_MAIL_PH_FETCH) {
        n = put_str(io->cmd, n, cap, "a3 FETCH 1:");
        n = put_u32(io->cmd, n, cap, io->messages);
        n = put_str(io->cmd, n, cap, " BODY[]");
    } else {
        n = put_str(io->cmd, n, cap, "a4 LOGOUT");
    }
    n = put_str(io->cmd, n, cap, "\r\n");
    imap_init(sync_parser(io), (uint8_t *)(uintptr_t)HS_MAIL_SYNC_LIT_ADDR,
              HS_MAIL_SYNC_LIT_CAP, on_sync_literal, 0);
    io->phase = phase;
    if (rt_sock_send(HS_SOCK_MAIL, io->cmd, n) < 0)
        io->phase = HS_MAIL_PH_FAILED;
}

static void sync_fail(HsMailSyncIo *io, int32_t status)
{
    if (io->phase < HS_MAIL_PH_LOGOUT)
        rt_sock_mark(HS_SOCK_MAIL, status);
    io->status = status;
    io->phase = HS_MAIL_PH_FAILED;
    rt_sock_close(HS_SOCK_MAIL);
}

/* The parser of the current phase finished its response. */
static void sync_step(HsMailSyncIo *io, ImapParser *p)
{
    io->imap_status = p->status;
    if (io->phase == HS_MAIL_PH_LOGOUT) {
        io->phase = HS_MAIL_PH_DONE;
        rt_sock_close(HS_SOCK_MAIL);
        return;
    }
    if (p->status != IMAP_STATUS_OK) {
        sync_fail(io, HS_EIO);
        return;
    }
    if (io->phase == HS_MAIL_PH_FETCH) {
        int32_t st = io->status == 0 && io->literals == io->messages
                         ? 0
                         : (io->status ? io->status : HS_EIO);
        io->status = st;
        io->syncs++;
        rt_sock_mark(HS_SOCK_MAIL, st);
    }
    sync_command(io, io->phase + 1);
}

/* Feeds one read to the parser; returns false once the sync stops. */
static bool sync_feed(HsMailSyncIo *io, SyncCtx *sc, uint32_t n)
{
    ImapParser *p = sync_parser(io);
    p->fn = on_sync_literal;
    p->ctx = sc;
    if (imap_feed(p, io->rx, n) != 0) {
        sync_fail(io, HS_EINVAL);
        return false;
    }
    if (io->phase == HS_MAIL_PH_GREETING) {
        if (p->lines > 0)
            sync_command(io, HS_MAIL_PH_LOGIN);
    } else if (imap_done(p)) {
        sync_step(io, p);
    }
    return io->phase != HS_MAIL_PH_FAILED && io->phase != HS_MAIL_PH_DONE;
}

int64_t mail_sync_call(uint64_t id, uint64_t addr)
{
    (void)id;
    HsMailSyncIo *io = sync_io();
    if (addr != HS_MAIL_SYNC_IO_ADDR || io->messages == 0) {
        io->status = HS_EINVAL;
        return HS_EINVAL;
    }
    if (io->phase != HS_MAIL_PH_IDLE && io->phase != HS_MAIL_PH_DONE &&
        io->phase != HS_MAIL_PH_FAILED)
        return HS_EAGAIN; /* a sync is under way */
    io->status = 0;
    io->literals = 0;
    io->parts = 0;
    io->bytes_in = 0;
    io->decoded_bytes = 0;
    io->imap_status = 0;
    io->phase = HS_MAIL_PH_CONNECTING;
    if (rt_sock_connect(HS_SOCK_MAIL, io->peer) < 0) {
        sync_fail(io, HS_EIO);
        return HS_EIO;
    }
    return 0;
}

uint64_t mail_on_sock(void)
{
    HsMailSyncIo *io = sync_io();
    SyncCtx sc = {.io = io};
    uint32_t st = rt_sock_state(HS_SOCK_MAIL);
    if (io->phase == HS_MAIL_PH_IDLE || io->phase == HS_MAIL_PH_DONE ||
        io->phase == HS_MAIL_PH_FAILED)
        return 0;
    if (st == HS_SOCK_ST_FAILED) {
        sync_fail(io, HS_EIO);
        return 0;
    }
    if (io->phase == HS_MAIL_PH_CONNECTING) {
        if (st != HS_SOCK_ST_OPEN)
            return 0;
        imap_init(sync_parser(io), (uint8_t *)(uintptr_t)HS_MAIL_SYNC_LIT_ADDR,
                  HS_MAIL_SYNC_LIT_CAP, on_sync_literal, 0);
        io->phase = HS_MAIL_PH_GREETING;
    }
    uint64_t reads = 0;
    for (;;) {
        int64_t n = rt_sock_recv(HS_SOCK_MAIL, io->rx, sizeof io->rx);
        if (n <= 0)
            break;
        reads++;
        io->bytes_in += (uint64_t)n;
        if (!sync_feed(io, &sc, (uint32_t)n))
            break;
    }
    if (st == HS_SOCK_ST_PEER_CLOSED && io->phase != HS_MAIL_PH_DONE &&
        io->phase != HS_MAIL_PH_FAILED)
        sync_fail(io, HS_EIO);
    return reads;
}
