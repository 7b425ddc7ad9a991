-- Correct use for an untrusted device: a 256-byte buffer in the middle of
-- a page is bounced through a slot of its own page, so it exposes nothing
-- else; the data still arrives.
local zoo = require "zoo_iommu"
local z = zoo.new{ untrusted = true }
local ok = true
z:run(function()
  local buf = zoo.BUF + 512
  local h = z.dev:map_single(buf, 256, "from_device")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, 256)
  z.dev:unmap_single(h, 256, "from_device")
  ok = ok and z.cpu:load(buf, 256) == z.src:expected(0, 256)
end)
dmasim.report("data_ok", ok and 1 or 0)
