-- iq: an IOMMU's invalidation queue driven by software (the registers and
-- descriptors of src/hw/iommu_qi.h), as an OS does: each descriptor
-- written into the ring by CPU stores, the tail register written, the
-- status word of a wait descriptor polled with CPU loads.  Every step is
-- a bus transaction the CPU pays for.
--
--   local iq = require "iq"
--   local q = iq.new(cpu, regs, ring, 64, status)  -- from a process
--   q:range(domain, iova, len)   -- queue an IOTLB invalidation
--   q:domain(domain)             -- every entry of a domain
--   q:sync()                     -- a wait descriptor; ring; poll until done
local M = {}
M.__index = M

M.IQA, M.IQS, M.IQT, M.IQH, M.IQE = 0x00, 0x08, 0x10, 0x18, 0x1c
M.RANGE, M.DOMAIN, M.GLOBAL, M.WAIT = 1, 2, 3, 4
M.DESC = 32

-- regs: the queue's registers (system:iommu{qi_base}); ring: memory for
-- `entries` descriptors; status: a 4-byte word in memory for waits.
function M.new(cpu, regs, ring, entries, status)
  local q = setmetatable({ cpu = cpu, regs = regs, ring = ring, entries = entries,
                           status = status, tail = 0, seq = 0, polls = 0 }, M)
  cpu:write64(regs + M.IQA, ring)
  cpu:write32(regs + M.IQS, entries)
  return q
end

function M:put(type, dom, addr, len)
  local at = self.ring + self.tail * M.DESC
  self.cpu:store(at, string.pack("<I4I4I8I8I8", type, dom, addr, len or 0, 0))
  self.tail = (self.tail + 1) % self.entries
end

function M:range(dom, iova, len) self:put(M.RANGE, dom, iova, len) end
function M:domain(dom) self:put(M.DOMAIN, dom, 0, 0) end
function M:global() self:put(M.GLOBAL, 0, 0, 0) end

-- A wait descriptor after what is queued; hand the queue to the IOMMU
-- and poll the status word until the IOMMU has written it.
function M:sync()
  self.seq = self.seq + 1
  self:put(M.WAIT, self.seq, self.status, 0)
  self.cpu:write32(self.regs + M.IQT, self.tail)
  repeat
    self.polls = self.polls + 1
  until self.cpu:read32(self.status) == self.seq
end

return M
