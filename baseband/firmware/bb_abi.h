/*
 * bb_abi.h - the baseband processor's own platform: its address map,
 * device registers, interrupt lines and the configuration block, shared
 * by the ARMv7 firmware and the host model (baseband/baseband.c).
 *
 * The baseband is a separate computer. Its memory is its own (nothing of
 * the AP's RAM is mapped); it reaches the AP only through the mailbox
 * (BB_MMIO_IPC, the other end of HS_MMIO_BBIPC), the radio only through
 * BB_MMIO_RADIO, the microphone only through BB_MMIO_MIC, whose frames
 * arrive according to the SoC's wiring (baseband-direct or ap-codec).
 *
 *   0x0000_0000 - 0x08ff_ffff  unmapped (null pointers fault)
 *   0x0900_0000 - 0x0900_3fff  MMIO: mailbox, radio, mic, system control
 *   0x4000_0000 - +16 MiB      RAM: image from the base, stack below
 *                              BB_STACK_TOP, configuration at BB_CONFIG
 *
 * The firmware is entered like a domain (platform.h, entry convention;
 * A32: r0 = event, r1 = a0, r2 = a1): HS_EV_BOOT once, then HS_EV_IRQ
 * with a0 = the mask of BB_IRQ_* lines that are high. Registers are
 * 32-bit, little-endian; 64-bit addresses of the AP layout are 32-bit
 * here.
 */
#ifndef HS_BB_ABI_H
#define HS_BB_ABI_H

#include <stdint.h>

#define BB_RAM_BASE 0x40000000u
#define BB_RAM_SIZE 0x01000000u
#define BB_CONFIG 0x40f00000u    /* BbConfigBlock, written before boot */
#define BB_STACK_TOP 0x40f00000u /* the stack grows down from here */

#define BB_MMIO_BASE 0x09000000u
#define BB_MMIO_WINDOW 0x1000u
#define BB_MMIO_IPC (BB_MMIO_BASE + 0x0000)   /* mailbox, BB end */
#define BB_MMIO_RADIO (BB_MMIO_BASE + 0x1000) /* air interface */
#define BB_MMIO_MIC (BB_MMIO_BASE + 0x2000)   /* microphone frames */
#define BB_MMIO_SYS (BB_MMIO_BASE + 0x3000)   /* clock, log */

/* Interrupt lines (bits of the HS_EV_IRQ mask). */
#define BB_IRQ_IPC 0x1   /* mailbox: messages from the AP waiting */
#define BB_IRQ_RADIO 0x2 /* radio: downlink packets or a page waiting */
#define BB_IRQ_MIC 0x4   /* microphone: frames waiting */

/* Mailbox, BB end: the HS_BBIPC_* layout of platform.h (TX_ADDR,
 * TX_LEN, RX_ADDR, RX_POP, RX_PENDING at the same offsets). */

/* Radio. The firmware hands whole IPv4 packets to the air interface. */
#define BB_RADIO_TX_ADDR 0x00  /* RW: packet to send */
#define BB_RADIO_TX_LEN 0x04   /* W: its length; sends it (uplink) */
#define BB_RADIO_RX_ADDR 0x08  /* RW: buffer for the next packet */
#define BB_RADIO_RX_POP 0x0c   /* R: copy next downlink packet; length */
#define BB_RADIO_STATUS 0x10   /* R: bit0 packet waiting, bit1 page */
#define BB_RADIO_PAGE_POP 0x14 /* R: take the page; its call id (0 none) */
#define BB_RADIO_SIGNAL 0x18   /* R: signal bars 0..4 */
#define BB_RADIO_DEAD 0x1c     /* R: 1 once the radio is marked dead */
#define BB_RADIO_TX_TAG 0x20   /* W: the next packet's DATA_TX tag */
#define BB_RADIO_ST_RX 0x1
#define BB_RADIO_ST_PAGE 0x2

/* Microphone (frames of HS_MIC_FRAME_SAMPLES int16, 640 bytes). */
#define BB_MIC_CTRL 0x00   /* RW: bit0 the baseband wants frames */
#define BB_MIC_STATUS 0x04 /* R: frames waiting */
#define BB_MIC_ADDR 0x08   /* RW: where POP copies a frame */
#define BB_MIC_POP 0x0c    /* W: copy the next frame to ADDR */
#define BB_MIC_LABEL 0x10  /* R: ambient label of the frame last popped */

/* System control. */
#define BB_SYS_NOW_LO 0x00 /* R: time in ns, low half (latches high) */
#define BB_SYS_NOW_HI 0x04 /* R: high half latched by NOW_LO */
#define BB_SYS_LOG 0x08    /* W: a 32-bit value for the host's log */

/* Configuration block at BB_CONFIG (host writes it before HS_EV_BOOT). */
#define BB_CONFIG_MAGIC 0x42424346u /* "FCBB" */
#define BB_CFG_HOSTILE 0x1          /* open the mic unasked and upload */
#define BB_CFG_IMPLANT 0x2          /* same, while the exfil peer says so */
/* Implant commands: a UDP datagram from exfil_addr:exfil_port to the
 * phone's exfil_port whose payload starts with one of these. */
#define BB_IMPLANT_MIC_ON "MIC1"
#define BB_IMPLANT_MIC_OFF "MIC0"
typedef struct BbConfigBlock {
    uint32_t magic;       /* BB_CONFIG_MAGIC */
    uint32_t flags;       /* BB_CFG_* */
    uint32_t phone_addr;  /* the bearer's IPv4 address, host order */
    uint32_t exfil_addr;  /* hostile: where frames go, host order */
    uint32_t exfil_port;  /* hostile: UDP port there */
    uint32_t ims_addr;    /* the IMS core (P-CSCF) outgoing calls go to */
    uint32_t reserved[2]; /* zero */
} BbConfigBlock;

/* Values the firmware logs (BB_SYS_LOG) at milestones, for tests. */
#define BB_LOG_BOOTED 0xb0070001u
#define BB_LOG_BAD_CONFIG 0xb0070002u
#define BB_LOG_BAD_MSG 0xb0070003u

#endif /* HS_BB_ABI_H */
