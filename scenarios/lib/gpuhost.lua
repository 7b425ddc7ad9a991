-- gpuhost: a host with a GPU on a PCIe link, and the closed-form models
-- of its copies, shared by the GPU scenarios so that their models and
-- simulations read the same parameters.
--
--   local gh = require "gpuhost"
--   local m = gh.build(p)   -- m.sys, m.mem, m.cpu, m.gpu, m.remote_mem
--   gh.link_rate(p), gh.stage_rate(p), gh.pinned_time(p, size, to_dev)
--
-- The host: a CPU and a memory bus at bus_clock, bus_width bytes wide
-- (socket 0's memory, 1 GiB at 0); with p.remote, socket 1's memory (1 GiB
-- at 4 GiB) on a bus of its own, joined to socket 0's by an inter-socket
-- bridge (socket_latency each way, socket_queue transactions in flight,
-- writes non-posted: a remote write needs its completion).  The GPU's
-- link and driver take the parameters of sys:gpu{} below.
local M = {}

M.defaults = {
  cpu_clock = "2GHz", bus_clock = "2GHz", bus_width = 64,
  gen = 3, lanes = 16, mps = 128, tlp_overhead = 24,
  link_latency = "500ns", outstanding = 64,
  inflight = 32, piece = "4KiB", ce_setup = "1us", launch = "3us",
  call = "6.5us", desc = "0.5us", desc_max = "1MiB",
  pin_page = "62ns", register_page = "350ns", pin_budget = "1GiB",
  bounce_size = "1MiB", bounce_count = 2, stage_piece = "4KiB",
  stage_cycles = 8,
  socket_latency = "500ns", socket_queue = 16,
}

M.HOST_POOL = 0x10000000      -- host_alloc's pool: 256 MiB at 256 MiB
M.PAGEABLE = 0x20000000       -- pageable buffers from 512 MiB
M.BOUNCE = 0x01000000         -- the driver's staging buffers at 16 MiB
M.REMOTE = 0x100000000        -- socket 1's memory at 4 GiB

function M.params(p)
  local q = {}
  for k, v in dmasim.sorted(M.defaults) do q[k] = v end
  for k, v in dmasim.sorted(p or {}) do q[k] = v end
  return q
end

-- PCIe: GT/s and line coding by generation (PCI Express Base
-- Specification: 8b/10b for 1 and 2, 128b/130b from 3).
local GTS = { 2.5, 5, 8, 16, 32 }
function M.coding(gen) return gen <= 2 and 8 / 10 or 128 / 130 end

-- The link's data rate (bytes/s): lanes * GT/s * coding / 8, less the
-- TLP's header and framing: mps / (mps + tlp_overhead).
function M.link_rate(p)
  local mps, ovh = dmasim.size(p.mps), dmasim.size(p.tlp_overhead)
  return p.lanes * GTS[p.gen] * 1e9 * M.coding(p.gen) / 8 * mps / (mps + ovh)
end

-- The host memory path (bytes/s).
function M.host_rate(p)
  return dmasim.freq(p.bus_clock) * p.bus_width
end

-- The CPU's staging copy (bytes/s): per stage_piece, a load and a store on
-- the memory bus and stage_cycles per 64 bytes of copy loop.
function M.stage_rate(p)
  local n = dmasim.size(p.stage_piece)
  local t = 2 * n / M.host_rate(p)
            + math.ceil(n / 64) * p.stage_cycles / dmasim.freq(p.cpu_clock)
  return n / t
end

local function s(x) return dmasim.time(x) / 1e12 end

-- A pinned copy of size bytes (s): the call and its descriptors, then per
-- descriptor the copy engine's set-up and the pipeline filled (a read's
-- round trip to the device: 2 link latencies), then the data at the
-- link's rate (a read costs one address cycle per piece on the link).
function M.pinned_time(p, size, to_dev)
  local dmax = dmasim.size(p.desc_max)
  local n = math.ceil(size / dmax)
  local piece = dmasim.size(p.piece)
  local R = M.link_rate(p)
  local t = s(p.call) + n * s(p.desc) + n * s(p.ce_setup)
  if to_dev then
    local cyc = piece / p.lanes           -- link cycles of a piece's data
    R = R * cyc / (cyc + 1)
  end
  -- to the device the first read's round trip; from it, the read that
  -- flushes the posted writes
  t = t + n * 2 * s(p.link_latency)
  return t + size / R
end

-- A pageable copy (s): staged chunk by chunk while the previous chunk's
-- DMA runs, so the slower of the CPU copy and the link sets the pace; to
-- the device, the last chunk's DMA is exposed, from it the first one.
function M.pageable_time(p, size, to_dev)
  local c = math.min(dmasim.size(p.bounce_size), size)
  local n = math.ceil(size / c)
  local S, R = M.stage_rate(p), M.link_rate(p)
  local per = math.max(c / S, c / R + s(p.ce_setup) + 2 * s(p.link_latency))
  local dma1 = s(p.ce_setup) + c / R + 2 * s(p.link_latency)
  return s(p.call) + n * s(p.desc) + (n - 1) * per + c / S + dma1
end

-- A remote-socket copy's bandwidth: the root port carries one
-- transaction at a time across the inter-socket link, each waiting for
-- its completion there (2 socket latencies, socket 1's memory, and the
-- data's beats on socket 0's bus).
function M.remote_rate(p)
  local piece = dmasim.size(p.piece)
  local cyc = 1 / dmasim.freq(p.bus_clock)
  local t = 2 * s(p.socket_latency) + piece / M.host_rate(p)
            + math.ceil(piece / p.bus_width) * cyc
  return piece / t
end

function M.build(p)
  local sys = dmasim.system{ bus = { clock = p.bus_clock, width = p.bus_width } }
  local mem = sys:memory{ base = 0, size = "1GiB" }
  local cpu = sys:cpu{ clock = p.cpu_clock }
  local m = { sys = sys, mem = mem, cpu = cpu }
  if p.remote then
    local b1 = sys:bus{ name = "socket1", clock = p.bus_clock,
                        width = p.bus_width }
    m.remote_mem = sys:memory{ bus = b1, base = M.REMOTE, size = "1GiB" }
    sys:bridge{ name = "upi", a = sys.system_bus, b = b1,
                latency = p.socket_latency, queue = p.socket_queue,
                posted = false, a_to_b = { { M.REMOTE, 1 << 30 } } }
  end
  m.gpu = sys:gpu{ cpu = cpu, gen = p.gen, lanes = p.lanes, mps = p.mps,
                   tlp_overhead = p.tlp_overhead,
                   link_latency = p.link_latency,
                   outstanding = p.outstanding, inflight = p.inflight,
                   piece = p.piece, ce_setup = p.ce_setup, launch = p.launch,
                   call = p.call, desc = p.desc, desc_max = p.desc_max,
                   pin_page = p.pin_page, register_page = p.register_page,
                   pin_budget = p.pin_budget, host_base = M.HOST_POOL,
                   host_size = "256MiB", bounce_base = M.BOUNCE,
                   bounce_size = p.bounce_size, bounce_count = p.bounce_count,
                   stage_piece = p.stage_piece, stage_cycles = p.stage_cycles,
                   mem_size = "512MiB" }
  return m
end

return M
