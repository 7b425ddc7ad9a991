-- SYNC_UNKNOWN: syncing a bus address that is not mapped.
local zoo = require "zoo"
local z = zoo.new()
z:run(function()
  z.dev:sync_for_cpu(zoo.BUF, zoo.LEN, "from_device")
end)
