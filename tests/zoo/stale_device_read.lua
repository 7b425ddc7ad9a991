-- STALE_DEVICE_READ: the CPU writes a transmit buffer it took back with
-- sync_for_cpu and hands it to the device without sync_for_device; the
-- newest data is still dirty in the (non-coherent) cache.
local zoo = require "zoo"
local z = zoo.new()
z.mem:fill(zoo.BUF, zoo.LEN, 9)     -- the buffer's earlier contents
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "to_device")
  assert(not z.dev:mapping_error(h))
  z.dev:sync_for_cpu(h, zoo.LEN, "to_device")
  z.cpu:store(zoo.BUF, string.rep("x", 256))
  z:dev_read(h, zoo.LEN)             -- sync_for_device missing
  z.dev:unmap_single(h, zoo.LEN, "to_device")
end)
