local sys = dmasim.system{}
local m = sys:memory{ base = 0, size = "1MiB" }
local cpu = sys:cpu{}
local l1 = sys:cache{ cpu = cpu }
local dev = sys:dma_device{ cpu = cpu, cache = l1, pool_base = 0, pool_size = "64KiB" }
sys:spawn(function()
  cpu:store(64, "abcd")
  local h = dev:map_single(4096, 256, "from_device")
  dev:unmap_single(h, 256, "from_device")
  l1:flush(0, 1 << 20)
  sys:wait("10ns")
end)
sys:run()
dmasim.report("t", sys:now())
dmasim.claim{ id = "c", claim = "x", model = 1, simulated = 0/0, tolerance = 0 }
