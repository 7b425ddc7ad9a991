-- DEVICE_WRITE_TO_DEVICE: the device writes into a to-device mapping.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "to_device")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, zoo.LEN)
  z.dev:unmap_single(h, zoo.LEN, "to_device")
end)
