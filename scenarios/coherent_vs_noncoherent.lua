-- coherent_vs_noncoherent: throughput of a receive loop on a coherent
-- interconnect, on a non-coherent one with software cache maintenance, and
-- through bounce buffers (a device whose DMA mask cannot reach the buffer).
--
-- The loop, per packet: program the DMA engine to write the packet into
-- the receive buffer, sleep until its interrupt, dma_sync_single_for_cpu,
-- read the packet (a checksum, checked against what was sent),
-- dma_sync_single_for_device.  The same driver code runs in all three
-- modes; only the hardware and the mapping differ:
--   coherent     the DMA snoops the cache: `snoop` bus cycles per line of
--                every DMA access; the syncs cost `sync` cycles of
--                bookkeeping.
--   noncoherent  each sync invalidates the buffer: `inval` CPU cycles per
--                line and a `barrier`.
--   bounce       (coherent machine) the device writes a bounce slot below
--                its mask; sync_for_cpu copies it into the buffer: the CPU
--                loads the slot and stores the buffer through its cache,
--                word by word (`hit` cycles each), plus `copy` cycles of
--                loop overhead per line.  The DMA's writes invalidated the
--                slot's lines (snooped), so each line of the slot is a
--                fill; the buffer's lines stay cached from the packet
--                before, so the stores hit, and so does the packet read.
-- The models count these per-packet costs from the parameters, on top of a
-- loop cost (set-up, interrupt, transfer, read) counted the same way.
local machine = require "machine"

local p = dmasim.params{ packet = "2KiB", packets = 64, line = 64,
                         inval = 50, barrier = 100, snoop = 1, sync = 20,
                         copy = 16 }
local B = dmasim.size(p.packet)
dmasim.expect(B >= p.line and B % p.line == 0 and B <= 16384, "packet",
              p.packet, "a multiple of the line, up to 16KiB")
dmasim.expect(p.packets >= 2, "packets", p.packets, "an integer >= 2")

local BUF, SRC, BOUNCE = 0x200000, 0x400000, 0x80000
local M = machine.build{}
local model = machine.model{}
local cpu_ps = 1e12 / dmasim.freq(M.p.cpu_clock)
local bus_ps = 1e12 / dmasim.freq(M.p.bus_clock)
local r = bus_ps / cpu_ps
local lines = B // p.line

-- Per-packet CPU cycles of each mode, closed form.
local mem_lat = math.ceil(dmasim.time(M.p.mem_latency) / bus_ps)
local fill = (mem_lat + math.ceil(p.line / M.p.bus_width)) * r
local words = B // 8
local function transfer(snoop)
  local b = dmasim.size(M.p.burst)
  local bursts = math.ceil(B / b)
  -- each burst: a memory read and a memory write, plus the snoops of both
  return bursts * (2 * mem_lat + 2 * math.ceil(b / M.p.bus_width)
                   + 2 * (b // p.line) * snoop) * r
end
-- the loop: register writes and doorbell (this driver does no other set-up
-- work), interrupt and handler, a cold read of the packet, two syncs'
-- bookkeeping and one cycle of loop overhead
local base = model.setup - M.p.setup_instr * M.p.cpi + model.completion
             + lines * fill + words + 2 * p.sync + 1
local per_packet = {
  coherent = base + transfer(p.snoop),
  noncoherent = base + transfer(0) + 2 * (lines * p.inval + p.barrier),
  -- the copy: loop overhead, a load of every word (a fill per line of
  -- the slot) and a store of every word (hits); the read that follows
  -- hits instead of filling
  bounce = base + transfer(p.snoop) + lines * p.copy
           + (words + lines * fill) + words - lines * fill,
}

local function run(mode)
  local m = machine.build{}
  local l1 = m.sys:cache{ cpu = m.cpu, size = "32KiB", ways = 4,
                          line = p.line, inval = p.inval,
                          barrier = p.barrier, snoop = p.snoop,
                          coherent = mode ~= "noncoherent" }
  local dev = m.sys:dma_device{ cpu = m.cpu, cache = l1, sync_cycles = p.sync,
    copy = p.copy, mask = mode == "bounce" and "1MiB" or nil,
    bounce_base = mode == "bounce" and BOUNCE or nil,
    bounce_size = mode == "bounce" and "64KiB" or nil }
  local good, t0, t1, first = 0
  m.sys:spawn(function()
    local h = dev:map_single(BUF, B, "from_device")
    if dev:mapping_error(h) then error("mapping failed") end
    for i = 1, p.packets do
      m.mem:fill(SRC, B, i)                  -- the packet on the wire
      if i == 2 then t0 = m.sys:now() end    -- steady state from here
      m.drv:copy(0, SRC, h, B)
      m.drv:wait(0)
      dev:sync_for_cpu(h, B, "from_device")
      local data = m.cpu:load(BUF, B)
      if dmasim.hash(data) == m.mem:hash(SRC, B) then good = good + 1 end
      dev:sync_for_device(h, B, "from_device")
      m.cpu:busy(1)
    end
    t1 = m.sys:now()
    dev:unmap_single(h, B, "from_device")
    dev:teardown()
  end)
  m.sys:run()
  local cycles = (t1 - t0) / cpu_ps / (p.packets - 1)
  return cycles, good == p.packets
end

local rows, all_good = {}, true
local sim, intact = {}, {}
for _, mode in ipairs{ "coherent", "noncoherent", "bounce" } do
  local cycles, ok = run(mode)
  sim[mode], intact[mode] = cycles, ok
  all_good = all_good and ok
  local gbps = B * 8 / (cycles * cpu_ps / 1e12) / 1e9
  rows[#rows + 1] = { mode, string.format("%.0f", per_packet[mode]),
                      string.format("%.0f", cycles),
                      string.format("%.2f", gbps) }
  dmasim.report(mode .. "_cycles_per_packet", cycles, "cycles")
  dmasim.report(mode .. "_gbit_per_s", gbps, "Gbit/s")
end
dmasim.report("all_packets_intact", all_good and 1 or 0)
dmasim.table{ title = "Receive loop, " .. p.packet .. " packets",
  columns = { "mode", "model_cycles", "simulated_cycles", "Gbit/s" },
  rows = rows }

for _, mode in ipairs{ "coherent", "noncoherent", "bounce" } do
  dmasim.claim{ id = "coherent_vs_noncoherent." .. mode,
    claim = mode .. ": CPU cycles per " .. p.packet .. " packet",
    unit = "cycles", model = per_packet[mode], simulated = sim[mode],
    tolerance = 0.03, intact = intact[mode] }
end
dmasim.claim{ id = "coherent_vs_noncoherent.ratio",
  claim = "throughput, coherent / non-coherent with maintenance",
  model = per_packet.noncoherent / per_packet.coherent,
  simulated = sim.noncoherent / sim.coherent, tolerance = 0.03,
  intact = intact.noncoherent and intact.coherent }
