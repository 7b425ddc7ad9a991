-- DEVICE_READ_UNWRITTEN: the driver hands the device a transmit buffer it
-- never filled: on a real machine the device sends whatever the
-- allocator's memory held.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "to_device")
  assert(not z.dev:mapping_error(h))
  z:dev_read(h, zoo.LEN)             -- nothing was written there: the bug
  z.dev:unmap_single(h, zoo.LEN, "to_device")
end)
