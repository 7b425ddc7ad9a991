-- Lazy IOTLB invalidation: the window after unmap.
--
-- Claim (the seed): even with a correctly configured IOMMU, a device can
-- continue a write to a page just after the OS has freed it for another
-- purpose.  Linux's lazy mode queues unmaps and invalidates the IOTLB
-- only when the flush queue holds 256 entries or 10 ms after its first
-- (drivers/iommu/dma-iommu.c); until then a stale IOTLB entry still
-- translates the freed I/O address.  Strict mode invalidates at every
-- unmap and closes the window, at a price per packet (published: up to an
-- order of magnitude of throughput on small packets).
--
-- The machine: a 2 GHz CPU and DRAM on the memory bus; a NIC on the I/O
-- bus (a DMA engine reading packets from its receive FIFO) behind the
-- IOMMU.  The driver receives `packets` packets: for each, it maps a
-- buffer (map_single, from_device), lets the NIC write the packet into
-- it, unmaps it and hands the page back; the next program to get the page
-- keeps its secret there.  Then a buggy NIC writes one more packet to the
-- I/O address of the last buffer.  Lazy: the stale translation lets the
-- write through and the secret is overwritten (detected by its
-- checksum); strict: the write faults and nothing changes.  The CPU
-- cycles per packet of each mode are reported beside: the mapping API
-- stores the page-table entries and puts each invalidation through the
-- IOMMU's invalidation queue (its OS ring, system:iommu{qi_ring}), as
-- the throughput part below does with a driver written here.
local p = dmasim.params{ packets = 16, packet = 1500, flush_timeout = "50us",
                         flush_max = 256, tput_packets = 512,
                         alloc = 200 }
dmasim.expect(p.packets >= 1 and p.packets < p.flush_max, "packets", p.packets,
              "1 or more, fewer than flush_max")

local R = dmasim.dma_regs
local BUFS, PT = 0x400000, 0x80000

local function run(lazy)
  local sys = dmasim.system{ name = lazy and "lazy" or "strict" }
  local io = sys:bus{ name = "io", clock = "500MHz", width = 8 }
  local mem = sys:memory{ size = "64MiB", latency = "50ns" }
  local cpu = sys:cpu{ clock = "2GHz" }
  local nic = sys:dma{ bus = io, base = 0x80000000, burst = 256 }
  local rx = sys:device{ bus = io, base = 0x90000000, size = (p.packets + 1) * p.packet }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = "50ns",
                         a_to_b = { { 0x80000000, "512MiB" } },
                         b_to_a = { { 0, "64MiB" } } }
  local mmu = sys:iommu{ bridge = br, qi_base = 0x70000000, qi_ring = 0x60000 }
  local dev = sys:dma_device{ cpu = cpu, name = "nic" }
  local ch = nic:channel(0)
  dev:use_iommu{ iommu = mmu, device = ch, memory = mem, pt_base = PT,
                 pt_size = "64KiB", lazy = lazy, flush_max = p.flush_max,
                 flush_timeout = p.flush_timeout }
  mmu:enable(true)
  local function receive(dst)
    cpu:write64(nic.base + R.SRC_LO, rx.data)
    cpu:write64(nic.base + R.DST_LO, dst)
    cpu:write32(nic.base + R.LEN, p.packet)
    cpu:write32(nic.base + R.CTRL, R.CTRL_START | R.CTRL_SRC_FIXED)
    cpu:read32(nic.base + R.STATUS)
    ch:wait()
    cpu:read32(nic.base + R.STATUS)
  end
  local secret = string.rep("S", 64)
  local last_iova, cpu_cycles, last_buf, first_unmap, stale_at
  local freed = {}                -- each freed page's hash before the write
  sys:spawn(function()
    local c0 = cpu.busy_cycles
    for k = 0, p.packets - 1 do
      local buf = BUFS + k * 4096
      local h = dev:map_single(buf, p.packet, "from_device")
      if dev:mapping_error(h) then error("mapping failed") end
      receive(h)
      dev:unmap_single(h, p.packet, "from_device")
      first_unmap = first_unmap or sys:now()
      last_iova, last_buf = h, buf
    end
    cpu_cycles = (cpu.busy_cycles - c0) / p.packets
    -- the page goes to another program, which keeps its secret there
    cpu:store(last_buf, secret)
    for k = 0, p.packets - 1 do freed[k] = mem:hash(BUFS + k * 4096, 4096) end
    -- the buggy NIC writes once more to the last address it was given
    receive(last_iova)
    stale_at = sys:now()
  end)
  sys:run()
  -- written: any freed page changed (a stale entry may lead to any of them)
  local written = false
  for k = 0, p.packets - 1 do
    written = written or mem:hash(BUFS + k * 4096, 4096) ~= freed[k]
  end
  return { corrupted = mem:read(last_buf, 64) ~= secret, written = written,
           faults = mmu.faults,
           cpu = cpu_cycles, window = dev.iommu_flushes > 0 and
             dev.iommu_stale_ps / p.packets / 1e6 or 0,
           max_window = dev.iommu_stale_max_ps / 1e6,
           stale_write_at = stale_at and (stale_at - first_unmap) / 1e6 }
end

local lazy, strict = run(true), run(false)
dmasim.report("lazy_secret_overwritten", lazy.corrupted)
dmasim.report("strict_secret_overwritten", strict.corrupted)
dmasim.report("lazy_freed_page_written", lazy.written)
dmasim.report("strict_freed_page_written", strict.written)
dmasim.report("strict_faults", strict.faults)
dmasim.report("lazy_cpu_per_packet", lazy.cpu, "cycles")
dmasim.report("strict_cpu_per_packet", strict.cpu, "cycles")
dmasim.report("lazy_mean_window", lazy.window, "us")
dmasim.report("lazy_longest_window", lazy.max_window, "us")
dmasim.report("lazy_stale_write_after_first_unmap", lazy.stale_write_at, "us")

dmasim.claim{ id = "lazy_unmap.stale_write",
  kind = "check",
  claim = "lazy invalidation lets a device write through a stale translation into a freed page",
  model = true, simulated = lazy.corrupted }
dmasim.claim{ id = "lazy_unmap.strict_closes",
  kind = "check",
  claim = "strict invalidation lets no such write through: no freed page changes",
  model = false, simulated = strict.written }
dmasim.claim{ id = "lazy_unmap.window",
  claim = "under lazy invalidation the first buffer freed stays reachable until the flush timeout (fewer than flush_max unmaps queued)",
  model = dmasim.time(p.flush_timeout) / 1e6, simulated = lazy.max_window,
  tolerance = 0.01, unit = "us" }
dmasim.claim{ id = "lazy_unmap.stale_write_in_window",
  kind = "check",
  claim = "the stale write came inside that window, and went through",
  model = true, simulated = lazy.corrupted and
    lazy.stale_write_at < dmasim.time(p.flush_timeout) / 1e6 }

-- Throughput: the invalidation as transactions.  The same receive loop,
-- driven by a driver written here (as an OS does it): the IOVA allocator
-- is CPU work that touches nothing (`alloc` cycles per map); each mapping
-- is a page-table entry written by a CPU store (scenarios/lib/iopt.lua);
-- each invalidation goes through the IOMMU's invalidation queue
-- (scenarios/lib/iq.lua, src/hw/iommu_qi.h): descriptors stored into the
-- ring, the tail register written, the IOMMU fetching them by memory
-- reads and writing a wait descriptor's status word, which the CPU polls.
-- Strict: a range invalidation and a wait at every unmap.  Lazy: unmapped
-- IOVAs wait in a flush queue of flush_max; a full queue is flushed by
-- one domain invalidation and a wait (the 10 ms timeout never comes
-- within these runs).  `tput_packets` packets of each size.
local iopt, iq = require "iopt", require "iq"
local tp = p
dmasim.expect(tp.tput_packets >= p.flush_max, "tput_packets", tp.tput_packets,
              "at least flush_max")

local MEM_LAT, QI_LAT = "50ns", "10ns"

local function throughput(lazy, size)
  local sys = dmasim.system{ name = (lazy and "lazy_" or "strict_") .. size }
  local io = sys:bus{ name = "io", clock = "500MHz", width = 8 }
  local mem = sys:memory{ size = "64MiB", latency = MEM_LAT }
  local cpu = sys:cpu{ clock = "2GHz" }
  local nic = sys:dma{ bus = io, base = 0x80000000, burst = 256 }
  local rx = sys:device{ bus = io, base = 0x90000000, size = tp.tput_packets * size }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = "50ns",
                         a_to_b = { { 0x80000000, "512MiB" } },
                         b_to_a = { { 0, "64MiB" } } }
  local mmu = sys:iommu{ bridge = br, qi_base = 0x70000000, qi_latency = QI_LAT }
  local ch = nic:channel(0)
  local t0, t1, q
  sys:spawn(function()
    local pt = iopt.new(cpu, PT, 8)
    pt:map(0x100000, BUFS, 4096, "w")       -- the tables, made once
    pt:unmap(0x100000, 4096)
    local dom = mmu:domain{ root = pt.root }
    mmu:attach(ch, dom)
    mmu:enable(true)
    q = iq.new(cpu, 0x70000000, 0x60000, 64, 0x61000)
    local queued = 0
    t0 = sys:now()
    for k = 0, tp.tput_packets - 1 do
      cpu:busy(tp.alloc)                     -- the IOVA allocator
      local iova = 0x100000 + (lazy and (k % (p.flush_max + 1)) or 0) * 4096
      local buf = BUFS + (k % 64) * 4096
      pt:map(iova, buf, 4096, "w")
      cpu:write64(nic.base + R.SRC_LO, rx.data)
      cpu:write64(nic.base + R.DST_LO, iova)
      cpu:write32(nic.base + R.LEN, size)
      cpu:write32(nic.base + R.CTRL, R.CTRL_START | R.CTRL_SRC_FIXED)
      cpu:read32(nic.base + R.STATUS)
      ch:wait()
      cpu:read32(nic.base + R.STATUS)
      pt:unmap(iova, 4096)
      if lazy then
        queued = queued + 1
        if queued == p.flush_max then
          q:domain(dom)
          q:sync()
          queued = 0
        end
      else
        q:range(dom, iova, 4096)
        q:sync()
      end
    end
    t1 = sys:now()
  end)
  sys:run()
  return { ns = (t1 - t0) / 1000 / tp.tput_packets, waits = mmu.qi_waits,
           faults = mmu.faults, period = sys.system_bus.period,
           width = sys.system_bus.width }
end

local trows, ratio, extra, bus = {}, {}, {}, nil
for _, size in ipairs{ 64, 256, 1500 } do
  local s, l = throughput(false, size), throughput(true, size)
  ratio[size] = s.ns / l.ns
  extra[size] = s.ns - l.ns
  bus = { period = s.period, width = s.width }
  trows[#trows + 1] = { size, string.format("%.0f", s.ns), string.format("%.0f", l.ns),
                        string.format("%.2f", size * 8 / s.ns), string.format("%.2f", size * 8 / l.ns),
                        string.format("%.2f", ratio[size]), s.waits, l.waits }
end
dmasim.table{ title = "Receive throughput with invalidation through the queue, strict against lazy",
  columns = { "packet_B", "strict_ns_per_packet", "lazy_ns_per_packet", "strict_Gb/s",
              "lazy_Gb/s", "lazy_speedup", "strict_waits", "lazy_waits" },
  rows = trows }
dmasim.report("lazy_speedup_64B", ratio[64])
dmasim.report("lazy_speedup_1500B", ratio[1500])
-- Published: strict mode costs up to an order of magnitude of throughput
-- on small packets (multi-core servers, where the invalidation's wait
-- also holds a lock the other cores contend for, and the hardware takes
-- microseconds per invalidation).  Here one CPU and an IOMMU that carries
-- out a descriptor as soon as it has read it: the cost is only the
-- queue's transactions, and it shrinks as packets grow.
dmasim.report("published_strict_cost_small_packets", "up to 10x")
-- That strict costs throughput, the more the smaller the packet, follows
-- from any cost per packet at all: it is reported, not claimed; the cost
-- itself is the claim below.
dmasim.report("strict_costs_more_on_small_packets",
              ratio[64] > ratio[1500] and ratio[1500] > 1)

-- Model of strict's extra time per packet, from the machine's parameters
-- alone (the system bus: 1 GHz and 8 bytes, dmasim.system's defaults;
-- DRAM latency MEM_LAT; the queue's registers QI_LAT).  In bus cycles: a
-- memory transaction of n bytes holds the bus M(n) = ceil(50 ns / 1 ns)
-- + ceil(n / 8) cycles (M(32) = 54, M(4) = 51); a queue register write
-- ceil(10 ns / 1 ns) + 1 = 11.  One invalidation and its wait, in order:
-- the CPU stores two 32-byte descriptors (2 M(32)) and writes the tail
-- (11); then the IOMMU fetches a descriptor (M(32)), writes the status
-- word after the wait descriptor's fetch (M(4)), and the CPU polls (M(4)
-- each).  CPU and IOMMU both wait for the bus after every tenure, and the
-- round-robin arbiter (src/hw/bus.c) alternates them, the IOMMU first
-- (the scan starts after the last owner, the CPU): fetch, poll, fetch,
-- poll, status write, poll, the last seeing the status.  So
--   T_inv = 2 M(32) + 11 + 2 M(32) + M(4) + 3 M(4) = 108 + 11 + 108 + 51
--         + 153 = 431 cycles = 431 ns,
-- the same for lazy's flush (a domain descriptor is 32 bytes too), which
-- comes once per flush_max packets: strict's extra per packet is
--   T_inv (1 - floor(tput_packets / flush_max) / tput_packets)
--         = 431 x (1 - 2/512) = 429.3 ns, at every packet size.
-- Simulated: 430.2 ns at 64 and 1500 B, 428.2 at 256 (within 0.3%; the
-- rest is not modelled).  The claim takes the worst of the three, at 1%.
local function cyc(t) return math.ceil(dmasim.time(t) / bus.period) end
local function M(n) return cyc(MEM_LAT) + math.ceil(n / bus.width) end
local t_inv = (2 * M(iq.DESC) + (cyc(QI_LAT) + 1) + 2 * M(iq.DESC) + M(4)
               + 3 * M(4)) * bus.period / 1000
local flushes = tp.tput_packets // p.flush_max
local m_extra = t_inv * (1 - flushes / tp.tput_packets)
local worst, worst_size = -1, nil
for _, size in ipairs{ 64, 256, 1500 } do
  local e = math.abs(extra[size] - m_extra) / m_extra
  if e > worst then worst, worst_size = e, size end
end
dmasim.report("strict_extra_64B", extra[64], "ns")
dmasim.report("strict_extra_1500B", extra[1500], "ns")
dmasim.claim{ id = "lazy_unmap.strict_cost",
  claim = "strict's extra time per packet over lazy is the queue's transactions: two descriptor stores, the tail write, two fetches, the status write and three polls, less lazy's flush per flush_max packets (worst of 64, 256, 1500 B)",
  model = m_extra, simulated = extra[worst_size], tolerance = 0.01, unit = "ns" }
