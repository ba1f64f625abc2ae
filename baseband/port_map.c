/*
 * port_map.c - local port -> domain, least recently used entry replaced
 * when full (port_map.h).
 */
#include "baseband/port_map.h"

static int slot_of(const BbPortMap *pm, uint16_t port)
{
    for (unsigned i = 0; i < pm->n; i++)
        if (pm->port[i] == port)
            return (int)i;
    return -1;
}

/* The entry a new port takes: a free one, else the least recently used
 * (the lowest index among equals, so the choice never depends on more
 * than the order of uses). */
static unsigned slot_for_new(BbPortMap *pm)
{
    if (pm->n < BB_PORT_MAP_SIZE)
        return pm->n++;
    unsigned lru = 0;
    for (unsigned i = 1; i < BB_PORT_MAP_SIZE; i++)
        if (pm->used[i] < pm->used[lru])
            lru = i;
    pm->replaced++;
    return lru;
}

void bb_port_map_learn(BbPortMap *pm, uint16_t port, int domain)
{
    int i = slot_of(pm, port);
    unsigned s = i >= 0 ? (unsigned)i : slot_for_new(pm);
    pm->port[s] = port;
    pm->domain[s] = domain;
    pm->used[s] = ++pm->uses;
}

bool bb_port_map_find(BbPortMap *pm, uint16_t port, int *domain)
{
    int i = slot_of(pm, port);
    if (i < 0)
        return false;
    pm->used[i] = ++pm->uses;
    *domain = pm->domain[i];
    return true;
}
