-- A correct use of a coherent allocation (non-cacheable on this
-- non-coherent machine): no syncs needed, both sides see each other's data.
local zoo = require "zoo"
local z = zoo.new()
local ok = true
z:run(function()
  local cpu_addr, dma = z.dev:alloc_coherent(8192)
  assert(cpu_addr)
  z:dev_write(dma, 4096)
  ok = ok and z:cpu_sees_src(cpu_addr, 4096)
  z.cpu:store(cpu_addr + 4096, string.rep("c", 4096))
  z:dev_read(dma + 4096, 4096)
  ok = ok and z.mem:read(zoo.SINK, 4096) == string.rep("c", 4096)
  z.dev:free_coherent(cpu_addr, 8192, dma)
  z.dev:teardown()
end)
dmasim.report("data_ok", ok and 1 or 0)
