-- A DMA channel walks a chain of two descriptors: the trace shows one
-- transfer span holding one descriptor span per descriptor.
local sys = dmasim.system{ name = "c", bus = { clock = "1GHz" } }
local mem = sys:memory{ size = "1MiB" }
local cpu = sys:cpu{ name = "cpu" }
local dma = sys:dma{ name = "dma", channels = 1 }
local R = dmasim.dma_regs
mem:fill(0x1000, 512, 1)
mem:write(0x8000, string.pack("<I8I8I4I4I8", 0x1000, 0x10000, 256, 0, 0x8020) ..
                  string.pack("<I8I8I4I4I8", 0x1100, 0x20000, 256, 0, 0))
sys:spawn(function()
  cpu:write64(dma.base + R.DESC_LO, 0x8000)
  cpu:write32(dma.base + R.CTRL, R.CTRL_START | R.CTRL_CHAIN)
  dma:channel(0):wait()
end)
sys:run()
