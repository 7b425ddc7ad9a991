-- MAP_UNCHECKED: the device is given a mapping nobody checked for an error.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  z:dev_write(h, zoo.LEN)
  z.dev:unmap_single(h, zoo.LEN, "from_device")
  assert(z:cpu_sees_src(zoo.BUF, zoo.LEN))
end)
