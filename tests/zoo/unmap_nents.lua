-- UNMAP_NENTS: unmap_sg given fewer entries than map_sg mapped.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local b = zoo.BUF
  local dmas, n = z.dev:map_sg({ { b, 1024 }, { b + 4096, 1024 },
                                 { b + 8192, 1024 } }, "from_device")
  assert(n == 3)
  z.dev:unmap_sg(dmas, 2, "from_device")
end)
