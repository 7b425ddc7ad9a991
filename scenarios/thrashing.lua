-- Pinning and thrashing.
--
-- Claim: pinning P frames for DMA buffers shrinks the pool of replaceable
-- frames from M to M - P; once the programs' working sets add up to more
-- than M - P, the system thrashes: page faults soar and useful throughput
-- collapses.
--
-- The run: M frames of memory, a driver pinning P of them, and four
-- programs on one CPU, each touching a working set of W pages uniformly at
-- random.  Faults emerge from the clock replacement policy; each costs the
-- fault handler on the CPU and swap transfers on one shared swap device,
-- during which the other programs may run.  The sweep over P
-- shows fault rate and throughput against the M - P line, and two
-- searches find the P at which paging starts and the P at which throughput
-- falls to half of its unpressured value: the model puts both where the
-- replaceable frames M - P fall below sum(W).  (On one shared CPU a
-- program waiting for swap lets the others run, so throughput halves a
-- few frames past the line.)
local p = dmasim.params{ frames = 1024, programs = 4, wset = 200,
                         touches = 20000, touch_cycles = 100,
                         swap_latency = "100us", shared_cpu = true }
dmasim.expect(p.frames >= 64 and p.frames % 1 == 0, "frames", p.frames,
              "an integer >= 64")
dmasim.expect(p.programs * p.wset < p.frames, "wset", p.wset,
              "working sets that fit in memory when nothing is pinned")

local function run(pinned)
  local sys = dmasim.system{ bus = { clock = "1GHz" } }
  local mem = sys:memory{ base = 0, size = "1GiB", latency = "20ns" }
  local vm = sys:vm{ memory = mem, base = 0x1000000, size = p.frames * 4096,
                     swap = { latency = p.swap_latency, bandwidth = "500MB/s",
                              slots = 65536 } }
  if pinned > 0 then
    local drv = vm:aspace{ size = pinned * 4096 }
    drv:pin(0, pinned * 4096)                -- DMA buffers, pinned for good
  end
  -- The programs share one CPU (while one waits for swap, another runs),
  -- or with shared_cpu=false each has a core of its own.
  local cpu = p.shared_cpu and sys:cpu{ clock = "1GHz" } or nil
  local w = {}
  for i = 1, p.programs do
    local as = vm:aspace{ size = p.wset * 4096 }
    w[i] = vm:workload{ aspace = as, touches = p.touches, name = "prog" .. i,
                        touch_cycles = p.touch_cycles, write_frac = 0.3,
                        cpu = cpu }
  end
  local elapsed = 0
  sys:spawn(function()
    for i = 1, p.programs do w[i]:wait() end
    elapsed = sys:now()
  end)
  sys:run()
  local faults, touched = 0, 0
  for i = 1, p.programs do
    if w[i].error ~= "" then error("program " .. i .. ": " .. w[i].error) end
    faults, touched = faults + w[i].faults, touched + w[i].touched
  end
  -- first touches fault whatever the memory; count what comes after
  local cold = p.programs * p.wset
  return { rate = math.max(0, faults - cold) / touched,
           per_ms = math.max(0, faults - cold) / (elapsed / 1e9),
           throughput = touched / (elapsed / 1e6),   -- touches per us
           elapsed = elapsed }
end

local demand = p.programs * p.wset
local base = run(0)
local rows = {}
local step = p.frames // 16
for pinned = 0, p.frames - step, step do
  local r = pinned == 0 and base or run(pinned)
  rows[#rows + 1] = { pinned, p.frames - pinned, demand,
                      string.format("%.4f", r.rate),
                      string.format("%.1f", r.per_ms),
                      string.format("%.2f", r.throughput),
                      demand > p.frames - pinned and "thrashing" or "" }
  if r.throughput < base.throughput / 100 then break end
end
dmasim.table{ title = "Fault rate and throughput (touches/us) as pinned frames grow; " ..
                      p.programs .. " programs x " .. p.wset .. " pages",
              columns = { "pinned_P", "replaceable_M-P", "sum_W", "faults/touch",
                          "faults/ms", "throughput", "sum_W > M-P" },
              rows = rows }

-- The smallest P in [0, M) for which pred(run(P)) holds (monotone in P).
local function search(pred)
  local lo, hi = 0, p.frames - 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if pred(run(mid)) then hi = mid else lo = mid + 1 end
  end
  return lo
end
-- Paging starts: the first P with faults after the cold ones.
local onset = search(function(r) return r.rate > 0 end)
-- Thrashing: the first P at which throughput falls below half.
local half = search(function(r) return r.throughput < base.throughput / 2 end)

dmasim.report("sum_working_sets", demand, "pages")
dmasim.report("replaceable_at_paging_onset", p.frames - onset, "frames")
dmasim.report("replaceable_at_half_throughput", p.frames - half, "frames")
dmasim.report("fault_rate_below_knee", run(p.frames - demand - step).rate)
dmasim.report("fault_rate_above_knee",
              run(math.min(p.frames - 1, p.frames - demand + step)).rate)

dmasim.claim{
  id = "thrashing.onset",
  claim = "paging starts as soon as M - P < sum(W)",
  model = demand - 1, simulated = p.frames - onset, tolerance = 0.01,
  unit = "frames",
}
dmasim.claim{
  id = "thrashing.knee",
  claim = "throughput halves once M - P falls to sum(W)",
  model = demand, simulated = p.frames - half, tolerance = 0.03,
  unit = "frames",
}
