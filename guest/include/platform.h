/*
 * platform.h - THE handset platform ABI, shared by guest and host.
 *
 * The one place where the guest address map, device register offsets,
 * interrupt numbers, the events delivered to hs_entry() and the platform
 * call numbers (HVC immediates) are written. Guest code (freestanding
 * AArch64) and host code (the emulator) both include this file; no
 * address or number here is written anywhere else.
 *
 * Only plain macros and fixed-width types: it must compile with
 * -ffreestanding for aarch64-none-elf and armv7a-none-eabi, and on the host.
 *
 * The guest never learns which virtualisation approach it runs under: the
 * same image, the same addresses and the same calls under every approach.
 */
#ifndef HS_PLATFORM_H
#define HS_PLATFORM_H

#include <stdint.h>

/* ---- address map (AArch64 domain) -------------------------------------
 *
 *   0x0000_0000 - 0x08ff_ffff  unmapped (null pointers fault)
 *   0x0900_0000 - 0x090f_ffff  MMIO: one 4 KiB window per device
 *   0x4000_0000 - +RAM_SIZE    domain RAM: image, heap, stacks
 *   0x5000_0000 - +FB_SIZE     the domain's framebuffer (RAM-backed)
 *   0x6000_0000 - +SHM_SIZE    memory shared between domains (rings)
 */
#define HS_RAM_BASE 0x40000000ULL
#define HS_RAM_SIZE 0x01000000ULL /* 16 MiB per domain */
#define HS_FB_BASE 0x50000000ULL
#define HS_FB_SIZE 0x01000000ULL /* 16 MiB: up to 1440x2880 at 4 B/px */
#define HS_SHM_BASE 0x60000000ULL
#define HS_SHM_SIZE 0x00100000ULL

/* The top of RAM holds the host<->guest I/O area: the host writes a
 * workload's inputs there and reads its outputs back (layouts per app in
 * guest/apps/<app>.h). The stack grows down from HS_IO_BASE. */
#define HS_IO_SIZE 0x00100000ULL /* 1 MiB */
#define HS_IO_BASE (HS_RAM_BASE + HS_RAM_SIZE - HS_IO_SIZE)
#define HS_STACK_TOP HS_IO_BASE
/* One stack per task of each vCPU (see "tasks" below): task t of vCPU i
 * starts at HS_TASK_STACK(i, t). HS_STACKS_MAX stacks fit between
 * HS_STACK_TOP and the mail app's buffers (3 MiB). */
#define HS_STACK_SIZE 0x10000ULL
#define HS_STACKS_MAX 48
#define HS_TASK_STACK(vcpu, task)                                              \
    (HS_STACK_TOP -                                                            \
     ((uint64_t)(vcpu)*HS_TASK_COUNT + (uint64_t)(task)) * HS_STACK_SIZE)

/* Return address the host puts in LR before entering hs_entry(): reaching
 * it means the handler returned. Never mapped executable. */
#define HS_SENTINEL_ADDR 0x00000ff0ULL

/* ---- MMIO windows ------------------------------------------------------ */
#define HS_MMIO_BASE 0x09000000ULL
#define HS_MMIO_WINDOW 0x1000ULL
#define HS_MMIO_TIMER (HS_MMIO_BASE + 0x0000) /* platform clock + timer */
#define HS_MMIO_INTC (HS_MMIO_BASE + 0x1000)  /* interrupt/event controller */
#define HS_MMIO_PMIC (HS_MMIO_BASE + 0x2000)  /* PMIC: wakelocks, suspend */
#define HS_MMIO_MIC (HS_MMIO_BASE + 0x3000)   /* microphone FIFO */
#define HS_MMIO_AUDIO (HS_MMIO_BASE + 0x4000) /* audio routing */
#define HS_MMIO_DISPLAY (HS_MMIO_BASE + 0x5000)
#define HS_MMIO_GPU (HS_MMIO_BASE + 0x6000)
#define HS_MMIO_STORAGE (HS_MMIO_BASE + 0x7000)
#define HS_MMIO_NET (HS_MMIO_BASE + 0x8000)   /* network ring to baseband */
#define HS_MMIO_BBIPC (HS_MMIO_BASE + 0x9000) /* AP<->BB mailbox */
#define HS_MMIO_DVFS (HS_MMIO_BASE + 0xa000)  /* cluster frequency (read) */
#define HS_MMIO_SOCK (HS_MMIO_BASE + 0xb000)  /* the kernel's TCP sockets */
#define HS_MMIO_END (HS_MMIO_BASE + 0x100000)

/* ---- interrupt numbers (inputs of the interrupt/event controller) ----- */
#define HS_IRQ_TIMER 0
#define HS_IRQ_GPU 1
#define HS_IRQ_STORAGE 2
#define HS_IRQ_NET 3
#define HS_IRQ_BBIPC 4
#define HS_IRQ_MIC 5
#define HS_IRQ_DISPLAY 6 /* vsync */
#define HS_IRQ_PMIC 7
#define HS_IRQ_SOCK 8 /* a socket has news (HS_SOCK_EVENTS) */
#define HS_IRQ_COUNT 32

/* ---- device registers (byte offsets inside each window; 32-bit unless
 * noted, little-endian) --------------------------------------------------*/

/* timer: platform clock in ns and one compare timer. */
#define HS_TIMER_NOW_LO 0x00 /* R: clock, ns since boot, low 32 bits */
#define HS_TIMER_NOW_HI 0x04 /* R: high 32 bits (latched on NOW_LO read) */
#define HS_TIMER_NOW64 0x08  /* R: 64-bit read of the clock, ns */
#define HS_TIMER_CMP64 0x10  /* RW: 64-bit compare value, ns */
#define HS_TIMER_CTRL 0x18   /* RW: bit0 enable, bit1 irq pending (W1C) */

/* interrupt/event controller */
#define HS_INTC_PENDING 0x00 /* R: pending & enabled lines, bit per IRQ */
#define HS_INTC_ENABLE 0x04  /* RW: enable mask */
#define HS_INTC_ACK 0x08     /* W: write 1s to clear edge-latched lines */
#define HS_INTC_RAW 0x0c     /* R: raw line levels */

/* PMIC: wakelocks and suspend. Writing an id to ACQUIRE/RELEASE counts
 * per id; the approach decides whether a held lock keeps the AP awake. */
#define HS_PMIC_WL_ACQUIRE 0x00 /* W: wakelock id */
#define HS_PMIC_WL_RELEASE 0x04 /* W: wakelock id */
#define HS_PMIC_WL_HELD 0x08    /* R: number of ids held (this domain) */
#define HS_PMIC_STATE 0x0c      /* R: HS_PMIC_ST_* */
#define HS_PMIC_SUSPENDS 0x10   /* R: completed suspend cycles */
#define HS_PMIC_WL_MAX 64       /* wakelock ids are 0 .. 63 */
#define HS_PMIC_ST_AWAKE 0
#define HS_PMIC_ST_SUSPENDING 1
#define HS_PMIC_ST_SUSPENDED 2
#define HS_PMIC_ST_RESUMING 3

/* microphone: 16 kHz, 16-bit PCM, frames of HS_MIC_FRAME_SAMPLES. */
#define HS_MIC_CTRL 0x00        /* RW: bit0 capture on */
#define HS_MIC_STATUS 0x04      /* R: frames waiting in the FIFO */
#define HS_MIC_POP 0x08         /* W: any value: copy next frame to DMA_ADDR */
#define HS_MIC_DMA_ADDR 0x10    /* RW (64-bit): guest address for frames */
#define HS_MIC_FRAME_LABEL 0x18 /* R: label of the frame last popped */
#define HS_MIC_RATE_HZ 16000
#define HS_MIC_FRAME_SAMPLES 320 /* 20 ms at 16 kHz (3GPP TS 26.173) */

/* audio routing: where microphone frames go. */
#define HS_AUDIO_ROUTE 0x00 /* RW: bit0 mic->AP, bit1 mic->baseband */
#define HS_AUDIO_ROUTE_AP 0x1
#define HS_AUDIO_ROUTE_BB 0x2

/* display */
#define HS_DISPLAY_CTRL 0x00       /* RW: bit0 on */
#define HS_DISPLAY_BRIGHTNESS 0x04 /* RW: 0..255 */
#define HS_DISPLAY_WIDTH 0x08      /* R: pixels */
#define HS_DISPLAY_HEIGHT 0x0c     /* R: pixels */
#define HS_DISPLAY_FLIP 0x10       /* W: present the framebuffer; value: tag */
#define HS_DISPLAY_FRAMES 0x14     /* R: frames presented */

/* GPU: each domain's context ring of command lists (guest/include/abi/
 * gpu.h: the command set and the ring entry), and plain jobs of work
 * units. CAPS is the platform's word on what this domain has: without
 * HS_GPU_CAP_3D the ring registers are refused and the domain renders in
 * software (the same command lists, guest/lib/raster.c). */
#define HS_GPU_SUBMIT 0x00    /* W: a plain job of this many work units */
#define HS_GPU_DONE 0x14      /* R: jobs completed (all domains) */
#define HS_GPU_BUSY 0x18      /* R: jobs queued or running (all domains) */
#define HS_GPU_CAPS 0x1c      /* R: HS_GPU_CAP_* of the reading domain */
#define HS_GPU_RING_BASE 0x20 /* RW (64-bit): ring of HsGpuRingEntry */
#define HS_GPU_RING_SIZE 0x28 /* RW: entries, a power of two (resets it) */
#define HS_GPU_RING_TAIL 0x2c /* RW: entries written; writing kicks */
#define HS_GPU_RING_HEAD 0x30 /* R: entries completed */
#define HS_GPU_STATUS 0x34 /* R: HS_GPU_ERR_* of the last failure; W: clear */
#define HS_GPU_CAP_3D 0x1  /* a context of its own on the GPU */

/* storage: block I/O against a guest buffer. */
#define HS_STORAGE_LBA 0x00    /* RW (64-bit): first block */
#define HS_STORAGE_ADDR 0x08   /* RW (64-bit): guest buffer address */
#define HS_STORAGE_COUNT 0x10  /* RW: bytes */
#define HS_STORAGE_CMD 0x14    /* W: 1 read, 2 write */
#define HS_STORAGE_STATUS 0x18 /* R: 0 idle, 1 busy, 2 done, 3 error */
#define HS_STORAGE_BLOCK 4096
#define HS_STORAGE_CMD_READ 1
#define HS_STORAGE_CMD_WRITE 2
#define HS_STORAGE_ST_IDLE 0
#define HS_STORAGE_ST_BUSY 1
#define HS_STORAGE_ST_DONE 2
#define HS_STORAGE_ST_ERROR 3

/* network ring: IP packets between a domain and the baseband. */
#define HS_NET_TX_ADDR 0x00    /* RW (64-bit): packet to send */
#define HS_NET_TX_LEN 0x08     /* W: length; writing it sends */
#define HS_NET_RX_ADDR 0x10    /* RW (64-bit): buffer for the next packet */
#define HS_NET_RX_CAP 0x18     /* RW: its capacity */
#define HS_NET_RX_POP 0x1c     /* W: copy the next packet; R: its length */
#define HS_NET_RX_PENDING 0x20 /* R: packets waiting */
#define HS_NET_MTU 1500

/* AP<->BB IPC mailbox (message format: baseband/README.md). */
#define HS_BBIPC_TX_ADDR 0x00    /* RW (64-bit): message to send */
#define HS_BBIPC_TX_LEN 0x08     /* W: length; writing it rings the doorbell */
#define HS_BBIPC_RX_ADDR 0x10    /* RW (64-bit): buffer for the next message */
#define HS_BBIPC_RX_POP 0x18     /* W: copy next message; R: its length */
#define HS_BBIPC_RX_PENDING 0x1c /* R: messages waiting */

/* Mailbox messages: a 16-byte header of fixed-width little-endian fields,
 * then payload_bytes of payload; HS_BBMSG_MAX_BYTES in all. */
#define HS_BBMSG_OFF_TYPE 0     /* u16: HS_BBMSG_* */
#define HS_BBMSG_OFF_FLAGS 2    /* u16: 0 (reserved) */
#define HS_BBMSG_OFF_CALL 4     /* u32: call id, 0 when not about a call */
#define HS_BBMSG_OFF_ARG 8      /* u32: type-specific argument */
#define HS_BBMSG_OFF_PAYLOAD 12 /* u32: payload bytes that follow */
#define HS_BBMSG_HEADER_BYTES 16
#define HS_BBMSG_MAX_BYTES 2048
#define HS_BBMSG_RING 1       /* BB->AP: incoming call; payload = number */
#define HS_BBMSG_ANSWER 2     /* AP->BB: accept the ringing call */
#define HS_BBMSG_HANGUP 3     /* AP->BB: reject or end a call */
#define HS_BBMSG_DIAL 4       /* AP->BB: place a call; payload = number */
#define HS_BBMSG_CALL_STATE 5 /* BB->AP: arg = HS_CALL_ST_* */
#define HS_BBMSG_DATA_TX 6    /* AP->BB: one IPv4 packet; arg = tag */
#define HS_BBMSG_DATA_RX 7    /* BB->AP: payload = one IPv4 packet */
#define HS_BBMSG_SIGNAL 8     /* BB->AP: arg = signal bars 0..4 */
#define HS_BBMSG_MIC_OPEN 9   /* AP->BB: call audio may use the mic */
#define HS_BBMSG_MIC_CLOSE 10 /* AP->BB: stop using the mic */
#define HS_BBMSG_SMS 11       /* BB->AP: a short message (below) */
/* HS_BBMSG_SMS: call 0, arg = its message reference (RP-MR, 0..255),
 * payload = originator NUL addressee NUL user data (TP-UD octets); the
 * addressee is the public user identity the message was sent to. */
/* HS_BBMSG_CALL_STATE arguments. */
#define HS_CALL_ST_IDLE 0     /* no call (after hang-up or rejection) */
#define HS_CALL_ST_RINGING 1  /* incoming, RING sent */
#define HS_CALL_ST_DIALING 2  /* outgoing, not yet answered */
#define HS_CALL_ST_ACTIVE 3   /* media flowing */
#define HS_CALL_ST_FAILED 4   /* could not be placed (arg of the cause) */
#define HS_CALL_ST_ALERTING 5 /* outgoing, the far end rings (180) */

/* sockets: the domain kernel's TCP stack (host-modelled, the AP's network
 * stack). HS_SOCK_MAX sockets per domain; socket s's registers are at
 * s * HS_SOCK_STRIDE. CONNECT opens a TCP connection to network peer PEER
 * (its index in the scenario's network.peers); SEND queues LEN bytes at
 * ADDR; RECV copies up to LEN received bytes to ADDR; RESULT then reads
 * the bytes moved or a negative HS_E*. Data, a completed handshake, the
 * peer's FIN or a failure set the socket's bit in EVENTS and raise
 * HS_IRQ_SOCK; writing 1s to EVENTS clears them. MARK tells the host an
 * app reached its goal (value: 0 or HS_E*), timed at the write. */
#define HS_SOCK_MAX 4
#define HS_SOCK_STRIDE 0x40
#define HS_SOCK_PEER 0x00    /* RW: peer index */
#define HS_SOCK_ADDR 0x08    /* RW (64-bit): guest buffer */
#define HS_SOCK_LEN 0x10     /* RW: bytes to send / buffer capacity */
#define HS_SOCK_CMD 0x14     /* W: HS_SOCK_CMD_* */
#define HS_SOCK_RESULT 0x18  /* R: result of the last command */
#define HS_SOCK_STATE 0x1c   /* R: HS_SOCK_ST_* */
#define HS_SOCK_AVAIL 0x20   /* R: received bytes not yet read */
#define HS_SOCK_MARK 0x24    /* W: app milestone, 0 or HS_E* */
#define HS_SOCK_EVENTS 0xf00 /* R: bit s = socket s has news; W: 1s clear */
/* W: the domain's VPN app hands back the packet the kernel gave it
 * (HS_CALL_TUN_SEAL/OPEN): value = the request's status. */
#define HS_SOCK_TUN_DONE 0xf08
#define HS_SOCK_CMD_CONNECT 1
#define HS_SOCK_CMD_SEND 2
#define HS_SOCK_CMD_RECV 3
#define HS_SOCK_CMD_CLOSE 4
#define HS_SOCK_ST_CLOSED 0      /* never opened, or both FINs done */
#define HS_SOCK_ST_CONNECTING 1  /* SYN sent */
#define HS_SOCK_ST_OPEN 2        /* established */
#define HS_SOCK_ST_PEER_CLOSED 3 /* the peer's FIN arrived */
#define HS_SOCK_ST_FAILED 4      /* refused: no such peer, or policy */
/* Which app uses which socket (guest convention). */
#define HS_SOCK_MAIL 0
#define HS_SOCK_GET 1
#define HS_SOCK_COVERT 2

/* DVFS: the frequency of the cluster the reading vCPU runs on. */
#define HS_DVFS_CUR_KHZ 0x00 /* R */

/* ---- events delivered to hs_entry(event, a0, a1) ---------------------- */
#define HS_EV_BOOT 0    /* first entry after load */
#define HS_EV_TIMER 1   /* a sleep-until deadline passed; a0 = deadline */
#define HS_EV_IRQ 2     /* a0 = pending IRQ mask from the controller */
#define HS_EV_MESSAGE 3 /* a0 = sender domain, a1 = length in HS_IO area */
#define HS_EV_WORKLOAD                                                         \
    4 /* a0 = HS_WL_* id, a1 = iterations; returns the                         \
         workload's 64-bit check value */
#define HS_EV_CALL                                                             \
    5 /* a0 = HS_CALL_* id, a1 = guest address of the                          \
         request (layouts in guest/apps/<app>.h) */
#define HS_EV_COUNT 6

/* Workloads run by HS_EV_WORKLOAD (and `handset guest`). */
#define HS_WL_CRYPTO 1 /* ChaCha20-Poly1305 over packets */
#define HS_WL_VOICE 2  /* speech codec, 20 ms frames */
#define HS_WL_MAIL 3   /* IMAP FETCH + MIME decoding */
#define HS_WL_UI 4     /* frame composition */
#define HS_WL_COVERT_TX 5
#define HS_WL_COVERT_RX 6
#define HS_WL_GL 7 /* the 3D app's frames drawn in software */

/* Direct calls made by HS_EV_CALL (tests and scenario actions). */
#define HS_CALL_AEAD_SEAL 1
#define HS_CALL_AEAD_OPEN 2
#define HS_CALL_VOICE_ENCODE 3
#define HS_CALL_VOICE_DECODE 4
#define HS_CALL_MAIL_PARSE 5
#define HS_CALL_UI_COMPOSE 6
#define HS_CALL_COVERT_TX 7
#define HS_CALL_COVERT_RX 8
#define HS_CALL_PHONE_ANSWER 9  /* the user takes the ringing call */
#define HS_CALL_PHONE_HANGUP 10 /* the user rejects or ends the call */
#define HS_CALL_MAIL_SYNC 11    /* start a mail sync over HS_SOCK_MAIL */
#define HS_CALL_NET_GET 12      /* start a download over HS_SOCK_GET */
#define HS_CALL_UI_DOCUMENT 13  /* store or show a document (apps/ui.h) */
#define HS_CALL_TUN_SEAL 14     /* the VPN app seals a packet from the tun */
#define HS_CALL_TUN_OPEN 15     /* the VPN app opens a packet for the tun */
#define HS_CALL_GL_FRAME 16     /* the 3D app draws a frame (abi/gl.h) */
#define HS_CALL_PHONE_DIAL 17   /* the user dials PhoneIo.dial */

/* ---- tasks ---------------------------------------------------------------
 * The domain's kernel runs the apps of each vCPU as tasks: each task has
 * its own registers and its own stack (HS_TASK_STACK) and handles one
 * event at a time, to its return. The kernel time-slices the runnable
 * tasks of a vCPU, and a task that blocks (SLEEP_UNTIL, YIELD) lets
 * another run, so an app in a long loop or a long sleep does not hold the
 * others. An event is entered on the task of the app it is for
 * (HS_EVENT_TASK) once that task's previous event has returned: an app's
 * events run in order, one at a time. Interrupts, and the apps they drive
 * (the phone, a mail sync, a download: their calls only start what their
 * interrupts carry on), are served by HS_TASK_EVENTS, so an app's call
 * and its interrupt work never interleave. Guest code needs nothing of
 * this: each event still arrives at hs_entry by the entry convention.
 */
#define HS_TASK_EVENTS                                                         \
    0                    /* boot, IRQ, timer, messages; phone, mail sync,      \
                            download, and any id not listed below */
#define HS_TASK_CRYPTO 1 /* AEAD calls and workload, the VPN's tun packets */
#define HS_TASK_VOICE 2  /* speech codec calls and workload */
#define HS_TASK_MAIL 3   /* MIME parsing call and the mail workload */
#define HS_TASK_UI 4     /* composition and documents */
#define HS_TASK_COVERT 5 /* covert-channel sender and receiver */
#define HS_TASK_COUNT 6

/* The task an HS_EV_WORKLOAD of workload id runs on. */
#define HS_WORKLOAD_TASK(id)                                                   \
    ((id) == HS_WL_CRYPTO                                   ? HS_TASK_CRYPTO   \
     : (id) == HS_WL_VOICE                                  ? HS_TASK_VOICE    \
     : (id) == HS_WL_MAIL                                   ? HS_TASK_MAIL     \
     : (id) == HS_WL_UI                                     ? HS_TASK_UI       \
     : ((id) == HS_WL_COVERT_TX || (id) == HS_WL_COVERT_RX) ? HS_TASK_COVERT   \
                                                            : HS_TASK_EVENTS)
/* The task an HS_EV_CALL of call id runs on. */
#define HS_CALL_TASK(id)                                                       \
    (((id) == HS_CALL_AEAD_SEAL || (id) == HS_CALL_AEAD_OPEN ||                \
      (id) == HS_CALL_TUN_SEAL || (id) == HS_CALL_TUN_OPEN)                    \
         ? HS_TASK_CRYPTO                                                      \
     : ((id) == HS_CALL_VOICE_ENCODE || (id) == HS_CALL_VOICE_DECODE)          \
         ? HS_TASK_VOICE                                                       \
     : (id) == HS_CALL_MAIL_PARSE ? HS_TASK_MAIL                               \
     : ((id) == HS_CALL_UI_COMPOSE || (id) == HS_CALL_UI_DOCUMENT)             \
         ? HS_TASK_UI                                                          \
     : ((id) == HS_CALL_COVERT_TX || (id) == HS_CALL_COVERT_RX)                \
         ? HS_TASK_COVERT                                                      \
         : HS_TASK_EVENTS)
/* The task event (HS_EV_*) with first argument a0 runs on. */
#define HS_EVENT_TASK(event, a0)                                               \
    ((event) == HS_EV_WORKLOAD ? HS_WORKLOAD_TASK(a0)                          \
     : (event) == HS_EV_CALL   ? HS_CALL_TASK(a0)                              \
                               : HS_TASK_EVENTS)

/* ---- entry convention ---------------------------------------------------
 * To deliver an event the host sets x0 = event, x1 = a0, x2 = a1,
 * SP = HS_TASK_STACK(vcpu_index, task) of the task that takes it (task 0
 * on a vCPU that runs no tasks, e.g. `handset guest`),
 * LR = HS_SENTINEL_ADDR, PC = the image's entry point (symbol hs_entry),
 * with FP/SIMD enabled at EL1. The handler's return value is x0 when PC
 * reaches the sentinel.
 */

/* ---- platform calls: HVC #imm, arguments in x0..x3, result in x0 -------
 *
 * A call may block (SLEEP_UNTIL, YIELD): the vCPU stops at the call and
 * resumes after it when the approach lets it run again. Errors return a
 * negative value in x0 (HS_E*).
 */
#define HS_PC_EXIT 0             /* x0 = status: the domain stops for good */
#define HS_PC_WAKELOCK_ACQUIRE 1 /* x0 = id */
#define HS_PC_WAKELOCK_RELEASE 2 /* x0 = id */
#define HS_PC_SLEEP_UNTIL 3      /* x0 = platform time in ns; blocks */
#define HS_PC_YIELD 4            /* give up the CPU; blocks */
#define HS_PC_SEND 5  /* x0 = dest domain, x1 = addr, x2 = len: copy to it */
#define HS_PC_CLOCK 6 /* -> x0 = platform time in ns */
#define HS_PC_LOG 7   /* x0 = tag (HS_LOG_*), x1 = value: record a symbol */
#define HS_PC_PUTS 8  /* x0 = addr, x1 = len: debug text to the host log */
#define HS_PC_COUNT 9

/* HS_PC_LOG tags, read by the covert-channel estimator and tests. */
#define HS_LOG_SENT 1    /* covert sender: symbol sent */
#define HS_LOG_DECODED 2 /* covert receiver: symbol decoded */
#define HS_LOG_CHECK 3   /* a workload's check value */
#define HS_LOG_MARK 4    /* a timestamped marker (latency probes) */

/* Errors returned by platform calls. */
#define HS_EINVAL (-22)
#define HS_EPERM (-1)
#define HS_EAGAIN (-11)
#define HS_EIO (-5) /* a device reported an error (guest drivers) */

#endif /* HS_PLATFORM_H */
