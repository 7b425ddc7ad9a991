-- BUSBENCH-1: shared-bus contention benchmark (see shared/bench/BUSBENCH.md
-- in the project's specification folder).  One CPU (bus master 0) runs a
-- compute-C / access-M loop while K DMA channels (masters 1..K) each move
-- N bursts of D cycles in cycle-stealing mode, under round-robin
-- arbitration.  Both are synthetic bus masters: timing, no data.  Time is
-- counted in bus cycles (a 1 GHz bus: 1 cycle = 1 ns).
--
--   dmasim run bench/busbench.lua -D K=4 -D N=1000000 -D D=8 -D C=3 -D M=4

local p = dmasim.params{ K = 4, N = 1000000, D = 8, C = 3, M = 4 }

local function whole(name, min)
  local v = p[name]
  dmasim.expect(math.type(v) == "integer" and v >= min, name, v,
                "an integer >= " .. min)
end
whole("K", 1); whole("N", 1); whole("D", 1); whole("M", 1); whole("C", 0)

local sys = dmasim.system{
  name = "busbench",
  bus = { clock = "1GHz", arbitration = "round_robin", latency = 0 },
}
-- master 0: C cycles of compute, then an access of M, until stopped
local cpu = sys:traffic{ name = "cpu", compute = p.C, access = p.M }
local chans = {}
for i = 1, p.K do                               -- masters 1..K
  chans[i] = sys:traffic{ name = "dma" .. i, access = p.D, count = p.N,
                          mode = "cycle_stealing" }
end

cpu:start()
for i = 1, p.K do chans[i]:start() end

-- The CPU stops issuing work once every channel has completed.  This
-- process wakes in the instant the last channel completes, after the
-- release and before any request of that instant, which is exactly the
-- spec's rule for a CPU whose compute phase ends then.
sys:spawn(function()
  for i = 1, p.K do chans[i]:wait() end
  cpu:stop()
end)
sys:run()

local end_time = 0
for i = 1, p.K do
  end_time = math.max(end_time, sys:cycles(chans[i].done_at))
end
local bus_busy = sys:stat("bus.busy_cycles")

dmasim.report("end_time", end_time)
dmasim.report("cpu_accesses", cpu.accesses)
dmasim.report("bus_busy", bus_busy)
for i = 1, p.K do
  dmasim.report("ch" .. i .. "_done", sys:cycles(chans[i].done_at))
end

-- The spec's built-in check: every owned bus cycle is a DMA burst cycle or
-- a CPU access cycle.
if bus_busy ~= p.K * p.N * p.D + cpu.accesses * p.M then
  error(string.format("bus accounting broken: bus_busy %d ~= K*N*D + " ..
                      "cpu_accesses*M = %d", bus_busy,
                      p.K * p.N * p.D + cpu.accesses * p.M))
end
