-- A correct receive loop: map, check, let the device write, sync for the
-- CPU, read, give the buffer back with sync for device, and again; unmap.
local zoo = require "zoo"
local z = zoo.new()
local ok = true
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  for i = 1, 3 do
    z:dev_write(h, zoo.LEN)
    z.dev:sync_for_cpu(h, zoo.LEN, "from_device")
    ok = ok and z:cpu_sees_src(zoo.BUF, zoo.LEN)
    if i < 3 then z.dev:sync_for_device(h, zoo.LEN, "from_device") end
  end
  z.dev:unmap_single(h, zoo.LEN, "from_device")
  ok = ok and z:cpu_sees_src(zoo.BUF, zoo.LEN)
  z.dev:teardown()
end)
dmasim.report("data_ok", ok and 1 or 0)
