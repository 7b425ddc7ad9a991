-- iopt: I/O page tables for an IOMMU (the format of src/hw/iommu.h: three
-- levels of 512 eight-byte entries over a 39-bit I/O address; bit 0 R,
-- bit 1 W, bit 7 a 2 MiB page at level 1), kept by software: every entry
-- is written into memory by a CPU store, a bus transaction the CPU pays
-- for, as an OS would.
--
--   local iopt = require "iopt"
--   local pt = iopt.new(cpu, 0x80000, 16)   -- root + up to 15 more tables
--   pt:map(iova, pa, len, "rw")              -- from a process
--   mmu:domain{ root = pt.root }
local M = {}
M.__index = M

M.R, M.W, M.PS = 1, 2, 128
local PAGE, LARGE = 4096, 2 * 1024 * 1024

-- Tables live in [base, base + ntables * 4 KiB), the first one the root;
-- the area must be zero (memory starts zeroed).
function M.new(cpu, base, ntables)
  return setmetatable({ cpu = cpu, root = base, base = base,
                        next = base + PAGE, limit = base + ntables * PAGE,
                        tables = {} }, M)
end

local function index(iova, level)
  return (iova >> (12 + 9 * (2 - level))) & 511
end

-- The table below entry idx of table t (made when missing).
function M:child(t, idx)
  local key = t * 512 + idx
  local c = self.tables[key]
  if not c then
    if self.next >= self.limit then
      error("iopt: no room for another page table (expected more tables)")
    end
    c = self.next
    self.next = self.next + PAGE
    self.tables[key] = c
    self.cpu:write64(t + idx * 8, c | M.R | M.W)
  end
  return c
end

-- Map [iova, iova + len) to [pa, pa + len), 4 KiB pages ("r", "w", "rw").
function M:map(iova, pa, len, perm)
  local bits = (perm:find("r") and M.R or 0) | (perm:find("w") and M.W or 0)
  for off = 0, len - 1, PAGE do
    local v = iova + off
    local l1 = self:child(self.root, index(v, 0))
    local l2 = self:child(l1, index(v, 1))
    self.cpu:write64(l2 + index(v, 2) * 8, (pa + off) | bits)
  end
end

-- Map one 2 MiB page.
function M:map_large(iova, pa, perm)
  local bits = (perm:find("r") and M.R or 0) | (perm:find("w") and M.W or 0)
  local l1 = self:child(self.root, index(iova, 0))
  self.cpu:write64(l1 + index(iova, 1) * 8, pa | bits | M.PS)
end

-- Remove the 4 KiB mappings of [iova, iova + len) (the IOTLB may still
-- hold them: invalidate after).
function M:unmap(iova, len)
  for off = 0, len - 1, PAGE do
    local v = iova + off
    local l1 = self.tables[self.root * 512 + index(v, 0)]
    local l2 = l1 and self.tables[l1 * 512 + index(v, 1)]
    if l2 then self.cpu:write64(l2 + index(v, 2) * 8, 0) end
  end
end

return M
