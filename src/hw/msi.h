/*
 * msi: message-signalled interrupts.  A device signals not by a wire but
 * by a 4-byte posted memory write of the interrupt's number to an address
 * (a PCIe root's MSI window, which raises that line of its interrupt
 * controller).  The write is a bus transaction of the device's MSI port,
 * a master on the device's bus: raised after the device's own writes have
 * gone (a descriptor's write-back, a frame's last line), it follows them
 * up the same way, so the host finds the data there when the interrupt
 * comes.  Signals raised while one is on its way are sent in turn, one
 * write each.  A port serves one device and its one line.
 */
#ifndef DMASIM_HW_MSI_H
#define DMASIM_HW_MSI_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "intc.h"
#include "xact.h"

struct msi_port {
	struct bus_master port;
	struct xact x;
	uint64_t addr;		/* where the writes go */
	uint8_t buf[4];
	uint32_t queued;	/* signals waiting for the port */
	unsigned line;		/* of the one on its way */
	bool busy;
	uint64_t sent, errors;
};

/* A port on bus named name ("<device>.msi") writing to addr.  Returns 0
 * or DMASIM_ENOMEM. */
int msi_port_init(struct msi_port *m, struct bus *bus, const char *name,
		  uint64_t addr);

/* The irq_sink a device raises: each raise(line) is a write of line. */
struct irq_sink msi_sink(struct msi_port *m, unsigned line);

#endif
