-- UNMAP_SIZE: unmapping with a different size than was mapped.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z.dev:unmap_single(h, zoo.LEN // 2, "from_device")
end)
