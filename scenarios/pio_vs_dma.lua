-- Programmed I/O against DMA: the break-even block size.
--
-- Claim (the classic one): with a programmed-I/O cost of c CPU cycles per
-- word and a one-time DMA cost of S cycles (driver set-up plus the
-- completion interrupt), DMA costs the CPU less for any block larger than
-- about S/c words.
--
-- The simulation moves real bytes from a device into memory both ways on
-- the reference machine (scenarios/lib/machine.lua) and searches, block
-- size by block size, for the smallest block where DMA wins: once for CPU
-- cycles consumed and once for completion time; the claims compare where
-- the simulated cost curves cross with where the model's do.  The closed-form model
-- counts the same costs from the machine's parameters.
local machine = require "machine"

local p = dmasim.params{ setup_instr = 1000, handler_cycles = 500,
                         dev_latency = "30ns", max_words = 4096, words = 0 }
local q = { setup_instr = p.setup_instr, handler_cycles = p.handler_cycles,
            dev_latency = p.dev_latency }
local model = machine.model(q)
local word = machine.defaults.word
dmasim.expect(p.max_words >= 2, "max_words", p.max_words, "an integer >= 2")

-- One block of n words moved by `how` ("pio" or "dma").  Returns CPU cycles
-- consumed, completion time in CPU cycles, and whether the bytes arrived.
local function measure(how, n)
  local m = machine.build(q)
  local bytes, buf = n * word, 0x100000
  local t0, t1
  m.sys:spawn(function()
    t0 = m.sys:now()
    if how == "pio" then
      m.cpu:pio_read(m.dev.data, buf, bytes)
    else
      m.cpu:compute(p.setup_instr)
      m.drv:copy(0, m.dev.data, buf, bytes, { src_fixed = true })
      m.drv:wait(0)
    end
    t1 = m.sys:now()
  end)
  m.sys:run()
  local ok = m.mem:read(buf, bytes) == m.dev:expected(0, bytes)
  return m.cpu.busy_cycles, (t1 - t0) / m.cpu.period, ok
end

local cache = {}
local function cost(how, n)
  local key = how .. n
  if not cache[key] then
    local busy, time, ok = measure(how, n)
    if not ok then error(how .. " delivered wrong bytes for " .. n .. " words") end
    cache[key] = { busy = busy, time = time }
  end
  return cache[key]
end

-- Smallest n in [1, max] where DMA beats PIO on `field` (monotone).
local function breakeven(field)
  local lo, hi = 1, p.max_words
  if cost("dma", hi)[field] >= cost("pio", hi)[field] then return nil end
  while lo < hi do
    local mid = (lo + hi) // 2
    if cost("dma", mid)[field] < cost("pio", mid)[field] then hi = mid else lo = mid + 1 end
  end
  return lo
end

-- Where the two cost curves cross, between the last block size where PIO
-- is cheaper and the first where DMA is: PIO's cost is linear in the words
-- moved, so interpolate linearly between the two simulated points.
local function crossing(field)
  local n = breakeven(field)
  if not n then return nil end
  if n == 1 then return 1 end
  local a0, a1 = cost("pio", n - 1)[field], cost("pio", n)[field]
  local b0, b1 = cost("dma", n - 1)[field], cost("dma", n)[field]
  return (n - 1) + (b0 - a0) / ((a1 - a0) - (b1 - b0))
end

local be_cpu, be_time = breakeven("busy"), breakeven("time")
local x_cpu, x_time = crossing("busy"), crossing("time")

-- The model for completion time: PIO takes n*c; DMA takes the set-up, the
-- transfer and the interrupt up to the handler's wake-up of the driver.
local function dma_time(n)
  return model.setup + model.transfer(n * word) + machine.defaults.irq_entry
         + 2 * model.reg32 * model.r + p.handler_cycles
end
local model_time
for n = 1, p.max_words do
  if n * model.c > dma_time(n) then
    -- the crossing between n - 1 and n, as for the simulation
    model_time = n == 1 and 1 or (n - 1) + (dma_time(n - 1) - (n - 1) * model.c)
                 / (model.c - (dma_time(n) - dma_time(n - 1)))
    break
  end
end

local rows = {}
local n = 1
while n <= p.max_words do
  local a, b = cost("pio", n), cost("dma", n)
  rows[#rows + 1] = { n, n * word, a.busy, b.busy, string.format("%.0f", a.time),
                      string.format("%.0f", b.time),
                      b.busy < a.busy and "DMA" or "PIO" }
  n = n * 2
end
dmasim.table{ title = "CPU cycles and completion time (CPU cycles) by block size",
              columns = { "words", "bytes", "pio_cpu", "dma_cpu", "pio_time",
                          "dma_time", "cheaper_for_cpu" },
              rows = rows }

-- One block size on its own (for sweeps: -D words=1..4096*2).
if p.words > 0 then
  local a, b = cost("pio", p.words), cost("dma", p.words)
  dmasim.report("pio_cpu", a.busy, "cycles")
  dmasim.report("dma_cpu", b.busy, "cycles")
  dmasim.report("pio_time", a.time, "cycles")
  dmasim.report("dma_time", b.time, "cycles")
end
dmasim.report("c_model", model.c, "cycles/word")
dmasim.report("c_simulated", (cost("pio", 1024).busy - cost("pio", 512).busy) / 512,
              "cycles/word")
dmasim.report("S_model", model.S, "cycles")
dmasim.report("S_simulated", cost("dma", 1).busy, "cycles")
dmasim.report("breakeven_cpu_words", be_cpu or -1, "words")
dmasim.report("breakeven_time_words", be_time or -1, "words")
dmasim.report("crossing_cpu_words", x_cpu or -1, "words")
dmasim.report("crossing_time_words", x_time or -1, "words")

dmasim.claim{
  id = "pio_vs_dma.breakeven_cpu",
  claim = "DMA costs the CPU less above S/c words",
  model = model.S / model.c, simulated = x_cpu or math.huge,
  tolerance = 0.02, unit = "words",
}
dmasim.claim{
  id = "pio_vs_dma.breakeven_time",
  claim = "DMA completes sooner above the time break-even",
  model = model_time or math.huge, simulated = x_time or math.huge,
  tolerance = 0.02, unit = "words",
}
