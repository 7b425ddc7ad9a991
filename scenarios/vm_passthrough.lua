-- A device passed through to a virtual machine.
--
-- Claim (the seed): if the administrator configures the IOMMU with a
-- wide-open identity map for a device passed through to a guest, the
-- guest can command the device to read host kernel memory, breaking the
-- isolation between guest and host; a per-guest domain (guest-physical
-- addresses translated into the guest's own memory) keeps it out.
--
-- The machine: a CPU (the host's, running the hypervisor) and 2 GiB of
-- DRAM on the memory bus; the host's kernel keeps a secret at
-- host-physical 1 MiB.  The guest has a physical address space of its
-- own: its virtual CPU sits on a bus of its own whose way to memory goes
-- through a second-stage translation (an EPT: page tables in host memory,
-- walked one level a memory read, with a TLB), which the hypervisor fills
-- with 2 MiB pages: guest-physical [0, 64 MiB) is host-physical
-- [1 GiB, +64 MiB), and guest-physical 0x80000000 is the passed-through
-- device's registers.  The guest stores its data at guest-physical 1 MiB
-- and then tries a store beyond its memory.  On the I/O bus, behind the
-- IOMMU, the device: a DMA engine and an output FIFO.  The guest's driver
-- programs it, through its registers, to send it `bytes` bytes from
-- guest-physical 1 MiB: with the identity map that address is the host's
-- secret; with the guest's domain (the same tables as the second stage)
-- it is the guest's own data.  Model of the second stage's walks, from the
-- machine: one walk of two reads (the root's entry and the 2 MiB page's)
-- for each 2 MiB page the guest touches: its data's, the registers', and
-- the one beyond its memory, whose empty entry refuses the store.
local iopt = require "iopt"

local p = dmasim.params{ bytes = 256 }
dmasim.expect(p.bytes >= 1 and p.bytes <= 4096, "bytes", p.bytes, "1 to 4096")

local MiB, GiB = 1024 * 1024, 1024 * 1024 * 1024
local HOST_SECRET, GUEST_BASE, GUEST_SIZE, GPA = 1 * MiB, 1 * GiB, 64 * MiB, 1 * MiB
local REGS = 0x80000000          -- the device's registers, host and guest
local BEYOND = 128 * MiB         -- guest-physical, outside its memory
local R = dmasim.dma_regs

local function run(identity)
  local sys = dmasim.system{ name = identity and "identity" or "per_guest" }
  local io = sys:bus{ name = "io", clock = "500MHz", width = 8 }
  local gbus = sys:bus{ name = "guest", clock = "1GHz", width = 8 }
  local mem = sys:memory{ size = "2GiB", latency = "50ns" }
  local cpu = sys:cpu{ clock = "2GHz" }
  local vcpu = sys:cpu{ name = "vcpu", bus = gbus, clock = "2GHz" }
  local dma = sys:dma{ bus = io, base = REGS, burst = 64 }
  local out = sys:device{ bus = io, base = 0x90000000, output = true, size = p.bytes }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = "20ns",
                         a_to_b = { { 0x80000000, "512MiB" } },
                         b_to_a = { { 0, "2GiB" } } }
  local gbr = sys:bridge{ a = sys.system_bus, b = gbus, latency = "10ns",
                          b_to_a = { { 0, "2GiB" }, { 0x80000000, "512MiB" } } }
  local mmu = sys:iommu{ bridge = br }
  local ept = sys:iommu{ bridge = gbr, name = "ept" }
  mem:fill(HOST_SECRET, p.bytes, 99)
  local guest_data = string.rep("guest's own data", p.bytes // 16 + 1):sub(1, p.bytes)
  local ch = dma:channel(0)
  local r = {}
  sys:spawn(function()
    -- the hypervisor: the guest's second stage, then the device's domain,
    -- in table pages it zeroes first (an empty entry is a zero it wrote)
    cpu:store(0x80000, string.rep("\0", 4 * 4096))
    local pt = iopt.new(cpu, 0x80000, 4)
    for off = 0, GUEST_SIZE - 1, 2 * MiB do
      pt:map_large(off, GUEST_BASE + off, "rw")
    end
    pt:map_large(REGS, REGS, "rw")
    local d = ept:domain{ root = pt.root }
    ept:attach("vcpu", d)
    ept:enable(true)
    mmu:attach(ch, identity and mmu:domain{ identity = true }
                         or mmu:domain{ root = pt.root })
    mmu:enable(true)
    -- the guest: guest-physical addresses only
    vcpu:store(GPA, guest_data)
    vcpu:store(BEYOND, string.rep("X", 64))   -- posted: it faults silently
    vcpu:write64(REGS + R.SRC_LO, GPA)
    vcpu:write64(REGS + R.DST_LO, out.data)
    vcpu:write32(REGS + R.LEN, p.bytes)
    vcpu:write32(REGS + R.CTRL, R.CTRL_START | R.CTRL_DST_FIXED)
    vcpu:read32(REGS + R.STATUS)
    ch:wait()
  end)
  sys:run()
  local got = out:received(0, p.bytes)
  r.host = got == mem:read(HOST_SECRET, p.bytes)
  r.guest = got == guest_data
  r.landed = mem:read(GUEST_BASE + GPA, p.bytes) == guest_data
  local zero = string.rep("\0", 64)
  r.untouched = mem:read(BEYOND, 64) == zero and
    mem:read(GUEST_BASE + BEYOND, 64) == zero
  r.walk_reads, r.ept_faults = ept.walk_reads, ept.faults
  return r
end

local open, isolated = run(true), run(false)
dmasim.report("guest_data_at_host_physical", string.format("%#x", GUEST_BASE + GPA))
dmasim.report("second_stage_walk_reads", isolated.walk_reads)
dmasim.report("second_stage_faults", isolated.ept_faults)
dmasim.report("identity_map_reads_host_secret", open.host)
dmasim.report("per_guest_domain_reads_host_secret", isolated.host)
dmasim.report("per_guest_domain_reads_guest_data", isolated.guest)
dmasim.claim{ id = "vm_passthrough.guest_space",
  kind = "check",
  claim = "the guest's store to its physical 1 MiB lands in its own memory, at host 1 GiB + 1 MiB",
  model = true, simulated = open.landed and isolated.landed }
dmasim.claim{ id = "vm_passthrough.guest_confined",
  kind = "check",
  claim = "a guest store beyond its memory faults in the second stage; no byte changes",
  model = true, simulated = isolated.ept_faults == 1 and isolated.untouched }
dmasim.claim{ id = "vm_passthrough.second_stage_walks",
  claim = "the second stage walks once per 2 MiB page the guest touches, then hits",
  model = 3 * 2, simulated = isolated.walk_reads, tolerance = 0, unit = "reads" }
dmasim.claim{ id = "vm_passthrough.identity_leaks",
  kind = "check",
  claim = "with an identity map the guest's device reads the host's secret",
  model = true, simulated = open.host }
dmasim.claim{ id = "vm_passthrough.domain_isolates",
  kind = "check",
  claim = "with a per-guest domain the same request reads the guest's own memory",
  model = true, simulated = isolated.guest and not isolated.host }
