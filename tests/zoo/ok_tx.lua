-- A correct transmit: the CPU fills the buffer, maps it to the device
-- (which cleans it), the device reads it, the driver unmaps; then the CPU
-- takes a second buffer back with sync_for_cpu, rewrites it and hands it
-- over again with sync_for_device.
local zoo = require "zoo"
local z = zoo.new()
local ok = true
z:run(function()
  local data = string.rep("tx", zoo.LEN // 2)
  z.cpu:store(zoo.BUF, data)
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "to_device")
  assert(not z.dev:mapping_error(h))
  z:dev_read(h, zoo.LEN)
  ok = ok and z.mem:read(zoo.SINK, zoo.LEN) == data
  z.dev:sync_for_cpu(h, zoo.LEN, "to_device")
  data = string.rep("TX", zoo.LEN // 2)
  z.cpu:store(zoo.BUF, data)
  z.dev:sync_for_device(h, zoo.LEN, "to_device")
  z:dev_read(h, zoo.LEN)
  ok = ok and z.mem:read(zoo.SINK, zoo.LEN) == data
  z.dev:unmap_single(h, zoo.LEN, "to_device")
  z.dev:teardown()
end)
dmasim.report("data_ok", ok and 1 or 0)
