/*
 * pcap.c - the radio.pcap writer over libpcap's dump API (see pcap.h).
 *
 * libpcap's pcap_dump() reports no errors, so the writer checks the
 * dump's FILE (pcap_dump_file) with ferror() after each record and
 * flushes with pcap_dump_flush() before closing, where buffered write
 * errors (a full disk) surface.
 */
#include "out/pcap.h"
#include "sim/error.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct PcapWriter {
    pcap_t *dead;          /* libpcap handle fixing link type, precision */
    pcap_dumper_t *dumper; /* writes records to fp */
    FILE *fp;              /* the dump's stream (owned by dumper) */
    char *path;            /* final path */
    char *tmp_path;        /* temporary path in atomic mode, else NULL */
    uint64_t packets;      /* records written */
    bool failed;           /* a write failed: sticky */
    char error[256];       /* the first failure's reason */
};

static void writer_free(PcapWriter *w)
{
    if (w->dead != NULL)
        pcap_close(w->dead);
    free(w->path);
    free(w->tmp_path);
    free(w);
}

PcapWriter *pcap_writer_open(const char *path, unsigned flags, char *err,
                             size_t err_size)
{
    if (path == NULL || path[0] == '\0') {
        hs_errorf(err, err_size, "pcap: empty output path");
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        /* libpcap would take "-" as standard output and close it. */
        hs_errorf(err, err_size, "pcap: \"-\" is not a file path");
        return NULL;
    }
    if (flags & ~(unsigned)PCAP_WRITER_ATOMIC) {
        hs_errorf(err, err_size, "pcap: unknown flags 0x%x", flags);
        return NULL;
    }
    PcapWriter *w = calloc(1, sizeof *w);
    if (w == NULL) {
        hs_errorf(err, err_size, "pcap: out of memory");
        return NULL;
    }
    size_t n = strlen(path);
    w->path = strdup(path);
    if (flags & PCAP_WRITER_ATOMIC) {
        w->tmp_path = malloc(n + 5);
        if (w->tmp_path != NULL)
            snprintf(w->tmp_path, n + 5, "%s.tmp", path);
    }
    if (w->path == NULL || ((flags & PCAP_WRITER_ATOMIC) && !w->tmp_path)) {
        hs_errorf(err, err_size, "pcap: out of memory");
        writer_free(w);
        return NULL;
    }
    /* DLT_RAW is written to the file as LINKTYPE_RAW (101). */
    w->dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, PCAP_WRITER_SNAPLEN,
                                                   PCAP_TSTAMP_PRECISION_NANO);
    if (w->dead == NULL) {
        hs_errorf(err, err_size, "pcap: cannot create a libpcap handle");
        writer_free(w);
        return NULL;
    }
    const char *open_path = w->tmp_path ? w->tmp_path : w->path;
    w->dumper = pcap_dump_open(w->dead, open_path);
    if (w->dumper == NULL) {
        /* libpcap's message names the file and the system error. */
        hs_errorf(err, err_size, "pcap: %s", pcap_geterr(w->dead));
        writer_free(w);
        return NULL;
    }
    w->fp = pcap_dump_file(w->dumper);
    return w;
}

int pcap_writer_write(PcapWriter *w, hs_time when, const uint8_t *pkt,
                      size_t len, char *err, size_t err_size)
{
    if (w->failed)
        return hs_errorf(err, err_size, "%s", w->error);
    if (pkt == NULL || len == 0 || len > PCAP_WRITER_SNAPLEN)
        return hs_errorf(err, err_size,
                         "pcap: packet of %zu bytes (allowed 1 .. %d)", len,
                         PCAP_WRITER_SNAPLEN);
    /* A raw-IP record must be a whole packet: check the length field so
     * a link-layer frame or a truncated buffer is caught here, not in
     * Wireshark. */
    unsigned version = pkt[0] >> 4;
    size_t declared;
    if (version == 4 && len >= 20)
        declared = ((size_t)pkt[2] << 8) | pkt[3];
    else if (version == 6 && len >= 40)
        declared = 40 + (((size_t)pkt[4] << 8) | pkt[5]);
    else
        return hs_errorf(err, err_size,
                         "pcap: %zu bytes are not an IPv4 or IPv6 packet", len);
    if (declared != len)
        return hs_errorf(err, err_size,
                         "pcap: IPv%u length field says %zu bytes, got %zu",
                         version, declared, len);
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    /* With nanosecond precision libpcap reads tv_usec as nanoseconds. */
    h.ts.tv_sec = (time_t)(when / HS_S);
    h.ts.tv_usec = (suseconds_t)((when % HS_S) / HS_NS);
    h.caplen = (bpf_u_int32)len;
    h.len = (bpf_u_int32)len;
    pcap_dump((u_char *)w->dumper, &h, pkt);
    if (ferror(w->fp)) {
        w->failed = true;
        snprintf(w->error, sizeof w->error, "%s: write error",
                 w->tmp_path ? w->tmp_path : w->path);
        return hs_errorf(err, err_size, "%s", w->error);
    }
    w->packets++;
    return 0;
}

uint64_t pcap_writer_packets(const PcapWriter *w)
{
    return w->packets;
}

int pcap_writer_close(PcapWriter *w, char *err, size_t err_size)
{
    const char *file = w->tmp_path ? w->tmp_path : w->path;
    bool ok = !w->failed;
    char reason[320];
    snprintf(reason, sizeof reason, "%s", w->error);
    if (ok && (pcap_dump_flush(w->dumper) != 0 || ferror(w->fp))) {
        ok = false;
        snprintf(reason, sizeof reason, "%s: write error: %s", file,
                 strerror(errno));
    }
    /* Durable before it is renamed into place; a device that cannot be
     * synced (EINVAL) is not an error. */
    if (ok && fsync(fileno(w->fp)) != 0 && errno != EINVAL) {
        ok = false;
        snprintf(reason, sizeof reason, "%s: %s", file, strerror(errno));
    }
    pcap_dump_close(w->dumper);
    w->dumper = NULL;
    w->fp = NULL;
    if (ok && w->tmp_path && rename(w->tmp_path, w->path) != 0) {
        ok = false;
        snprintf(reason, sizeof reason, "%s: cannot rename to %s: %s",
                 w->tmp_path, w->path, strerror(errno));
    }
    if (!ok && w->tmp_path)
        unlink(w->tmp_path);
    writer_free(w);
    return ok ? 0 : hs_errorf(err, err_size, "%s", reason);
}

void pcap_writer_abort(PcapWriter *w)
{
    pcap_dump_close(w->dumper);
    if (w->tmp_path)
        unlink(w->tmp_path);
    writer_free(w);
}

int pcap_writer_tap(void *writer, hs_time when, const uint8_t *pkt, size_t len,
                    char *err, size_t err_size)
{
    return pcap_writer_write(writer, when, pkt, len, err, err_size);
}
