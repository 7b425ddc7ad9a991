-- Overlap: moving a stream of blocks while the CPU processes them.
--
-- Claim: delegating the transfers to DMA lets the CPU process one block
-- while the engine moves the next (double buffering); in a typical case
-- throughput improves by a factor of about 1.58 or more.
--
-- Model (CPU cycles; n words per block, c cycles per PIO word, P cycles of
-- processing per block, S = DMA set-up + completion interrupt, T the DMA
-- transfer time of a block):
--   PIO: each block costs n*c + P, nothing overlaps:
--        T_pio = K * (n*c + P)
--   DMA: block 0 is fetched first (set-up, transfer, interrupt); then each
--        period sets up the next transfer, processes the current block and
--        takes the completion interrupt, the transfer running meanwhile:
--        T_dma = setup + T + completion + (K-1) * (S + max(P, T)) + P
--   speed-up = T_pio / T_dma.
-- With the defaults (512 KiB blocks, 45 instructions of processing per
-- byte) the model gives about 1.58; the scenario also sweeps the processing
-- cost and checks the simulation against the model at every point.
local machine = require "machine"

local p = dmasim.params{ block = "512KiB", blocks = 3, work_per_byte = 45.0,
                         sweep = true }
local block = dmasim.size(p.block)
dmasim.expect(block >= 4096 and block % 4 == 0, "block", p.block,
              "a size >= 4KiB, a multiple of 4 bytes")
dmasim.expect(math.type(p.blocks) == "integer" and p.blocks >= 2, "blocks",
              p.blocks, "an integer >= 2")
dmasim.expect(p.work_per_byte >= 0, "work_per_byte", p.work_per_byte, "a number >= 0")

local q = { dev_size = block * p.blocks, burst = "4KiB" }
local model = machine.model(q)
local word = machine.defaults.word
local n = block // word
local bufs = { 0x1000000, 0x2000000 }

local function model_times(P)
  local T = model.transfer(block)
  local t_pio = p.blocks * (n * model.c + P)
  local t_dma = model.setup + T + model.completion
                + (p.blocks - 1) * (model.S + math.max(P, T)) + P
  return t_pio, t_dma
end

-- Run the stream one way; returns the elapsed CPU cycles and whether every
-- block arrived intact.
local function simulate(how, P)
  local m = machine.build(q)
  local ok = true
  local elapsed
  local function check(i, buf)
    if m.mem:hash(buf, block) ~= dmasim.hash(m.dev:expected(i * block, block)) then
      ok = false
    end
  end
  m.sys:spawn(function()
    local t0 = m.sys:now()
    if how == "pio" then
      for i = 0, p.blocks - 1 do
        m.cpu:pio_read(m.dev.data, bufs[1], block)
        check(i, bufs[1])
        m.cpu:compute(P)
      end
    else
      local function start(i)
        m.cpu:compute(machine.defaults.setup_instr)
        m.drv:copy(0, m.dev.data, bufs[i % 2 + 1], block, { src_fixed = true })
      end
      start(0)
      m.drv:wait(0)
      for i = 0, p.blocks - 1 do
        if i + 1 < p.blocks then start(i + 1) end
        check(i, bufs[i % 2 + 1])
        m.cpu:compute(P)
        if i + 1 < p.blocks then m.drv:wait(0) end
      end
    end
    elapsed = (m.sys:now() - t0) / m.cpu.period
  end)
  m.sys:run()
  return elapsed, ok
end

local function point(wpb)
  local P = math.floor(wpb * block + 0.5)
  local mp, md = model_times(P)
  local sp, okp = simulate("pio", P)
  local sd, okd = simulate("dma", P)
  -- a corrupted block makes the claims disagree (intact = false)
  return { wpb = wpb, model = mp / md, sim = sp / sd, sp = sp, sd = sd,
           intact = okp and okd }
end

local main = point(p.work_per_byte)
local rows, worst, all_intact = {}, 0, true
local points = p.sweep and { 0, 2, 8, p.work_per_byte, 128 } or { p.work_per_byte }
for _, wpb in ipairs(points) do
  local r = wpb == p.work_per_byte and main or point(wpb)
  local err = math.abs(r.sim - r.model) / r.model
  if err > worst then worst = err end
  all_intact = all_intact and r.intact
  rows[#rows + 1] = { wpb, string.format("%.0f", r.sp), string.format("%.0f", r.sd),
                      string.format("%.3f", r.model), string.format("%.3f", r.sim),
                      string.format("%.2f%%", 100 * err) }
end
dmasim.table{ title = "Speed-up of DMA with double buffering over PIO (" ..
                      p.blocks .. " blocks of " .. p.block .. ")",
              columns = { "instr_per_byte", "pio_cycles", "dma_cycles",
                          "model", "simulated", "error" },
              rows = rows }
dmasim.report("pio_cycles_per_word", model.c, "cycles")
dmasim.report("dma_transfer_cycles_per_block", model.transfer(block), "cycles")
dmasim.report("speedup_model", main.model)
dmasim.report("speedup_simulated", main.sim)
dmasim.report("sweep_worst_error", worst)

dmasim.claim{
  id = "overlap.speedup",
  claim = "double-buffered DMA speed-up over PIO",
  model = main.model, simulated = main.sim, tolerance = 0.02,
  published = 1.58, intact = main.intact,
}
if p.sweep then
  dmasim.claim{
    id = "overlap.sweep",
    claim = "speed-up matches the model across processing costs",
    model = 0, simulated = worst, tolerance = 0.02, intact = all_intact,
  }
end
