/*
 * net.c - IPv4/UDP framing in the firmware (RFC 791, RFC 768): the
 * baseband's own traffic (SIP, RTP, and what hostile firmware uploads)
 * leaves with headers and checksums computed here.
 */
#include "fw.h"

static uint16_t ip_id;

static uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

void net_send_udp(uint8_t *pkt, uint32_t src, uint16_t sport, uint32_t dst,
                  uint16_t dport, uint8_t dscp, uint32_t payload_bytes)
{
    uint32_t udp_len = FW_UDP_HDR + payload_bytes;
    uint32_t total = FW_IP_HDR + udp_len;
    uint8_t *ip = pkt, *udp = pkt + FW_IP_HDR;
    ip[0] = 0x45;
    ip[1] = (uint8_t)(dscp << 2);
    fw_put_be16(ip + 2, (uint16_t)total);
    fw_put_be16(ip + 4, ip_id++);
    fw_put_be16(ip + 6, 0x4000); /* DF */
    ip[8] = 64;
    ip[9] = 17;
    fw_put_be16(ip + 10, 0);
    fw_put_be32(ip + 12, src);
    fw_put_be32(ip + 16, dst);
    fw_put_be16(ip + 10, csum_fold(csum_add(0, ip, FW_IP_HDR)));
    fw_put_be16(udp, sport);
    fw_put_be16(udp + 2, dport);
    fw_put_be16(udp + 4, (uint16_t)udp_len);
    fw_put_be16(udp + 6, 0);
    uint32_t sum = csum_add(0, ip + 12, 8); /* pseudo-header addresses */
    sum += 17 + udp_len;
    uint16_t c = csum_fold(csum_add(sum, udp, udp_len));
    fw_put_be16(udp + 6, c ? c : 0xffff);
    net_send_raw(pkt, total, 0);
}

void net_send_raw(const uint8_t *pkt, uint32_t len, uint32_t tag)
{
    fw_wr(BB_MMIO_RADIO + BB_RADIO_TX_TAG, tag);
    fw_wr(BB_MMIO_RADIO + BB_RADIO_TX_ADDR, (uint32_t)(uintptr_t)pkt);
    fw_wr(BB_MMIO_RADIO + BB_RADIO_TX_LEN, len);
}
