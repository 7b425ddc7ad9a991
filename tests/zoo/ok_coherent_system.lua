-- A correct receive on a coherent interconnect: the same driver as ok_rx;
-- the hardware keeps the cache coherent, the syncs cost only bookkeeping.
local zoo = require "zoo"
local z = zoo.new{ coherent = true }
local ok = true
z:run(function()
  z.cpu:load(zoo.BUF, zoo.LEN)       -- cached before the device writes
  local h = z.dev:map_single(zoo.BUF, zoo.LEN, "bidirectional")
  assert(not z.dev:mapping_error(h))
  z:dev_write(h, zoo.LEN)
  z.dev:sync_for_cpu(h, zoo.LEN, "bidirectional")
  ok = ok and z:cpu_sees_src(zoo.BUF, zoo.LEN)
  z.dev:unmap_single(h, zoo.LEN, "bidirectional")
  z.dev:teardown()
end)
dmasim.report("data_ok", ok and 1 or 0)
