-- A CPU programs a DMA copy and takes its completion interrupt: the trace
-- of this run must show the CPU computing, stalled on the bus and in the
-- handler, and the channel's transfer from doorbell to completion.
local sys = dmasim.system{ name = "m", bus = { clock = "1GHz", width = 8 } }
local mem = sys:memory{ base = 0, size = "1MiB", latency = "10ns" }
local cpu = sys:cpu{ name = "cpu", clock = "1GHz", irq_entry = 20, irq_exit = 10 }
local dma = sys:dma{ name = "dma", base = 0x40000000, channels = 1, irq = cpu,
                     burst = "64B" }
local R = dmasim.dma_regs
local ch = dma:channel(0)
local done = sys:completion()
cpu:on_irq(0, function()
  cpu:write32(dma.base + R.STATUS, R.STATUS_DONE)
  done:complete()
end)
mem:fill(0x1000, 4096, 1)
sys:spawn(function()
  cpu:compute(100)
  cpu:write64(dma.base + R.SRC_LO, 0x1000)
  cpu:write64(dma.base + R.DST_LO, 0x8000)
  cpu:write32(dma.base + R.LEN, 4096)
  cpu:write32(dma.base + R.CTRL, R.CTRL_START | R.CTRL_IRQ_EN)
  done:wait()
end)
sys:run()
dmasim.report("started_at", ch.started_at)
dmasim.report("done_at", ch.done_at)
