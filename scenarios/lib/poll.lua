-- poll: programmed I/O with polling, written the way a driver polls: the
-- CPU reads a status register until the device is ready, then moves the
-- data.  Every status read is a bus transaction the CPU pays for, and each
-- poll also spends `cost` CPU cycles of the driver's own work (compare,
-- branch, bookkeeping).  Polls follow a schedule of one per `interval`
-- (0: back to back); between polls the CPU is free for other processes.
-- The time spent polling (status reads and their cost) is counted apart
-- from the time spent moving data.
--
--   local poll = require "poll"
--   local p = poll.new(sys, cpu, { cost = 10, interval = "1us" })
--   local v = p:until_ready(dev.status_reg)           -- status ~= 0
--   local v = p:until_ready(reg, function(v) return v & 1 == 0 end)
--   p:read(dev, buf, n, { unit = 64 })   -- device -> memory, by units
--   p:write(dev, buf, n, { unit = 64 })  -- memory -> device
--   p:wait_dma(dma, ch)                  -- a DMA channel, polled
--   p.polls, p.poll_ps, p.data_ps, p.data_bytes   -- the accounts
--
-- opts of new(): cost (CPU cycles per poll besides the status read,
-- default 0), interval (a time: from one poll's start to the next's,
-- default 0, back to back).
local M = {}
M.__index = M

local function to_ps(t)
  if t == nil then return 0 end
  if type(t) == "number" then return t end
  return dmasim.time(t)
end

function M.new(sys, cpu, opts)
  opts = opts or {}
  local cost = opts.cost or 0
  dmasim.expect(math.type(cost) == "integer" and cost >= 0, "cost", cost,
                "CPU cycles per poll, an integer >= 0")
  local interval = to_ps(opts.interval)
  dmasim.expect(interval >= 0, "interval", opts.interval,
                "a time >= 0 between polls")
  return setmetatable({ sys = sys, cpu = cpu, cost = cost,
                        interval = interval, polls = 0, poll_ps = 0,
                        data_ps = 0, data_bytes = 0, next = nil }, M)
end

-- One poll: the status read and the poll's cost, on the schedule.
-- Returns the value read.
function M:poll(reg)
  local sys = self.sys
  if self.next and self.next > sys:now() then
    sys:wait(self.next - sys:now())
  end
  local t0 = sys:now()
  self.next = t0 + self.interval
  local v, err = self.cpu:read32(reg)
  if v == nil then error("poll: status read at " .. reg .. ": " .. err, 2) end
  if self.cost > 0 then self.cpu:busy(self.cost) end
  self.polls = self.polls + 1
  self.poll_ps = self.poll_ps + (sys:now() - t0)
  return v
end

-- Poll `reg` until ready(value) (default: value ~= 0); returns the value.
function M:until_ready(reg, ready)
  ready = ready or function(v) return v ~= 0 end
  while true do
    local v = self:poll(reg)
    if ready(v) then return v end
  end
end

-- Time fn() as data movement of n bytes.
function M:move(n, fn)
  local t0 = self.sys:now()
  fn()
  self.data_ps = self.data_ps + (self.sys:now() - t0)
  self.data_bytes = self.data_bytes + n
end

-- Move n bytes between a device's data register and memory at buf, a
-- poll of its STATUS (bytes ready, or free) before each transfer, and
-- then as many whole units (opts.unit bytes, default 8) as it reports,
-- by PIO.  The last transfer may be a partial unit.
local function transfer(self, dev, buf, n, opts, to_device)
  local unit = opts and opts.unit or 8
  dmasim.expect(math.type(unit) == "integer" and unit > 0, "unit", unit,
                "bytes per transfer, an integer > 0")
  local done = 0
  while done < n do
    local want = math.min(unit, n - done)
    local avail = self:until_ready(dev.status_reg,
                                   function(v) return v >= want end)
    local k = math.min(avail // unit * unit, n - done)
    if k < want then k = want end
    self:move(k, function()
      if to_device then
        self.cpu:pio_write(dev.data, buf + done, k)
      else
        self.cpu:pio_read(dev.data, buf + done, k)
      end
    end)
    done = done + k
  end
  return done
end

function M:read(dev, buf, n, opts) return transfer(self, dev, buf, n, opts, false) end
function M:write(dev, buf, n, opts) return transfer(self, dev, buf, n, opts, true) end

-- Poll DMA channel ch's STATUS until it is not busy, then clear its DONE
-- and ERROR bits (a register write, counted as polling).  Returns the
-- status word.
function M:wait_dma(dma, ch)
  local R = dmasim.dma_regs
  local reg = dma.base + ch * R.STRIDE + R.STATUS
  local st = self:until_ready(reg, function(v)
    return v & R.STATUS_BUSY == 0
  end)
  local t0 = self.sys:now()
  self.cpu:write32(reg, st & (R.STATUS_DONE | R.STATUS_ERROR))
  self.poll_ps = self.poll_ps + (self.sys:now() - t0)
  return st
end

return M
