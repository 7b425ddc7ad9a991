-- One device's output feeding another's input through a DMA channel,
-- both addresses fixed at the devices' data registers (see
-- tests/test_dma_d2d.c for the hand-worked timing): A produces 4 KiB at
-- 100 MB/s, B consumes at 50 MB/s through a 512-byte buffer, so B's
-- drain sets the pace: the transfer ends (4096 - 512) bytes at 20 ns
-- after the first burst reaches B, plus a burst.  Nothing passes through
-- memory.
local drv = require "dmadrv"
local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local mem = sys:memory{ name = "dram", base = 0, size = "1MiB",
                        latency = "20ns" }
local cpu = sys:cpu{ clock = "1GHz" }
local a = sys:device{ size = "4KiB", rate = "100MB/s", buffer = 256,
                      latency = "30ns" }
local b = sys:device{ size = "4KiB", rate = "50MB/s", buffer = 512,
                      output = true, latency = "30ns" }
local eng = sys:dma{ irq = cpu, burst = 64, mode = "burst" }
local d = drv.new(cpu, eng):attach(sys)
local st, first
sys:spawn(function()
  d:copy(0, a.data, b.data, 4096, { src_fixed = true, dst_fixed = true })
  st = d:wait(0)
end)
sys:run()
local ch = eng:channel(0)
dmasim.report("status", st)
dmasim.report("intact", b:received(0, 4096) == a:expected(0, 4096))
dmasim.report("a_moved", a.moved)
dmasim.report("b_moved", b.moved)
dmasim.report("lost", a.underruns + b.overruns)
dmasim.report("grants", ch.grants)
dmasim.report("dram_bytes", sys:stat("dram.bytes_read") +
                            sys:stat("dram.bytes_written"))
-- from time 0, when A starts producing (the doorbell, a few register
-- writes, comes before A has its first 64 bytes): A's first 64 bytes
-- (640 ns), the burst (76), B's drain of 3584 bytes (71,680 ns), the last
-- burst (76)
dmasim.report("done_ns", ch.done_at / 1000)
