-- DEVICE_OUTSIDE_MAPPING: the device is given an I/O address past the end
-- of its buffer's mapping; the IOMMU blocks it.
local zoo = require "zoo_iommu"
local z = zoo.new{}
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h + 2 * zoo.LEN, 64)
  z.dev:unmap_single(h, zoo.LEN, "from_device")
end)
