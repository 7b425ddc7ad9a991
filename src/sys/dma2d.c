/* dma2d: descriptor chains and 2-D strided descriptors from C
 * (dmasim/machine.h): encoding a 2-D descriptor in the engine's layout
 * (hw/dma.h), and starting a chain as a driver does, with register writes
 * on a CPU.  See ops.c for the single-transfer programming. */
#include <string.h>

#include "hw/dma.h"
#include "kernel/util.h"
#include "process.h"

void dmasim_dma_desc_2d(const struct dmasim_dma_2d *d, void *out)
{
	uint8_t *b = out;
	uint32_t ctrl = DMA_DESC_2D;

	if (d->flags & DMASIM_DMA_SRC_FIXED)
		ctrl |= DMA_DESC_SRC_FIXED;
	if (d->flags & DMASIM_DMA_DST_FIXED)
		ctrl |= DMA_DESC_DST_FIXED;
	if (d->irq)
		ctrl |= DMA_DESC_IRQ;
	memset(b, 0, DMA_DESC2D_SIZE);
	util_le_put(b + DMA_DESC_SRC, d->src, 8);
	util_le_put(b + DMA_DESC_DST, d->dst, 8);
	util_le_put(b + DMA_DESC_LEN, d->chunk, 4);
	util_le_put(b + DMA_DESC_CTRL, ctrl, 4);
	util_le_put(b + DMA_DESC_NEXT, d->next, 8);
	util_le_put(b + DMA_DESC_ROWS, d->rows, 4);
	util_le_put(b + DMA_DESC_FRAMES, d->frames, 4);
	util_le_put(b + DMA_DESC_SRC_STRIDE, d->src_stride, 4);
	util_le_put(b + DMA_DESC_DST_STRIDE, d->dst_stride, 4);
	util_le_put(b + DMA_DESC_SRC_FSTRIDE, d->src_frame_stride, 4);
	util_le_put(b + DMA_DESC_DST_FSTRIDE, d->dst_frame_stride, 4);
}

int dmasim_dma_chain(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		     struct dmasim_channel *ch, uint64_t desc, bool irq)
{
	struct sys_op *o = &p->op;
	uint64_t base;
	uint32_t ctrl = DMA_CTRL_START | DMA_CTRL_CHAIN;
	int err = sys_owns(p->sys, ch->dma->sys, "the channel");

	if (err)
		return err;
	base = ch->dma->eng.regs.base + ch->ch->index * DMA_CH_STRIDE;
	if (irq)
		ctrl |= DMA_CTRL_IRQ_EN;
	cpu_op_xact(&o->op[0], base + DMA_REG_DESC_LO, o->word[0], 8, true);
	util_le_put(o->word[0], desc, 8);
	cpu_op_xact(&o->op[1], base + DMA_REG_CTRL, o->word[1], 4, true);
	util_le_put(o->word[1], ctrl, 4);
	o->nops = 2;
	return sys_op_issue(p, cpu, "dma chain");
}
