/*
 * port_map.h - which domain a local port of the phone belongs to: the
 * table the AP's modem driver routes DATA_RX by (bearer.h) and the radio
 * books downlink energy by (radio.h).
 *
 * Both learn a port from the uplink packets they carry (the source port
 * of a domain's packet) and never see a connection end: a socket can be
 * dropped without a FIN, and every connection takes a fresh ephemeral
 * port. A table that only grows fills after BB_PORT_MAP_SIZE connections
 * and then loses every later one (a full bearer sent the replies of the
 * 65th connection to the host slot, where no kernel reads them). So a
 * full table gives the least recently used entry to the new port: a live
 * connection's port is used by every packet either way, that of a
 * finished one by none. Recency is a use counter, not a time, so the
 * choice is deterministic. A zeroed map is empty.
 */
#ifndef HS_BASEBAND_PORT_MAP_H
#define HS_BASEBAND_PORT_MAP_H

#include <stdbool.h>
#include <stdint.h>

/* Ports the phone can have in use at once, with room to spare: the
 * HS_SOCK_MAX (4) sockets of each of up to SCENARIO_MAX_DOMAINS (8)
 * domains, and a call's SIP and RTP ports (platform.h, scenario.h). */
#define BB_PORT_MAP_SIZE 64

typedef struct BbPortMap {
    uint16_t port[BB_PORT_MAP_SIZE]; /* local ports */
    int domain[BB_PORT_MAP_SIZE];    /* the domain each belongs to */
    uint64_t used[BB_PORT_MAP_SIZE]; /* use counter at its last use */
    unsigned n;                      /* entries used */
    uint64_t uses;                   /* the use counter */
    uint64_t replaced;               /* entries given to a new port */
} BbPortMap;

/* port belongs to domain from now on (the latest sender wins). */
void bb_port_map_learn(BbPortMap *pm, uint16_t port, int domain);
/* The domain of port, or none if it was never learnt (or was replaced):
 * returns false and leaves *domain alone. A hit counts as a use. */
bool bb_port_map_find(BbPortMap *pm, uint16_t port, int *domain);

#endif /* HS_BASEBAND_PORT_MAP_H */
