-- A device passed through to a virtual machine.
--
-- Claim (the seed): if the administrator configures the IOMMU with a
-- wide-open identity map for a device passed through to a guest, the
-- guest can command the device to read host kernel memory, breaking the
-- isolation between guest and host; a per-guest domain (guest-physical
-- addresses translated into the guest's own memory) keeps it out.
--
-- The machine: a CPU and 2 GiB of DRAM on the memory bus; the host's
-- kernel keeps a secret at host-physical 1 MiB; the guest's memory is
-- the 64 MiB at host-physical 1 GiB, and the guest keeps its own data at
-- guest-physical 1 MiB.  On the I/O bus, behind the IOMMU, the passed-
-- through device: a DMA engine and an output FIFO the guest reads.  The
-- guest's driver asks the device to send it 256 bytes from guest-physical
-- 1 MiB: with the identity map that address is the host's secret; with
-- the guest's domain (guest-physical to host-physical, 2 MiB pages) it is
-- the guest's own data.
local iopt = require "iopt"

local p = dmasim.params{ bytes = 256 }
dmasim.expect(p.bytes >= 1 and p.bytes <= 4096, "bytes", p.bytes, "1 to 4096")

local MiB, GiB = 1024 * 1024, 1024 * 1024 * 1024
local HOST_SECRET, GUEST_BASE, GUEST_SIZE, GPA = 1 * MiB, 1 * GiB, 64 * MiB, 1 * MiB
local R = dmasim.dma_regs

local function run(identity)
  local sys = dmasim.system{ name = identity and "identity" or "per_guest" }
  local io = sys:bus{ name = "io", clock = "500MHz", width = 8 }
  local mem = sys:memory{ size = "2GiB", latency = "50ns" }
  local cpu = sys:cpu{ clock = "2GHz" }
  local dma = sys:dma{ bus = io, base = 0x80000000, burst = 64 }
  local out = sys:device{ bus = io, base = 0x90000000, output = true, size = p.bytes }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = "20ns",
                         a_to_b = { { 0x80000000, "512MiB" } },
                         b_to_a = { { 0, "2GiB" } } }
  local mmu = sys:iommu{ bridge = br }
  mem:fill(HOST_SECRET, p.bytes, 99)
  mem:fill(GUEST_BASE + GPA, p.bytes, 7)
  local ch = dma:channel(0)
  sys:spawn(function()
    -- the hypervisor sets up the device's domain
    local d
    if identity then
      d = mmu:domain{ identity = true }
    else
      local pt = iopt.new(cpu, 0x80000, 4)
      for off = 0, GUEST_SIZE - 1, 2 * MiB do
        pt:map_large(off, GUEST_BASE + off, "rw")
      end
      d = mmu:domain{ root = pt.root }
    end
    mmu:attach(ch, d)
    mmu:enable(true)
    -- the guest's driver: guest-physical addresses
    cpu:write64(dma.base + R.SRC_LO, GPA)
    cpu:write64(dma.base + R.DST_LO, out.data)
    cpu:write32(dma.base + R.LEN, p.bytes)
    cpu:write32(dma.base + R.CTRL, R.CTRL_START | R.CTRL_DST_FIXED)
    cpu:read32(dma.base + R.STATUS)
    ch:wait()
  end)
  sys:run()
  local got = out:received(0, p.bytes)
  return { host = got == mem:read(HOST_SECRET, p.bytes),
           guest = got == mem:read(GUEST_BASE + GPA, p.bytes) }
end

local open, isolated = run(true), run(false)
dmasim.report("identity_map_reads_host_secret", open.host)
dmasim.report("per_guest_domain_reads_host_secret", isolated.host)
dmasim.report("per_guest_domain_reads_guest_data", isolated.guest)
dmasim.claim{ id = "vm_passthrough.identity_leaks",
  kind = "check",
  claim = "with an identity map the guest's device reads the host's secret",
  model = true, simulated = open.host }
dmasim.claim{ id = "vm_passthrough.domain_isolates",
  kind = "check",
  claim = "with a per-guest domain the same request reads the guest's own memory",
  model = true, simulated = isolated.guest and not isolated.host }
