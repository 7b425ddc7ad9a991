-- CPU_WRITE_DEVICE_OWNED: the CPU writes a receive buffer while the device
-- owns it (its write is later discarded by the invalidate).
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z.cpu:store(zoo.BUF, string.rep("x", 64))
  z:dev_write(h, zoo.LEN)
  z.dev:sync_for_cpu(h, zoo.LEN, "from_device")
  z.dev:unmap_single(h, zoo.LEN, "from_device")
end)
