-- LEAK: the driver is torn down with a mapping still alive.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z.dev:teardown()
end)
