/*
 * hostile.c - a test guest that does what a hostile or broken domain
 * could: platform calls and MMIO accesses with arbitrary arguments, on
 * every event it gets. It is built as its own AArch64 image
 * (build/tests/guest/hostile.elf, linked like the domain image) and run
 * in place of it (HANDSET_GUEST_IMAGE), never shipped.
 *
 * What it does is a script in its .data, after the marker HOSTILE_MAGIC,
 * so a harness can rewrite it in the ELF file without rebuilding
 * (tests/fuzz/fuzz_boundary.c feeds the fuzzer's bytes there). The
 * compiled-in script is the socket flood: connect every socket to peer 0
 * and write 0xffffffff to HS_SOCK_TUN_DONE, on every call, so a domain
 * with a VPN app floods its tun queue (tests/e2e/hostile.sh).
 *
 * Script: a sequence of operations, each an opcode byte and its operands
 * (little-endian); a truncated operation ends the script.
 *   0 WINDOW OFF16 VAL32   32-bit MMIO write at window WINDOW % 12
 *   1 WINDOW OFF16         32-bit MMIO read
 *   2 WINDOW OFF16 VAL64   64-bit MMIO write
 *   3 CALL A0 A1 A2        HVC CALL % 11 (HS_PC_* 0-9, 9 being WAIT_IRQ;
 *                          10: #0xffff) with three 32-bit arguments
 *   4 OFF24 VAL32          store into the domain's RAM at OFF24 & ~3
 *   5 MOD VAL              skip the next operation unless this is the
 *                          domain's event number n with n % (MOD + 1) ==
 *                          VAL % (MOD + 1) (so a script can connect on
 *                          one event and send on the next)
 *   other                  no operation
 * Offsets are taken & 0xffc (& 0xff8 for 64-bit) inside the window.
 */
#include <stdint.h>

#include "platform.h"
#include "rt/rt.h"

#define HOSTILE_SCRIPT_MAX 512
#define HOSTILE_OPS_MAX 64 /* per event: well inside the watchdog */

/* The marker (16 bytes), the script's length (4 bytes, little-endian),
 * then the script: one array so the three stay together in the file. */
#define HOSTILE_MAGIC                                                          \
    'H', 'S', '-', 'H', 'O', 'S', 'T', 'I', 'L', 'E', '-', 'S', 'C', 'R', '1', \
        '\0'
#define SOCK_W(sock, reg, v)                                                   \
    0, 11, (sock)*0x40 + (reg), 0, (v)&0xff, ((v) >> 8) & 0xff,                \
        ((v) >> 16) & 0xff, ((v) >> 24) & 0xff
#define FLOOD_CONNECT(sock)                                                    \
    SOCK_W(sock, HS_SOCK_PEER, 0),                                             \
        SOCK_W(sock, HS_SOCK_CMD, HS_SOCK_CMD_CONNECT)
#define FLOOD_BYTES (4 * 2 * 8 + 8)

volatile uint8_t hostile_script[16 + 4 + HOSTILE_SCRIPT_MAX] = {
    HOSTILE_MAGIC,
    FLOOD_BYTES,
    0,
    0,
    0,
    FLOOD_CONNECT(0),
    FLOOD_CONNECT(1),
    FLOOD_CONNECT(2),
    FLOOD_CONNECT(3),
    0,
    11,
    HS_SOCK_TUN_DONE & 0xff,
    HS_SOCK_TUN_DONE >> 8,
    0xff,
    0xff,
    0xff,
    0xff,
};

static uint64_t le(const volatile uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i > 0; i--)
        v = v << 8 | p[i - 1];
    return v;
}

static uint64_t window(uint64_t w)
{
    return HS_MMIO_BASE + (w % 12) * HS_MMIO_WINDOW;
}

static void hvc(unsigned call, uint64_t a0, uint64_t a1, uint64_t a2)
{
    switch (call % 11) {
    case 0:
        (void)RT_HVC(0, a0, a1, a2);
        break;
    case 1:
        (void)RT_HVC(1, a0, a1, a2);
        break;
    case 2:
        (void)RT_HVC(2, a0, a1, a2);
        break;
    case 3:
        (void)RT_HVC(3, a0, a1, a2);
        break;
    case 4:
        (void)RT_HVC(4, a0, a1, a2);
        break;
    case 5:
        (void)RT_HVC(5, a0, a1, a2);
        break;
    case 6:
        (void)RT_HVC(6, a0, a1, a2);
        break;
    case 7:
        (void)RT_HVC(7, a0, a1, a2);
        break;
    case 8:
        (void)RT_HVC(8, a0, a1, a2);
        break;
    case 9:
        (void)RT_HVC(9, a0, a1, a2);
        break;
    default:
        (void)RT_HVC(0xffff, a0, a1, a2);
        break;
    }
}

/* Events this domain's image has run the script for (a test guest: the
 * vCPUs of a domain share it, and a race only changes the script's
 * choice). */
static uint32_t events;

static void run_script(void)
{
    events++;
    const volatile uint8_t *s = hostile_script + 20;
    uint32_t len = (uint32_t)le(hostile_script + 16, 4);
    if (len > HOSTILE_SCRIPT_MAX)
        len = HOSTILE_SCRIPT_MAX;
    uint32_t at = 0;
    for (unsigned op = 0; op < HOSTILE_OPS_MAX && at < len; op++) {
        static const uint8_t size[6] = {8, 4, 12, 14, 8, 3};
        uint8_t code = s[at];
        uint32_t need = code < 6 ? size[code] : 1;
        if (len - at < need)
            return;
        const volatile uint8_t *a = s + at + 1;
        uint64_t off = le(a + 1, 2);
        switch (code) {
        case 0:
            *(volatile uint32_t *)(window(a[0]) + (off & 0xffc)) =
                (uint32_t)le(a + 3, 4);
            break;
        case 1:
            (void)*(volatile uint32_t *)(window(a[0]) + (off & 0xffc));
            break;
        case 2:
            *(volatile uint64_t *)(window(a[0]) + (off & 0xff8)) = le(a + 3, 8);
            break;
        case 3:
            hvc(a[0], le(a + 1, 4), le(a + 5, 4), le(a + 9, 4));
            break;
        case 4:
            *(volatile uint32_t *)(HS_RAM_BASE + (le(a, 3) & ~3ull)) =
                (uint32_t)le(a + 3, 4);
            break;
        case 5:
            if (events % (a[0] + 1u) != a[1] % (a[0] + 1u)) {
                at += need;
                if (at < len)
                    at += s[at] < 6 ? size[s[at]] : 1;
                continue;
            }
            break;
        default:
            break;
        }
        at += need;
    }
}

uint64_t hs_entry(uint64_t event, uint64_t a0, uint64_t a1)
{
    (void)a0;
    (void)a1;
    if (event != HS_EV_BOOT)
        run_script();
    return 0;
}
