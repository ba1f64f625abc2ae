/*
 * intc.h - the interrupt/event controller.
 *
 * HS_IRQ_COUNT input lines. A rising edge latches a line as pending until
 * the guest acknowledges it (HS_INTC_ACK, write 1s); a line still held
 * high stays pending through its raw level. PENDING reads (latched | raw)
 * & ENABLE. Two outputs follow "anything pending and enabled": cpu_irq
 * (to the vCPU side) and wake (to the PMIC, a wake source while the AP is
 * suspended). Registers: HS_INTC_* in platform.h.
 */
#ifndef HS_DEVICES_INTC_H
#define HS_DEVICES_INTC_H

#include "bus/bus.h"

typedef struct IntcState {
    Device dev;       /* base: must stay first */
    uint32_t raw;     /* current input levels */
    uint32_t latched; /* edges not yet acknowledged */
    uint32_t enable;  /* enable mask */
    IrqLine cpu_irq;  /* output to the CPU side */
    IrqLine wake;     /* output to the PMIC's wake input */
} IntcState;

void intc_init(IntcState *s, const char *name);

/* IrqFunc for device lines: connect a device's IrqLine with
 * irq_connect(&dev_irq, intc_set_irq, intc, HS_IRQ_x). */
void intc_set_irq(void *intc, int line, bool level);

/* Pending and enabled lines (what PENDING reads). */
uint32_t intc_pending(const IntcState *s);

extern const DeviceOps intc_ops;

#endif /* HS_DEVICES_INTC_H */
