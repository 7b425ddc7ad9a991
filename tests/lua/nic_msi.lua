-- A NIC behind a PCIe endpoint interrupting by MSI: each interrupt is a
-- posted write by its MSI port up the link to the root's MSI window,
-- after the descriptor write-back it signals; the NAPI driver receives
-- every frame intact.
local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local mem = sys:memory{ size = "64MiB", latency = "20ns" }
local cpu = sys:cpu{ clock = "1GHz", irq_entry = 100, irq_exit = 50 }
local ic = sys:intc{ lines = 8 }
ic:route(3, cpu, 1)
local rc = sys:pcie_root{ intc = ic }             -- MSI window at 0xfee00000
local ep = sys:pcie_endpoint{ parent = rc, bar = { 0x80000000, "1MiB" }, gen = 3 }
local nic = sys:nic{ bus = ep.bus, base = 0x80000000, pkt_size = 1500, rate = 100000,
                     packets = 200, intc = ic, irq_line = 3, msi = 0xfee00000 }
local drv = sys:netdrv{ nic = nic, cpu = cpu, ring_base = 0x100000, ring = 64,
                        buf_base = 0x1000000, napi = true, budget = 64,
                        rx_cycles = 500, deliver_cycles = 2000 }
sys:run()
dmasim.report("delivered", drv.delivered)
dmasim.report("bad_frames", drv.bad_frames)
dmasim.report("irqs", nic.irqs)
dmasim.report("msis", rc.msis)
dmasim.report("sent", nic.sent)

-- A camera behind an endpoint of its own, interrupting by MSI once a
-- frame is in: 4 small frames into 4 buffers, 4 MSIs.
local s2 = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local m2 = s2:memory{ size = "64MiB", latency = "20ns" }
local ic2 = s2:intc{ lines = 8 }
local rc2 = s2:pcie_root{ intc = ic2 }
local ep2 = s2:pcie_endpoint{ parent = rc2, bar = { 0x80000000, "1MiB" }, gen = 3 }
local cam = s2:camera{ bus = ep2.bus, width = 64, height = 16, format = "yuyv",
                       fps = 1000, frames = 4, buffers = 4, intc = ic2,
                       irq_line = 5, msi = 0xfee00000 }
for i = 0, 3 do
  cam:buffer(i, 0x1000000 + i * 0x10000, cam.frame_bytes)
  cam:qbuf(i)
end
cam:streamon()
s2:run()
dmasim.report("cam_msis", rc2.msis)
