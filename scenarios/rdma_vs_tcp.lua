-- The kernel network path against RDMA, between two nodes of a cluster:
-- latency and bandwidth against message size, the CPU's cycles per byte
-- on both sides, and what memory registration costs and where it pays.
--
-- The cluster and nodes are rdma_latency.lua's: 100 Gb/s links each way,
-- `link_latency` per link, `switch_latency` through the switch; each node
-- a 1 GHz CPU and DRAM (`mem_latency`) on a 16-byte system bus, its NIC
-- on an I/O bus behind a bridge of `pcie_latency` each way.  On the RDMA
-- paths the NIC is the RDMA NIC driven by scenarios/lib/verbs.lua.  On
-- the kernel path it is the Ethernet NIC of src/hw/nic.h on the node's
-- cluster port (sys:nic{network = true}; one 2 KiB DMA transaction per
-- frame, 24 bytes of preamble, FCS and gap on the wire) driven by
-- scenarios/lib/tcp.lua: send() and recv() system calls, copies between
-- user and kernel buffers by the CPU's loads and stores, descriptor
-- rings, an interrupt that schedules a NAPI poll, and a simplified TCP
-- (cumulative acknowledgements, a retransmission timer, go-back-N, a fixed
-- 64 KiB window, no congestion control).
--
-- Costs of the kernel's software (CPU cycles at 1 GHz, so ns), set inside
-- the published ranges of the receive path's parts that issue 15
-- collects: interrupt to NAPI 500-560 ns (irq_entry 100
-- + handler `irq` 380 + irq_exit 50), NAPI 420-675 ns (`napi` 250 a poll
-- + `rx_frame` 300 a frame, besides its loads and stores), softirq wake-up
-- 360-480 ns (`wake` 420), system call 240-360 ns (`syscall` 300).
-- `tx_frame` (400) is TCP and IP output and the driver's transmit.
--
-- Claims, from the parameters alone (ns; W = 16 bytes a cycle, m =
-- mem_latency, b = pcie_latency, L, S, F = 54 + n the frame):
--  1. A 100-byte message one way (half a ping-pong's round trip): the
--     sender's system call, copy (a load and a store, m + n/W each),
--     tx_frame, header and descriptor stores; the doorbell across the
--     bridge, the NIC's descriptor and frame reads (1 + b + m + beats +
--     b + beats each); the wire (2L + S + 2 (F + 24) 8 / R); the far NIC's
--     descriptor read, its posted writes of frame and descriptor and the
--     read that flushes them before the interrupt; the interrupt, the
--     NAPI poll (its descriptor, header, refill and next-descriptor
--     accesses), the wake-up, the copy to the user and the system call's
--     exit.
--  2. With the NIC's interrupt moderation timer at `itr` on both ends,
--     each way waits itr more.  Published: a 100-byte kernel TCP round
--     trip of 23.3 us (25 Gb/s) to 38.7 us (100 Gb/s) (issue 15's
--     figures).  Without moderation the defaults give about 10 us: the
--     published round trips include moderation (and scheduling) that the
--     parts above leave out.  `itr` is 7 us by choice, so that the round
--     trip lands at the published low end; drivers' defaults range from
--     none to tens of us (mlx5: 8 us).
--  3. An RC SEND of n bytes without inline data: rdma_latency.lua's SEND
--     plus the NIC's DMA read of the payload and its write across both
--     buses at the far end.  Published (Mellanox ConnectX-4 EDR,
--     ib_send_lat): 1.58 us at 1 KB, 2.26 us at 4 KB.  Not reproduced:
--     the model and the simulation agree at about 1.8 and 3.1 us, because
--     this NIC reads a whole payload before sending it and writes it
--     across two 16 GB/s buses, where a real NIC streams it over PCIe; so
--     the claims carry no published figure.
--  4. One core copies kernel to user at 8 mss / (2 (m + mss / W)) bits
--     a ns: a load and a store per segment.  Published: about 40 Gb/s.
--  5. A stream on the kernel path is bound by the receiving CPU: per
--     segment, the NAPI work, its accesses, the copy to the user, half an
--     acknowledgement; per poll an interrupt.  How many frames a poll
--     finds emerges from the two CPUs' timing, so the model is a pair of
--     bounds (one poll a segment; polls free).  RDMA's stream runs at the
--     wire's payload rate (rdma_latency.lua claim 5).
--  6. The receiving CPU's cycles per byte lie within the same bounds;
--     RDMA's receiving CPU spends none and its sender one post a
--     message.
--  7. Registering n bytes costs reg_call + pages reg_page + the NIC's
--     command (cmd_time, seen at the verbs library's 1 us status polls)
--     (verbs.lua's defaults: Mietke et al., Euro-Par 2006: about 93 us a
--     call and 80-100 us per MB); copying n bytes into a registered buffer
--     costs 2 (m + 4096/W) a 4 KiB page.  Registering pays off for a
--     message sent once above the size where the two meet, and for a
--     buffer of s bytes reused more than reg(s) / copy(s) times.
-- Checks: every path delivers the bytes it was given; with the switch
-- dropping a data segment, TCP's timer resends it and every byte is
-- delivered exactly once, in order.
local verbs = require "verbs"
local tcp = require "tcp"
local p = dmasim.params{ size = 100, iters = 10, mem_latency = "50ns",
                         pcie_latency = "175ns", link_latency = "100ns",
                         switch_latency = "100ns", proc = "50ns",
                         link_rate = "100Gb/s", itr = "7us",
                         stream = "1MiB", drop_nth = 20,
                         run_order = "forward" }
dmasim.expect(p.iters >= 2, "iters", p.iters, "2 or more")
dmasim.expect(p.size >= 1 and p.size <= 1460, "size", p.size,
              "1 to 1460 bytes (one segment)")
local W = 16
local m = dmasim.time(p.mem_latency) / 1000
local b = dmasim.time(p.pcie_latency) / 1000
local L = dmasim.time(p.link_latency) / 1000
local S = dmasim.time(p.switch_latency) / 1000
local P = dmasim.time(p.proc) / 1000
local ITR = dmasim.time(p.itr) / 1000
local R = dmasim.bandwidth(p.link_rate) * 8 / 1e9     -- bits per ns
local STREAM = dmasim.size(p.stream)
local K = tcp.defaults                                -- the kernel's costs
local MSS, HDR, IRQ_ENTRY, IRQ_EXIT = K.mss, 54, 100, 50
local BUF, REMOTE = 0x400000, 0x800000   -- user buffers, each node
local SIZES = { 32, 1024, 4096, 16384, 65536 }

local function beats(n) return math.ceil(n / W) end
local function pattern(n, k)
  local s = string.rep(string.char(65 + k % 26) .. "0123456789abcdef", n // 17
                       + 1)
  return s:sub(1, n)
end

-- A node: its memory, CPU, I/O bus and, on the kernel path, its NIC and
-- interrupt controller; on the RDMA paths its RDMA NIC.
local function node(cl, i, kind, o)
  local sys = cl:node(i, { bus = { clock = "1GHz", width = W } })
  local me = { sys = sys }
  me.mem = sys:memory{ size = "64MiB", latency = p.mem_latency }
  me.cpu = sys:cpu{ clock = "1GHz", irq_entry = IRQ_ENTRY,
                    irq_exit = IRQ_EXIT }
  local io = sys:bus{ name = "io", clock = "1GHz", width = W }
  sys:bridge{ a = sys.system_bus, b = io, latency = p.pcie_latency,
              a_to_b = { { 0x58000000, "1MiB" }, { 0x5A000000, "1MiB" } },
              b_to_a = { { 0, "64MiB" } } }
  if kind == "tcp" then
    me.ic = sys:intc{ lines = 8 }
    me.nic = sys:nic{ bus = io, network = true, intc = me.ic, irq_line = 3,
                      line_rate = p.link_rate, wire_overhead = 24,
                      burst = 2048, itr_pkts = o.itr and 0 or 1,
                      itr_time = o.itr or 0 }
  else
    me.nic = sys:rnic{ bus = io, proc = p.proc }
  end
  return me
end

-- A cluster of two; f(i, me, peer) is node i's software.  Set-up runs
-- first; what the ends need of each other (queue pair numbers, keys) is
-- exchanged out of band between runs, as applications do over a socket;
-- then both start from the same instant and meet only through the
-- network.
local function cluster(kind, o, f)
  local cl = dmasim.cluster{ nodes = 2, link_rate = p.link_rate,
                             link_latency = p.link_latency,
                             switch_latency = p.switch_latency,
                             drop_nth = o.drop_nth,
                             run_order = p.run_order }
  local n = {}
  for i = 0, 1 do
    local me = node(cl, i, kind, o)
    n[i] = me
    me.sys:spawn(function()
      if kind == "tcp" then
        me.s = tcp.open(me.sys, me.cpu, me.nic, { peer = 1 - i, node = i,
                                                  intc = me.ic, line = 3 })
      else
        local v = verbs.open(me.sys, me.cpu, me.nic)
        me.v = v
        me.mr = v:reg_mr(BUF, 0x800000, verbs.LOCAL_WRITE
                         | verbs.REMOTE_WRITE | verbs.REMOTE_READ)
        me.cq = v:create_cq(256)
        me.qp = v:create_qp(me.cq, me.cq, { sq = 256, rq = 256 })
      end
    end)
  end
  cl:run()
  -- every run here ends within a few ms; the bound ends a broken one
  -- (a livelock of acknowledgements, say) so that its checks fail
  verbs.together(cl, n, f, { connect = kind ~= "tcp", limit = "100ms" })
  return cl, n
end

-- ---- latency: ping-pongs, one warm-up round; ns one way ----

local function tcp_lat(size, o)
  local t, ok = nil, true
  cluster("tcp", o, function(i, me)
    local s = me.s
    me.cpu:store(BUF, pattern(size, i))
    local t0
    for k = 0, p.iters do
      if k == 1 then t0 = me.sys:now() end
      if i == 0 then s:send(BUF, size); s:recv(REMOTE, size)
      else s:recv(REMOTE, size); s:send(BUF, size) end
    end
    if i == 0 then t = (me.sys:now() - t0) / 1000 / p.iters / 2 end
    ok = ok and me.mem:read(REMOTE, size) == pattern(size, 1 - i)
  end)
  return t or 0, ok and t ~= nil
end

local function rdma_lat(op, size)
  local t, ok = nil, true
  local inline = op ~= "read" and size <= 192
  cluster("rdma", {}, function(i, me, peer)
    local v = me.v
    me.cpu:store(BUF, pattern(size, i))
    if op == "send" then
      for k = 0, p.iters do
        v:post_recv(me.qp, { addr = REMOTE + k % 64 * 65536, len = 65536,
                             lkey = me.mr.key, wr_id = k })
      end
      me.sys:wait("5us")
    end
    local t0
    for k = 0, p.iters do
      if k == 1 then t0 = me.sys:now() end
      local rd = op == "read"          -- a READ: peer's BUF to REMOTE
      local wr = { op = op, laddr = rd and REMOTE or BUF, len = size,
                   lkey = me.mr.key, raddr = rd and BUF or REMOTE,
                   rkey = peer.mr.key, wr_id = k,
                   signaled = op == "read", inline = inline,
                   data = inline and pattern(size, i) or nil }
      if op == "read" then
        if i == 0 then
          v:post_send(me.qp, wr)
          ok = ok and v:poll(me.cq).ok
        end
      elseif op == "write" then
        local val = k % 250 + 1        -- the last byte, spun on
        -- (the target stores its next byte only once the peer's WRITE
        -- is in: its own last WRITE's payload has been read by then)
        if i == 1 then v:spin_byte(REMOTE + size - 1, val) end
        if not inline then me.cpu:store(BUF + size - 1, string.char(val))
        else wr.data = wr.data:sub(1, -2) .. string.char(val) end
        v:post_send(me.qp, wr)
        if i == 0 then v:spin_byte(REMOTE + size - 1, val) end
      else
        if i == 1 then ok = ok and v:poll(me.cq).len == size end
        v:post_send(me.qp, wr)
        if i == 0 then ok = ok and v:poll(me.cq).len == size end
      end
    end
    if i == 0 then
      t = (me.sys:now() - t0) / 1000 / p.iters / (op == "read" and 1 or 2)
    end
    local want = pattern(size, op == "read" and 1 or 1 - i)
    if op == "read" then
      if i == 0 then ok = ok and me.mem:read(REMOTE, size) == want end
    elseif op == "write" then
      ok = ok and me.mem:read(REMOTE, size - 1) == want:sub(1, -2)
    else
      ok = ok and me.mem:read(REMOTE + p.iters % 64 * 65536, size) == want
    end
  end)
  return t or 0, ok and t ~= nil
end

-- ---- streams: count messages of size bytes; Gb/s and CPU cycles ----

local function count_of(size) return math.max(1, math.min(200, STREAM // size)) end

local function tcp_stream(size, o)
  local r = { ok = true }
  local count = count_of(size)
  local cl, n = cluster("tcp", o, function(i, me)
    local s, cpu = me.s, me.cpu
    local c0 = cpu.busy_cycles
    if i == 0 then
      for k = 0, count - 1 do me.cpu:store(BUF + k * size, pattern(size, k)) end
      c0 = cpu.busy_cycles
      r.t0 = me.sys:now()
      for k = 0, count - 1 do s:send(BUF + k * size, size) end
    else
      if o.late then                   -- everything queued, then one copy
        while s.stats.delivered < size * count do me.sys:wait("10us") end
        local t0 = me.sys:now()
        s:recv(REMOTE, size * count)
        r.copy_time = me.sys:now() - t0
      else
        for k = 0, count - 1 do s:recv(REMOTE + k * size, size) end
      end
      r.t1 = me.sys:now()
      for k = 0, count - 1 do
        r.ok = r.ok and me.mem:read(REMOTE + k * size, size) == pattern(size, k)
      end
    end
    r[i] = cpu.busy_cycles - c0
  end)
  r.bytes = size * count
  r.ok = r.ok and r.t1 ~= nil           -- (nil: the receiver still waits)
  r.gbps = r.t1 and r.bytes * 8 / ((r.t1 - r.t0) / 1000) or 0
  r.copy_time = r.copy_time or 1
  r[0], r[1] = r[0] or 0, r[1] or 0
  r.sender, r.receiver = n[0].s.stats, n[1].s.stats
  r.drops = cl.drops
  return r
end

local function rdma_stream(size)
  local r = { ok = true }
  local count = count_of(size)
  local _, n = cluster("rdma", {}, function(i, me, peer)
    local cpu = me.cpu
    if i == 1 then                     -- the target does nothing
      r.c1 = cpu.busy_cycles
      return
    end
    for k = 0, count - 1 do me.cpu:store(BUF + k * size, pattern(size, k)) end
    local c0, t0 = cpu.busy_cycles, me.sys:now()
    for k = 0, count - 1 do
      me.v:post_send(me.qp, { op = "write", laddr = BUF + k * size,
                              len = size, lkey = me.mr.key,
                              raddr = REMOTE + k * size, rkey = peer.mr.key,
                              wr_id = k, signaled = k == count - 1 })
    end
    local wc
    repeat
      wc = me.v:poll_once(me.cq)
      if not wc then me.sys:wait("1us") end
    until wc
    r.ok = wc.ok
    r.gbps = size * count * 8 / ((me.sys:now() - t0) / 1000)
    r[0] = cpu.busy_cycles - c0
  end)
  for k = 0, count - 1 do
    r.ok = r.ok and n[1].mem:read(REMOTE + k * size, size) == pattern(size, k)
  end
  r[1] = n[1].cpu.busy_cycles - r.c1
  r.ok = r.ok and r[0] ~= nil
  r[0], r.gbps = r[0] or 0, r.gbps or 0
  r.bytes = size * count
  return r
end

-- ---- registration against copying ----

local function registration(sizes)
  local r = {}
  cluster("rdma", {}, function(i, me)
    if i == 1 then return end
    for _, n in ipairs(sizes) do
      local t0 = me.sys:now()
      local mr = me.v:reg_mr(0x2800000, n, verbs.LOCAL_WRITE)
      local treg = me.sys:now() - t0
      me.v:dereg_mr(mr)
      t0 = me.sys:now()
      for off = 0, n - 1, 4096 do     -- memcpy into a registered buffer
        me.cpu:store(BUF + off, me.cpu:load(0x2800000 + off, 4096))
      end
      r[n] = { reg = treg / 1e6, copy = (me.sys:now() - t0) / 1e6 }
    end
  end)
  return r
end

-- ---- the models (ns) ----

local function dma_read(n) return 1 + b + m + beats(n) + b + beats(n) end
local function wire(n) return n * 8 / R end
local function tcp_oneway(n, itr)
  local F = HDR + n
  local send = K.syscall // 2 + 2 * (m + beats(n)) + K.tx_frame
               + (m + beats(HDR)) + (m + 1) + 1
  local nic_tx = (1 + b) + dma_read(16) + dma_read(F)
  local net = 2 * L + S + 2 * wire(F + 24)
  -- the far NIC: descriptor read, posted frame and descriptor writes,
  -- the flush read that waits for them at memory
  local nic_rx = dma_read(16) + beats(F) + b + m + (m + 1) + (m + 1) + b + 1
  local irq = IRQ_ENTRY + K.irq + 1 + IRQ_EXIT
  local napi = K.napi + (m + 1) + (m + beats(HDR)) + K.rx_frame + (m + 1)
               + (m + 1) + 1 + 1 + (m + 1)
  local recv = K.wake + 2 * (m + beats(n)) + (K.syscall - K.syscall // 2)
  return send + nic_tx + net + nic_rx + (itr or 0) + irq + napi + recv
end
-- rdma_latency.lua's SEND, with the payload read by DMA and written
-- across both buses at the far end
local poll, post = m + 1, (m + beats(64)) + (beats(64) + b + beats(64))
local contend = 0.5 * poll
local function rnet(n) return 2 * L + S + 2 * (n + 50) * 8 / R end
local function rdma_send(n)
  return post + P + dma_read(n) + rnet(n) + P + beats(n) + b + m + beats(n)
         + contend + beats(32) + contend + 1.5 * (m + beats(32))
end
local copy_gbps = 8 * MSS / (2 * (m + beats(MSS)))
-- The receiving CPU per segment: NAPI's per-frame work and accesses
-- (descriptor, header, refill), the copy to the user, half an
-- acknowledgement (one per two full segments), a system call and a
-- wake-up per 64 KiB message; and per poll an interrupt with its poll
-- (the next-descriptor look, RDT, unmasking, the second look).  How many
-- frames a poll finds depends on how the two CPUs' timing interleaves, so
-- the model gives bounds: one poll a segment (the most work a byte) and
-- polls amortised to nothing (the least).
local seg_rx = K.rx_frame + (m + 1) + (m + beats(HDR)) + (m + 1)
               + 2 * (m + beats(MSS))
               + (K.tx_frame + (m + beats(HDR)) + (m + 1) + 1) / 2
               + (K.syscall + K.wake) / math.ceil(65536 / MSS)
local poll_rx = IRQ_ENTRY + K.irq + 1 + IRQ_EXIT + K.napi + (m + 1) + 1 + 1
                + (m + 1)
local cpb_lo, cpb_hi = seg_rx / MSS, (seg_rx + poll_rx) / MSS
local gbps_lo, gbps_hi = 8 * MSS / (seg_rx + poll_rx), 8 * MSS / seg_rx
local VERBS_CALL, VERBS_PAGE, CMD = 80000, 350, 10000
local function reg_model(n)            -- the status is polled every 1 us
  return VERBS_CALL + (n + 4095) // 4096 * VERBS_PAGE
         + math.ceil(CMD / 1000 + 0.5) * 1000
end
local function copy_model(n) return n // 4096 * 2 * (m + beats(4096)) end
local reg_slope = VERBS_PAGE / 4096
local copy_slope = 2 * (m + beats(4096)) / 4096
local breakeven = (reg_model(0)) / (copy_slope - reg_slope)

-- ---- runs ----

local lat = { tcp = {}, write = {}, read = {}, send = {} }
local intact = true
for _, n in ipairs(SIZES) do
  local t, ok = tcp_lat(n, {})
  lat.tcp[n] = t
  intact = intact and ok
  for _, op in ipairs({ "write", "read", "send" }) do
    t, ok = rdma_lat(op, n)
    lat[op][n] = t
    intact = intact and ok
  end
end
local small, small_ok = tcp_lat(p.size, {})
local moderated, mod_ok = tcp_lat(p.size, { itr = p.itr })
local bw = { tcp = {}, rdma = {} }
for _, n in ipairs({ 1024, 4096, 65536 }) do
  bw.tcp[n] = tcp_stream(n, {})
  bw.rdma[n] = rdma_stream(n)
  intact = intact and bw.tcp[n].ok and bw.rdma[n].ok
end
local late = tcp_stream(65536, { late = true })
local lossy = tcp_stream(65536, { drop_nth = p.drop_nth })
local reg = registration({ 65536, 4 * 1024 * 1024, 16 * 1024 * 1024 })

local rows = {}
for _, n in ipairs(SIZES) do
  rows[#rows + 1] = { n, lat.tcp[n] / 1e3, lat.write[n] / 1e3,
                      lat.read[n] / 1e3, lat.send[n] / 1e3 }
end
dmasim.table{ title = "Latency against message size (us; one way, a READ "
                      .. "a round trip)",
  columns = { "bytes", "kernel TCP", "RDMA write", "RDMA read",
              "RDMA send" }, rows = rows }
rows = {}
for _, n in ipairs({ 1024, 4096, 65536 }) do
  local t, r = bw.tcp[n], bw.rdma[n]
  rows[#rows + 1] = { n, t.gbps, r.gbps, t[0] / t.bytes, t[1] / t.bytes,
                      r[0] / r.bytes, r[1] / r.bytes }
end
dmasim.table{ title = string.format("Streams of at most %d bytes and 200 "
                                    .. "messages: Gb/s and CPU cycles per "
                                    .. "byte", STREAM),
  columns = { "message", "TCP Gb/s", "RDMA Gb/s", "TCP send cyc/B",
              "TCP recv cyc/B", "RDMA send cyc/B", "RDMA recv cyc/B" },
  rows = rows }
rows = {}
for _, n in ipairs({ 65536, 4 * 1024 * 1024, 16 * 1024 * 1024 }) do
  rows[#rows + 1] = { n, reg_model(n) / 1e3, reg[n].reg, copy_model(n) / 1e3,
                      reg[n].copy }
end
dmasim.table{ title = "Registering against copying (us)",
  columns = { "bytes", "register, model", "register", "copy, model",
              "copy" }, rows = rows }

-- the simulated break-even: where the lines through the simulated points
-- at 4 MiB and 16 MiB meet
local n1, n2 = 4 * 1024 * 1024, 16 * 1024 * 1024
local rs = (reg[n2].reg - reg[n1].reg) / (n2 - n1)
local cs = (reg[n2].copy - reg[n1].copy) / (n2 - n1)
local sim_breakeven = (reg[n1].reg - rs * n1 - (reg[n1].copy - cs * n1))
                      / (cs - rs)
local reuse = reg[65536].reg / reg[65536].copy
local big = bw.tcp[65536]
dmasim.report("reg_per_mb_us", rs * 1024 * 1024)
dmasim.report("reuse_breakeven_64k", reuse)
dmasim.report("tcp_retransmits", lossy.sender.retransmits)
dmasim.report("tcp_duplicates", lossy.receiver.duplicates)

dmasim.claim{ id = "rdma_vs_tcp.tcp_latency",
  claim = string.format("a %d-byte message on the kernel path takes two "
          .. "system calls, two copies, descriptor DMA, an interrupt and a "
          .. "NAPI poll", p.size),
  model = tcp_oneway(p.size) / 1e3, simulated = small / 1e3,
  tolerance = 0.05, unit = "us", intact = small_ok }
dmasim.claim{ id = "rdma_vs_tcp.tcp_rtt_moderated",
  claim = "with interrupt moderation on both NICs the round trip grows by "
          .. "twice the moderation delay",
  model = 2 * tcp_oneway(p.size, ITR) / 1e3, simulated = 2 * moderated / 1e3,
  tolerance = 0.05, unit = "us", published = 23.3, intact = mod_ok }
dmasim.claim{ id = "rdma_vs_tcp.send_1k",
  claim = "an RC SEND of 1 KiB: the NIC reads the payload by DMA",
  model = rdma_send(1024) / 1e3, simulated = lat.send[1024] / 1e3,
  tolerance = 0.08, unit = "us" }
dmasim.claim{ id = "rdma_vs_tcp.send_4k",
  claim = "an RC SEND of 4 KiB: one MTU of payload read and written",
  model = rdma_send(4096) / 1e3, simulated = lat.send[4096] / 1e3,
  tolerance = 0.08, unit = "us" }
dmasim.claim{ id = "rdma_vs_tcp.copy_rate",
  claim = "one core copies kernel to user at a load and a store a segment",
  model = copy_gbps, simulated = late.bytes * 8 / (late.copy_time / 1000),
  tolerance = 0.05, unit = "Gb/s", published = 40, intact = late.ok }
dmasim.claim{ id = "rdma_vs_tcp.tcp_bw", kind = "check",
  claim = string.format("a kernel TCP stream of 64 KiB messages is bound "
          .. "by the receiving CPU: between %.2f and %.2f Gb/s (one poll a "
          .. "segment, polls free), far below the wire", gbps_lo, gbps_hi),
  model = true, simulated = big.gbps >= gbps_lo and big.gbps <= gbps_hi
                            and big.ok }
dmasim.claim{ id = "rdma_vs_tcp.cycles_per_byte", kind = "check",
  claim = string.format("the kernel path's receiving CPU spends between "
          .. "%.3f and %.3f cycles a byte (the same bounds)", cpb_lo, cpb_hi),
  model = true, simulated = big[1] / big.bytes >= cpb_lo
                            and big[1] / big.bytes <= cpb_hi }
dmasim.claim{ id = "rdma_vs_tcp.rdma_cpu", kind = "check",
  claim = "RDMA's CPUs spend under 2% of the kernel path's cycles a byte "
          .. "(the target's none)",
  model = true,
  simulated = bw.rdma[65536][0] / bw.rdma[65536].bytes
              < 0.02 * (big[0] + big[1]) / big.bytes
              and bw.rdma[65536][1] == 0 }
dmasim.claim{ id = "rdma_vs_tcp.reg_call",
  claim = "registering 64 KiB costs a call's fixed price and 16 pages",
  model = reg_model(65536) / 1e3, simulated = reg[65536].reg,
  tolerance = 0.05, unit = "us", published = 93 }
dmasim.claim{ id = "rdma_vs_tcp.reg_breakeven",
  claim = "registering a buffer for one message beats copying it into a "
          .. "registered one above this size",
  model = breakeven / 1048576, simulated = sim_breakeven / 1048576,
  tolerance = 0.1, unit = "MiB" }
dmasim.claim{ id = "rdma_vs_tcp.intact", kind = "check",
  claim = "every path (kernel TCP, RDMA WRITE, READ and SEND, latency and "
          .. "streams) delivers exactly the bytes it was given",
  model = true, simulated = intact and small_ok and mod_ok and late.ok }
dmasim.claim{ id = "rdma_vs_tcp.loss", kind = "check",
  claim = "a segment lost in the switch is resent on the timer and every "
          .. "byte is delivered exactly once, in order",
  model = true,
  simulated = lossy.drops == 1 and lossy.sender.retransmits >= 1
              and lossy.sender.timeouts >= 1 and lossy.ok
              and lossy.receiver.delivered == lossy.bytes }
