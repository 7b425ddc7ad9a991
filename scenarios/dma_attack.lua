-- A DMA attack, and the IOMMU that stops it.
--
-- Claim (the seed): a device that can write anywhere in memory is a
-- security hole; the IOMMU is its passport control.  Without one, a
-- malicious device reads a secret in kernel memory and overwrites kernel
-- text; with one, whose page tables map only the device's own buffer,
-- every attempt is blocked (a fault logged and signalled) and no byte
-- leaks or changes.
--
-- The machine: a CPU and 64 MiB of DRAM on the memory bus; on the I/O
-- bus, the attacker: a peripheral with its own DMA engine, an input FIFO
-- (the payload it wants to plant) and an output FIFO (where it sends what
-- it steals).  The I/O bus reaches DRAM through a bridge; the IOMMU sits
-- on that way.  The kernel keeps a 256-byte secret at 1 MiB and its text
-- at 2 MiB; the device's legitimate buffer is 4 KiB at 3 MiB, mapped at
-- I/O address 0x10000 by page tables the kernel writes with CPU stores.
-- The device's firmware (a process) programs its DMA engine to copy the
-- secret out, and its payload over the text, both at their physical
-- addresses, and also does its legitimate job (a copy into its buffer
-- through the I/O address).
--
-- ATS (PCIe Address Translation Services): a device may send requests
-- marked "already translated", and an IOMMU that trusts the device lets
-- them through unchecked.  Twice more with the IOMMU on: the attacker
-- marks its copies translated (dma_regs.CTRL_TRANSLATED), once to an
-- IOMMU trusting its ATS (the attack succeeds as if there were no IOMMU:
-- the weakness Thunderclap, NDSS 2019, found in trusting ATS) and once to
-- one that does not (every such request faults).
local iopt = require "iopt"

local p = dmasim.params{ secret = 256, payload = 512 }
dmasim.expect(p.secret >= 1 and p.secret <= 4096, "secret", p.secret, "1 to 4096 bytes")
dmasim.expect(p.payload >= 1 and p.payload <= 4096, "payload", p.payload, "1 to 4096 bytes")

local SECRET, TEXT, BUF, IOVA, PT = 0x100000, 0x200000, 0x300000, 0x10000, 0x80000
local R = dmasim.dma_regs

local function attack(with_iommu, ats)
  local sys = dmasim.system{ name = ats and "ats_" .. ats or with_iommu and "protected" or "open" }
  local io = sys:bus{ name = "io", clock = "500MHz", width = 8 }
  local mem = sys:memory{ size = "64MiB", latency = "50ns" }
  local cpu = sys:cpu{ clock = "2GHz" }
  local dma = sys:dma{ bus = io, base = 0x40000000, burst = 64 }
  local loot = sys:device{ bus = io, base = 0x50000000, output = true, size = p.secret }
  local payload = sys:device{ bus = io, base = 0x50001000, size = p.payload, seed = 66 }
  local good = sys:device{ bus = io, base = 0x50002000, size = 4096, seed = 7 }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = "20ns",
                         a_to_b = { { 0x40000000, "512MiB" } },
                         b_to_a = { { 0, "64MiB" } } }
  local mmu = sys:iommu{ bridge = br, dir = "b_to_a" }
  mem:fill(SECRET, p.secret, 1234)
  mem:fill(TEXT, p.payload, 4321)
  local secret, text = mem:read(SECRET, p.secret), mem:read(TEXT, p.payload)
  local ch = dma:channel(0)
  local function copy(src, dst, len, flags)
    cpu:write64(dma.base + R.SRC_LO, src)
    cpu:write64(dma.base + R.DST_LO, dst)
    cpu:write32(dma.base + R.LEN, len)
    cpu:write32(dma.base + R.CTRL, R.CTRL_START | (flags or 0))
    cpu:read32(dma.base + R.STATUS)       -- push the posted writes through
    ch:wait()
    cpu:read32(dma.base + R.STATUS)       -- and the device's, back
  end
  sys:spawn(function()
    -- the kernel: the device's buffer mapped, the IOMMU turned on
    local pt = iopt.new(cpu, PT, 8)
    pt:map(IOVA, BUF, 4096, "rw")
    if with_iommu then
      mmu:attach(ch, mmu:domain{ root = pt.root }, ats == "trusted")
      mmu:enable(true)
    end
    -- the device: its job, then the attack
    copy(good.data, IOVA, 4096, R.CTRL_SRC_FIXED)
    local at = ats and R.CTRL_TRANSLATED or 0
    copy(SECRET, loot.data, p.secret, R.CTRL_DST_FIXED | at)
    copy(payload.data, TEXT, p.payload, R.CTRL_SRC_FIXED | at)
  end)
  sys:run()
  local stolen = loot:received(0, p.secret)
  local leaked = 0
  for i = 1, p.secret do
    if stolen:byte(i) == secret:byte(i) and stolen:byte(i) ~= 0 then leaked = leaked + 1 end
  end
  local after = mem:read(TEXT, p.payload)
  local changed = 0
  for i = 1, p.payload do
    if after:byte(i) ~= text:byte(i) then changed = changed + 1 end
  end
  local job_dst = with_iommu and BUF or IOVA
  return { leaked = leaked, changed = changed, faults = mmu.faults,
           job_ok = mem:read(job_dst, 4096) == good:expected(0, 4096),
           first = mmu:fault(1), stolen = stolen, secret = secret }
end

-- The first 16 bytes of s, in hex: what the device carried off.
local function head(s)
  return (s:sub(1, 16):gsub(".", function(c)
    return string.format("%02x", c:byte())
  end))
end

local open, shut = attack(false), attack(true)
local trusting, wary = attack(true, "trusted"), attack(true, "untrusted")
dmasim.report("open_secret_bytes_leaked", open.leaked, "bytes")
dmasim.report("open_text_bytes_changed", open.changed, "bytes")
dmasim.report("iommu_secret_bytes_leaked", shut.leaked, "bytes")
dmasim.report("iommu_text_bytes_changed", shut.changed, "bytes")
dmasim.report("secret_head", head(open.secret))
dmasim.report("open_stolen_head", head(open.stolen))
dmasim.report("iommu_stolen_head", head(shut.stolen))
dmasim.report("iommu_faults", shut.faults)
dmasim.report("iommu_device_job_intact", shut.job_ok)
if shut.first then
  dmasim.report("first_fault", string.format("%s at %#x by %s (%s)",
    shut.first.write and "write" or "read", shut.first.iova, shut.first.device,
    shut.first.reason))
end

dmasim.claim{ id = "dma_attack.open_leak",
  claim = "without an IOMMU the device reads every byte of the secret",
  model = p.secret, simulated = open.leaked, tolerance = 0, unit = "bytes" }
dmasim.claim{ id = "dma_attack.open_overwrite",
  claim = "without an IOMMU the device overwrites kernel text",
  model = p.payload, simulated = open.changed, tolerance = 0.02, unit = "bytes" }
dmasim.claim{ id = "dma_attack.iommu_leak",
  claim = "with an IOMMU no byte of the secret leaks",
  model = 0, simulated = shut.leaked, tolerance = 0, unit = "bytes" }
dmasim.claim{ id = "dma_attack.iommu_overwrite",
  claim = "with an IOMMU no byte of kernel text changes",
  model = 0, simulated = shut.changed, tolerance = 0, unit = "bytes" }
dmasim.claim{ id = "dma_attack.iommu_job",
  kind = "check",
  claim = "with an IOMMU the device's own buffer still gets its data",
  model = true, simulated = shut.job_ok }

dmasim.report("ats_trusted_secret_bytes_leaked", trusting.leaked, "bytes")
dmasim.report("ats_untrusted_secret_bytes_leaked", wary.leaked, "bytes")
dmasim.report("ats_untrusted_faults", wary.faults)
dmasim.claim{ id = "dma_attack.ats_trusted",
  claim = "an IOMMU trusting the device's translated requests lets the attack through: every byte of the secret leaks, the text is overwritten",
  model = p.secret + p.payload, simulated = trusting.leaked + trusting.changed,
  tolerance = 0.02, unit = "bytes" }
dmasim.claim{ id = "dma_attack.ats_untrusted",
  claim = "an IOMMU not trusting them faults every translated request: nothing leaks or changes",
  model = 0, simulated = wary.leaked + wary.changed, tolerance = 0, unit = "bytes" }
