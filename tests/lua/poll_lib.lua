-- The polling library (scenarios/lib/poll.lua) on a hand-worked machine:
-- CPU and bus at 1 GHz (a cycle is 1 ns), 8-byte bus, DRAM with 20 ns
-- latency, a device whose registers answer in 30 ns (a status read is
-- 30 + 1 = 31 cycles) producing 4 KiB at 10 MB/s (a byte per 100 ns).
-- A poll is the status read and `cost` = 10 cycles: 41 ns.  A unit of 64
-- bytes by PIO is 8 words of pio_loop 2 + device read 31 + memory write
-- 21 = 54 cycles: 432 ns.
--
-- read: polls every 1 us; a unit is ready every 6.4 us, each poll moves
-- what is whole; the last byte is produced at 409.6 us, so the poll at
-- 410 us is the last: 411 polls (16,851 ns of polling), 64 units
-- (27,648 ns moving data).
-- write: an output device taking 256 bytes at 1 MB/s through a 64-byte
-- buffer, units of 32, a poll (31 + 5 cycles) every 2 us: 64 bytes go at
-- once; consumption starts with the first word (about 0.09 us), so 32
-- bytes of room open just after 32 us, 64 us, ...: the writes come at the
-- polls of 34, 66, ..., 194 us, the last of 98 polls.
-- dma: a DMA transfer of the same 4 KiB polled to completion back to
-- back (interval 0): the polling spans the transfer (the device's
-- 409.6 us), its time counted apart; no data time, the engine moves it.
local poll = require "poll"
local drv = require "dmadrv"

local function build()
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
  local mem = sys:memory{ base = 0, size = "1MiB", latency = "20ns" }
  local cpu = sys:cpu{ clock = "1GHz", word = 8, pio_loop = 2 }
  local dev = sys:device{ size = "4KiB", rate = "10MB/s", latency = "30ns" }
  return sys, mem, cpu, dev
end

do
  local sys, mem, cpu, dev = build()
  local p = poll.new(sys, cpu, { cost = 10, interval = "1us" })
  sys:spawn(function() p:read(dev, 0x1000, 4096, { unit = 64 }) end)
  sys:run()
  dmasim.report("read_intact", mem:read(0x1000, 4096) == dev:expected(0, 4096))
  dmasim.report("read_polls", p.polls)
  dmasim.report("read_poll_ps", p.poll_ps)
  dmasim.report("read_data_ps", p.data_ps)
  dmasim.report("read_data_bytes", p.data_bytes)
  dmasim.report("read_cpu_busy", cpu.busy_cycles)
end

do
  -- until_ready with a predicate: STATUS of an output device, free bytes
  local sys, mem, cpu = build()
  local out = sys:device{ output = true, size = 256, buffer = 64,
                          rate = "1MB/s", latency = "30ns" }
  mem:fill(0x2000, 256, 9)
  local p = poll.new(sys, cpu, { cost = 5, interval = "2us" })
  sys:spawn(function() p:write(out, 0x2000, 256, { unit = 32 }) end)
  sys:run()
  dmasim.report("write_intact", out:received(0, 256) == mem:read(0x2000, 256))
  dmasim.report("write_polls", p.polls)
  dmasim.report("write_data_bytes", p.data_bytes)
end

do
  local sys, mem, cpu, dev = build()
  local eng = sys:dma{ base = 0x40000000, reg_latency = "10ns", burst = 64,
                       mode = "cycle_stealing" }
  local d = drv.new(cpu, eng, { irq = false })
  local p = poll.new(sys, cpu, { cost = 10 })
  local st
  sys:spawn(function()
    d:copy(0, dev.data, 0x3000, 4096, { src_fixed = true })
    st = p:wait_dma(eng, 0)
  end)
  sys:run()
  dmasim.report("dma_intact", mem:read(0x3000, 4096) == dev:expected(0, 4096))
  dmasim.report("dma_status", st)
  dmasim.report("dma_polls", p.polls)
  dmasim.report("dma_poll_ps", p.poll_ps)
  dmasim.report("dma_data_ps", p.data_ps)
end

local ok, err = pcall(poll.new, nil, nil, { cost = -1 })
dmasim.report("bad_cost", not ok and tostring(err):find("cost") ~= nil)
