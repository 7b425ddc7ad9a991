-- Correct use behind an IOMMU: whole pages mapped with the direction each
-- transfer needs, unmapped (strict) after the device is done; a receive
-- and a send.
local zoo = require "zoo_iommu"
local z = zoo.new{}
local ok = true
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, zoo.LEN)
  z.dev:unmap_single(h, zoo.LEN, "from_device")
  ok = ok and z.cpu:load(zoo.BUF, zoo.LEN) == z.src:expected(0, zoo.LEN)
  local t = z.dev:map_single(zoo.BUF, zoo.LEN, "to_device")
  assert(not z.dev:mapping_error(t))
  z:dev_read(t, zoo.LEN)
  z.dev:unmap_single(t, zoo.LEN, "to_device")
  ok = ok and z.sink:received(0, zoo.LEN) == z.cpu:load(zoo.BUF, zoo.LEN)
end)
dmasim.report("data_ok", ok and 1 or 0)
