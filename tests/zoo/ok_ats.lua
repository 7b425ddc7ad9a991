-- Correct: a device with an ATS translation cache, and a driver whose
-- unmaps also invalidate it (a device-TLB invalidation through the
-- IOMMU's queue); the device is done with each buffer before its unmap.
local zoo = require "zoo_iommu"
local z = zoo.new{ ats = true, ats_inval = true }
local ok = true
z:run(function()
  for k = 0, 1 do
    local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
    assert(not z.dev:mapping_error(h))
    z:dev_write(h, zoo.LEN)
    z.dev:unmap_single(h, zoo.LEN, "from_device")
    ok = ok and z.cpu:load(zoo.BUF, zoo.LEN) == z.src:expected(k * zoo.LEN, zoo.LEN)
  end
  local t = z.dev:map_single(zoo.BUF, zoo.LEN, "to_device")
  assert(not z.dev:mapping_error(t))
  z:dev_read(t, zoo.LEN)
  z.dev:unmap_single(t, zoo.LEN, "to_device")
  ok = ok and z.sink:received(0, zoo.LEN) == z.cpu:load(zoo.BUF, zoo.LEN)
  -- each unmap dropped the page its transfer cached, and asked again
  ok = ok and z.dma.atc_invalidations == 3 and z.dma.ats_requests == 3
end)
dmasim.report("data_ok", ok and 1 or 0)
