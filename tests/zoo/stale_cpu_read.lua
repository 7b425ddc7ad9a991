-- STALE_CPU_READ: the CPU reads what the device wrote before syncing.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, zoo.LEN)
  z.cpu:load(zoo.BUF, 64)            -- before the sync: the bug
  z.dev:sync_for_cpu(h, zoo.LEN, "from_device")
  z.dev:unmap_single(h, zoo.LEN, "from_device")
end)
