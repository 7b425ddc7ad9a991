-- Early boot: DMA before the OS turns the IOMMU on.
--
-- Claim (the seed): even with a perfectly configured IOMMU, there is a
-- window during the earliest moments of boot, before the OS has locked
-- everything down, when a device reaches memory untranslated.
--
-- The machine: a 2 GHz CPU and DRAM on the memory bus; on the I/O bus a
-- device whose firmware (a small CPU of its own) stores 8 bytes into
-- kernel memory every `period`, from power-on.  The OS boots: `boot`
-- instructions, then it writes the I/O page tables (three entries, CPU
-- stores), puts the firmware (a bus master, by its name) in a domain of
-- those tables, which map only the device's own buffer, and turns the
-- IOMMU on.  Before that, every store lands; after, every one into the
-- kernel is blocked, while a store to the device's buffer still lands,
-- translated.  The model, from the parameters alone: the
-- window is boot / f_cpu + 3 * (DRAM latency + one bus cycle); a store
-- reaches the IOMMU d = one I/O bus cycle + the crossing after it
-- starts, so the stores that land are those started before window - d.
local iopt = require "iopt"

local p = dmasim.params{ boot = 200000, period = "5us", crossing = "100ns",
                         mem_latency = "50ns", stores = 40 }
dmasim.expect(p.stores >= 2, "stores", p.stores, "2 or more")

local sys = dmasim.system{ bus = { clock = "1GHz" } }
local io = sys:bus{ name = "io", clock = "250MHz", width = 8 }
local mem = sys:memory{ size = "64MiB", latency = p.mem_latency }
local cpu = sys:cpu{ clock = "2GHz" }
local fw = sys:cpu{ name = "firmware", bus = io, clock = "250MHz" }
local br = sys:bridge{ a = sys.system_bus, b = io, latency = p.crossing,
                       b_to_a = { { 0, "64MiB" } } }
local mmu = sys:iommu{ bridge = br }
local KERNEL = 0x100000
local enabled_at

sys:spawn(function()               -- the OS
  cpu:compute(p.boot)
  local pt = iopt.new(cpu, 0x80000, 4)
  pt:map(0x10000, 0x300000, 4096, "rw")   -- a legitimate buffer
  mmu:attach("firmware", mmu:domain{ root = pt.root })
  mmu:enable(true)
  enabled_at = sys:now()
end)
local started = {}
sys:spawn(function()               -- the device's firmware
  local period = dmasim.time(p.period)
  for k = 0, p.stores - 1 do
    started[k] = sys:now()
    fw:write64(KERNEL + 8 * k, 0x4141414141414141)
    local next_at = (k + 1) * period
    if next_at > sys:now() then sys:wait(next_at - sys:now()) end
  end
  fw:write64(0x10000, 0x4242424242424242)  -- its own buffer, translated
end)
sys:run()

local landed = 0
for k = 0, p.stores - 1 do
  if string.unpack("<I8", mem:read(KERNEL + 8 * k, 8)) ~= 0 then landed = landed + 1 end
end
local window_model = p.boot * 500 + 3 * (dmasim.time(p.mem_latency) + 1000)   -- ps
local d = 4000 + dmasim.time(p.crossing)                                      -- ps
local period = dmasim.time(p.period)
local landed_model = math.min(p.stores, (window_model - d) // period + 1)

dmasim.report("iommu_enabled_at", enabled_at / 1e6, "us")
dmasim.report("window_model", window_model / 1e6, "us")
dmasim.report("stores_landed", landed)
dmasim.report("stores_blocked", mmu.faults)
local f = mmu:fault(1)
if f then
  dmasim.report("first_fault_at", f.time / 1e6, "us")
  dmasim.report("first_fault_reason", f.reason)
end
local own = string.unpack("<I8", mem:read(0x300000, 8)) == 0x4242424242424242
dmasim.report("own_buffer_reached", own)

dmasim.claim{ id = "early_boot.window",
  claim = "the device reaches memory until the OS turns the IOMMU on",
  model = window_model / 1e6, simulated = enabled_at / 1e6, tolerance = 0.01,
  unit = "us" }
dmasim.claim{ id = "early_boot.landed",
  claim = "every store started inside the window lands, every later one is blocked",
  model = landed_model, simulated = landed, tolerance = 0, unit = "stores" }
dmasim.claim{ id = "early_boot.own_buffer",
  kind = "check",
  claim = "through its domain the device still reaches its own buffer (I/O address 0x10000 lands at 0x300000)",
  model = true, simulated = own }
dmasim.claim{ id = "early_boot.blocked",
  claim = "once on, the IOMMU blocks the rest",
  model = p.stores - landed_model, simulated = mmu.faults, tolerance = 0,
  unit = "stores" }
