-- Sub-page exposure: an IOMMU maps whole pages, so a small buffer mapped
-- for a device exposes the rest of its page.
--
-- Claim (the seed; Markettos et al., "Thunderclap: Exploring
-- Vulnerabilities in Operating System IOMMU Protection via DMA from
-- Untrustworthy Peripherals", NDSS 2019): the IOMMU's unit of protection
-- is the 4 KiB page; a kernel buffer of a few hundred bytes shares its
-- page with unrelated objects, and a device given the buffer can read and
-- write them too.  The mitigation Linux adopted for untrusted devices
-- (drivers/iommu/dma-iommu.c with swiotlb) bounces such a buffer through
-- a slot of whole pages, zeroing the slot's rest, so the device reaches
-- nothing else; a buffer allocated in a page of its own also closes it,
-- at the price of the page.
--
-- The machine: a CPU and DRAM on the memory bus; on the I/O bus a
-- malicious NIC (a DMA engine with an input FIFO, its payload, and an
-- output FIFO, where it sends what it reads) behind the IOMMU.  The kernel
-- keeps a `buf`-byte packet buffer at the start of a page and another
-- object's `secret`-byte secret at offset 2048 of the same page.  The
-- driver maps the buffer to send it (to_device: the device may read), and
-- the device reads the whole page; it also tries to write the secret
-- through that read-only mapping; then the driver maps the buffer to
-- receive (from_device: the device may write) and the device writes a
-- whole page.  Three ways: the buffer mapped as it is ("shared"), moved
-- to a page of its own ("own_page"), bounced ("bounce": use_iommu
-- untrusted = true).  The CPU cycles of a map and unmap pair are reported
-- for each (the bounce copies are its price).
local p = dmasim.params{ buf = 256, secret = 256 }
dmasim.expect(p.buf >= 1 and p.buf <= 2048, "buf", p.buf, "1 to 2048 bytes")
dmasim.expect(p.secret >= 1 and p.secret <= 2048, "secret", p.secret,
              "1 to 2048 bytes")

local R = dmasim.dma_regs
local PAGE = 4096
local KPAGE, OWN, SECRET_AT, PT, BOUNCE = 0x300000, 0x310000, 2048, 0x80000, 0x600000

local function run(mode)
  local sys = dmasim.system{ name = mode }
  local io = sys:bus{ name = "io", clock = "500MHz", width = 8 }
  local mem = sys:memory{ size = "64MiB", latency = "50ns" }
  local cpu = sys:cpu{ clock = "2GHz" }
  local nic = sys:dma{ bus = io, base = 0x80000000, burst = 256 }
  local payload = sys:device{ bus = io, base = 0x90000000, size = PAGE, seed = 66 }
  local loot = sys:device{ bus = io, base = 0x90010000, size = PAGE, output = true }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = "50ns",
                         a_to_b = { { 0x80000000, "512MiB" } },
                         b_to_a = { { 0, "64MiB" } } }
  local mmu = sys:iommu{ bridge = br }
  local dev = sys:dma_device{ cpu = cpu, name = "nic", bounce_base = BOUNCE,
                              bounce_size = "64KiB", bounce_slot = PAGE }
  local ch = nic:channel(0)
  dev:use_iommu{ iommu = mmu, device = ch, memory = mem, pt_base = PT,
                 pt_size = "64KiB", untrusted = mode == "bounce" }
  mmu:enable(true)
  local buf = mode == "own_page" and OWN or KPAGE
  mem:fill(buf, p.buf, 77)
  mem:fill(KPAGE + SECRET_AT, p.secret, 1234)
  local secret = mem:read(KPAGE + SECRET_AT, p.secret)
  local packet = mem:read(buf, p.buf)
  local function copy(src, dst, len, flags)
    cpu:write64(nic.base + R.SRC_LO, src)
    cpu:write64(nic.base + R.DST_LO, dst)
    cpu:write32(nic.base + R.LEN, len)
    cpu:write32(nic.base + R.CTRL, R.CTRL_START | flags)
    cpu:read32(nic.base + R.STATUS)
    ch:wait()
    cpu:read32(nic.base + R.STATUS)
  end
  local r = {}
  sys:spawn(function()
    -- send: the device reads the buffer's whole page
    local c0 = cpu.busy_cycles
    local h = dev:map_single(buf, p.buf, "to_device")
    if dev:mapping_error(h) then error("mapping failed") end
    r.map_cycles = cpu.busy_cycles - c0
    local page = h & ~(PAGE - 1)
    copy(page, loot.data, PAGE, R.CTRL_DST_FIXED)
    -- and tries to write the secret through the read-only mapping
    local f0 = mmu.faults
    copy(payload.data, page + SECRET_AT, p.secret, R.CTRL_SRC_FIXED)
    r.ro_faults = mmu.faults - f0
    r.ro_changed = mem:read(KPAGE + SECRET_AT, p.secret) ~= secret
    c0 = cpu.busy_cycles
    dev:unmap_single(h, p.buf, "to_device")
    r.unmap_cycles = cpu.busy_cycles - c0
    -- receive: the device writes a whole page
    h = dev:map_single(buf, p.buf, "from_device")
    if dev:mapping_error(h) then error("mapping failed") end
    copy(payload.data, h & ~(PAGE - 1), PAGE, R.CTRL_SRC_FIXED)
    dev:unmap_single(h, p.buf, "from_device")
  end)
  sys:run()
  local stolen = loot:received(SECRET_AT, p.secret)
  local after = mem:read(KPAGE + SECRET_AT, p.secret)
  -- the send's bytes the device did not get (it read the page it was given)
  local sent = loot:received(0, p.buf)
  r.missed = 0
  for i = 1, p.buf do
    if sent:byte(i) ~= packet:byte(i) then r.missed = r.missed + 1 end
  end
  r.leaked, r.changed = 0, 0
  for i = 1, p.secret do
    if stolen:byte(i) == secret:byte(i) and secret:byte(i) ~= 0 then r.leaked = r.leaked + 1 end
    if after:byte(i) ~= secret:byte(i) then r.changed = r.changed + 1 end
  end
  r.ro_changed = r.ro_changed and 1 or 0
  -- the payload FIFO gave its first `secret` bytes to the blocked write
  r.received = mem:read(buf, p.buf) == payload:expected(p.secret, p.buf)
  r.bounces = dev.bounces
  return r
end

local modes = { "shared", "own_page", "bounce" }
local res = {}
local rows = {}
for _, m in ipairs(modes) do
  res[m] = run(m)
  local r = res[m]
  rows[#rows + 1] = { m, r.leaked, r.changed, r.ro_faults, r.map_cycles + r.unmap_cycles,
                      r.received and "yes" or "no" }
end
dmasim.table{ title = "What the device reaches of a small buffer's page",
  columns = { "mapping", "secret bytes read", "secret bytes overwritten",
              "faults on read-only write", "map+unmap CPU cycles", "packet received" },
  rows = rows }
for _, m in ipairs(modes) do
  dmasim.report(m .. "_secret_bytes_read", res[m].leaked, "bytes")
  dmasim.report(m .. "_secret_bytes_overwritten", res[m].changed, "bytes")
  dmasim.report(m .. "_map_unmap_cycles", res[m].map_cycles + res[m].unmap_cycles, "cycles")
end

dmasim.claim{ id = "sub_page.shared_read",
  claim = "a small buffer mapped as it is lets the device read the rest of its page: every byte of the other object's secret",
  model = p.secret, simulated = res.shared.leaked, tolerance = 0, unit = "bytes" }
dmasim.claim{ id = "sub_page.shared_write",
  claim = "mapped for receiving, it lets the device overwrite the secret",
  model = p.secret, simulated = res.shared.changed, tolerance = 0.02, unit = "bytes" }
dmasim.claim{ id = "sub_page.read_only_holds",
  kind = "check",
  claim = "a write through the read-only (to_device) mapping is blocked and changes nothing",
  model = false, simulated = res.shared.ro_changed == 1 or res.shared.ro_faults == 0 }
dmasim.claim{ id = "sub_page.own_page",
  claim = "a buffer in a page of its own: the device reads the buffer, and no byte of the secret (read or overwritten)",
  model = 0, simulated = res.own_page.leaked + res.own_page.changed + res.own_page.missed,
  tolerance = 0, unit = "bytes" }
dmasim.claim{ id = "sub_page.bounce",
  claim = "bouncing the buffer (an untrusted device) exposes no byte of the secret",
  model = 0, simulated = res.bounce.leaked + res.bounce.changed, tolerance = 0, unit = "bytes" }
dmasim.claim{ id = "sub_page.bounce_delivers",
  kind = "check",
  claim = "the bounced buffer still receives its packet",
  model = true, simulated = res.bounce.received and res.bounce.bounces == 2 }
