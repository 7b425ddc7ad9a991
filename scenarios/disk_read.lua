-- A file read twice through the page cache, and a network receive of the
-- same size: the disk DMAs every page of the first read; the second is
-- served from the page cache by the CPU with no DMA at all; a receive
-- always arrives by DMA.
--
-- The machine: a 2 GHz CPU with a 32 KiB coherent write-back L1 (64-byte
-- lines, 1 cycle per 8-byte word), a 1 GHz 8-byte system bus, DRAM with
-- 20 ns latency.  The disk and the NIC-like device sit behind a PCIe
-- endpoint (Gen3 x16, max payload 256 bytes) on a link of `link` (250 ns)
-- each way below the root complex (a 64-byte device read takes about
-- 0.55-0.6 us round trip on PCIe: Neugebauer et al., "Understanding PCIe
-- performance for end host networking", SIGCOMM 2018); the disk signals
-- its completions by MSI, a posted write up the link to the root's MSI
-- window behind the completion entries.  The disk is NVMe-like: a command's media time is
-- `latency` + bytes / `bandwidth`, with defaults from a data-centre NAND
-- SSD's datasheet (Intel SSD DC P4510: 77 us read latency, 3,200 MB/s
-- sequential read).  The page cache reads ahead `readahead` pages past a
-- missing one (31: Linux's default read_ahead_kb of 128 KiB).
--
-- Claims, from the parameters alone (N the file's bytes, P = N / 4 KiB
-- its pages, C = ceil(P / (readahead + 1)) the disk commands, S = N / C
-- a command's bytes; cycles of the 1 GHz buses are ns):
--  1. The first read moves every page by DMA: P data transactions.
--  2. Its time: C * (latency + S / bandwidth + the command's DMA: S/256
--     posted writes, each 20 + 32 cycles on the system bus as the root
--     writes it + the command's fixed costs) + the copy of N bytes
--     (claim 4's model).
--  3. The second read finds every page cached: no DMA at all.
--  4. Its time is the CPU copy's: per page, the lookup (`lookup_cycles`),
--     then 64 line fills to load the cached page (20 + 8 bus cycles
--     each), 64 to allocate the destination's lines and 64 write-backs of
--     the dirty lines they evict (each 20 + 8), plus 512 loads and 512
--     stores hitting at 1 CPU cycle.
--  5. A receive of N bytes from a NIC-like device at line rate (a DMA
--     engine reading the device's FIFO) moves N bytes by DMA every time,
--     the second as the first: no cache can stand in for data that has
--     not arrived yet.
local p = dmasim.params{ file = "1MiB", latency = "77us", bandwidth = "3.2GB/s",
                         readahead = 31, lookup_cycles = 100, link = "250ns",
                         line_rate = "1.25GB/s" }
local KiB, MiB = 1024, 1024 * 1024
local N = dmasim.size(p.file)
dmasim.expect(N % (4 * KiB) == 0 and N >= 4 * KiB and N <= 64 * MiB, "file",
              p.file, "whole 4 KiB pages, up to 64 MiB")
dmasim.expect(p.readahead >= 0 and p.readahead <= 511, "readahead",
              p.readahead, "0 to 511 pages")
local P = N // (4 * KiB)
local L = dmasim.time(p.latency)                   -- ps
local BW = dmasim.bandwidth(p.bandwidth)           -- bytes/s
local X = dmasim.time(p.link)                      -- ps each way
local drv = require "dmadrv"

local FILE_BUF, FILE_BUF2, NET_BUF = 0x4000000, 0x6000000, 0x8000000
local SQ, CQ, PRP, CACHE = 0x100000, 0x101000, 0x200000, 0x1000000

local function build()
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
  local io
  local mem = sys:memory{ size = "256MiB", latency = "20ns" }
  local cpu = sys:cpu{ clock = "2GHz", irq_entry = 100, irq_exit = 50 }
  local l1 = sys:cache{ cpu = cpu, size = "32KiB", ways = 4, line = 64,
                        coherent = true }
  local ic = sys:intc{ lines = 8 }
  local rc = sys:pcie_root{ intc = ic, latency = "0ns", mmio = { 0x40000000, "1GiB" } }
  local ep = sys:pcie_endpoint{ parent = rc, bar = { 0x40000000, "1GiB" },
                                gen = 3, width = 16, latency = p.link }
  io = ep.bus
  local disk = sys:disk{ bus = io, base = 0x60000000, size = "1GiB",
                         latency = p.latency, bandwidth = p.bandwidth,
                         intc = ic, irq_line = 3, msi = 0xfee00000 }
  local eng = sys:dma{ bus = io, base = 0x40000000, irq = cpu, irq_line = 0,
                       burst = "4KiB", mode = "burst" }
  local nic = sys:device{ bus = io, base = 0x50000000, size = 2 * N,
                          rate = p.line_rate }
  local blk = sys:blkdev{ disk = disk, cpu = cpu, sq = SQ, cq = CQ, prp = PRP }
  local pc = sys:pagecache{ blkdev = blk, base = CACHE, size = "16MiB",
                            readahead = p.readahead,
                            lookup_cycles = p.lookup_cycles }
  local d = drv.new(cpu, eng, { handler_cost = 100 }):attach(sys)
  return { sys = sys, mem = mem, cpu = cpu, l1 = l1, disk = disk, pc = pc,
           blk = blk, nic = nic, eng = eng, drv = d }
end

local m = build()
m.disk:fill(0, N, 42)
m.pc:file("data", 0, N)
local r = {}
m.sys:spawn(function()
  local function read(buf)
    local t0, d0, c0, h0 = m.sys:now(), m.disk.dma_xacts, m.disk.commands,
                           m.pc.hits
    local err = m.pc:read("data", 0, N, buf)
    assert(not err, err)
    return { time = m.sys:now() - t0, dma = m.disk.dma_xacts - d0,
             commands = m.disk.commands - c0, hits = m.pc.hits - h0 }
  end
  local function receive(buf)
    local t0, b0 = m.sys:now(), m.eng:channel(0).bytes
    m.drv:copy(0, m.nic.data, buf, N, { src_fixed = true })
    m.drv:wait(0)
    return { time = m.sys:now() - t0, dma = m.eng:channel(0).bytes - b0 }
  end
  r.first = read(FILE_BUF)
  r.second = read(FILE_BUF2)
  r.rx1 = receive(NET_BUF)
  r.rx2 = receive(NET_BUF + N)
  -- Write back what the copies left dirty, to check the bytes in memory.
  m.l1:flush(FILE_BUF, N)
  m.l1:flush(FILE_BUF2, N)
end)
m.sys:run()
local want = m.disk:hash(0, N)
local intact = m.mem:hash(FILE_BUF, N) == want and m.mem:hash(FILE_BUF2, N) == want
local rx_intact = m.mem:read(NET_BUF, 2 * N) == m.nic:expected(0, 2 * N)

-- The models, from the parameters alone (ps).
local cpu_ps, bus_ps = 500, 1000
local line_fill = (20 + 8) * bus_ps
local copy_page = p.lookup_cycles * cpu_ps + 3 * 64 * line_fill + 2 * 512 * cpu_ps
local copy = P * copy_page
local C = math.ceil(P / (p.readahead + 1))
local S = N / C
-- A command's fixed costs: 500 + 300 driver cycles; the SQ entry's store
-- (one line) and the CQ entry's load; the doorbell, CSTS and CQ-head
-- register accesses across the link (2 X each, plus a read's return); the
-- command fetch (a read across: 2 X + 20 + 8) and the entry's write
-- (posted); the interrupt's entry and exit.
local fixed = (500 + 300 + 100 + 50) * cpu_ps + 2 * line_fill
              + 3 * 2 * X + (2 * X + line_fill)
-- The DMA: each page goes up the link as 4096 / MPS posted writes, each
-- written to memory by the root as a transaction of its own (20 + MPS / 8
-- cycles on the system bus).
local MPS = 256
local dma_cmd = S / MPS * (20 + MPS / 8) * bus_ps
local first = C * (L + S / BW * 1e12 + dma_cmd + fixed) + copy

dmasim.table{ title = "Reading a " .. p.file .. " file twice, receiving "
                      .. p.file .. " twice",
  columns = { "transfer", "dma_pages", "disk_commands", "cache_hits",
              "time_us", "model_us" },
  rows = {
    { "file read 1", r.first.dma, r.first.commands, r.first.hits,
      string.format("%.1f", r.first.time / 1e6), string.format("%.1f", first / 1e6) },
    { "file read 2", r.second.dma, r.second.commands, r.second.hits,
      string.format("%.1f", r.second.time / 1e6), string.format("%.1f", copy / 1e6) },
    { "receive 1", r.rx1.dma // 4096, "-", "-",
      string.format("%.1f", r.rx1.time / 1e6), "-" },
    { "receive 2", r.rx2.dma // 4096, "-", "-",
      string.format("%.1f", r.rx2.time / 1e6), "-" } } }
dmasim.report("first_time", r.first.time / 1e6, "us")
dmasim.report("second_time", r.second.time / 1e6, "us")
dmasim.report("first_dma_pages", r.first.dma)
dmasim.report("second_dma_pages", r.second.dma)
dmasim.report("readahead_pages", m.pc.readahead_pages)
dmasim.report("disk_commands", m.disk.commands)

dmasim.claim{ id = "disk_read.first_dma",
  claim = "the first read moves every page of the file by the disk's DMA",
  model = P, simulated = r.first.dma, tolerance = 0, unit = "pages" }
dmasim.claim{ id = "disk_read.first_time",
  claim = "the first read takes C * (latency + S/bandwidth + DMA + fixed) + the copy",
  model = first / 1e6, simulated = r.first.time / 1e6, tolerance = 0.05,
  unit = "us" }
dmasim.claim{ id = "disk_read.second_dma",
  claim = "the second read is served by the page cache with no DMA at all",
  model = 0, simulated = r.second.dma, tolerance = 0, unit = "pages" }
dmasim.claim{ id = "disk_read.second_time",
  claim = "the second read takes the CPU copy's time (lookups, line fills, write-backs)",
  model = copy / 1e6, simulated = r.second.time / 1e6, tolerance = 0.03,
  unit = "us" }
dmasim.claim{ id = "disk_read.receive_dma",
  claim = "a network receive of the same size moves every byte by DMA, every time",
  model = 2 * N, simulated = r.rx1.dma + r.rx2.dma, tolerance = 0,
  unit = "bytes" }
dmasim.claim{ id = "disk_read.intact", kind = "check",
  claim = "both reads and both receives deliver the source's bytes",
  model = true, simulated = intact and rx_intact }
