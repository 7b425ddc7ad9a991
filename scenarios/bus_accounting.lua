-- Bus accounting under contention: a CPU and K cycle-stealing DMA channels
-- share a bus.  Two checks that must hold whatever the arbitration does:
--  * every owned bus cycle is a DMA burst cycle or a CPU access cycle
--    (busy = K*N*D + accesses*M, BUSBENCH-1's built-in check);
--  * with round-robin and the CPU always waiting behind K channels, each
--    CPU access costs it K bursts of waiting: the CPU gets one access per
--    round of K*D + M cycles, so accesses ~= K*N*D / (K*D) = N when C < D.
local p = dmasim.params{ K = 4, N = 20000, D = 8, C = 3, M = 4 }

local sys = dmasim.system{ bus = { clock = "1GHz" } }
-- The CPU's loop and the channels' bursts as synthetic bus masters.
local cpu = sys:traffic{ name = "cpu0", compute = p.C, access = p.M }
local ch = {}
for i = 1, p.K do
  ch[i] = sys:traffic{ name = "dma" .. i, access = p.D, count = p.N,
                       mode = "cycle_stealing" }
end
cpu:start()
for i = 1, p.K do ch[i]:start() end
sys:spawn(function()
  for i = 1, p.K do ch[i]:wait() end
  cpu:stop()
end)
sys:run()

local busy = sys:stat("bus.busy_cycles")
-- The model counts from the parameters: K*N bursts of D cycles and, one
-- CPU access per round of K bursts, N accesses of M cycles.  A CPU access
-- more or fewer at the ends is within the tolerance.
local owned = p.K * p.N * p.D + p.N * p.M
dmasim.claim{
  id = "bus_accounting.busy",
  claim = "owned cycles = K*N*D + N*M (every owned cycle a burst's or an access's)",
  model = owned, simulated = busy, tolerance = p.M / owned, unit = "cycles",
  formula = string.format("K*N*D + N*M = %d*%d*%d + %d*%d = %d", p.K, p.N,
                          p.D, p.N, p.M, owned),
  explain = "the bus counts every data cycle it is owned (bus.busy_cycles);"
            .. " the K channels each make N bursts of D cycles and the CPU,"
            .. " served once per round-robin round, N accesses of M cycles;"
            .. " no cycle is owned without a transfer, so the count is the "
            .. "sum",
}
dmasim.claim{
  id = "bus_accounting.rr_share",
  claim = "round-robin: one CPU access per K bursts",
  model = p.N, simulated = cpu.accesses, tolerance = 0.001,
  formula = string.format("K*N*D / (K*D) = N = %d", p.N),
  explain = "round-robin arbitration grants the waiting CPU once after "
            .. "each round of K channel bursts; the channels make K*N "
            .. "bursts in all, so the CPU gets N accesses (its compute "
            .. "time C < D is hidden behind the round)",
}
