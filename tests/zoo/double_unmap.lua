-- DOUBLE_UNMAP: the same mapping unmapped twice.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z.dev:unmap_single(h, zoo.LEN, "from_device")
  z.dev:unmap_single(h, zoo.LEN, "from_device")
end)
