/*
 * COM1, the host's console: 115200 8N1, written by polling; its receive interrupt (IRQ 4
 * through the PIC) carries the keyboard of `make run`'s serial line to the console's input
 * ring.  Nothing here takes guest input: console.c has already made guest text printable.
 */
#include "arch.h"
#include "arch/x86/x86.h"

#define COM1 0x3f8
#define UART_IER 1          /* interrupt enable: bit 0 = data received */
#define UART_MCR 4          /* modem control: bit 3 = OUT2, which gates the IRQ line */
#define UART_LSR 5          /* line status: bit 0 = data ready, bit 5 = transmitter empty */

void arch_serial_init(void)
{
    outb(COM1 + 1, 0x00);   /* no interrupts yet */
    outb(COM1 + 3, 0x80);   /* DLAB on */
    outb(COM1 + 0, 0x01);   /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1, DLAB off */
    outb(COM1 + 2, 0xc7);   /* FIFO on, cleared */
    outb(COM1 + UART_MCR, 0x0b);    /* DTR, RTS, OUT2 */
}

void arch_serial_putc(char c)
{
    for (unsigned spin = 0; spin < 100000 && !(inb(COM1 + UART_LSR) & 0x20); spin++)
        ;
    outb(COM1, (uint8_t)c);
}

/* A received byte, or -1 when none is waiting. */
int arch_serial_getc(void)
{
    return (inb(COM1 + UART_LSR) & 1) ? inb(COM1) : -1;
}

/* From now on received bytes raise an interrupt (arch_irq -> console_rx_interrupt). */
void arch_serial_rx_enable(void)
{
    outb(COM1 + UART_IER, 0x01);
    arch_console_irq_enable();
}
