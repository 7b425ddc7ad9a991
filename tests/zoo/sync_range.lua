-- SYNC_RANGE: a sync that runs past the end of the mapping.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z.dev:sync_for_cpu(h + 1024, zoo.LEN, "from_device")
  z.dev:unmap_single(h, zoo.LEN, "from_device")
end)
