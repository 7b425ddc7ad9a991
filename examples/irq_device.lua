-- irq_device: an interrupt-driven device.  A serial-line-like input device
-- delivers bytes slowly into a small FIFO.  The driver moves each chunk
-- out of the FIFO with a one-chunk DMA; the channel's completion interrupt
-- (dmasim's devices raise none themselves; DMA channels do) runs the
-- handler, which acknowledges it and programs the next chunk, while the
-- application computes.  With -D poll=true the driver polls the channel's
-- STATUS register instead: each poll is a bus transaction the CPU pays
-- for, taken from the application's share of the CPU.
--
--   dmasim run examples/irq_device.lua -D poll=true
local p = dmasim.params{ chunk = 64, chunks = 32, rate = "1MB/s", poll = false }
local R = dmasim.dma_regs

local sys = dmasim.system{}
local mem = sys:memory{ size = "16MiB" }
local cpu = sys:cpu{ irq_entry = 100, irq_exit = 50 }
local uart = sys:device{ name = "uart", size = p.chunk * p.chunks, rate = p.rate,
                         buffer = p.chunk }
local dma = sys:dma{ irq = cpu, irq_line = 3, burst = p.chunk }
local regs = dma.base             -- channel 0's registers
local got, app, polls = 0, 0, 0
local rx = 0x100000               -- where the data goes

-- Program channel 0 to move the next chunk from the FIFO to rx + got.
local function arm()
  cpu:write64(regs + R.SRC_LO, uart.data)
  cpu:write64(regs + R.DST_LO, rx + got)
  cpu:write32(regs + R.LEN, p.chunk)
  cpu:write32(regs + R.CTRL, R.CTRL_START | R.CTRL_SRC_FIXED |
                             (p.poll and 0 or R.CTRL_IRQ_EN))
end

local finished = sys:completion()
if not p.poll then
  cpu:on_irq(3, function()        -- interrupt context
    cpu:write32(regs + R.STATUS, R.STATUS_DONE)   -- acknowledge
    got = got + p.chunk
    if got < p.chunk * p.chunks then arm() else finished:complete() end
  end)
end

sys:spawn(function()              -- the driver's start, then its wait
  arm()
  if p.poll then
    while got < p.chunk * p.chunks do
      polls = polls + 1
      if cpu:read32(regs + R.STATUS) & R.STATUS_DONE ~= 0 then
        cpu:write32(regs + R.STATUS, R.STATUS_DONE)
        got = got + p.chunk
        if got < p.chunk * p.chunks then arm() end
      end
    end
  else
    finished:wait()
  end
end)
sys:spawn(function()              -- the application
  while got < p.chunk * p.chunks do
    cpu:compute(500)
    app = app + 500
  end
end)
sys:run()

local n = p.chunk * p.chunks
assert(mem:read(rx, n) == uart:expected(0, n), "the data differs")
dmasim.report("interrupts", cpu.irqs)
dmasim.report("status_polls", polls)
dmasim.report("app_instructions", app)
dmasim.report("elapsed", sys:now() / 1e6, "us")
