-- SYNC_DIR: a sync with another direction than the mapping's.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z.dev:sync_for_cpu(h, zoo.LEN, "bidirectional")
  z.dev:unmap_single(h, zoo.LEN, "from_device")
end)
