-- machine: the reference machine the claim scenarios share, so their
-- closed-form models and their simulations read the same parameters.
--
--   local machine = require "machine"
--   local m = machine.build(p)      -- p: a table of overrides (optional)
--   m.sys, m.mem, m.cpu, m.dma, m.dev, m.drv
local drv = require "dmadrv"

local M = {}

-- Defaults: a 2 GHz CPU on a 1 GHz, 8-byte bus (8 GB/s), DRAM with 20 ns
-- access latency, a DMA engine whose registers answer in 10 ns and a
-- device whose data register answers in 30 ns.
M.defaults = {
  cpu_clock = "2GHz", bus_clock = "1GHz", bus_width = 8,
  cpi = 1, mem_frac = 0, pio_loop = 2, word = 4,
  irq_entry = 100, irq_exit = 50, handler_cycles = 500, setup_instr = 1000,
  mem_latency = "20ns", reg_latency = "10ns", dev_latency = "30ns",
  dev_rate = 0, dev_size = "1MiB", burst = "256B", dma_mode = "cycle_stealing",
}

local function with_defaults(p)
  local q = {}
  for k, v in dmasim.sorted(M.defaults) do q[k] = v end
  for k, v in dmasim.sorted(p or {}) do q[k] = v end
  return q
end

-- Build the machine.  The device is an input device unless p.output; the
-- DMA engine interrupts the CPU unless p.irq == false.
function M.build(p)
  p = with_defaults(p)
  local sys = dmasim.system{ bus = { clock = p.bus_clock, width = p.bus_width } }
  local mem = sys:memory{ base = 0, size = "1GiB", latency = p.mem_latency }
  local cpu = sys:cpu{ clock = p.cpu_clock, cpi = p.cpi, mem_frac = p.mem_frac,
                       word = p.word, pio_loop = p.pio_loop,
                       irq_entry = p.irq_entry, irq_exit = p.irq_exit }
  local dma = sys:dma{ base = 0x40000000, channels = 2,
                       irq = p.irq ~= false and cpu or nil,
                       reg_latency = p.reg_latency, burst = p.burst,
                       mode = p.dma_mode }
  local dev = sys:device{ base = 0x50000000, size = p.dev_size,
                          rate = p.dev_rate, latency = p.dev_latency,
                          output = p.output }
  local d = drv.new(cpu, dma, { handler_cost = p.handler_cycles,
                                irq = p.irq ~= false }):attach(sys)
  return { sys = sys, mem = mem, cpu = cpu, dma = dma, dev = dev, drv = d, p = p }
end

-- Closed-form costs of the reference machine, in CPU cycles, counted from
-- the same parameters the simulation uses (no simulation involved).
function M.model(p)
  p = with_defaults(p)
  local cpu_ps = 1e12 / dmasim.freq(p.cpu_clock)
  local bus_ps = 1e12 / dmasim.freq(p.bus_clock)
  local r = bus_ps / cpu_ps                          -- CPU cycles per bus cycle
  local function lat(t) return math.ceil(dmasim.time(t) / bus_ps) end
  local function beats(n) return math.ceil(n / p.bus_width) end
  local m = {}
  m.r = r
  -- One bus transaction, in bus cycles.
  m.dev_access = lat(p.dev_latency) + beats(p.word)
  m.mem_access = lat(p.mem_latency) + beats(p.word)
  m.reg32 = lat(p.reg_latency) + beats(4)
  m.reg64 = lat(p.reg_latency) + beats(8)
  -- Programmed I/O: per word, loop overhead, a device read, a memory write.
  m.c = p.pio_loop * p.cpi + (m.dev_access + m.mem_access) * r
  -- DMA set-up: driver work and four register writes (source, destination,
  -- length, control); completion: interrupt entry, the handler (read and
  -- clear STATUS, bookkeeping) and exit.
  m.setup = p.setup_instr * p.cpi + (2 * m.reg64 + 2 * m.reg32) * r
  m.completion = p.irq_entry + (2 * m.reg32) * r + p.handler_cycles
                 + p.irq_exit
  m.S = m.setup + m.completion
  -- Moving one burst of b bytes from the device to memory, in CPU cycles.
  function m.burst_time(b)
    return (lat(p.dev_latency) + beats(b) + lat(p.mem_latency) + beats(b)) * r
  end
  -- A memory-to-memory burst of b bytes: a read burst, then a write burst.
  function m.copy_burst_time(b)
    return 2 * (lat(p.mem_latency) + beats(b)) * r
  end
  -- The bus time of a memory-to-memory DMA copy of n bytes, in CPU cycles.
  function m.copy_time(n)
    local b = dmasim.size(p.burst)
    local full, last = n // b, n % b
    return full * m.copy_burst_time(b) + (last > 0 and m.copy_burst_time(last) or 0)
  end
  -- A DMA transfer of n bytes (device -> memory), in CPU cycles.
  function m.transfer(n)
    local b = dmasim.size(p.burst)
    local full, last = n // b, n % b
    return full * m.burst_time(b) + (last > 0 and m.burst_time(last) or 0)
  end
  return m
end

-- A machine description measured on a real host by `dmasim calibrate`:
--   local host = machine.load("host.lua")
-- returns the file's figures (see `dmasim calibrate --help` and each
-- figure's `host.method`), checked, with `host.params`: overrides for
-- machine.build that put the host's figures into the reference machine:
--   cpu_clock     the measured clock (the default when not measured)
--   mem_latency   the last level of the latency curve (main memory)
--   bus_clock     a bus of bus_width bytes carrying twice the largest
--                 size's copy rate (a copy reads and writes every byte)
-- A missing file, a file of another kind or an impossible figure is an
-- error naming the file and the figure.
local function positive(h, path, name, v)
  if type(v) ~= "number" or v ~= v or v <= 0 or v == math.huge then
    error(string.format("machine.load: %s: %s = %s: expected a positive number "
                        .. "(is this a file `dmasim calibrate` wrote?)", path, name,
                        tostring(v)), 3)
  end
  return v
end

function M.load(path)
  local h, err = dmasim.data(path)
  if h == nil then error("machine.load: " .. err, 2) end
  if type(h) ~= "table" or h.calibration ~= 1 then
    error(string.format("machine.load: %s: expected a machine description "
                        .. "written by `dmasim calibrate` (a table with "
                        .. "calibration = 1)", path), 2)
  end
  for _, curve in ipairs{ "copy", "latency", "levels" } do
    if type(h[curve]) ~= "table" or #h[curve] == 0 then
      error(string.format("machine.load: %s: '%s' is missing or empty", path, curve), 2)
    end
    for i, pt in ipairs(h[curve]) do
      positive(h, path, string.format("%s[%d].size", curve, i), pt.size)
      positive(h, path, string.format("%s[%d]", curve, i),
               pt.ns or pt.bytes_per_s)
    end
  end
  local mem = h.levels[#h.levels]
  local copy = h.copy[#h.copy]
  local width = M.defaults.bus_width
  h.params = {
    cpu_clock = h.cpu_hz and positive(h, path, "cpu_hz", h.cpu_hz)
                or M.defaults.cpu_clock,
    mem_latency = string.format("%.3fns", mem.ns),
    bus_clock = 2 * copy.bytes_per_s / width,
    bus_width = width,
  }
  return h
end

return M
