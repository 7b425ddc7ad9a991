-- tlb_reach: a CPU's TLB, and what a miss costs when the page tables are
-- walked in memory.
--
-- The CPU reads one word from each of N consecutive pages of an address
-- space, over and over, through its MMU: a TLB of `entries` entries in
-- `ways` ways, LRU; a miss walks four levels of page tables (x86-64 and
-- Armv8 with 4 KiB pages), each level one 8-byte memory read on the bus.
-- The first pass faults every page in (a trap into the memory manager);
-- the passes after it are timed.  While N pages fit the TLB (its reach,
-- entries x 4 KiB), every access hits; one page more and a cyclic sweep
-- under LRU misses on every access to the set that holds one page more
-- than its ways (each page of it is evicted just before it is needed
-- again), and at twice the reach on every access.  The data itself stays in a large cache, so a miss
-- costs the walk alone: four memory reads.
--
-- The TLB size is a parameter; 64 entries in 4 ways is the L1 data TLB of
-- many cores (e.g. Intel Skylake's first-level data TLB for 4 KiB pages:
-- 64 entries, 4-way, in the Skylake chapter of Intel's 64 and IA-32
-- Architectures Optimization Reference Manual).  The walk's reads bypass the data cache here (no
-- page-walk caches): the model counts four memory reads per miss.
local p = dmasim.params{ entries = 64, ways = 4, passes = 4,
                         mem_latency = "20ns", cpu_clock = "2GHz",
                         bus_clock = "1GHz", bus_width = 8 }
dmasim.expect(p.entries >= 4 and p.entries <= 1024, "entries", p.entries,
              "4 to 1024")
dmasim.expect(p.entries % p.ways == 0, "ways", p.ways,
              "a number of ways that divides the entries")

local cpu_ps = 1e12 / dmasim.freq(p.cpu_clock)
local bus_ps = 1e12 / dmasim.freq(p.bus_clock)
local r = bus_ps / cpu_ps

-- Closed form, CPU cycles: a walk is four reads of 8 bytes (memory
-- latency and one beat each); a hit in the cache costs 1 cycle a word.
local model = {}
model.read = (math.ceil(dmasim.time(p.mem_latency) / bus_ps) +
              math.ceil(8 / p.bus_width)) * r
model.walk = 4 * model.read
model.hit = 1
-- Consecutive pages spread over the sets (set = page number mod sets);
-- under LRU a cyclic sweep misses on every access to a set holding more
-- pages than ways, and never otherwise.
function model.misses_per_access(n)
  local sets, miss = p.entries // p.ways, 0
  for s = 0, sets - 1 do
    local k = n // sets + ((s < n % sets) and 1 or 0)
    if k > p.ways then miss = miss + k end
  end
  return miss / n
end
function model.per_access(n)
  return model.hit + model.misses_per_access(n) * model.walk
end

-- Sweep n pages; returns CPU cycles per access and TLB misses per access
-- over the timed passes, and whether every word read back right.
local function measure(n)
  local sys = dmasim.system{ bus = { clock = p.bus_clock,
                                     width = p.bus_width } }
  local mem = sys:memory{ base = 0, size = "256MiB",
                          latency = p.mem_latency }
  local cpu = sys:cpu{ clock = p.cpu_clock }
  sys:cache{ cpu = cpu, size = "1MiB", ways = 16, line = 64, hit = 1 }
  local vm = sys:vm{ memory = mem, base = "64MiB", size = "64MiB" }
  local mmu = sys:mmu{ cpu = cpu, entries = p.entries, ways = p.ways }
  local as = vm:aspace{ size = (2 * p.entries + 8) * 4096 }
  local cycles, misses, ok = 0, 0, true
  sys:spawn(function()
    for i = 0, n - 1 do                    -- fault in, and write a tag
      mmu:store(as, i * 4096 + (i % 64) * 64, string.pack("<I8", i))
    end
    local m0, t0 = mmu.tlb_misses, sys:now()
    for _ = 1, p.passes do
      for i = 0, n - 1 do
        local w = mmu:load(as, i * 4096 + (i % 64) * 64, 8)
        ok = ok and string.unpack("<I8", w) == i
      end
    end
    cycles = (sys:now() - t0) / cpu_ps
    misses = mmu.tlb_misses - m0
  end)
  sys:run()
  local accesses = n * p.passes
  return cycles / accesses, misses / accesses, ok
end

local rows, reach, all_ok = {}, 0, true
local res = {}
for _, n in ipairs{ p.entries // 4, p.entries // 2, p.entries - 1,
                    p.entries, p.entries + 1, 2 * p.entries } do
  local c, m, ok = measure(n)
  res[n] = { c = c, m = m }
  all_ok = all_ok and ok
  if m == 0 and n > reach then reach = n end
  rows[#rows + 1] = { n, n * 4, string.format("%.3f", m),
                      string.format("%.3f", model.misses_per_access(n)),
                      string.format("%.1f", c),
                      string.format("%.1f", model.per_access(n)) }
end
dmasim.table{ title = "TLB of " .. p.entries .. " entries (" .. p.ways ..
                      " ways): a word from each of N pages, cyclically",
  columns = { "pages_N", "KiB", "misses/access", "model", "cycles/access",
              "model" },
  rows = rows }

local above, below = res[2 * p.entries], res[p.entries // 2]
dmasim.report("tlb_reach_pages", reach, "pages")
dmasim.report("miss_penalty_cycles", above.c - below.c, "cycles")
dmasim.report("data_right", all_ok and 1 or 0)
dmasim.claim{ id = "tlb_reach.reach",
  claim = "a cyclic sweep hits in the TLB up to entries x 4 KiB, no further",
  unit = "KiB", model = p.entries * 4, simulated = reach * 4,
  tolerance = 0, intact = all_ok }
dmasim.claim{ id = "tlb_reach.misses_beyond",
  claim = "at twice the reach, under LRU, every access misses",
  model = model.misses_per_access(2 * p.entries), simulated = above.m,
  tolerance = 0.001 }
local one = res[p.entries + 1]
dmasim.claim{ id = "tlb_reach.one_page_more",
  claim = "one page past the reach: the set holding one page more than " ..
          "its ways misses on every access to it",
  model = model.misses_per_access(p.entries + 1), simulated = one.m,
  tolerance = 0.001 }
dmasim.claim{ id = "tlb_reach.miss_penalty",
  claim = "a TLB miss costs a four-level walk, four memory reads",
  unit = "cycles", model = model.walk, simulated = above.c - below.c,
  -- 3%: each read may wait for a bus clock edge (one CPU cycle)
  tolerance = 0.03, intact = all_ok }
