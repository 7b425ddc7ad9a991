-- chain_error: a descriptor chain with a bad descriptor in the middle.
-- The engine walks the chain, moving each segment; the third descriptor
-- points at an address no target answers, so the channel stops there with
-- STATUS.ERROR, the error code, the failing address and descriptor in its
-- registers, and an interrupt.  Descriptors before it are marked DONE in
-- memory, the failing one ERROR, those after it untouched: what a driver's
-- error path reads.  A simulated error, never a crash.
local drv = require "dmadrv"
local R = dmasim.dma_regs

local sys = dmasim.system{}
local mem = sys:memory{ size = "16MiB" }
local cpu = sys:cpu{}
local dma = sys:dma{ irq = cpu, desc_cycles = 10 }
local d = drv.new(cpu, dma):attach(sys)

local chain, src = 0x10000, 0x200000
mem:fill(src, 4096, 3)
local dsts = { 0x300000, 0x301000, 0x7f000000 --[[ nothing there ]], 0x303000 }
local blob = {}
for i, dst in ipairs(dsts) do
  local next_desc = i < #dsts and chain + i * R.DESC_SIZE or 0
  blob[i] = drv.descriptor(src + (i - 1) * 1024, dst, 1024, 0, next_desc)
end

local status
sys:spawn(function()
  cpu:store(chain, table.concat(blob))   -- the driver writes the chain
  d:chain(0, chain)
  status = d:wait(0)
end)
sys:run()

local ch = dma:channel(0)
local function desc_flags(i)
  return string.unpack("<I4", mem:read(chain + (i - 1) * R.DESC_SIZE + R.DESC_CTRL, 4))
end
dmasim.report("failed", ch.failed)
-- The handler cleared STATUS (write 1 to clear); the code it read is in
-- the status d:wait returned.  Its name, from dmasim.dma_regs' ERR_*
-- (a fixed order of keys: dmasim.sorted, not pairs).
local code = (status >> 8) & 0xff
for name, v in dmasim.sorted(R) do
  if name:match("^ERR_") and v == code then dmasim.report("error", name) end
end
dmasim.report("err_addr", string.format("0x%x", ch.err_addr))
dmasim.report("err_desc", string.format("0x%x", ch.err_desc))
dmasim.report("status_error_bit", status & R.STATUS_ERROR ~= 0)
for i = 1, #dsts do
  local f = desc_flags(i)
  dmasim.report("desc" .. i, f & R.DESC_DONE ~= 0 and "DONE" or
                             f & R.DESC_ERROR ~= 0 and "ERROR" or "untouched")
end
assert(ch.failed and ch.err_desc == chain + 2 * R.DESC_SIZE)
