/*
 * netget.c - the download app: an HTTP/1.1 GET over a socket, event by
 * event (HS_CALL_NET_GET, layout and protocol in netget.h).
 */
#include "apps/apps.h"
#include "abi/netget.h"
#include "lib/gl_util.h"
#include "rt/rt.h"

static HsNetGetIo *get_io(void)
{
    return (HsNetGetIo *)(uintptr_t)HS_NET_GET_IO_ADDR;
}

static uint32_t put_str(char *dst, uint32_t at, uint32_t cap, const char *s)
{
    while (*s && at + 1 < cap)
        dst[at++] = *s++;
    dst[at] = 0;
    return at;
}

static uint32_t put_u64(char *dst, uint32_t at, uint32_t cap, uint64_t v)
{
    char digits[24];
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

static void get_finish(HsNetGetIo *io, int32_t status)
{
    io->status = status;
    io->phase = status == 0 ? HS_NET_GET_PH_DONE : HS_NET_GET_PH_FAILED;
    if (status == 0)
        io->gets++;
    rt_sock_mark(HS_SOCK_GET, status);
    rt_sock_close(HS_SOCK_GET);
}

static void get_request(HsNetGetIo *io)
{
    uint32_t cap = sizeof io->req, n = 0;
    n = put_str(io->req, n, cap, "GET /doc/");
    n = put_u64(io->req, n, cap, io->bytes);
    n = put_str(io->req, n, cap,
                " HTTP/1.1\r\nHost: www.example.org\r\n"
                "Connection: close\r\n\r\n");
    io->phase = HS_NET_GET_PH_HEAD;
    if (rt_sock_send(HS_SOCK_GET, io->req, n) < 0)
        get_finish(io, HS_EIO);
}

static uint64_t parse_u64(const char *s, uint32_t len, uint32_t *used)
{
    uint64_t v = 0;
    uint32_t i = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        v = v * 10 + (uint64_t)(s[i++] - '0');
    *used = i;
    return v;
}

static bool head_key(const char *line, uint32_t len, const char *key,
                     uint32_t *at)
{
    uint32_t i = 0;
    for (; key[i]; i++)
        if (i >= len || gl_lower((uint8_t)line[i]) != (uint8_t)key[i])
            return false;
    while (i < len && line[i] == ' ')
        i++;
    *at = i;
    return true;
}

/* Reads the status code and Content-Length from the collected head. */
static void parse_head(HsNetGetIo *io)
{
    const char *h = io->head;
    uint32_t used, at;
    if (io->head_len > 12 && h[8] == ' ')
        io->http_status = (uint32_t)parse_u64(h + 9, 3, &used);
    for (uint32_t i = 0; i + 1 < io->head_len; i++) {
        if (h[i] != '\n')
            continue;
        const char *line = h + i + 1;
        uint32_t left = io->head_len - i - 1;
        if (head_key(line, left, "content-length:", &at))
            io->content_length = parse_u64(line + at, left - at, &used);
    }
}

/* Feeds the body; returns true when it is complete. */
static bool get_body(HsNetGetIo *io, const uint8_t *p, uint32_t n)
{
    uint64_t h = io->hash;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * HS_NET_GET_FNV_PRIME;
    io->hash = h;
    io->body_bytes += n;
    return io->body_bytes >= io->content_length;
}

/* Collects the head byte by byte up to the blank line; the rest of the
 * read is body. Returns the bytes of p consumed by the head. */
static uint32_t get_head(HsNetGetIo *io, const uint8_t *p, uint32_t n)
{
    uint32_t i = 0;
    while (i < n && io->phase == HS_NET_GET_PH_HEAD) {
        if (io->head_len + 1 >= sizeof io->head) {
            get_finish(io, HS_EINVAL);
            return n;
        }
        io->head[io->head_len++] = (char)p[i++];
        io->head[io->head_len] = 0;
        uint32_t k = io->head_len;
        if (k >= 4 && io->head[k - 4] == '\r' && io->head[k - 3] == '\n' &&
            io->head[k - 2] == '\r' && io->head[k - 1] == '\n') {
            parse_head(io);
            io->phase = HS_NET_GET_PH_BODY;
        }
    }
    return i;
}

static void get_read(HsNetGetIo *io, uint32_t n)
{
    uint32_t used = 0;
    if (io->phase == HS_NET_GET_PH_HEAD)
        used = get_head(io, io->rx, n);
    if (io->phase != HS_NET_GET_PH_BODY)
        return;
    if (io->http_status != 200 || io->content_length != io->bytes) {
        get_finish(io, HS_EIO);
        return;
    }
    if (get_body(io, io->rx + used, n - used) || io->content_length == 0)
        get_finish(io, io->body_bytes == io->content_length ? 0 : HS_EIO);
}

int64_t net_get_call(uint64_t id, uint64_t addr)
{
    (void)id;
    HsNetGetIo *io = get_io();
    if (addr != HS_NET_GET_IO_ADDR || io->bytes == 0)
        return HS_EINVAL;
    if (io->phase == HS_NET_GET_PH_CONNECTING ||
        io->phase == HS_NET_GET_PH_HEAD || io->phase == HS_NET_GET_PH_BODY)
        return HS_EAGAIN;
    io->status = 0;
    io->http_status = 0;
    io->content_length = 0;
    io->body_bytes = 0;
    io->hash = HS_NET_GET_FNV_OFFSET;
    io->head_len = 0;
    io->phase = HS_NET_GET_PH_CONNECTING;
    if (rt_sock_connect(HS_SOCK_GET, io->peer) < 0) {
        get_finish(io, HS_EIO);
        return HS_EIO;
    }
    return 0;
}

uint64_t net_get_on_sock(void)
{
    HsNetGetIo *io = get_io();
    uint32_t st = rt_sock_state(HS_SOCK_GET);
    if (io->phase == HS_NET_GET_PH_IDLE || io->phase == HS_NET_GET_PH_DONE ||
        io->phase == HS_NET_GET_PH_FAILED)
        return 0;
    if (st == HS_SOCK_ST_FAILED) {
        get_finish(io, HS_EIO);
        return 0;
    }
    if (io->phase == HS_NET_GET_PH_CONNECTING) {
        if (st != HS_SOCK_ST_OPEN)
            return 0;
        get_request(io);
    }
    uint64_t reads = 0;
    while (io->phase == HS_NET_GET_PH_HEAD || io->phase == HS_NET_GET_PH_BODY) {
        int64_t n = rt_sock_recv(HS_SOCK_GET, io->rx, sizeof io->rx);
        if (n <= 0)
            break;
        reads++;
        get_read(io, (uint32_t)n);
    }
    if (st == HS_SOCK_ST_PEER_CLOSED &&
        (io->phase == HS_NET_GET_PH_HEAD || io->phase == HS_NET_GET_PH_BODY))
        get_finish(io, HS_EIO);
    return reads;
}
