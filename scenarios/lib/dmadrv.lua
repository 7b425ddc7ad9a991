-- dmadrv: a small DMA driver written the way a kernel driver is: every
-- register access is a CPU bus transaction that costs simulated time.
--
--   local drv = require "dmadrv"
--   local d = drv.new(cpu, dma, { irq_line = 0 })   -- installs the handler
--   d:copy(0, src, dst, len)                          -- program + doorbell
--   d:wait(0)                                         -- sleep until the IRQ
--   d:copy_split(0, src, dst, len, opts)              -- longer than LEN counts
--   drv.descriptor_2d{ src =, dst =, chunk =, rows =, ... }  -- strided
--
-- opts of new(): irq_line, handler_cost (CPU cycles of bookkeeping in the
-- handler), irq (false: poll STATUS), setup_cycles or setup_time (the
-- set-up as a total, in CPU cycles or as a time, as exercises state it:
-- the CPU busy that long, the registers then written untimed; default:
-- each register write a timed bus access).
local R = dmasim.dma_regs

local M = {}
M.__index = M

-- A driver for `dma` run by `cpu`.  With opts.irq (default true) each
-- channel's completion interrupt wakes its waiter; otherwise wait() polls
-- STATUS.
function M.new(cpu, dma, opts)
  opts = opts or {}
  local self = setmetatable({ cpu = cpu, dma = dma, irq = opts.irq ~= false,
                              line = opts.irq_line or 0, done = {},
                              status = {}, handler_cost = opts.handler_cost or 20,
                              setup_cycles = opts.setup_cycles },
                            M)
  if opts.setup_time then        -- a time: the CPU's cycles in it, rounded up
    assert(not opts.setup_cycles, "dmadrv: setup_cycles or setup_time, not both")
    self.setup_cycles = math.ceil(dmasim.time(opts.setup_time) / cpu.period)
  end
  return self
end

-- Attach completions (needs the system) and the interrupt handlers.
function M:attach(sys)
  for ch = 0, self.dma.channels - 1 do
    self.done[ch] = sys:completion()
    if self.irq then
      self.cpu:on_irq(self.line + ch, function()
        local base = self.dma.base + ch * R.STRIDE
        local st = self.cpu:read32(base + R.STATUS)
        self.status[ch] = st
        self.cpu:write32(base + R.STATUS, st & (R.STATUS_DONE | R.STATUS_ERROR))
        self.cpu:busy(self.handler_cost)   -- bookkeeping in the handler
        self.done[ch]:complete()
      end)
    end
  end
  return self
end

local function ctrl_bits(self, opts)
  local c = R.CTRL_START
  if self.irq then c = c | R.CTRL_IRQ_EN end
  if opts and opts.src_fixed then c = c | R.CTRL_SRC_FIXED end
  if opts and opts.dst_fixed then c = c | R.CTRL_DST_FIXED end
  if opts and opts.flyby then c = c | R.CTRL_FLYBY end
  return c
end

-- Program one transfer on channel ch and ring the doorbell: four register
-- writes (64-bit source, 64-bit destination, length, control).
function M:copy(ch, src, dst, len, opts)
  local base = self.dma.base + ch * R.STRIDE
  local cpu = self.cpu
  if self.setup_cycles then
    cpu:busy(self.setup_cycles)
    local off, d = ch * R.STRIDE, self.dma
    d:set_reg(off + R.SRC_LO, src & 0xffffffff)
    d:set_reg(off + R.SRC_HI, src >> 32)
    d:set_reg(off + R.DST_LO, dst & 0xffffffff)
    d:set_reg(off + R.DST_HI, dst >> 32)
    d:set_reg(off + R.LEN, len)
    d:set_reg(off + R.CTRL, ctrl_bits(self, opts))
    return
  end
  cpu:write64(base + R.SRC_LO, src)
  cpu:write64(base + R.DST_LO, dst)
  cpu:write32(base + R.LEN, len)
  cpu:write32(base + R.CTRL, ctrl_bits(self, opts))
end

-- A transfer longer than the count register holds (dma.count_max bytes),
-- split into programmed transfers of at most that, each with its own
-- set-up and completion; addresses advance unless fixed.  Returns the
-- number of transfers and the last status.
function M:copy_split(ch, src, dst, len, opts)
  local max, n, st = self.dma.count_max, 0, 0
  local done = 0
  while done < len do
    local k = math.min(max, len - done)
    local s = (opts and opts.src_fixed) and src or src + done
    local d = (opts and opts.dst_fixed) and dst or dst + done
    self:copy(ch, s, d, k, opts)
    st = self:wait(ch)
    n = n + 1
    done = done + k
  end
  return n, st
end

-- Start a descriptor chain at desc on channel ch.
function M:chain(ch, desc)
  local base = self.dma.base + ch * R.STRIDE
  self.cpu:write64(base + R.DESC_LO, desc)
  self.cpu:write32(base + R.CTRL, ctrl_bits(self) | R.CTRL_CHAIN)
end

-- Sleep until channel ch completes (interrupt), or poll STATUS.  Returns
-- the status word.
function M:wait(ch)
  if self.irq then
    self.done[ch]:wait()
    return self.status[ch]
  end
  local base = self.dma.base + ch * R.STRIDE
  while true do
    local st = self.cpu:read32(base + R.STATUS)
    if st & R.STATUS_BUSY == 0 then
      self.cpu:write32(base + R.STATUS, st & (R.STATUS_DONE | R.STATUS_ERROR))
      return st
    end
  end
end

-- Encode a descriptor (32 bytes, little-endian).
function M.descriptor(src, dst, len, flags, next_desc)
  return string.pack("<I8I8I4I4I8", src, dst, len, flags or 0, next_desc or 0)
end

-- Encode a 2-D strided descriptor (64 bytes; src/hw/dma.h): `frames`
-- frames of `rows` chunks of `chunk` bytes; chunk r of frame f at
-- src + f * src_frame_stride + r * src_stride (likewise dst).  Strides
-- are start to start and default to contiguous (chunk, rows * chunk).
-- d: { src, dst, chunk, rows, frames, src_stride, dst_stride,
--      src_frame_stride, dst_frame_stride, flags, next }
function M.descriptor_2d(d)
  local c, rows = d.chunk, d.rows or 1
  local ss, ds = d.src_stride or c, d.dst_stride or c
  return string.pack("<I8I8I4I4I8I4I4I4I4I4I4I8", d.src, d.dst, c,
                     (d.flags or 0) | R.DESC_2D, d.next or 0, rows,
                     d.frames or 1, ss, ds, d.src_frame_stride or rows * ss,
                     d.dst_frame_stride or rows * ds, 0)
end

return M
