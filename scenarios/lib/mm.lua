-- mm: memory-manager calls as software makes them, on a CPU that pays for
-- them, and scatter-gather descriptor lists written into memory.
local R = dmasim.dma_regs
local M = {}

-- Pin (or unpin) [va, va + len) of address space `as` on `cpu`: the
-- handler's cycles for each page, and the memory work of the faults that
-- bring pages in (zero fills, page-table entries) as the CPU's stores.
-- `sys` is kept for the callers' sake.
function M.pin(sys, cpu, as, va, len)
  local _ = sys
  as:pin(va, len, cpu)
end

function M.unpin(cpu, as, va, len)
  cpu:busy((as:unpin(va, len)))
end

-- Write a descriptor chain for `segs` ({pa, len} destinations) reading from
-- `src` (a device FIFO when src_fixed) into memory at `at`, by CPU stores
-- (each a bus transaction).  Returns the address of the first descriptor.
function M.write_chain(cpu, at, src, segs, src_fixed)
  local flags = src_fixed and R.DESC_SRC_FIXED or 0
  local blob = {}
  local off = 0
  for i, s in ipairs(segs) do
    local next_desc = i < #segs and at + i * R.DESC_SIZE or 0
    blob[#blob + 1] = string.pack("<I8I8I4I4I8", src_fixed and src or src + off,
                                  s.pa, s.len, flags, next_desc)
    off = off + s.len
  end
  cpu:store(at, table.concat(blob))
  return at
end

return M
