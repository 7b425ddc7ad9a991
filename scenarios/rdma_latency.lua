-- RDMA between two nodes: one-sided WRITE and READ, two-sided SEND, the
-- bandwidth of a stream of WRITEs, and the reliable transport at work.
--
-- The cluster: two nodes, each port linked to one switch (100 Gb/s each
-- way, `link_latency` per link, `switch_latency` through the switch).
-- Each node: a CPU and DRAM (`mem_latency`) on a 1 GHz system bus 16
-- bytes wide, the RDMA NIC on an I/O bus of its own joined to it by a
-- bridge of `pcie_latency` each way (standing in for the PCIe link).  The
-- software is scenarios/lib/verbs.lua: work requests stored into rings
-- in host memory, BlueFlame writes of whole WQEs to the NIC, completions
-- the NIC writes into host memory and the CPU polls.  Measured the way
-- perftest measures (ib_write_lat, ib_read_lat, ib_send_lat, ib_write_bw):
-- WRITE and SEND latency is half a ping-pong's round trip, the target
-- spinning on the last byte of its buffer (WRITE) or on its completion
-- queue (SEND); READ latency is a whole round trip.
--
-- Claims, from the parameters alone (ns; W = 16 bytes a cycle, m =
-- mem_latency, b = pcie_latency, L, S, p = the NIC's time per packet):
--  1. An inline WRITE of n bytes arrives after the CPU's two stores of
--     the WQE (ring slot: m + beats; BlueFlame: beats + b + beats), the
--     NIC's packet time p, the wire (2L + S + 2 (n + 50) 8 / R), the
--     far NIC's p, its DMA write (beats + b + m) and the target's spin
--     (a load: m + 1, seen on average half a load late).  Published:
--     about 0.93 us (ConnectX-3, FDR; Kalia et al., "Using RDMA
--     efficiently for key-value services", SIGCOMM 2014, figure 2).
--  2. Without inline data the NIC must first read the payload by DMA: a
--     read round trip across the bridge (1 + b + m + beats + b + beats)
--     more, and the CPU stores the new byte first.  Published: about
--     1.32 us (same source).
--  3. A READ is a whole round trip: the request's way there, the far
--     NIC's DMA read, the response's way back, the DMA write of the data
--     and of the completion, and the poll of the completion queue.
--     Published: about 1.91 us (same source).
--  4. A SEND is a WRITE whose target polls a completion the NIC writes
--     after the data.  Published: 0.83 us at 32 bytes (Mellanox
--     ConnectX-4 EDR, ib_send_lat).
--  5. A stream of 64 KiB WRITEs runs at the wire's payload rate,
--     R mtu / (mtu + 42): about 97 Gb/s measured on a 100 Gb/s link.
-- Checks: every byte arrives; with the switch dropping one packet
-- mid-stream, the responder's NAK sends the requester back to the lost
-- packet (its timer would, were the NAK lost too) and every WRITE lands
-- exactly once; a WRITE with a wrong key fails with a remote access
-- error and moves the queue pair to the error state; a region
-- deregistered while a WRITE is on its way fails the WRITE cleanly.
local verbs = require "verbs"
local p = dmasim.params{ size = 8, iters = 20, mem_latency = "50ns",
                         pcie_latency = "175ns", link_latency = "100ns",
                         switch_latency = "100ns", proc = "50ns",
                         link_rate = "100Gb/s", bw_size = "64KiB",
                         bw_count = 32, run_order = "forward" }
dmasim.expect(p.iters >= 2, "iters", p.iters, "2 or more")
local W = 16
local m = dmasim.time(p.mem_latency) / 1000
local b = dmasim.time(p.pcie_latency) / 1000
local L = dmasim.time(p.link_latency) / 1000
local S = dmasim.time(p.switch_latency) / 1000
local P = dmasim.time(p.proc) / 1000
local R = dmasim.bandwidth(p.link_rate) * 8 / 1e9     -- bits per ns
local BUF, REMOTE = 0x400000, 0x800000   -- each node: send from, land at

local function beats(n) return math.ceil(n / W) end
local function wire(n) return (n + 50) * 8 / R end   -- payload + headers
local poll = m + 1
-- A DMA write into memory a CPU is polling waits, on average, half of
-- one of the CPU's loads for the system bus (round-robin arbitration).
local contend = 0.5 * poll

-- Model pieces (ns).
local post = (m + beats(64)) + (beats(64) + b + beats(64))
local function dma_write(n) return beats(n) + b + m + contend end
local function dma_read(n) return 1 + b + m + beats(n) + b + beats(n) end
local function net(n) return 2 * L + S + 2 * wire(n) end

-- One cluster of two nodes; f(i, me, peer) is node i's software.  Set-up
-- runs first (regions, queues); the queue pair numbers and keys are then
-- exchanged out of band, between runs, as applications exchange them
-- over a socket; then both nodes connect and run f from the same instant.
-- Nothing else passes between the nodes but the network's frames.
local function cluster(o, f)
  local cl = dmasim.cluster{ nodes = 2, link_rate = p.link_rate,
                             link_latency = p.link_latency,
                             switch_latency = p.switch_latency,
                             drop_nth = o.drop_nth,
                             run_order = p.run_order }
  local n = {}
  for i = 0, 1 do
    local sys = cl:node(i, { bus = { clock = "1GHz", width = W } })
    local me = { sys = sys }
    me.mem = sys:memory{ size = "64MiB", latency = p.mem_latency }
    me.cpu = sys:cpu{ clock = "1GHz" }
    local io = sys:bus{ name = "io", clock = "1GHz", width = W }
    sys:bridge{ a = sys.system_bus, b = io, latency = p.pcie_latency,
                a_to_b = { { 0x5A000000, "1MiB" } },
                b_to_a = { { 0, "64MiB" } } }
    me.nic = sys:rnic{ bus = io, proc = p.proc }
    n[i] = me
    sys:spawn(function()
      local v = verbs.open(sys, me.cpu, me.nic)
      me.v = v
      me.mr = v:reg_mr(BUF, 0x800000, verbs.LOCAL_WRITE
                       | verbs.REMOTE_WRITE | verbs.REMOTE_READ)
      me.cq = v:create_cq(256)
      me.qp = v:create_qp(me.cq, me.cq, { sq = 256, rq = 256 })
    end)
  end
  cl:run()
  verbs.together(cl, n, f)
  return cl, n
end

-- perftest's latency loops; returns ns per iteration (half a round trip
-- for the ping-pongs).
local function write_lat(inline)
  local t = {}
  cluster({}, function(i, me, peer)
    local v = me.v
    local last = REMOTE + p.size - 1
    local t0 = me.sys:now()
    for k = 1, p.iters do
      local val = k % 250 + 1
      local wr = { op = "write", laddr = BUF, len = p.size, lkey = me.mr.key,
                   raddr = REMOTE, rkey = peer.mr.key, signaled = false,
                   inline = inline, data = string.rep(string.char(val),
                                                      p.size) }
      if i == 1 then v:spin_byte(last, val) end
      if not inline then me.cpu:store(BUF + p.size - 1, string.char(val)) end
      v:post_send(me.qp, wr)
      if i == 0 then v:spin_byte(last, val) end
    end
    t[i] = (me.sys:now() - t0) / 1000 / p.iters / 2
  end)
  return t[0]
end

local function read_lat()
  local t, ok = nil, true
  cluster({}, function(i, me, peer)
    if i == 1 then                       -- the target's bytes
      me.cpu:store(REMOTE, string.rep("R", p.size))
      return
    end
    me.sys:wait("10us")
    local t0 = me.sys:now()
    for k = 1, p.iters do
      me.v:post_send(me.qp, { op = "read", laddr = BUF, len = p.size,
                              lkey = me.mr.key, raddr = REMOTE,
                              rkey = peer.mr.key, wr_id = k })
      local wc = me.v:poll(me.cq)
      ok = ok and wc.ok and wc.wr_id == k
    end
    t = (me.sys:now() - t0) / 1000 / p.iters
    ok = ok and me.mem:read(BUF, p.size) == string.rep("R", p.size)
  end)
  return t, ok
end

local function send_lat()
  local t, ok = {}, true
  cluster({}, function(i, me, peer)
    local v = me.v
    for k = 1, p.iters do              -- receives posted ahead
      v:post_recv(me.qp, { addr = REMOTE + (k % 64) * 64, len = 64,
                           lkey = me.mr.key, wr_id = k })
    end
    me.sys:wait("5us")
    local t0 = me.sys:now()
    for k = 1, p.iters do
      local wr = { op = "send", len = p.size, inline = true,
                   data = string.rep(string.char(k % 250 + 1), p.size),
                   signaled = false }
      if i == 1 then
        local wc = v:poll(me.cq)
        ok = ok and wc.ok and wc.opcode == 128 and wc.len == p.size
      end
      v:post_send(me.qp, wr)
      if i == 0 then
        local wc = v:poll(me.cq)
        ok = ok and wc.ok and wc.opcode == 128 and wc.len == p.size
      end
    end
    t[i] = (me.sys:now() - t0) / 1000 / p.iters / 2
  end)
  return t[0], ok
end

-- A stream of WRITEs, all but the last unsignaled; optional loss.
local function write_bw(o)
  local res = {}
  local cl, n = cluster(o, function(i, me, peer)
    if i == 1 then return end
    local size, count = dmasim.size(p.bw_size), p.bw_count
    for k = 0, count - 1 do            -- a pattern per message
      me.cpu:store(BUF + k * size, string.rep(string.char(65 + k % 26), size))
    end
    local t0 = me.sys:now()
    for k = 0, count - 1 do
      me.v:post_send(me.qp, { op = "write", laddr = BUF + k * size,
                              len = size, lkey = me.mr.key,
                              raddr = REMOTE + k * size,
                              rkey = peer.mr.key, wr_id = k,
                              signaled = k == count - 1 })
    end
    local wc                           -- polled every microsecond
    repeat
      wc = me.v:poll_once(me.cq)
      if not wc then me.sys:wait("1us") end
    until wc
    res.time = me.sys:now() - t0
    res.ok = wc.ok
    res.bytes = size * count
  end)
  local size, count = dmasim.size(p.bw_size), p.bw_count
  res.intact = n[1].mem:read(REMOTE, size * count) ==
               n[0].mem:read(BUF, size * count)
  res.retransmits = n[0].nic:qp(0).retransmits
  res.duplicates = n[1].nic:qp(0).duplicates
  res.drops = cl.drops
  return res
end

-- Failures: a wrong key; a region deregistered under a WRITE.
local function failures()
  local r = {}
  cluster({}, function(i, me, peer)
    if i == 1 then
      me.sys:wait("2us")               -- the WRITE is on its way: drop
      r.dereg = me.v:dereg_mr(me.mr)   -- the region it targets
      return
    end
    local size = 4 * 1024 * 1024       -- ~340 us on the wire: in flight
    me.v:post_send(me.qp, { op = "write", laddr = BUF, len = size,
                            lkey = me.mr.key, raddr = REMOTE,
                            rkey = peer.mr.key, wr_id = 1 })
    r.mid = me.v:poll(me.cq)
  end)
  cluster({}, function(i, me, peer)
    if i == 1 then return end
    me.v:post_send(me.qp, { op = "write", laddr = BUF, len = 64,
                            lkey = me.mr.key, raddr = REMOTE,
                            rkey = peer.mr.key + 1, wr_id = 7 })
    r.bad = me.v:poll(me.cq)
    me.v:post_send(me.qp, { op = "write", laddr = BUF, len = 64,
                            lkey = me.mr.key, raddr = REMOTE,
                            rkey = peer.mr.key, wr_id = 8 })
    r.after = me.v:poll(me.cq)
    r.state = me.nic:qp(0).state
  end)
  return r
end

local m_write_inline = post + P + net(p.size) + P + dma_write(p.size)
                       + 1.5 * poll
local m_write = m_write_inline + dma_read(p.size) + (m + 1)
local m_read = post + P + net(0) + P + dma_read(p.size) + P + net(p.size)
               + P + dma_write(p.size) + beats(32) + contend
               + 1.5 * (m + beats(32))
local m_send = post + P + net(p.size) + P + dma_write(p.size) + beats(32)
               + contend + 1.5 * (m + beats(32))
local mtu = 4096
-- the slower of the wire's payload rate and the host bus's rate for the
-- NIC's 4 KiB DMA reads (each holds the bus m + beats); Gb/s
local m_bw = math.min(R * mtu / (mtu + 42), mtu * 8 / (m + beats(mtu)))

local wi = write_lat(true)
local wn = write_lat(false)
local rd, rd_ok = read_lat()
local sd, sd_ok = send_lat()
local bw = write_bw({})
local lossy = write_bw({ drop_nth = 40 })
local f = failures()

dmasim.table{ title = string.format("Latency of %d-byte operations (us)",
                                    p.size),
  columns = { "operation", "model", "simulated" },
  rows = { { "write, inline", m_write_inline / 1e3, wi / 1e3 },
           { "write", m_write / 1e3, wn / 1e3 },
           { "read (round trip)", m_read / 1e3, rd / 1e3 },
           { "send, inline", m_send / 1e3, sd / 1e3 } } }
dmasim.report("write_inline_us", wi / 1e3)
dmasim.report("write_us", wn / 1e3)
dmasim.report("read_us", rd / 1e3)
dmasim.report("send_us", sd / 1e3)
dmasim.report("write_bw_gbps", bw.bytes * 8 / (bw.time / 1000))
dmasim.report("lossy_retransmits", lossy.retransmits)
dmasim.report("lossy_duplicates", lossy.duplicates)

dmasim.claim{ id = "rdma_latency.write_inline",
  claim = "an inline RDMA WRITE arrives in about 0.9 us: two CPU stores, "
          .. "the wire, one DMA write",
  model = m_write_inline / 1e3, simulated = wi / 1e3, tolerance = 0.08,
  unit = "us", published = 0.93 }
dmasim.claim{ id = "rdma_latency.write",
  claim = "without inline data the NIC first reads the payload: one "
          .. "PCIe read round trip more",
  model = m_write / 1e3, simulated = wn / 1e3, tolerance = 0.08,
  unit = "us", published = 1.32 }
dmasim.claim{ id = "rdma_latency.read",
  claim = "an RDMA READ takes a whole round trip and a DMA read at the "
          .. "far end",
  model = m_read / 1e3, simulated = rd / 1e3, tolerance = 0.08,
  unit = "us", published = 1.91, intact = rd_ok }
dmasim.claim{ id = "rdma_latency.send",
  claim = "an RC SEND costs a WRITE plus the completion the receiver polls",
  model = m_send / 1e3, simulated = sd / 1e3, tolerance = 0.08,
  unit = "us", published = 0.83, intact = sd_ok }
dmasim.claim{ id = "rdma_latency.write_bw",
  claim = "a stream of 64 KiB WRITEs runs at the wire's payload rate "
          .. "(or the host bus's, if slower)",
  model = m_bw, simulated = bw.bytes * 8 / (bw.time / 1000),
  tolerance = 0.05, unit = "Gb/s", published = 97, intact = bw.intact }
dmasim.claim{ id = "rdma_latency.loss", kind = "check",
  claim = "a packet lost in the switch is resent (go-back-N from the "
          .. "responder's NAK) and every WRITE lands exactly once",
  model = true,
  simulated = lossy.drops == 1 and lossy.retransmits >= 1 and lossy.ok
              and lossy.intact }
dmasim.claim{ id = "rdma_latency.bad_key", kind = "check",
  claim = "a WRITE with a wrong key fails with a remote access error; "
          .. "the queue pair moves to the error state and flushes",
  model = true,
  simulated = f.bad.status == 10 and f.after.status == 5
              and f.state == "error" }
dmasim.claim{ id = "rdma_latency.dereg", kind = "check",
  claim = "a region deregistered under a WRITE in flight fails the "
          .. "WRITE with a remote access error",
  model = true, simulated = f.dereg and f.mid.status == 10 }
