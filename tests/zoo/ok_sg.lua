-- A correct scatter-gather receive: three line-aligned pieces mapped
-- together, written by the device one by one, unmapped together.
local zoo = require "zoo"
local z = zoo.new()
local ok = true
z:run(function()
  local b = zoo.BUF
  local sg = { { b, 1024 }, { b + 8192, 512 }, { b + 3 * 4096 + 64, 2048 } }
  local dmas, n = z.dev:map_sg(sg, "from_device")
  assert(n == 3)
  for i = 1, n do z:dev_write(dmas[i], sg[i][2]) end
  z.dev:unmap_sg(dmas, n, "from_device")
  for i = 1, n do ok = ok and z:cpu_sees_src(sg[i][1], sg[i][2]) end
  z.dev:teardown()
end)
dmasim.report("data_ok", ok and 1 or 0)
