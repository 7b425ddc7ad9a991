-- WIDE_PERMISSION: a buffer mapped bidirectional (readable and writable
-- by the device) that the device only writes.
local zoo = require "zoo_iommu"
local z = zoo.new{}
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "bidirectional")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, zoo.LEN)
  z.dev:unmap_single(h, zoo.LEN, "bidirectional")
end)
