-- A halo exchange: an iterative stencil over N GPU nodes in a 2-D grid.
-- Every iteration each node sends its four boundaries (halo bytes each)
-- to its neighbours (fewer on the grid's edges: no wrap-around), waits
-- for theirs, then runs its stencil kernel on the GPU.  Two paths for the
-- boundaries: GPUDirect RDMA (the NIC reads them from GPU memory and
-- writes the neighbour's GPU memory) and host-staged (a copy-engine copy
-- of the packed boundaries to pinned host memory, RDMA WRITEs from there
-- into the neighbours' host memory, then a copy of the halos to the GPU).
--
-- Each node is the machine of gpudirect.lua: CPU and DRAM, a PCIe root
-- complex and switch, the RDMA NIC (Gen3 x8) and the GPU (Gen3 x16)
-- below it, an FDR link to the cluster's switch.  One star switch joins
-- all N nodes: a model of a large non-blocking fabric (a fat tree with
-- full bisection bandwidth), in which a node's exchange meets contention
-- only at its own link and its neighbours' links, as here.  Every node is
-- a separate simulation; nodes meet only through frames.
--
-- Under MPI (`mpirun -n R dmasim run scenarios/halo_exchange.lua`, an MPI
-- build) the nodes are split over the ranks, node i on rank i mod R
-- (`partition` "cyclic").  "blocks" of the grid's rows keep more
-- neighbours on one rank, but the nodes drift out of step across the
-- grid, and a rank whose block is between exchanges then waits at every
-- barrier for one whose block is in one: at 1024 nodes, 1.6x on 2 ranks
-- against 2.2x cyclic.  What a node tells the others out of band (its
-- queue pairs, addresses and keys, and at the end its result) goes
-- through the cluster's board, so the results are those of one rank,
-- byte for byte.
--
-- Per neighbour a reliable-connected queue pair; a boundary is an RDMA
-- WRITE into the neighbour's halo slot (two slots, by the iteration's
-- parity, so a neighbour a step ahead never overwrites a halo still being
-- read) followed by a 4-byte SEND that the neighbour's CPU sees in its
-- completion queue, polled every `poll`.  The queue pairs' numbers, the
-- buffers' addresses and keys are exchanged out of band during set-up
-- (cl:publish, cl:lookup), as an MPI program's bootstrap does.
--
-- Model (parameters alone; k = the most neighbours any node has: 1 for
-- N = 2, 2 on a 2 x 2 grid, 3 on 4 x 2, 4 from 3 x 3 on):
--   iteration = kernel + exchange [+ the two staged copies]
--   kernel    = the launch call + the device's launch + compute
--   exchange  = posting 2k work requests + the first boundary's DMA
--               read + k boundaries on the wire (the node's own link,
--               then the switch's port to the neighbour: store and
--               forward adds one packet) + the far DMA write + the
--               completion seen (half a poll interval on average, and
--               the poll itself)
--   staged    = copy(4 halo) to the host + copy(4 halo) to the GPU
--               (call, descriptor, engine set-up, a round trip to host
--               memory, bytes at the link's rate)
-- The table shows the model against the simulation for every N; the
-- claims are at N.  The completion queue is polled every `poll`, and the
-- nodes run in step, so the time an exchange is seen is rounded up to a
-- poll: the 0.16 us each further neighbour's 1 KiB adds on the wire
-- mostly hides inside it (the model charges half a poll on average).
-- The simulator's own wall time and events per second are measured by
-- `make bench` (bench/run.sh) for N = 1024, 100 iterations; this
-- scenario reports the events, which are deterministic.
local verbs = require "verbs"
local p = dmasim.params{ nodes = 16, iters = 20, halo = "1KiB",
                         compute = "20us", poll = "1us", path = "both",
                         sweep = true, link_rate = "54.55Gb/s",
                         link_latency = "100ns", switch_latency = "100ns",
                         pcie_latency = "100ns", root_latency = "150ns",
                         proc = "50ns", bar_latency = "100ns",
                         run_order = "forward", partition = "cyclic" }
dmasim.expect(p.nodes >= 2 and p.nodes <= 4096, "nodes", p.nodes,
              "2 to 4096")
dmasim.expect(p.iters >= 2, "iters", p.iters, "2 or more")
dmasim.expect(p.path == "both" or p.path == "direct" or p.path == "staged",
              "path", p.path, "\"both\", \"direct\" or \"staged\"")
dmasim.expect(p.partition == "cyclic" or p.partition == "blocks" or
              p.partition == "none", "partition", p.partition,
              "\"cyclic\", \"blocks\" or \"none\"")
local H = dmasim.size(p.halo)
dmasim.expect(H >= 64 and H <= 1 << 20 and H % 64 == 0, "halo", p.halo,
              "64 B to 1 MiB, a multiple of 64")

local NICBAR, GPUMEM, HOSTPOOL = 0x80000000, 0xA0000000, 0x2000000
local RECVBUF = 0x1F00000
local RW = verbs.LOCAL_WRITE | verbs.REMOTE_WRITE | verbs.REMOTE_READ
local SETUP = 2e9           -- ps: every node's set-up is over by 2 ms

-- The grid: px x py, px >= py, px * py = n, as square as n allows.
local function grid(n)
  local py = math.floor(math.sqrt(n))
  while n % py ~= 0 do py = py - 1 end
  return n // py, py
end

-- The neighbours of node i: dir 0 left, 1 right, 2 up, 3 down (the
-- opposite of dir d is d ~ 1); nil off the grid's edge.
local function neighbours(i, px, py)
  local x, y = i % px, i // px
  return { [0] = x > 0 and i - 1 or nil, [1] = x < px - 1 and i + 1 or nil,
           [2] = y > 0 and i - px or nil, [3] = y < py - 1 and i + px or nil }
end

-- A node's GPU memory: the four packed boundaries it sends, then two
-- sets (by parity) of four halo slots; the same layout in pinned host
-- memory for the staged path.
local function send_at(base, d) return base + d * H end
local function recv_at(base, parity, d)
  return base + 4 * H + parity * 4 * H + d * H
end

-- The pattern of node i's boundary d (bytes that differ node to node).
local function boundary(i, d)
  local t = {}
  for k = 1, 64 do t[k] = string.char((i * 31 + d * 7 + k * 13) % 256) end
  return string.rep(table.concat(t), H // 64)
end

-- Whether node i's halos (in memory m at base, and, staged, on to the
-- GPU's at gbase) hold its neighbours' boundaries, of both parities.
local function halos_intact(nb, m, base, gm, gbase)
  local ok = true
  for d = 0, 3 do
    local j = nb[d]
    if j then
      local want = dmasim.hash(boundary(j, d ~ 1))
      for par = 0, 1 do
        ok = ok and m:hash(recv_at(base, par, d), H) == want
        if gm then ok = ok and gm:hash(recv_at(gbase, par, d), H) == want end
      end
    end
  end
  return ok
end

-- Build node i (system sys) of cluster cl on a px x py grid, and spawn
-- its software: set-up, the exchange of its queue pairs, buffers and
-- keys through the board, p.iters iterations, then its result on the
-- board ("t_end", "intact").
local function node(cl, i, sys, px, py, staged)
  local me = { nb = neighbours(i, px, py), qp = {} }
  me.mem = sys:memory{ name = "dram", size = "64MiB" }
  me.cpu = sys:cpu{ clock = "2GHz" }
  local rc = sys:pcie_root{ mmio = { 0x80000000, "1GiB" },
                            latency = p.root_latency }
  local sw = sys:pcie_switch{ parent = rc, window = { 0x80000000, "1GiB" },
                              latency = p.pcie_latency }
  local nep = sys:pcie_endpoint{ parent = sw, bar = { NICBAR, "1MiB" },
                                 width = 8, latency = p.pcie_latency }
  local gep = sys:pcie_endpoint{ parent = sw, bar = { GPUMEM, "256MiB" },
                                 width = 16, latency = p.pcie_latency }
  me.nic = sys:rnic{ bus = nep.bus, base = NICBAR, proc = p.proc,
                     timeout = "10ms" }
  me.gpu = sys:gpu{ cpu = me.cpu, pcie = gep, mem_base = GPUMEM,
                    mem_size = "256MiB", bar_latency = p.bar_latency,
                    host_base = HOSTPOOL, host_size = "16MiB" }
  me.d = me.gpu:malloc(12 * H)
  me.s = me.gpu:stream()
  for d = 0, 3 do me.gpu.mem:write(send_at(me.d, d), boundary(i, d)) end
  sys:spawn(function()
    local v = verbs.open(sys, me.cpu, me.nic)
    me.h = assert(me.gpu:host_alloc(12 * H))
    me.gmr = v:reg_mr_gpu(me.gpu, me.d, 12 * H, RW)
    me.hmr = v:reg_mr(me.h, 12 * H, RW)
    me.rmr = v:reg_mr(RECVBUF, 4096, RW)
    me.cq = v:create_cq(256)
    -- where a neighbour writes this node's halos, and with which key
    cl:publish(i, "halo", staged and me.h or me.d)
    cl:publish(i, "rkey", staged and me.hmr.key or me.gmr.key)
    for d = 0, 3 do
      if me.nb[d] then
        me.qp[d] = v:create_qp(me.cq, me.cq, { sq = 64, rq = 16 })
        cl:publish(i, "qp" .. d, me.qp[d].n)
        for k = 1, 8 do                   -- receives posted ahead
          v:post_recv(me.qp[d], { addr = RECVBUF + d * 64, len = 64,
                                  lkey = me.rmr.key, wr_id = d })
        end
      end
    end
    sys:wait(SETUP // 2 - sys:now())      -- every queue pair made
    local byqpn, peer = {}, {}
    for d = 0, 3 do
      local j = me.nb[d]
      if j then
        v:connect(me.qp[d], j, cl:lookup(j, "qp" .. (d ~ 1)))
        byqpn[me.qp[d].n] = d
        peer[d] = { halo = cl:lookup(j, "halo"), rkey = cl:lookup(j, "rkey") }
      end
    end
    sys:wait(SETUP - sys:now())           -- every node connected
    local got = { [0] = 0, 0, 0, 0 }
    for it = 1, p.iters do
      local par = it % 2
      local src, key = me.d, me.gmr.key
      if staged then
        me.s:copy{ dst = me.h, src = me.d, size = 4 * H }
        me.s:sync()
        src, key = me.h, me.hmr.key
      end
      for d = 0, 3 do
        if me.nb[d] then
          v:post_send(me.qp[d], { op = "write", laddr = send_at(src, d),
            len = H, lkey = key, raddr = recv_at(peer[d].halo, par, d ~ 1),
            rkey = peer[d].rkey, signaled = false })
          v:post_send(me.qp[d], { op = "send", len = 4, inline = true,
            data = string.pack("<I4", it), signaled = false })
        end
      end
      -- every neighbour's boundary of this iteration in
      local ready
      repeat
        local wc = v:poll_once(me.cq)
        if wc then
          local d = byqpn[wc.qpn]
          got[d] = got[d] + 1
          v:post_recv(me.qp[d], { addr = RECVBUF + d * 64, len = 64,
                                  lkey = me.rmr.key, wr_id = d })
        else
          ready = true
          for d = 0, 3 do
            if me.nb[d] and got[d] < it then ready = false end
          end
          if not ready then sys:wait(p.poll) end
        end
      until ready and not wc
      if staged then
        me.s:copy{ dst = recv_at(me.d, par, 0),
                   src = recv_at(me.h, par, 0), size = 4 * H }
        me.s:sync()
      end
      me.s:kernel{ input = recv_at(me.d, par, 0), in_size = 4 * H,
                   time = p.compute }
      me.s:sync()
    end
    cl:publish(i, "t_end", sys:now())
    if staged then     -- in host memory, and on to the GPU's halos
      cl:publish(i, "intact", halos_intact(me.nb, me.mem, me.h,
                                           me.gpu.mem, me.d))
    else
      cl:publish(i, "intact", halos_intact(me.nb, me.gpu.mem, me.d))
    end
  end)
end

-- Run n nodes for iters iterations on path; returns the time per
-- iteration (s, the slowest node's), whether every halo holds its
-- neighbour's boundary, and the cluster's counters.
local function run(n, path)
  local px, py = grid(n)
  local cl = dmasim.cluster{ nodes = n, link_rate = p.link_rate,
                             link_latency = p.link_latency,
                             switch_latency = p.switch_latency,
                             run_order = p.run_order,
                             partition = p.partition }
  local staged = path == "staged"
  for i = 0, n - 1 do
    local sys = cl:node(i, { bus = { clock = "2GHz", width = 64 } })
    if sys then node(cl, i, sys, px, py, staged) end
  end
  cl:run()
  local slowest, intact = 0, true
  for i = 0, n - 1 do
    slowest = math.max(slowest, cl:lookup(i, "t_end") or math.huge)
    intact = intact and cl:lookup(i, "intact")
  end
  return (slowest - SETUP) / p.iters / 1e12, intact,
         { events = cl.events, frames = cl.frames, windows = cl.windows }
end

-- Model (s).
local function s_(x) return dmasim.time(x) / 1e12 end
local R = dmasim.bandwidth(p.link_rate)
local MTU = 4096
local G3 = 8e9 * 128 / 130 / 8
local w16 = 16 * G3 * 256 / (256 + 24)
local r16 = 16 * G3 * 256 / (256 + 20)
local gcall, gdesc, gsetup, glaunch = 6.5e-6, 0.5e-6, 1e-6, 3e-6
local function wire(n)         -- a WRITE of n bytes: packets and headers
  local pk = math.ceil(n / MTU)
  return (n + pk * 26 + 16) / R
end
local function max_k(n)         -- 2 per dimension at most, fewer on 1 or 2
  local px, py = grid(n)
  return math.min(px - 1, 2) + math.min(py - 1, 2)
end
local kernel = gcall + glaunch + s_(p.compute)
local function model(n, path)
  local k = max_k(n)
  local x = kernel
  local pcie = s_(p.pcie_latency)
  -- the NIC's DMA read of the first boundary (request over two links and
  -- the BAR, completions back) and the far DMA write (two links, BAR)
  local dma_rd = 2 * (2 * pcie + s_(p.bar_latency)) + H / (8 * G3)
  local dma_wr = 2 * pcie + s_(p.bar_latency) + H / (8 * G3)
  local net = 2 * s_(p.link_latency) + s_(p.switch_latency)
              + k * wire(H) + math.min(H, MTU) / R
  local seen = s_(p.poll) / 2
  local ex = 2 * s_(p.proc) + dma_rd + net + dma_wr + seen
  x = x + ex
  if path == "staged" then
    -- each copy also waits one round trip to host memory (the flushing
    -- read after the writes, the first read): two links and the root
    local rt = 2 * (2 * pcie + s_(p.root_latency))
    x = x + (gcall + gdesc + gsetup + rt + 4 * H / w16)
          + (gcall + gdesc + gsetup + rt + 4 * H / r16)
  end
  return x
end

local sizes = {}
if p.sweep then
  for _, n in ipairs({ 2, 4, 8, 16, 64, 256, 1024 }) do
    if n < p.nodes then sizes[#sizes + 1] = n end
  end
end
sizes[#sizes + 1] = p.nodes
local paths = p.path == "both" and { "direct", "staged" } or { p.path }
local rows, res, intact, events = {}, {}, true, 0
for _, n in ipairs(sizes) do
  local row = { n, max_k(n) }
  for _, path in ipairs(paths) do
    local t, ok, c = run(n, path)
    res[path .. n] = t
    intact = intact and ok
    events = events + c.events
    row[#row + 1] = t * 1e6
    row[#row + 1] = model(n, path) * 1e6
  end
  rows[#rows + 1] = row
end
local cols = { "nodes", "neighbours" }
for _, path in ipairs(paths) do
  cols[#cols + 1] = path .. " us"
  cols[#cols + 1] = path .. " model"
end
dmasim.table{ title = string.format("Time per iteration (us): %s halos, "
                                    .. "%s of compute", p.halo, p.compute),
              columns = cols, rows = rows }
dmasim.report("events", events)
for _, path in ipairs(paths) do
  dmasim.report(path .. "_iteration", res[path .. p.nodes] * 1e6, "us")
end

local N = p.nodes
for _, path in ipairs(paths) do
  dmasim.claim{ id = "halo_exchange." .. path,
    claim = string.format("with %s, an iteration on %d nodes takes the "
      .. "kernel plus the slowest neighbour's exchange", path == "direct"
      and "GPUDirect RDMA" or "host staging", N),
    model = model(N, path) * 1e6, simulated = res[path .. N] * 1e6,
    tolerance = 0.05, unit = "us", intact = intact }
end
if p.path == "both" then
  dmasim.claim{ id = "halo_exchange.staged_cost",
    claim = "host staging adds two copy-engine copies to every iteration",
    model = (model(N, "staged") - model(N, "direct")) * 1e6,
    simulated = (res["staged" .. N] - res["direct" .. N]) * 1e6,
    tolerance = 0.05, unit = "us", intact = intact }
end
