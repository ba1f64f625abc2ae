/*
 * entry.S - the firmware's entry point.
 *
 * The host enters at hs_entry with r0-r2 = event, a0, a1, SP at the top
 * of the stack and LR = the host's sentinel. The firmware runs in ARM
 * state; hs_entry keeps the stack 8-byte aligned (AAPCS) and calls
 * fw_main, whose result goes back in r0.
 */
    .syntax unified
    .arm
    .section .text.entry, "ax"
    .global hs_entry
    .type hs_entry, %function
hs_entry:
    push {r4, lr}
    bl fw_main
    pop {r4, pc}
    .size hs_entry, . - hs_entry
