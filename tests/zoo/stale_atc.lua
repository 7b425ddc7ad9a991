-- STALE_ATC: the device caches its translations (ATS) and the driver
-- unmaps strictly, but nothing invalidates the device's cache: its next
-- write goes translated, from the cache, to the unmapped page.
local zoo = require "zoo_iommu"
local z = zoo.new{ ats = true }
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, zoo.LEN)
  z.dev:unmap_single(h, zoo.LEN, "from_device")
  z:dev_write(h, 64)
end)
