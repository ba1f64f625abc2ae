/*
 * wl.c - guest workload driver loops (see wl.h). Shared verbatim by the
 * AArch64 guest and the host reference, so check values compare exactly.
 */
#include "wl.h"

#include "chacha20poly1305.h"
#include "compose.h"
#include "g722.h"
#include "gl_util.h"
#include "imap.h"
#include "mime.h"
#include "raster.h"
#include "scene.h"

/* ---- crypto ----------------------------------------------------------------
 */

uint64_t wl_crypto(uint32_t n, void *scratch)
{
    uint8_t *pt = (uint8_t *)scratch;
    uint8_t *ct = pt + WL_CRYPTO_PACKET_BYTES;
    GlRng rng;
    gl_rng_seed(&rng, WL_SEED ^ 1);
    uint8_t key[32];
    for (int i = 0; i < 8; i++)
        gl_store32le(key + 4 * i, gl_rng_next(&rng));
    gl_fill(pt, 0, WL_CRYPTO_PACKET_BYTES);
    uint64_t h = GL_HASH_INIT;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t nonce[12] = {0};
        uint8_t aad[8];
        gl_store32le(nonce + 4, i);
        gl_store64le(aad, (uint64_t)i + 1); /* packet sequence number */
        uint8_t tag[16];
        aead_seal(key, nonce, aad, sizeof(aad), pt, WL_CRYPTO_PACKET_BYTES, ct,
                  tag);
        h = gl_hash_bytes(h, tag, sizeof(tag));
        uint8_t *t = pt; /* chain: this ciphertext is the next plaintext */
        pt = ct;
        ct = t;
    }
    return h;
}

/* ---- voice -----------------------------------------------------------------
 */

typedef struct VoiceScratch {
    G722State enc;                   /* encoder state */
    G722State dec;                   /* decoder state */
    int16_t pcm[G722_FRAME_SAMPLES]; /* input frame */
    int16_t out[G722_FRAME_SAMPLES]; /* decoded frame */
    uint8_t codes[G722_FRAME_BYTES]; /* encoded frame */
} VoiceScratch;

_Static_assert(sizeof(VoiceScratch) <= WL_VOICE_SCRATCH_BYTES,
               "WL_VOICE_SCRATCH_BYTES too small");

uint64_t wl_voice(uint32_t n, void *scratch)
{
    VoiceScratch *v = (VoiceScratch *)scratch;
    g722_init(&v->enc);
    g722_init(&v->dec);
    GlRng rng;
    gl_rng_seed(&rng, WL_SEED ^ 2);
    uint32_t ph1 = 0, ph2 = 0;
    uint64_t h = GL_HASH_INIT;
    for (uint32_t i = 0; i < n; i++) {
        /* 440 Hz and 1 kHz tones plus white noise, 16 kHz sampling:
         * phase steps are f * 65536 / 16000 */
        for (int k = 0; k < G722_FRAME_SAMPLES; k++) {
            int32_t s =
                (gl_sine_q15(ph1) * 9000 + gl_sine_q15(ph2) * 6000) >> 15;
            s += (int32_t)(gl_rng_next(&rng) >> 20) - 2048;
            v->pcm[k] = (int16_t)s;
            ph1 += 1802;
            ph2 += 4096;
        }
        g722_encode(&v->enc, v->pcm, G722_FRAME_SAMPLES, v->codes);
        g722_decode(&v->dec, v->codes, G722_FRAME_BYTES, v->out);
        h = gl_hash_bytes(h, v->codes, G722_FRAME_BYTES);
        for (int k = 0; k < G722_FRAME_SAMPLES; k += 2)
            h = gl_hash_u32(h, (uint16_t)v->out[k] |
                                   ((uint32_t)(uint16_t)v->out[k + 1] << 16));
    }
    return h;
}

/* ---- mail ------------------------------------------------------------------
 */

typedef struct Out {
    uint8_t *p;   /* buffer */
    uint32_t n;   /* bytes written */
    uint32_t cap; /* its size; writes beyond it are dropped */
} Out;

static void put_bytes(Out *o, const void *src, uint32_t len)
{
    if (len > o->cap - o->n)
        len = o->cap - o->n;
    gl_copy(o->p + o->n, src, len);
    o->n += len;
}

static void put(Out *o, const char *s)
{
    uint32_t len = 0;
    while (s[len] != '\0')
        len++;
    put_bytes(o, s, len);
}

/* Decimal without division (repeated subtraction of powers of ten). */
static void put_u32(Out *o, uint32_t v)
{
    static const uint32_t pow10[10] = {
        1000000000u, 100000000u, 10000000u, 1000000u, 100000u,
        10000u,      1000u,      100u,      10u,      1u};
    char buf[10];
    uint32_t len = 0;
    for (int i = 0; i < 10; i++) {
        char d = '0';
        while (v >= pow10[i]) {
            v -= pow10[i];
            d++;
        }
        if (d != '0' || len > 0 || i == 9)
            buf[len++] = d;
    }
    put_bytes(o, buf, len);
}

static void put_hex32(Out *o, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    char buf[8];
    for (int i = 0; i < 8; i++)
        buf[i] = hex[(v >> (28 - 4 * i)) & 15];
    put_bytes(o, buf, 8);
}

static const char *const mail_sentences[] = {
    "The quarterly figures are attached; please check the totals before "
    "Friday.",
    "We moved the review to room 4.2 at 10:30, same agenda as last week.",
    "Caf\xc3\xa9 budget: 12 = 7 + 5 units, see the spreadsheet for the "
    "breakdown.",
    "Could you confirm that the firmware image boots on the new board?",
    "Reminder: the secure phones must stay in the cabinet overnight.",
    "Na\xc3\xafve caching made the sync 3x slower; we reverted it.",
    "Thanks for the quick turnaround on the radio measurements.",
    "The draft is in the shared folder under reports/2026/q4.",
};

#define MAIL_TEXT_BYTES 1600
#define MAIL_ATTACH_BYTES 4000

uint32_t wl_mail_response(uint32_t seq, uint8_t *out, uint8_t *tmp)
{
    uint8_t *msg_buf = tmp;                  /* the RFC 822 message */
    uint8_t *text = tmp + WL_MAIL_BUF_BYTES; /* raw text part */
    uint8_t *attach = text + 2048;           /* raw attachment */
    GlRng rng;
    gl_rng_seed(&rng, WL_SEED ^ ((uint64_t)seq << 8) ^ 3);

    /* raw bodies */
    Out t = {.p = text, .n = 0, .cap = 2048};
    while (t.n < MAIL_TEXT_BYTES) {
        put(&t, mail_sentences[gl_rng_below(&rng, 8)]);
        put(&t, "\r\n");
    }
    for (uint32_t i = 0; i < MAIL_ATTACH_BYTES; i += 4)
        gl_store32le(attach + i, gl_rng_next(&rng));
    uint32_t with_signature = gl_rng_next(&rng) & 1;

    /* the message */
    Out m = {.p = msg_buf, .n = 0, .cap = WL_MAIL_BUF_BYTES};
    uint32_t boundary = gl_rng_next(&rng);
    put(&m, "From: Alice Example <alice@example.org>\r\n"
            "To: bob@example.net\r\nSubject: Report ");
    put_u32(&m, seq);
    put(&m, "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n"
            " boundary=\"=_hs_");
    put_hex32(&m, boundary);
    put(&m, "\"\r\n\r\nThis is a multi-part message in MIME format.\r\n");
    put(&m, "--=_hs_");
    put_hex32(&m, boundary);
    put(&m, "\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    if (m.cap - m.n > 3 * t.n + 3 * (t.n / 25) + 2)
        m.n += mime_qp_encode(text, t.n, m.p + m.n);
    put(&m, "\r\n--=_hs_");
    put_hex32(&m, boundary);
    put(&m, "\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n");
    if (m.cap - m.n > mime_base64_encoded_len(MAIL_ATTACH_BYTES))
        m.n += mime_base64_encode(attach, MAIL_ATTACH_BYTES, m.p + m.n);
    if (with_signature) {
        put(&m, "--=_hs_");
        put_hex32(&m, boundary);
        put(&m, "\r\nContent-Type: text/plain\r\n\r\n-- \r\nSent from a "
                "handset\r\n");
    }
    put(&m, "--=_hs_");
    put_hex32(&m, boundary);
    put(&m, "--\r\n");

    /* the FETCH response around it */
    Out r = {.p = out, .n = 0, .cap = WL_MAIL_BUF_BYTES};
    put(&r, "* ");
    put_u32(&r, seq);
    put(&r, " FETCH (UID ");
    put_u32(&r, 1000 + seq);
    put(&r, " FLAGS (\\Seen) BODY[] {");
    put_u32(&r, m.n);
    put(&r, "}\r\n");
    put_bytes(&r, m.p, m.n);
    put(&r, ")\r\nA");
    put_u32(&r, seq);
    put(&r, " OK FETCH completed\r\n");
    return r.n;
}

typedef struct MailCheck {
    uint8_t *out;   /* decoded bodies buffer */
    uint64_t h;     /* running hash */
    uint32_t parts; /* decoded parts */
    int32_t error;  /* first MIME error */
} MailCheck;

static void mail_part(void *ctx, const MimePart *part)
{
    MailCheck *mc = (MailCheck *)ctx;
    mc->h = gl_hash_bytes(mc->h, part->type, part->type_len);
    mc->h = gl_hash_u32(mc->h, part->len);
    mc->h = gl_hash_bytes(mc->h, part->data, part->len);
}

static void mail_literal(void *ctx, uint32_t msg_seq, const uint8_t *data,
                         uint32_t len)
{
    MailCheck *mc = (MailCheck *)ctx;
    mc->h = gl_hash_u32(mc->h, msg_seq);
    int32_t rc =
        mime_parse(data, len, mc->out, WL_MAIL_BUF_BYTES, mail_part, mc);
    if (rc < 0 && mc->error == 0)
        mc->error = rc;
    else if (rc > 0)
        mc->parts += (uint32_t)rc;
}

uint64_t wl_mail(uint32_t n, void *scratch)
{
    uint8_t *resp = (uint8_t *)scratch;
    uint8_t *lit = resp + WL_MAIL_BUF_BYTES;
    uint8_t *dec = lit + WL_MAIL_BUF_BYTES;
    GlRng rng;
    gl_rng_seed(&rng, WL_SEED ^ 4);
    uint64_t h = GL_HASH_INIT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len = wl_mail_response(i + 1, resp, lit);
        MailCheck mc = {.out = dec, .h = GL_HASH_INIT, .parts = 0, .error = 0};
        ImapParser p;
        imap_init(&p, lit, WL_MAIL_BUF_BYTES, mail_literal, &mc);
        /* network-sized reads: 1 .. 1460 bytes */
        for (uint32_t off = 0; off < len;) {
            uint32_t chunk = gl_rng_below(&rng, 1460) + 1;
            if (chunk > len - off)
                chunk = len - off;
            imap_feed(&p, resp + off, chunk);
            off += chunk;
        }
        h = gl_hash_u64(h, mc.h);
        h = gl_hash_u32(h, mc.parts);
        h = gl_hash_u32(h, p.fetches | p.literals << 8 | p.status << 16);
        h = gl_hash_u32(h, (uint32_t)(mc.error | p.error));
    }
    return h;
}

/* ---- ui --------------------------------------------------------------------
 */

static const char *const ui_titles[] = {
    "New message", "Missed call", "Calendar", "Battery low", "Update ready",
};
static const char *const ui_texts[] = {
    "Alice: the review moved to 10:30 in room 4.2, same agenda.",
    "Bob (mobile) called twice. Tap to call back.",
    "Radio measurements at 14:00 with the lab team (45 min).",
    "15% remaining. Connect the charger or enable saver mode.",
    "Version 2.1 of the secure mail client is ready to install.",
};

uint64_t wl_ui(uint32_t n, void *fb)
{
    GlRng rng;
    gl_rng_seed(&rng, WL_SEED ^ 5);
    uint64_t h = GL_HASH_INIT;
    uint32_t minutes = 9 * 60;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t pick = gl_rng_below(&rng, 5);
        UiScene scene = {
            .width = WL_UI_WIDTH,
            .height = WL_UI_HEIGHT,
            .clock_minutes = minutes,
            .battery_pct = 100 - (i & 63),
            .signal_bars = i & 3,
            .level = pick & 3,
            .title = ui_titles[pick],
            .text = ui_texts[pick],
            .banner = (pick & 2) ? "SECRET" : "UNCLASSIFIED",
        };
        h = gl_hash_u64(h, ui_compose((uint32_t *)fb, WL_UI_WIDTH, &scene));
        if (++minutes == 24 * 60)
            minutes = 0;
    }
    return h;
}

/* The surfaces are addressed by pointer: the same addresses are mapped
 * back to themselves. */
static uint32_t *wl_self_map(void *ctx, uint64_t addr, uint64_t bytes,
                             int write)
{
    (void)ctx;
    (void)bytes;
    (void)write;
    return (uint32_t *)(uintptr_t)addr;
}

uint64_t wl_gl(uint32_t n, void *scratch)
{
    uint8_t *p = (uint8_t *)scratch;
    uint32_t *fb = (uint32_t *)(void *)p;
    uint32_t *tex = (uint32_t *)(void *)(p + WL_UI_FB_BYTES);
    uint32_t *cmds = (uint32_t *)(void *)(p + WL_UI_FB_BYTES + 64 * 64 * 4);
    gl_scene_texture(tex);
    uint64_t h = GL_HASH_INIT;
    for (uint32_t i = 0; i < n; i++) {
        GlScene sc = {
            .fb_addr = (uintptr_t)fb,
            .tex_addr = (uintptr_t)tex,
            .width = WL_UI_WIDTH,
            .height = WL_UI_HEIGHT,
            .stride_px = WL_UI_WIDTH,
            .frame = i,
            .triangles = WL_GL_TRIANGLES,
        };
        uint32_t words = gl_scene_build(cmds, 7 * WL_GL_TRIANGLES + 128, &sc);
        RasterStats st = {0};
        RasterMem mem = {wl_self_map, 0};
        uint32_t at;
        if (words == 0 || raster_exec(cmds, words, &mem, &st, &at) != 0)
            return 0; /* cannot happen: the scene is valid */
        h = gl_hash_u64(
            h, ui_frame_hash(fb, WL_UI_WIDTH, WL_UI_WIDTH, WL_UI_HEIGHT));
    }
    return h;
}
