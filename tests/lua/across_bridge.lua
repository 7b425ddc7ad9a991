-- Across a bridge: a descriptor chain whose descriptors and buffers lie
-- in DRAM on the memory bus, walked by a DMA engine on the I/O bus (each
-- fetch, burst and status write-back crossing); programmed I/O from a
-- device on the I/O bus; and a coherent CPU cache on the memory bus that
-- the DMA's accesses, arriving through the bridge, still snoop.
local R = dmasim.dma_regs
local sys = dmasim.system{ bus = { clock = "1GHz" } }
local io = sys:bus{ name = "io", clock = "250MHz", width = 4 }
local mem = sys:memory{ size = "16MiB", latency = "20ns" }
local cpu = sys:cpu{}
local l1 = sys:cache{ cpu = cpu, size = "8KiB", coherent = true }
local dma = sys:dma{ bus = io, burst = 64 }
local dev = sys:device{ bus = io, base = 0x50000000, size = 4096 }
local pdev = sys:device{ bus = io, base = 0x50001000, size = 256, seed = 9 }
sys:bridge{ a = sys.system_bus, b = io, latency = "10ns",
            a_to_b = { { 0x40000000, "512MiB" } },
            b_to_a = { { 0, "16MiB" } } }

local function desc(src, dst, len, flags, next_desc)
  return string.pack("<I8I8I4I4I8", src, dst, len, flags, next_desc)
end

local chain_flags, coherent_ok
sys:spawn(function()
  -- 1. a chain of three descriptors: device FIFO -> three buffers
  local at = 0x2000
  cpu:store(at, desc(dev.data, 0x10000, 1000, R.DESC_SRC_FIXED, at + 32) ..
                desc(dev.data, 0x20000, 1000, R.DESC_SRC_FIXED, at + 64) ..
                desc(dev.data, 0x30000, 2096, R.DESC_SRC_FIXED, 0))
  l1:flush(at, 96)                       -- coherent anyway; harmless
  cpu:write64(dma.base + R.DESC_LO, at)
  cpu:write32(dma.base + R.CTRL, R.CTRL_START | R.CTRL_CHAIN)
  cpu:read32(dma.base + R.STATUS)        -- push the posted writes through
  dma:channel(0):wait()
  -- A driver reads the device before it trusts memory: the read's
  -- completion does not pass the DMA's posted writes (PCI ordering).
  cpu:read32(dma.base + R.STATUS)
  chain_flags = {}
  for i = 0, 2 do
    chain_flags[#chain_flags + 1] = cpu:read32(at + 32 * i + R.DESC_CTRL)
  end
  -- 2. programmed I/O across the bridge
  cpu:pio_read(pdev.data, 0x40000, 256)
  -- 3. coherence across the bridge: the CPU writes a buffer (dirty in its
  -- cache), the DMA copies it (snooped: the cache's data), then the DMA
  -- overwrites the CPU's copy in memory (snooped: the line invalidated)
  cpu:store(0x50000, string.rep("C", 64))
  cpu:write64(dma.base + R.SRC_LO, 0x50000)
  cpu:write64(dma.base + R.DST_LO, 0x60000)
  cpu:write32(dma.base + R.LEN, 64)
  cpu:write32(dma.base + R.CTRL, R.CTRL_START)
  cpu:read32(dma.base + R.STATUS)
  dma:channel(0):wait()
  cpu:write64(dma.base + R.SRC_LO, 0x10000)
  cpu:write64(dma.base + R.DST_LO, 0x50000)
  cpu:write32(dma.base + R.CTRL, R.CTRL_START)
  cpu:read32(dma.base + R.STATUS)
  dma:channel(0):wait()
  cpu:read32(dma.base + R.STATUS)
  coherent_ok = cpu:load(0x50000, 64) == mem:read(0x10000, 64)
end)
sys:run()

local want = dev:expected(0, 4096)
local got = mem:read(0x10000, 1000) .. mem:read(0x20000, 1000) .. mem:read(0x30000, 2096)
dmasim.report("chain_intact", got == want)
local done = 0
for _, f in ipairs(chain_flags) do if f & R.DESC_DONE ~= 0 then done = done + 1 end end
dmasim.report("descriptors_done", done)
dmasim.report("desc_fetches", dma:channel(0).desc_fetches)
dmasim.report("pio_intact", mem:read(0x40000, 256) == pdev:expected(0, 256))
dmasim.report("dma_read_cache_data", mem:read(0x60000, 64) == string.rep("C", 64))
dmasim.report("cpu_sees_dma_write", coherent_ok)
dmasim.report("snoops", l1.snoops)
dmasim.report("b2a", sys:stat("bridge0.b2a.forwarded"))
