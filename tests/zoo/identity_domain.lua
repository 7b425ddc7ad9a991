-- IDENTITY_DOMAIN: the device is moved into a passthrough (identity-
-- mapped) domain, as an administrator might do for a device given to a
-- guest; it then writes straight to a physical address, unchecked.
local zoo = require "zoo_iommu"
local z = zoo.new{}
z.mmu:attach(z.ch, z.mmu:domain{ identity = true })
z:run(function()
  z:dev_write(zoo.BUF, 64)
end)
