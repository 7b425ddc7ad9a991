-- A correct receive through a bounce buffer: the device reaches only the
-- first 1 MiB, so the buffer at 2 MiB is bounced; the data still arrives.
local zoo = require "zoo"
local z = zoo.new{ mask = "1MiB", bounce_base = 0xC0000,
                   bounce_size = "64KiB" }
local ok = true
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  assert(h ~= zoo.BUF)
  z:dev_write(h, zoo.LEN)
  z.dev:sync_for_cpu(h, zoo.LEN, "from_device")
  ok = ok and z:cpu_sees_src(zoo.BUF, zoo.LEN)
  z.dev:unmap_single(h, zoo.LEN, "from_device")
  z.dev:teardown()
end)
dmasim.report("data_ok", ok and 1 or 0)
dmasim.report("bounces", z.dev.bounces)
