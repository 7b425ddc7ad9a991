-- UNMAP_DIR: unmapping with a different direction than was mapped.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z.dev:unmap_single(h, zoo.LEN, "to_device")
end)
