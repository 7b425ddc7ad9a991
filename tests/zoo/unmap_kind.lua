-- UNMAP_KIND: a map_single undone with unmap_sg.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "to_device")
  assert(not z.dev:mapping_error(h))
  z.dev:unmap_sg({ h }, 1, "to_device")
end)
