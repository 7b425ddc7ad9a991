-- make bench's memory audit (bench/bench_memory.sh): one DMA channel walks
-- a chain of D descriptors (default 10^6), each moving `len` bytes into a
-- 1 MiB ring of destinations.  The descriptors live in simulated memory
-- (32 bytes each, written at set-up in batches, so that the Lua side holds
-- one batch at a time); the engine fetches, carries out and writes back
-- each one.  The audit looks for host memory that grows with the chain
-- beyond those simulated bytes: there should be none.  With -D run=false
-- the chain is written and not run, so that the difference in peak memory
-- is what running it takes.
--
--   DMASIM_PATH=scenarios dmasim run bench/descriptors.lua -D D=1000000
local drv = require "dmadrv"
local R = dmasim.dma_regs

local p = dmasim.params{ D = 1000000, len = 64, run = true }
dmasim.expect(math.type(p.D) == "integer" and p.D >= 1 and p.D <= 4000000,
              "D", p.D, "an integer from 1 to 4000000")
dmasim.expect(math.type(p.len) == "integer" and p.len >= 8 and
              p.len <= 4096 and p.len % 8 == 0, "len", p.len,
              "a multiple of 8 from 8 to 4096")
dmasim.expect(type(p.run) == "boolean", "run", p.run, "true or false")

local RING = 1 << 20
local chain, src, dst = 0x100000, 0x10000, 0x8000000
local sys = dmasim.system{ name = "descriptors" }
local mem = sys:memory{ size = "256MiB" }
local cpu = sys:cpu{}
local dma = sys:dma{ irq = cpu }
local d = drv.new(cpu, dma):attach(sys)

mem:fill(src, 4096, 0x5a)
local per = RING // p.len
local batch = 4096
for first = 0, p.D - 1, batch do
  local blob = {}
  for i = first, math.min(first + batch, p.D) - 1 do
    local next_desc = i + 1 < p.D and chain + (i + 1) * R.DESC_SIZE or 0
    blob[#blob + 1] = drv.descriptor(src, dst + (i % per) * p.len, p.len,
                                     0, next_desc)
  end
  mem:write(chain + first * R.DESC_SIZE, table.concat(blob))
end

if not p.run then
  dmasim.report("descriptors", p.D)
  return
end

local status
sys:spawn(function()
  d:chain(0, chain)
  status = d:wait(0)
end)
sys:run()

local ch = dma:channel(0)
dmasim.report("descriptors", p.D)
dmasim.report("desc_fetches", ch.desc_fetches)
dmasim.report("failed", ch.failed)
dmasim.report("last_copy_intact",
              mem:read(dst + ((p.D - 1) % per) * p.len, p.len) ==
              mem:read(src, p.len))
if ch.failed or ch.desc_fetches ~= p.D or status & R.STATUS_ERROR ~= 0 then
  error(string.format("the chain did not complete: %d of %d descriptors " ..
                      "fetched, status 0x%x", ch.desc_fetches, p.D, status))
end
