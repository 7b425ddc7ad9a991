-- UNMAP_UNKNOWN: unmapping a bus address no map returned.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  z.dev:unmap_single(zoo.BUF, zoo.LEN, "from_device")
end)
