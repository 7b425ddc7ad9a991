-- SHARED_LINE: two receive buffers packed into one cache line.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local a = z.dev:map_single(zoo.BUF, 96, "from_device")
  assert(not z.dev:mapping_error(a))
  local b = z.dev:map_single(zoo.BUF + 96, 96, "from_device")
  assert(not z.dev:mapping_error(b))
  z.dev:unmap_single(b, 96, "from_device")
  z.dev:unmap_single(a, 96, "from_device")
end)
