-- GPUDirect RDMA: GPU memory to GPU memory between two nodes, the NIC
-- reading and writing device memory over PCIe peer-to-peer, against the
-- host-staged path (the GPU's copy engine to pinned host memory, the NIC
-- from host memory, the wire, the far NIC to host memory, the far copy
-- engine to device memory: four copies).
--
-- Each node: a CPU and DRAM on a 2 GHz system bus 64 bytes wide; a PCIe
-- root complex; the RDMA NIC (sys:rnic{}) on a Gen3 x8 endpoint and the
-- GPU (sys:gpu{pcie = ...}) on a Gen3 x16 endpoint, both below one PCIe
-- switch (peer traffic turns in the switch), or, with topo = "root", each
-- on a root port of its own (peer traffic crosses the root complex's
-- peer path: p2p_latency more per request and p2p_bandwidth for all of
-- them, requests one after another).  The wire: FDR InfiniBand (4 lanes
-- of 14.0625 Gb/s, 64b/66b: 54.5 Gb/s of data), one switch.  The software
-- is scenarios/lib/verbs.lua; a GPU buffer is registered with
-- reg_mr_gpu (nvidia-peermem's pinning of 64 KiB GPU pages).
--
-- One transfer: node 0 posts an RDMA WRITE of n bytes (GPUDirect: from
-- its GPU's memory into node 1's; staged: after its copy engine has
-- copied the bytes to pinned host memory, into node 1's host memory).
-- Node 1 sees the last byte arrive (GPUDirect: its CPU loading it through
-- the GPU's BAR, as gdrcopy does; staged: from host memory, then its copy
-- engine copies the bytes to device memory).  Latency: from node 0's
-- start to the bytes in node 1's GPU memory; node 1 then answers with a
-- one-byte WRITE that paces node 0.
--
-- Published (cited, not fitted): GPUDirect RDMA device-to-device
-- bandwidth of 6.4 GB/s at 4 MB on FDR InfiniBand (Potluri et al.,
-- "Efficient inter-node MPI communication using GPUDirect RDMA for
-- InfiniBand clusters with NVIDIA GPUs", ICPP 2013); GPU-to-GPU about
-- half of host-to-host when the GPU and the NIC meet only through the
-- CPU's root complex (the root complexes of that generation passed
-- peer-to-peer traffic slowly; the same paper, and NVIDIA's GPUDirect
-- RDMA documentation, "Supported systems").
--
-- Models, from the parameters alone (seconds; R the wire's data rate,
-- MTU m, 26 header bytes a packet; G8, G16 the Gen3 x8 and x16 links'
-- rates after coding; P the root complex's peer bandwidth):
--  - bandwidth of a large transfer: n / (n / rate + fixed), rate the
--    slowest stage: the wire's payload rate R m / (m + 26), the NIC's
--    link (G8 times the payload share of its TLPs), the GPU's link, and
--    through the root complex P;
--  - staged: the copy engine's d2h copy (the driver's call, a
--    descriptor a MiB, the engine's set-up and a round trip to host
--    memory, n at the GPU link's write rate), the host-to-host WRITE,
--    the h2d copy (n at its read rate);
--  - host memory traffic: 0 for GPUDirect; for staged, n written and n
--    read on each node (4 n in all: the copy engine writes, the NIC
--    reads, the far NIC writes, the far engine reads);
--  - copies of the payload: 1 (the NIC's) for GPUDirect, 4 staged.
local verbs = require "verbs"
local p = dmasim.params{ size = "4MiB", lat_size = "4KiB", iters = 3,
                         topo = "switch", link_rate = "54.55Gb/s",
                         link_latency = "100ns", switch_latency = "100ns",
                         proc = "50ns", mem_latency = "0ns",
                         pcie_latency = "100ns", root_latency = "150ns",
                         p2p_latency = "500ns", p2p_bandwidth = "3.2GB/s",
                         bar_latency = "100ns", run_order = "forward" }
dmasim.expect(p.topo == "switch" or p.topo == "root", "topo", p.topo,
              "\"switch\" or \"root\"")
local N = dmasim.size(p.size)
local NL = dmasim.size(p.lat_size)
dmasim.expect(N >= 65536 and N <= 64 << 20, "size", p.size,
              "64 KiB to 64 MiB")
dmasim.expect(NL >= 1 and NL <= N, "lat_size", p.lat_size,
              "1 byte to size")
dmasim.expect(p.iters >= 1, "iters", p.iters, "1 or more")

local NICBAR, GPUMEM, HOSTPOOL, ACK = 0x80000000, 0xA0000000, 0x2000000,
                                      0x1F00000
local RW = verbs.LOCAL_WRITE | verbs.REMOTE_WRITE | verbs.REMOTE_READ

-- One cluster of two nodes on topology topo; f(i, me, peer) runs on each.
local function cluster(topo, f)
  local cl = dmasim.cluster{ nodes = 2, link_rate = p.link_rate,
                             link_latency = p.link_latency,
                             switch_latency = p.switch_latency,
                             run_order = p.run_order }
  local n = {}
  for i = 0, 1 do
    local sys = cl:node(i, { bus = { clock = "2GHz", width = 64 } })
    local me = { sys = sys }
    me.mem = sys:memory{ name = "dram", size = "64MiB",
                         latency = p.mem_latency }
    me.cpu = sys:cpu{ clock = "2GHz" }
    local rc = sys:pcie_root{ mmio = { 0x80000000, "1GiB" },
                              latency = p.root_latency,
                              p2p_latency = p.p2p_latency,
                              p2p_bandwidth = p.p2p_bandwidth }
    local parent = rc
    if topo == "switch" then
      parent = sys:pcie_switch{ parent = rc, window = { 0x80000000, "1GiB" },
                                latency = p.pcie_latency }
    end
    me.nep = sys:pcie_endpoint{ name = "nic_ep", parent = parent,
                                bar = { NICBAR, "1MiB" }, width = 8,
                                latency = p.pcie_latency }
    me.gep = sys:pcie_endpoint{ name = "gpu_ep", parent = parent,
                                bar = { GPUMEM, "256MiB" }, width = 16,
                                latency = p.pcie_latency }
    -- a transport timeout of 10 ms (InfiniBand's 4.096 us * 2^k, k = 11
    -- or so): a 4 MiB message's packets wait behind each other longer
    -- than the default's 20 us
    me.nic = sys:rnic{ bus = me.nep.bus, base = NICBAR, proc = p.proc,
                       timeout = "10ms" }
    me.gpu = sys:gpu{ cpu = me.cpu, pcie = me.gep, mem_base = GPUMEM,
                      mem_size = "256MiB", bar_latency = p.bar_latency,
                      host_base = HOSTPOOL, host_size = "16MiB" }
    me.d = me.gpu:malloc(N)
    me.s = me.gpu:stream()
    n[i] = me
    sys:spawn(function()
      local v = verbs.open(sys, me.cpu, me.nic)
      me.v = v
      me.h = assert(me.gpu:host_alloc(N))
      me.gmr = v:reg_mr_gpu(me.gpu, me.d, N, RW)
      me.hmr = v:reg_mr(me.h, N, RW)
      me.amr = v:reg_mr(ACK, 4096, RW)
      me.cq = v:create_cq(64)
      me.qp = v:create_qp(me.cq, me.cq, { sq = 64, rq = 64 })
    end)
  end
  cl:run()
  verbs.together(cl, n, f)
  return cl, n
end

-- The bytes a transfer carries: a pattern that differs byte to byte.
local function pattern(n, seed)
  local t = {}
  for k = 1, 256 do t[k] = string.char((k * 7 + seed * 13) % 256) end
  local block = table.concat(t)
  return string.rep(block, n // 256) .. block:sub(1, n % 256)
end

-- path: "direct" (GPUDirect), "staged" or "host" (host memory to host
-- memory, the baseline).  Returns the mean one-way time (s), whether
-- the far GPU (or host) holds the sender's bytes, and per node the
-- host memory's bytes (read and written), the copy engine's bytes, the
-- GPU driver's CPU time and the payload crossing the NIC's PCIe link.
local function transfer(topo, path, n)
  local t0, t1 = {}, {}
  local stats = {}
  local iters = n < N and p.iters or 1
  local _, nodes = cluster(topo, function(i, me, peer)
    local v, sys = me.v, me.sys
    local gi = me.gpu:info()
    local before = { r = sys:stat("dram.bytes_read"),
                     w = sys:stat("dram.bytes_written"),
                     ce = gi.copy_bytes, driver = gi.driver_ps,
                     nic = i == 0 and me.nep.down_payload
                           or me.nep.up_payload }
    for k = 1, iters do
      local val = k % 250 + 1
      if i == 0 then
        local src = path == "host" and me.h or me.d
        local smem = path == "host" and me.mem or me.gpu.mem
        smem:write(src, pattern(n - 1, k) .. string.char(val))
        t0[k] = sys:now()
        local laddr, lkey, raddr, rkey = me.d, me.gmr.key, peer.d,
                                         peer.gmr.key
        if path ~= "direct" then
          if path == "staged" then
            me.s:copy{ dst = me.h, src = me.d, size = n }
            me.s:sync()
          end
          laddr, lkey, raddr, rkey = me.h, me.hmr.key, peer.h, peer.hmr.key
        end
        v:post_send(me.qp, { op = "write", laddr = laddr, len = n,
                             lkey = lkey, raddr = raddr, rkey = rkey,
                             signaled = false })
        while string.byte(me.cpu:load(ACK, 1)) ~= val do sys:wait("1us") end
      else
        local last = (path == "direct" and me.d or me.h) + n - 1
        if n < N then
          v:spin_byte(last, val)
        else            -- a long transfer: a look every microsecond
          while string.byte(me.cpu:load(last, 1)) ~= val do
            sys:wait("1us")
          end
        end
        if path ~= "direct" then
          if path == "staged" then
            me.s:copy{ dst = me.d, src = me.h, size = n }
            me.s:sync()
          end
        end
        t1[k] = sys:now()
        v:post_send(me.qp, { op = "write", len = 1, inline = true,
                             data = string.char(val), raddr = ACK,
                             rkey = peer.amr.key, signaled = false })
      end
    end
    local gi = me.gpu:info()
    stats[i] = { host = sys:stat("dram.bytes_read") - before.r
                        + sys:stat("dram.bytes_written") - before.w,
                 ce = gi.copy_bytes - before.ce,
                 driver = gi.driver_ps - before.driver,
                 nic = i == 0 and me.nep.down_payload - before.nic
                       or me.nep.up_payload - before.nic }
  end)
  local sum = 0
  for k = 1, iters do sum = sum + (t1[k] - t0[k]) end
  local far = path == "host" and nodes[1].mem or nodes[1].gpu.mem
  local near = path == "host" and nodes[0].mem or nodes[0].gpu.mem
  local a = path == "host" and nodes[1].h or nodes[1].d
  local b = path == "host" and nodes[0].h or nodes[0].d
  local intact = far:hash(a, n) == near:hash(b, n)
  return sum / iters / 1e12, intact, stats
end


-- The runs: every path at lat_size (latency) and at size (bandwidth),
-- the GPU and the NIC below one switch; GPUDirect again through the
-- root complex.
local r = {}
for _, run in ipairs({ { "switch", "host" }, { "switch", "direct" },
                       { "switch", "staged" }, { "root", "direct" } }) do
  for _, n in ipairs({ NL, N }) do
    local t, ok, st = transfer(run[1], run[2], n)
    r[run[1] .. run[2] .. n] = { t = t, ok = ok, st = st, n = n,
      host = (st[0].host + st[1].host) / n,
      copies = (st[0].ce + st[1].ce + st[0].nic + st[1].nic) / n,
      driver = (st[0].driver + st[1].driver) / 1e12 }
  end
end

-- Models (s, bytes/s), from the parameters alone.
local function s_(x) return dmasim.time(x) / 1e12 end
local R = dmasim.bandwidth(p.link_rate)              -- bytes/s, wire
local MTU = 4096
local wire_rate = R * MTU / (MTU + 26)
local G3 = 8e9 * 128 / 130 / 8                       -- bytes/s a lane
local MPS = 256                                      -- the endpoints'
local w_rate16 = 16 * G3 * MPS / (MPS + 24)          -- writes, x16
local r_rate16 = 16 * G3 * MPS / (MPS + 20)          -- completions, x16
local w_rate8 = 8 * G3 * MPS / (MPS + 24)
local r_rate8 = 8 * G3 * MPS / (MPS + 20)
local P = dmasim.bandwidth(p.p2p_bandwidth)
local ndesc = math.ceil(N / (1 << 20))
local gcall, gdesc, gsetup = 6.5e-6, 0.5e-6, 1e-6    -- sys:gpu{} defaults
-- the slowest stage of the GPUDirect stream: the NIC's reads of GPU
-- memory, the wire, the far NIC's writes (each on the x8 and x16 links)
local m_direct = math.min(wire_rate, r_rate8, r_rate16, w_rate8, w_rate16)
local m_root = math.min(m_direct, P)
local m_host = math.min(wire_rate, r_rate8, w_rate8)
-- staged: one after another, the d2h copy, the WRITE, the h2d copy
-- a copy: the driver's call, per descriptor its CPU time and the
-- engine's set-up and one round trip to host memory (the first read, or
-- the read that flushes the writes: the GPU's link, the switch's, the
-- root complex, each way), then the bytes at the link's rate
local pcie, root = s_(p.pcie_latency), s_(p.root_latency)
local host_rt = 2 * (2 * pcie + root)
local function copy_time(n, rate)
  local d = math.ceil(n / (1 << 20))
  return gcall + d * (gdesc + gsetup + host_rt) + n / rate
end
local m_staged_t = copy_time(N, w_rate16) + N / wire_rate
                   + copy_time(N, r_rate16)
-- at lat_size the staged path adds the two copies to GPUDirect's path,
-- less what GPUDirect's receiver pays to see the last byte in GPU
-- memory: its loads cross the root complex, the switch, the GPU's link
-- and its BAR each way, and the arrival is seen on average half a load
-- late plus the load that sees it (staged, it spins on host memory)
local bar_rt = 2 * (root + 2 * pcie + s_(p.bar_latency))
local m_extra = copy_time(NL, w_rate16) + copy_time(NL, r_rate16)
                - 1.5 * bar_rt
local m_driver = 2 * (gcall + ndesc * gdesc)

local function bw(k) return N / r[k .. N].t end
local GB = 1e9
dmasim.table{ title = string.format("GPU to GPU across two nodes: %s one "
                                    .. "way (us) and %s (GB/s)",
                                    p.lat_size, p.size),
  columns = { "path", "latency", "bandwidth", "model bw", "copies",
              "host bytes/byte", "driver us" },
  rows = {
    { "host to host (baseline)", r["switchhost" .. NL].t * 1e6,
      bw("switchhost") / GB, m_host / GB, r["switchhost" .. N].copies,
      r["switchhost" .. N].host, r["switchhost" .. N].driver * 1e6 },
    { "GPUDirect, switch", r["switchdirect" .. NL].t * 1e6,
      bw("switchdirect") / GB, m_direct / GB, r["switchdirect" .. N].copies,
      r["switchdirect" .. N].host, r["switchdirect" .. N].driver * 1e6 },
    { "GPUDirect, root complex", r["rootdirect" .. NL].t * 1e6,
      bw("rootdirect") / GB, m_root / GB, r["rootdirect" .. N].copies,
      r["rootdirect" .. N].host, r["rootdirect" .. N].driver * 1e6 },
    { "host-staged", r["switchstaged" .. NL].t * 1e6,
      bw("switchstaged") / GB, N / m_staged_t / GB,
      r["switchstaged" .. N].copies, r["switchstaged" .. N].host,
      r["switchstaged" .. N].driver * 1e6 } } }

local intact = true
for _, x in dmasim.sorted(r) do intact = intact and x.ok end
for _, k in ipairs({ "switchhost", "switchdirect", "rootdirect",
                     "switchstaged" }) do
  dmasim.report(k .. "_latency", r[k .. NL].t * 1e6, "us")
  dmasim.report(k .. "_bandwidth", bw(k) / GB, "GB/s")
end

dmasim.claim{ id = "gpudirect.bandwidth",
  claim = "GPUDirect RDMA through a PCIe switch streams GPU memory to GPU "
          .. "memory at the wire's payload rate",
  model = m_direct / GB, simulated = bw("switchdirect") / GB,
  tolerance = 0.03, unit = "GB/s", published = 6.4, intact = intact }
dmasim.claim{ id = "gpudirect.root_complex",
  claim = "through the root complex, GPU to GPU over host to host: "
          .. "its peer path's rate, about half",
  model = m_root / m_host, simulated = bw("rootdirect") / bw("switchhost"),
  tolerance = 0.03, unit = "ratio", published = 0.5,
  intact = intact }
dmasim.claim{ id = "gpudirect.staged_bandwidth",
  claim = "host-staged, the device-to-host copy, the WRITE and the "
          .. "host-to-device copy follow one another",
  model = N / m_staged_t / GB, simulated = bw("switchstaged") / GB,
  tolerance = 0.03, unit = "GB/s", intact = intact }
dmasim.claim{ id = "gpudirect.staged_latency",
  claim = "host-staged, a small message pays two copy-engine copies more "
          .. "(the driver's calls, the engines' set-up, round trips)",
  model = m_extra * 1e6,
  simulated = (r["switchstaged" .. NL].t - r["switchdirect" .. NL].t) * 1e6,
  tolerance = 0.05, unit = "us", intact = intact }
dmasim.claim{ id = "gpudirect.copies",
  claim = "host-staged moves the payload twice as often as GPUDirect: "
          .. "four copies (two copy-engine, two NIC DMAs) against two",
  model = 4 / 2,
  simulated = r["switchstaged" .. N].copies / r["switchdirect" .. N].copies,
  tolerance = 0.01, unit = "ratio",
  intact = intact }
dmasim.claim{ id = "gpudirect.host_memory", kind = "check",
  claim = "GPUDirect's payload never touches host memory (only work "
          .. "requests and the answer do); staged, every byte is written "
          .. "and read there on both nodes",
  model = true,
  simulated = r["switchdirect" .. N].host < 0.001
              and r["rootdirect" .. N].host < 0.001
              and math.abs(r["switchstaged" .. N].host - 4) < 0.01 }
dmasim.claim{ id = "gpudirect.cpu",
  claim = "host-staged, the CPUs spend two copy calls in the GPU driver; "
          .. "GPUDirect none",
  model = m_driver * 1e6,
  simulated = (r["switchstaged" .. N].driver
               + r["switchdirect" .. N].driver) * 1e6,
  tolerance = 0.01, unit = "us" }
