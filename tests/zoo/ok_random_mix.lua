-- A long seeded random mix of CPU and DMA traffic over several buffers,
-- every ownership hand-over done with the right sync: the CPU never sees
-- stale data, the device never reads stale data, and the sanitizer stays
-- silent.  Buffers are line-aligned and of several sizes; the small cache
-- (4 KiB) makes evictions and write-backs part of the mix.
local zoo = require "zoo"
-- drop = k > 0 leaves out every k-th sync_for_cpu: the mix must then see
-- stale data (a test that the mix can fail).
local p = dmasim.params{ seed = 12345, steps = 400, coherent = false,
                         drop = 0 }
local z = zoo.new{ coherent = p.coherent, cache_size = "4KiB" }
local x = p.seed
local function rnd(n)                  -- deterministic LCG, 1..n
  x = (x * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff
  return (x >> 33) % n + 1
end
local bufs = {}
for i = 1, 6 do
  bufs[i] = { addr = zoo.BUF + (i - 1) * 0x4000, len = 64 * (rnd(32) + 4) }
end
local ok, dev_ops, cpu_ops = true, 0, 0
z:run(function()
  local dirs = { "from_device", "to_device", "bidirectional" }
  for i, b in ipairs(bufs) do
    b.want = string.rep("\0", b.len)
    z.cpu:store(b.addr, b.want)          -- known contents, through the cache
    b.dir = dirs[(i - 1) % 3 + 1]
    b.h = z.dev:map_single(b.addr, b.len, b.dir)
    assert(not z.dev:mapping_error(b.h))
  end
  for step = 1, p.steps do
    local b = bufs[rnd(#bufs)]
    local off = 64 * (rnd(b.len // 64) - 1)
    local n = math.min(b.len - off, 64 * rnd(8))
    local what = rnd(3)
    if what == 1 and b.dir ~= "to_device" then
      -- the device writes part of it; the CPU syncs and checks the part
      local byte = step % 251
      z.mem:write(zoo.SRC, string.rep(string.char(byte), n))
      z:dev_write(b.h + off, n)
      dev_ops = dev_ops + 1
      if p.drop == 0 or dev_ops % p.drop ~= 0 then
        z.dev:sync_for_cpu(b.h + off, n, b.dir)
      end
      local got = z.cpu:load(b.addr + off, n)
      ok = ok and got == string.rep(string.char(byte), n)
      b.want = b.want:sub(1, off) .. got .. b.want:sub(off + n + 1)
      z.dev:sync_for_device(b.h + off, n, b.dir)
    elseif what == 2 and b.dir ~= "from_device" then
      -- the CPU takes it back, writes part, hands it over; the device reads
      local s = string.rep(string.char(rnd(250)), n)
      z.dev:sync_for_cpu(b.h, b.len, b.dir)
      z.cpu:store(b.addr + off, s)
      b.want = b.want:sub(1, off) .. s .. b.want:sub(off + n + 1)
      z.dev:sync_for_device(b.h, b.len, b.dir)
      z:dev_read(b.h, b.len)
      ok = ok and z.mem:read(zoo.SINK, b.len) == b.want
      cpu_ops = cpu_ops + 1
    else
      -- the CPU reads the whole buffer after taking it back
      z.dev:sync_for_cpu(b.h, b.len, b.dir)
      ok = ok and z.cpu:load(b.addr, b.len) == b.want
      z.dev:sync_for_device(b.h, b.len, b.dir)
    end
  end
  for _, b in ipairs(bufs) do
    z.dev:unmap_single(b.h, b.len, b.dir)
    ok = ok and z.cpu:load(b.addr, b.len) == b.want
  end
  z.dev:teardown()
end)
dmasim.report("data_ok", ok and 1 or 0)
dmasim.report("device_writes", dev_ops)
dmasim.report("cpu_writes", cpu_ops)
dmasim.report("evictions", z.l1.evictions)
dmasim.report("writebacks", z.l1.writebacks)
