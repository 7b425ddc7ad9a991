-- A disk behind a PCIe endpoint signalling by MSI: its completion
-- interrupt is a posted write up the link to the root's MSI window, after
-- the data and the completion entry; the block driver reads 64 KiB back
-- as the disk holds it, with one interrupt per command, each an MSI.
local sys = dmasim.system{ bus = { clock = "2GHz", width = 64 } }
local mem = sys:memory{ size = "64MiB", latency = "80ns" }
local cpu = sys:cpu{ clock = "2GHz" }
local ic = sys:intc{ lines = 8 }
local rc = sys:pcie_root{ intc = ic }            -- MSI window at 0xfee00000
local ep = sys:pcie_endpoint{ parent = rc, bar = { 0x80000000, "1MiB" }, gen = 4 }
local disk = sys:disk{ bus = ep.bus, base = 0x80000000, size = "16MiB",
                       latency = "10us", bandwidth = "2GB/s", intc = ic,
                       irq_line = 2, msi = 0xfee00000 }
local blk = sys:blkdev{ disk = disk, cpu = cpu, sq = 0x100000, cq = 0x101000,
                        prp = 0x200000 }
disk:fill(0, 64 * 1024, 9)
local err
sys:spawn(function()
  for i = 0, 15 do
    err = err or blk:read(i * 8, 8, 0x400000 + i * 4096)
  end
end)
sys:run()
dmasim.report("error", tostring(err))
dmasim.report("intact", mem:hash(0x400000, 64 * 1024) == disk:hash(0, 64 * 1024))
dmasim.report("irqs", disk.irqs)
dmasim.report("msis", rc.msis)
dmasim.report("up_writes", ep.up_writes)
