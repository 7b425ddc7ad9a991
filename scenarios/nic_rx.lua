-- Receiving packets: descriptor rings, interrupt moderation, NAPI and the
-- receive livelock.
--
-- The machine: CPU and system bus at 1 GHz (one cycle = 1 ns), 8-byte
-- bus, DRAM answering in `mem_latency` (a CPU access to a descriptor:
-- m = latency + 1 cycles).  The NIC sits behind a PCIe endpoint (Gen3
-- x16, max payload 256 bytes) on a link of `link_latency` each way below
-- the root complex, whose own latency is 0 (a 64-byte device read takes
-- about 0.55-0.6 us round trip, the figure measured on PCIe Gen3 hosts),
-- and interrupts by MSI: a posted write by its MSI port up the link to
-- the root's MSI window, behind the descriptor write-back it signals.  No
-- claim's model involves the link (nor did one the bridge it replaces):
-- the claims count CPU cycles and frames, the CPU's descriptor accesses
-- go to DRAM, and the link only delays when a frame reaches the CPU.
-- (Claim 4's ring, with no driver, has its NIC on the system bus.)  Its
-- receive ring holds 16-byte descriptors (the Intel 82599's legacy
-- receive descriptor: buffer address, length, status); it fetches each
-- descriptor, writes the frame and writes the descriptor back by DMA, and
-- drops (and counts) a frame that finds the ring full.  Frames carry
-- their sequence number and a pattern: the driver checks every byte.
--
-- The driver: Linux's NAPI (the interrupt masks the NIC's interrupt and
-- schedules a poll; a poll takes up to `budget` frames, Linux's default
-- weight being 64, and re-enables the interrupt when it did less), or an
-- interrupt per frame whose handler queues frames to a backlog that a
-- thread drains (the kernel design Mogul and Ramakrishnan studied in
-- "Eliminating receive livelock in an interrupt-driven kernel", ACM TOCS
-- 15(3), 1997).  Per frame: rx_cycles of driver work and deliver_cycles
-- of protocol work up to the application, three descriptor accesses
-- (status read, address and status refill).
--
-- Claims, from the parameters alone (f = 1 GHz):
--  1. NAPI's capacity: with the CPU saturated, a frame costs
--     c_napi = rx + deliver + 3m cycles, and the delivered rate is
--     f / c_napi whatever the offered rate above it.
--  2. The livelock: with an interrupt per frame, interrupt-level work
--     c_int = rx + 3m + entry + exit + m (the handler's last status read
--     finds nothing) pre-empts delivery, which gets what is left:
--     (f - R c_int) / deliver frames/s; once R passes f / (rx + 3m)
--     the interrupts leave delivery nothing: delivered throughput falls
--     toward zero (0 delivered per offered frame) while NAPI holds its
--     capacity at the same R.
--  3. Interrupt moderation by count: an interrupt every N frames, N per
--     interrupt, 1/N interrupts per frame below saturation.
--  4. Drops are counted exactly: offered = received + dropped, and a
--     ring of S descriptors with none refilled takes S - 1 frames.
local p = dmasim.params{ packets = 3000, pkt_size = 64, ring = 256,
                         budget = 64, rx_cycles = 1000,
                         deliver_cycles = 2000, mem_latency = "20ns",
                         link_latency = "250ns", irq_entry = 100,
                         irq_exit = 50 }
local f = 1e9
local m = dmasim.time(p.mem_latency) / 1000 + 1
dmasim.expect(p.packets >= 500, "packets", p.packets, "500 or more")
local c_napi = p.rx_cycles + p.deliver_cycles + 3 * m
local cap = f / c_napi                               -- frames/s
local c_int_min = p.rx_cycles + 3 * m
local c_int_one = c_int_min + p.irq_entry + p.irq_exit + m
local int_cap = f / c_int_min                        -- interrupt level's

local RING, BUFS = 0x100000, 0x1000000
-- every frame's bytes right; every frame offered received or dropped
local intact, accounted = true, true

-- One run: `napi`, offered rate R, ring, budget, moderation.
local function run(o)
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
  local mem = sys:memory{ size = "64MiB", latency = p.mem_latency }
  local cpu = sys:cpu{ clock = "1GHz", irq_entry = p.irq_entry,
                       irq_exit = p.irq_exit }
  local ic = sys:intc{ lines = 8 }
  ic:route(3, cpu, 1)
  local rc = sys:pcie_root{ intc = ic, latency = "0ns" }  -- MSI at 0xfee00000
  local ep = sys:pcie_endpoint{ parent = rc, bar = { 0x80000000, "1MiB" },
                                gen = 3, width = 16,
                                latency = p.link_latency }
  local nic = sys:nic{ bus = ep.bus, base = 0x80000000,
                       pkt_size = p.pkt_size, rate = o.rate,
                       packets = o.packets or p.packets,
                       arrival = o.arrival, intc = ic, irq_line = 3,
                       msi = 0xfee00000,
                       itr_pkts = o.itr_pkts or 1,
                       itr_time = o.itr_time or 0 }
  local drv = sys:netdrv{ nic = nic, cpu = cpu, ring_base = RING,
                          ring = o.ring or p.ring, buf_base = BUFS,
                          napi = o.napi, budget = o.budget or p.budget,
                          rx_cycles = p.rx_cycles,
                          deliver_cycles = p.deliver_cycles }
  -- delivered within the offered window (from the link coming up)
  local window = (o.packets or p.packets) / o.rate * 1e12
  local in_window
  sys:spawn(function()
    while drv.ready_at == 0 do sys:wait(1000) end
    sys:wait(math.floor(window))
    in_window = drv.delivered
  end)
  sys:run()
  intact = intact and drv.bad_frames == 0
  accounted = accounted and nic.sent == nic.rx_packets + nic.rx_drops
  return { nic = nic, drv = drv, cpu = cpu,
           rate = in_window / window * 1e12,
           cyc = drv.delivered > 0 and cpu.busy_cycles / drv.delivered or 0,
           sent = nic.sent }
end

-- 1 and 2: delivered rate against offered rate, both drivers.
local rows, at2 = {}, {}
for _, k in ipairs{ 0.5, 0.9, 1.5, 2.0, 3.0, 4.0 } do
  local R = k * cap
  local n = run{ napi = true, rate = R }
  local i = run{ napi = false, rate = R }
  local model_int = math.min(R, math.max(0, (f - R * c_int_one)
                                             / p.deliver_cycles))
  if R >= int_cap then model_int = 0 end
  rows[#rows + 1] = { string.format("%.0f", R / 1e3),
                      string.format("%.0f", math.min(R, cap) / 1e3),
                      string.format("%.0f", n.rate / 1e3),
                      string.format("%.0f", model_int / 1e3),
                      string.format("%.0f", i.rate / 1e3),
                      n.nic.rx_drops, i.drv.backlog_drops + i.nic.rx_drops,
                      n.drv.irqs, i.drv.irqs }
  at2[k] = { napi = n, int = i }
end
dmasim.table{ title = "Delivered against offered (kframes/s): NAPI holds "
                      .. "its capacity, an interrupt per frame collapses",
              columns = { "offered", "napi_model", "napi", "per_irq_model",
                          "per_irq", "napi_drops", "per_irq_drops",
                          "napi_irqs", "per_irq_irqs" },
              rows = rows }

-- Interrupt moderation: interrupts per frame against the count and timer
-- (per-frame driver, below saturation).
local mrows, mod4
local R_mod = 0.5 * cap
mrows = {}
for _, mo in ipairs{ { 1, 0 }, { 4, 0 }, { 16, 0 }, { 0, "20us" },
                     { 16, "20us" } } do
  local r = run{ napi = false, rate = R_mod, itr_pkts = mo[1],
                 itr_time = mo[2] }
  mrows[#mrows + 1] = { mo[1], tostring(mo[2]), r.nic.irqs,
                        string.format("%.3f", r.nic.irqs / r.sent),
                        string.format("%.0f", r.cyc) }
  if mo[1] == 4 and mo[2] == 0 then mod4 = r end
end
dmasim.table{ title = "Interrupt moderation at " ..
                      string.format("%.0f", R_mod / 1e3) .. " kframes/s",
              columns = { "itr_pkts", "itr_time", "irqs", "irqs_per_frame",
                          "cpu_cycles_per_frame" },
              rows = mrows }

-- The NAPI budget at twice the capacity.
local brows = {}
for _, b in ipairs{ 4, 16, 64, 256 } do
  local r = run{ napi = true, rate = 2 * cap, budget = b }
  brows[#brows + 1] = { b, r.drv.polls, r.drv.budget_exhausted, r.drv.irqs,
                        string.format("%.0f", r.rate / 1e3),
                        string.format("%.0f", r.cyc) }
end
dmasim.table{ title = "NAPI budget at twice the capacity",
              columns = { "budget", "polls", "full_polls", "irqs",
                          "delivered_kfps", "cpu_cycles_per_frame" },
              rows = brows }

-- Drops against the ring size: Poisson arrivals at 90% of the capacity.
local drows = {}
for _, s in ipairs{ 8, 32, 128, 512 } do
  local r = run{ napi = true, rate = 0.9 * cap, ring = s,
                 arrival = "poisson" }
  drows[#drows + 1] = { s, r.sent, r.nic.rx_drops,
                        string.format("%.4f", r.nic.rx_drops / r.sent) }
end
dmasim.table{ title = "Drops against ring size (Poisson arrivals, 90% of "
                      .. "the capacity)",
              columns = { "ring", "offered", "dropped", "drop_fraction" },
              rows = drows }

local n2, i3 = at2[2.0].napi, at2[3.0].int
dmasim.report("napi_capacity_fps", cap)
dmasim.report("napi_cycles_per_frame", n2.cyc)

dmasim.claim{
  id = "nic_rx.napi_capacity",
  claim = "NAPI past saturation delivers f / (rx + deliver + 3m) frames/s",
  model = cap, simulated = n2.rate, tolerance = 0.03, unit = "frames/s",
  intact = intact,
}
dmasim.claim{
  id = "nic_rx.napi_cycles",
  claim = "a frame costs rx + deliver + 3m CPU cycles under NAPI",
  model = c_napi, simulated = n2.cyc, tolerance = 0.03, unit = "cycles",
}
dmasim.claim{
  id = "nic_rx.livelock",
  claim = "with an interrupt per frame, past f / (rx + 3m) delivered "
          .. "throughput falls toward zero (per frame offered)",
  model = 0, simulated = i3.rate / (3.0 * cap), tolerance = 0.02,
}
dmasim.claim{
  id = "nic_rx.livelock_slope",
  claim = "between the two, an interrupt per frame delivers "
          .. "(f - R c_int) / deliver: the interrupts' share is lost",
  model = (f - 1.5 * cap * c_int_one) / p.deliver_cycles,
  simulated = at2[1.5].int.rate, tolerance = 0.05, unit = "frames/s",
}
dmasim.claim{
  id = "nic_rx.napi_holds",
  claim = "at the same rate NAPI still delivers its capacity",
  model = cap, simulated = at2[3.0].napi.rate, tolerance = 0.03,
  unit = "frames/s",
}
dmasim.claim{
  id = "nic_rx.accounted",
  kind = "check",
  claim = "every frame offered is received or counted as dropped, in "
          .. "every run",
  model = true, simulated = accounted, intact = intact,
}
dmasim.claim{
  id = "nic_rx.moderation_count",
  claim = "moderation by a count of N: N frames per interrupt",
  model = 4, simulated = mod4.sent / mod4.nic.irqs, tolerance = 0.01,
  unit = "frames",
}

-- 4. Drops exactly: a ring of 16 given whole (15 descriptors) with no
-- driver refilling it takes 15 of 40 frames and drops 25.
do
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
  local mem = sys:memory{ size = "64MiB", latency = p.mem_latency }
  local cpu = sys:cpu{ clock = "1GHz" }
  local nic = sys:nic{ pkt_size = p.pkt_size, packets = 40 }
  for i = 0, 15 do
    mem:write(RING + 16 * i, string.pack("<I8I8", BUFS + 2048 * i, 0))
  end
  sys:spawn(function()
    cpu:write64(nic.base + 0x10, RING)
    cpu:write32(nic.base + 0x18, 16)
    cpu:write32(nic.base + 0x20, 15)
    cpu:write32(nic.base + 0x00, 1)
    nic:start()
  end)
  sys:run()
  dmasim.claim{
    id = "nic_rx.drops_exact",
    claim = "a full ring drops every further frame, counted: S - 1 land",
    model = 40 - 15, simulated = nic.rx_drops, tolerance = 0,
    unit = "frames", intact = mem:read(BUFS + 2048 * 14, p.pkt_size)
                              == nic:packet(14, p.pkt_size),
  }
end
