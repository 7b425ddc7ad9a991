-- DEVICE_AFTER_UNMAP: the driver unmaps a receive buffer, but the device
-- still writes into it (its DMA was not stopped first): the CPU, which
-- now owns the buffer, reads bytes it never synced.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "from_device")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, zoo.LEN)
  z.dev:unmap_single(h, zoo.LEN, "from_device")
  z:dev_write(h, zoo.LEN)            -- after the unmap: the bug
end)
