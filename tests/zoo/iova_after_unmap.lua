-- IOVA_AFTER_UNMAP: lazy invalidation; the device writes to the I/O
-- address of a buffer after the driver unmapped it, and the stale IOTLB
-- entry lets the write through.
local zoo = require "zoo_iommu"
local z = zoo.new{ lazy = true }
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, zoo.LEN)
  z.dev:unmap_single(h, zoo.LEN, "from_device")
  z:dev_write(h, 64)
end)
