/*
 * pcap.h - the radio.pcap writer: every IP packet that crosses the air
 * interface, stamped with simulated time.
 *
 * Files are written with libpcap: link type LINKTYPE_RAW (DLT_RAW; each
 * record is an IPv4 or IPv6 packet with no link header), nanosecond
 * timestamp precision (magic 0xa1b23c4d), snapshot length 65535. A
 * record's timestamp is the simulated time given to pcap_writer_write,
 * truncated to whole nanoseconds (hs_time is in picoseconds), counted
 * from the start of the run (1970-01-01T00:00:00 in Wireshark's display),
 * so the same run gives a byte-identical file.
 *
 * The writer is a pure observer: it takes bytes and times, never a Sim,
 * and nothing it does changes the simulation. Errors are sticky: after a
 * failed write every later call fails too, and pcap_writer_close reports
 * it. The functions use the pcap_writer_ prefix so they cannot collide
 * with libpcap's own pcap_ names.
 */
#ifndef HS_OUT_PCAP_H
#define HS_OUT_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

#define PCAP_WRITER_SNAPLEN 65535

/* pcap_writer_open flags. */
#define PCAP_WRITER_ATOMIC 0x1 /* write PATH.tmp, rename to PATH on close */

typedef struct PcapWriter PcapWriter;

/*
 * Creates (or truncates) the capture file at path and writes its header.
 * With PCAP_WRITER_ATOMIC the bytes go to "<path>.tmp", which
 * pcap_writer_close renames over path only if everything was written, so
 * a reader never sees a partial file at path (two writers must not share
 * a path). "-" (libpcap's name for standard output) is refused. Returns
 * the writer (owned by the caller, released by pcap_writer_close or
 * pcap_writer_abort), or NULL with a reason in err.
 */
PcapWriter *pcap_writer_open(const char *path, unsigned flags, char *err,
                             size_t err_size);

/*
 * Appends one packet (len bytes, 1 .. PCAP_WRITER_SNAPLEN, a whole IPv4
 * or IPv6 packet whose length field matches len) observed at simulated
 * time when. Times need not increase (a vCPU's local time can run ahead
 * of another's); records keep the order of the calls. Returns 0, or -1
 * with a reason in err: bad packet, write error, or an earlier error. A
 * rejected packet (bad length or version) is not written and does not
 * make the writer fail.
 */
int pcap_writer_write(PcapWriter *w, hs_time when, const uint8_t *pkt,
                      size_t len, char *err, size_t err_size);

/* pcap_writer_write with the writer as a void context, the shape of an
 * observer of the air (BbRadioTapFunc). */
int pcap_writer_tap(void *writer, hs_time when, const uint8_t *pkt, size_t len,
                    char *err, size_t err_size);

/* Packets written so far. */
uint64_t pcap_writer_packets(const PcapWriter *w);

/*
 * Flushes, syncs and closes the file and frees w (always, even on
 * error). Returns 0, or -1 with a reason if any write, the flush or the
 * close failed; in atomic mode the temporary file is then removed and
 * path is left as it was.
 */
int pcap_writer_close(PcapWriter *w, char *err, size_t err_size);

/* Closes and frees w without keeping the output: in atomic mode the
 * temporary file is removed; otherwise the file is left as written. */
void pcap_writer_abort(PcapWriter *w);

#endif /* HS_OUT_PCAP_H */
