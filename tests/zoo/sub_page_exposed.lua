-- SUB_PAGE_EXPOSED: a 256-byte buffer mapped through the IOMMU for a
-- trusted device: the rest of its 4 KiB page is reachable too.
local zoo = require "zoo_iommu"
local z = zoo.new{}
z:run(function()
  local h = z.dev:map_single(zoo.BUF, 256, "from_device")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, 256)
  z.dev:unmap_single(h, 256, "from_device")
end)
