/*
 * nic (sys): the NIC, its receive driver and the camera as components of
 * a system (dmasim/machine.h).
 */
#ifndef DMASIM_SYS_NIC_H
#define DMASIM_SYS_NIC_H

#include "hw/camera.h"
#include "hw/nic.h"
#include "sys.h"

struct dmasim_nic {
	struct nic n;
	struct dmasim_sys *sys;
	struct msi_port msi;		/* with cfg.msi: how it interrupts */
};

struct dmasim_netdrv {
	struct dmasim_netdrv_config cfg;
	struct dmasim_sys *sys;
	struct dmasim_nic *nic;
	char name[SYS_NAME_MAX];
	uint64_t regs;			/* the NIC's register window */
	struct dmasim_completion *work;	/* NAPI: polls asked for; else
					 * frames in the backlog */
	uint32_t next;			/* next descriptor to look at */
	uint32_t tail;			/* RDT as last written */
	uint32_t backlog_len;
	uint32_t i;			/* set-up: descriptor */
	uint32_t done;			/* poll: frames this round */
	uint32_t irq_done;		/* handler: frames this time */
	uint8_t *frame;			/* verify: the expected bytes */
	uint8_t *got;
	struct dmasim_netdrv_info info;
};

struct dmasim_camera {
	struct camera c;
	struct dmasim_sys *sys;
	struct msi_port msi;		/* with cfg.msi: how it interrupts */
	bool pinned[CAMERA_MAX_BUFS];	/* when queued (the sanitizer's) */
};

#endif
