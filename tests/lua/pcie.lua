-- A PCIe hierarchy from the scenario language: a root with an IOMMU slot,
-- a switch, two endpoints with device memory and a DMA engine each; a
-- peer-to-peer copy under the switch and a copy up to host memory, both
-- intact; the link statistics; and the errors for bad parameters.
local sys = dmasim.system{ bus = { clock = "2GHz", width = 64 } }
local mem = sys:memory{ size = "64MiB" }
local cpu = sys:cpu{ clock = "2GHz" }
local ic = sys:intc{}
local rc = sys:pcie_root{ intc = ic }
local sw = sys:pcie_switch{ parent = rc, window = { 0x80000000, "16MiB" }, gen = 4 }
local a = sys:pcie_endpoint{ parent = sw, bar = { 0x80000000, "1MiB" }, gen = 4, mps = 128 }
local b = sys:pcie_endpoint{ parent = sw, bar = { 0x80100000, "1MiB" } }
local amem = sys:memory{ bus = a.bus, name = "amem", base = 0x80010000, size = "512KiB" }
local bmem = sys:memory{ bus = b.bus, name = "bmem", base = 0x80110000, size = "512KiB" }
local dma = sys:dma{ bus = a.bus, base = 0x80000000, burst = 1024 }
local R = dmasim.dma_regs
amem:fill(0x80010000, 10000, 5)
local function copy(src, dst, n)
  cpu:write64(dma.base + R.SRC_LO, src)
  cpu:write64(dma.base + R.DST_LO, dst)
  cpu:write32(dma.base + R.LEN, n)
  cpu:write32(dma.base + R.CTRL, R.CTRL_START)
  cpu:read32(dma.base + R.STATUS)
  dma:channel(0):wait()
end
sys:spawn(function()
  copy(0x80010000, 0x80120000, 10000)     -- peer to peer, under the switch
  copy(0x80010000, 0x100000, 10000)       -- up to host memory
  cpu:write32(0x80070000, 3)               -- an MSI: line 3, from device memory
  copy(0x80070000, 0xfee00000, 4)
end)
sys:run()
dmasim.report("p2p_intact", amem:hash(0x80010000, 10000) == bmem:hash(0x80120000, 10000))
dmasim.report("up_intact", amem:hash(0x80010000, 10000) == mem:hash(0x100000, 10000))
dmasim.report("a_up_writes", a.up_writes)
dmasim.report("a_up_overhead", a.up_overhead)
dmasim.report("a_down_updatefcs", a.down_updatefcs)
dmasim.report("a_down_acks", a.down_acks)
dmasim.report("a_down_dllp", a.down_dllp_bytes .. " " .. a.down_dllp_time)
dmasim.report("a_up_skps", a.up_skps .. " " .. a.up_skp_time)
dmasim.report("b_down_writes", b.down_writes)
dmasim.report("sw_up_writes", sw.up_writes)
dmasim.report("p2p_requests", rc.p2p_requests)
dmasim.report("msis", rc.msis)
dmasim.report("kind", a.kind)
dmasim.report("has_bridge", rc.bridge ~= nil and a.bridge == nil)
dmasim.report("rate", a.rate)
local mmu = sys:iommu{ bridge = rc.bridge, dir = "b_to_a" }
dmasim.report("iommu", mmu ~= nil)

local function err(f)
  local ok, e = pcall(f)
  return ok and "no error" or tostring(e)
end
local s2 = dmasim.system{}
local r2 = s2:pcie_root{}
dmasim.report("err_gen", err(function() s2:pcie_endpoint{ parent = r2, bar = { 0x80000000, 4096 }, gen = 7 } end))
dmasim.report("err_width", err(function() s2:pcie_endpoint{ parent = r2, bar = { 0x80000000, 4096 }, width = 3 } end))
dmasim.report("err_mps", err(function() s2:pcie_endpoint{ parent = r2, bar = { 0x80000000, 4096 }, mps = 100 } end))
dmasim.report("err_bar", err(function() s2:pcie_endpoint{ parent = r2 } end))
dmasim.report("err_parent", err(function() s2:pcie_endpoint{ parent = s2.bus, bar = { 0x80000000, 4096 } } end))
dmasim.report("err_skp", err(function() s2:pcie_endpoint{ parent = r2, bar = { 0x80000000, 4096 }, skp_interval = 400 } end))
dmasim.report("err_field", err(function() s2:pcie_switch{ parent = r2, window = { 0x80000000, 4096 }, lanes = 4 } end))
