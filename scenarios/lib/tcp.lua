-- tcp: the kernel network path of a node, written the way a kernel's is,
-- on the node's simulated CPU: a socket with send() and recv() system
-- calls, copies between user and kernel buffers by the CPU's own loads and
-- stores, an Ethernet driver that owns the NIC's descriptor rings
-- (sys:nic{network = true}: the 82599-style NIC of src/hw/nic.h on the
-- node's cluster port), an interrupt handler that schedules NAPI polling,
-- and a simplified TCP for reliable, in-order, exactly-once delivery.
-- Nothing here moves data or touches the device except through the CPU's
-- transactions; all time is simulated.
--
--   local tcp = require "tcp"
--   local s = tcp.open(sys, cpu, nic, { peer = 1, intc = ic, line = 3 })
--   s:send(addr, len)            -- copies len bytes out of user memory
--   local n = s:recv(addr, len)  -- blocks until len bytes are copied in
--
-- The TCP is simplified, and says so: one connection per node, already
-- established (no handshake, no close); a fixed window of `window` bytes
-- in flight (no congestion control, no receive window); segments of at
-- most `mss` bytes; cumulative acknowledgements, piggybacked on data,
-- else sent for every second full segment or after `ack_delay`; a segment
-- out of order is dropped (no reassembly queue) and answered with a
-- duplicate acknowledgement; the retransmission timer (`rto`, fixed, no
-- back-off) resends every unacknowledged segment from the oldest
-- (go-back-N); after `retries` timeouts in a row without progress the
-- connection fails (as Linux's tcp_retries2): send() and recv() return
-- nil and "connection timed out".  No checksums: the simulated wire does
-- not corrupt.
--
-- Costs (CPU cycles, parameters, never results): `syscall` for a system
-- call's entry and exit (half each); `irq` for the interrupt handler's work (the
-- CPU's irq_entry and irq_exit come on top); `napi` per poll and
-- `rx_frame` per frame for the driver and the IP and TCP receive work;
-- `wake` to wake a process blocked in recv() or send(); `tx_frame` per
-- segment sent for TCP and IP output and the driver's transmit.  The
-- copies and every descriptor, header and register access are the CPU's
-- transactions, timed by the bus.
--
-- Frames in memory: bytes 0-5 the destination node (the NIC reads them as
-- its MAC address), 6-11 the source, 12-13 the type (0x0800); then a
-- 40-byte IP and TCP header, of which the stack uses sequence number,
-- acknowledgement, flags and payload length; then the payload.
local M = {}
M.__index = M

local HDR = 54                          -- Ethernet 14 + IP 20 + TCP 20
local DESC = 16
local NIC = { CTRL = 0x00, IMS = 0x04, RDBA = 0x10, RDLEN = 0x18,
              RDH = 0x1C, RDT = 0x20, TDBA = 0x30, TDLEN = 0x38,
              TDH = 0x3C, TDT = 0x40 }
local ACK, DATA = 1, 2
local DD, EOP = 1, 1

local defaults = { syscall = 300, irq = 380, napi = 250, rx_frame = 300,
  wake = 420, tx_frame = 400, mss = 1460, window = 64 * 1024,
  ack_delay = "40us", rto = "1ms", retries = 15, ring = 256, bufs = 1024,
  base = 0x100000, budget = 64 }
M.defaults = defaults

local function check(cond, field, got, expected)
  if not cond then
    error(string.format("tcp.open: field '%s' = %s: expected %s", field,
                        tostring(got), expected), 3)
  end
end

-- opts: peer (node), intc and line (the NIC's interrupt, routed to cpu),
-- the costs above, mss, window, ack_delay, rto, ring (descriptors per
-- ring), bufs (receive buffers of 2 KiB), base (where the rings and
-- buffers go: ring * 32 + 4 KiB rounded, then (bufs + ring + window / mss
-- + 1) * 2 KiB).
function M.open(sys, cpu, nic, opts)
  opts = opts or {}
  local s = setmetatable({ sys = sys, cpu = cpu, nic = nic,
                           regs = nic.base }, M)
  for k, v in pairs(opts) do
    check(defaults[k] ~= nil or k == "peer" or k == "node" or k == "intc"
          or k == "line", k, v, "one of the known options")
  end
  for k, v in pairs(defaults) do s[k] = opts[k] or v end
  s.peer, s.node = opts.peer, opts.node or 0
  s.intc, s.line = opts.intc, opts.line or 0
  check(math.type(s.peer) == "integer" and s.peer >= 0, "peer", s.peer,
        "the peer's node number")
  check(s.intc ~= nil, "intc", s.intc, "the intc the NIC interrupts")
  check(math.type(s.mss) == "integer" and s.mss >= 1 and s.mss <= 2048
        - HDR, "mss", s.mss, "1 to 1994 bytes")
  check(math.type(s.window) == "integer" and s.window >= s.mss, "window",
        s.window, "at least one segment (mss) of bytes")
  check(math.type(s.ring) == "integer" and s.ring >= 8 and s.ring <= 4096,
        "ring", s.ring, "8 to 4096 descriptors")
  check(math.type(s.bufs) == "integer" and s.bufs > s.ring, "bufs", s.bufs,
        "more receive buffers than ring descriptors")
  s.rto = dmasim.time(s.rto)
  s.ack_delay = dmasim.time(s.ack_delay)
  check(s.rto > s.ack_delay, "rto", s.rto, "more than ack_delay")
  check(math.type(s.retries) == "integer" and s.retries >= 1, "retries",
        s.retries, "1 or more timeouts")
  -- memory: the two rings, receive buffers, a header buffer per transmit
  -- descriptor (pure acknowledgements), segment buffers for the window
  local at = s.base
  s.tx_ring, s.rx_ring = at, at + s.ring * DESC
  at = at + ((2 * s.ring * DESC + 4095) // 4096) * 4096
  s.ack_bufs = at
  at = at + s.ring * 64
  s.seg_slots = s.window // s.mss + 2
  s.seg_bufs = at
  at = at + s.seg_slots * 2048
  s.rx_bufs = at
  s.top = at + s.bufs * 2048
  s.free = {}                            -- receive buffers not in use
  for i = s.ring, s.bufs - 1 do s.free[#s.free + 1] = s.rx_bufs + i * 2048 end
  s.rx_buf = {}                          -- by descriptor
  -- transmit: the ring's tail and the oldest descriptor not yet reclaimed
  s.tx_tail, s.tx_clean = 0, 0
  -- TCP state (sequence numbers count bytes from 0)
  s.snd_una, s.snd_nxt, s.rcv_nxt = 0, 0, 0
  s.segs, s.seg_head, s.seg_tail = {}, 0, 0   -- unacknowledged, in order
  s.unacked_rx = 0                       -- bytes received, not acked
  s.rxq, s.rxq_head, s.rxq_tail = {}, 1, 0   -- in-order data for recv()
  s.rto_start, s.backoffs = 0, 0
  s.stats = { segments = 0, acks = 0, retransmits = 0, timeouts = 0,
              duplicates = 0, out_of_order = 0, delivered = 0, copied = 0,
              irqs = 0, polls = 0, rx_drops = 0 }
  s.napi_work = sys:completion()
  s.readable = sys:completion()
  s.writable = sys:completion()
  s.rto_arm = sys:completion()
  s.delack_arm = sys:completion()
  s:setup()
  sys:spawn(function() s:napi_loop() end)
  sys:spawn(function() s:rto_loop() end)
  sys:spawn(function() s:delack_loop() end)
  return s
end

-- ---- the driver ----

function M:setup()
  local cpu, r = self.cpu, self.regs
  cpu:write64(r + NIC.TDBA, self.tx_ring)
  cpu:write32(r + NIC.TDLEN, self.ring)
  cpu:write64(r + NIC.RDBA, self.rx_ring)
  cpu:write32(r + NIC.RDLEN, self.ring)
  for i = 0, self.ring - 1 do
    self.rx_buf[i] = self.rx_bufs + i * 2048
    cpu:store(self.rx_ring + i * DESC, string.pack("<I8I8", self.rx_buf[i], 0))
  end
  self.rx_next, self.rx_tail = 0, self.ring - 1
  cpu:write32(r + NIC.RDT, self.rx_tail)
  self.cpu:on_irq(self.line, function()
    self.stats.irqs = self.stats.irqs + 1
    cpu:busy(self.irq)
    cpu:write32(r + NIC.IMS, 0)          -- masked until the poll is done
    self.napi_work:complete()            -- napi_schedule
  end)
  self.intc:route(self.line, cpu, 1)
  cpu:write32(r + NIC.IMS, 1)
  cpu:write32(r + NIC.CTRL, 3)           -- RXEN | TXEN
  cpu:read32(r + NIC.CTRL)               -- the posted writes have landed
end

-- Reclaim transmit descriptors the NIC has written back (DD).
function M:tx_reclaim()
  while self.tx_clean ~= self.tx_tail do
    local st = self.cpu:load(self.tx_ring + self.tx_clean * DESC + 12, 1)
    if string.byte(st) & DD == 0 then break end
    self.tx_clean = (self.tx_clean + 1) % self.ring
  end
end

-- Hand a frame of len bytes at addr to the NIC: a descriptor, then TDT.
function M:xmit(addr, len)
  local used = (self.tx_tail - self.tx_clean) % self.ring
  if used >= self.ring // 2 then
    self:tx_reclaim()
    while (self.tx_tail + 1) % self.ring == self.tx_clean do
      self.sys:wait("1us")               -- the ring is full: wait for it
      self:tx_reclaim()
    end
  end
  local slot = self.tx_tail
  self.cpu:store(self.tx_ring + slot * DESC,
                 string.pack("<I8I2I2I1I1I2", addr, len, 0, 0, 0, EOP))
  self.tx_tail = (slot + 1) % self.ring
  self.cpu:write32(self.regs + NIC.TDT, self.tx_tail)
  return slot
end

local function header(s, seq, flags, len)
  return string.pack("<I6I6>I2<I4I4I2I2", s.peer, s.node, 0x0800,
                     seq, s.rcv_nxt, flags, len) .. string.rep("\0", 26)
end

-- A pure acknowledgement of everything received in order.
function M:send_ack()
  local buf = self.ack_bufs + self.tx_tail * 64
  self.cpu:busy(self.tx_frame)
  self.cpu:store(buf, header(self, self.snd_nxt, ACK, 0))
  self.unacked_rx, self.delack_due = 0, nil
  self.stats.acks = self.stats.acks + 1
  self:xmit(buf, HDR)
end

-- The acknowledgement field of a frame from the peer.
function M:on_ack(ack)
  if ack <= self.snd_una or ack > self.snd_nxt then return end
  while self.seg_head < self.seg_tail do
    local seg = self.segs[self.seg_head % self.seg_slots]
    if seg.seq + seg.len > ack then break end
    self.segs[self.seg_head % self.seg_slots] = nil
    self.seg_head = self.seg_head + 1
  end
  self.snd_una = ack
  self.rto_start = self.sys:now()
  self.backoffs = 0
  if self.send_waiting then
    self.send_waiting = false
    self.writable:complete()
  end
end

-- One frame in receive buffer buf: the TCP receive path.  Returns true
-- when the buffer now belongs to the socket.
function M:on_frame(buf)
  local h = self.cpu:load(buf, HDR)
  local seq, ack, flags, len = string.unpack("<I4I4I2I2", h, 15)
  self.cpu:busy(self.rx_frame)
  if flags & ACK ~= 0 then self:on_ack(ack) end
  if flags & DATA == 0 or len == 0 then return false end
  if seq ~= self.rcv_nxt then
    if seq < self.rcv_nxt then
      self.stats.duplicates = self.stats.duplicates + 1
    else
      self.stats.out_of_order = self.stats.out_of_order + 1
    end
    self.ack_now = true                  -- a duplicate acknowledgement
    return false
  end
  self.rcv_nxt = seq + len
  self.unacked_rx = self.unacked_rx + len
  self.stats.delivered = self.stats.delivered + len
  self.rxq_tail = self.rxq_tail + 1
  self.rxq[self.rxq_tail] = { buf = buf, off = HDR, len = len }
  self.new_data = true
  return true
end

-- NAPI: the poll, run when the interrupt handler schedules it.
function M:napi_loop()
  local cpu = self.cpu
  while true do
    self.napi_work:wait()
    local done
    repeat
      self.stats.polls = self.stats.polls + 1
      cpu:busy(self.napi)
      done = 0
      while done < self.budget do
        local i = self.rx_next
        local d = cpu:load(self.rx_ring + i * DESC + 8, 8)
        local len, _, st = string.unpack("<I2I2I1", d)
        if st & DD == 0 then break end
        local buf = self.rx_buf[i]
        if self:on_frame(buf) then     -- the socket keeps it: a new one
          local nb = table.remove(self.free)
          if nb then
            self.rx_buf[i] = nb
          else                         -- none left: the data is dropped
            self.rxq[self.rxq_tail] = nil
            self.rxq_tail = self.rxq_tail - 1
            self.rcv_nxt = self.rcv_nxt - (len - HDR)
            self.unacked_rx = self.unacked_rx - (len - HDR)
            self.stats.delivered = self.stats.delivered - (len - HDR)
            self.stats.rx_drops = self.stats.rx_drops + 1
          end
        end
        cpu:store(self.rx_ring + i * DESC,
                  string.pack("<I8I8", self.rx_buf[i], 0))
        self.rx_next = (i + 1) % self.ring
        done = done + 1
      end
      if done > 0 then
        self.rx_tail = (self.rx_tail + done) % self.ring
        cpu:write32(self.regs + NIC.RDT, self.rx_tail)
      end
    until done < self.budget
    if self.ack_now or self.unacked_rx >= 2 * self.mss then
      self.ack_now = false
      self:send_ack()
    elseif self.unacked_rx > 0 and not self.delack_due then
      self.delack_due = self.sys:now() + self.ack_delay
      self.delack_arm:complete()
    end
    cpu:write32(self.regs + NIC.IMS, 1)  -- napi_complete_done
    -- a frame written back after the last look, whose interrupt was
    -- merged with the one being served, would wait for the next: look
    -- once more, and poll again if it is there
    local d = cpu:load(self.rx_ring + self.rx_next * DESC + 12, 1)
    if string.byte(d) & DD ~= 0 then
      cpu:write32(self.regs + NIC.IMS, 0)
      self.napi_work:complete()
    end
    if self.new_data and self.recv_waiting then
      self.recv_waiting = false
      self.readable:complete()           -- wake the reader
    end
    self.new_data = false
  end
end

-- The retransmission timer: go-back-N from the oldest unacknowledged.
function M:rto_loop()
  while true do
    if self.snd_una == self.snd_nxt then
      self.rto_arm:wait()
    else
      local due = self.rto_start + self.rto
      local now = self.sys:now()
      if now < due then
        self.sys:wait(due - now)
      elseif self.backoffs >= self.retries then
        self.failed = true               -- give up: wake whoever waits
        if self.send_waiting then self.writable:complete() end
        if self.recv_waiting then self.readable:complete() end
        return
      else
        self.backoffs = self.backoffs + 1
        self.stats.timeouts = self.stats.timeouts + 1
        self.rto_start = now
        -- new segments wait until the old ones are out again: one sent
        -- among them would arrive out of order and be dropped
        self.rexmit = true
        local k, tail = self.seg_head, self.seg_tail
        while k < tail do
          local seg = self.segs[k % self.seg_slots]
          if seg then                    -- (acknowledged meanwhile: not)
            self.cpu:busy(self.tx_frame)
            self:xmit(seg.buf, HDR + seg.len)
            self.stats.retransmits = self.stats.retransmits + 1
          end
          k = k + 1
        end
        self.rexmit = false
        if self.send_waiting then
          self.send_waiting = false
          self.writable:complete()
        end
      end
    end
  end
end

-- The delayed acknowledgement: due ack_delay after the first byte left
-- unacknowledged, cancelled by any acknowledgement sent (one riding on
-- data included).
function M:delack_loop()
  while true do
    local due = self.delack_due
    if not due then
      self.delack_arm:wait()
    elseif self.sys:now() < due then
      self.sys:wait(due - self.sys:now())
    else
      self.delack_due = nil
      if self.unacked_rx > 0 then self:send_ack() end
    end
  end
end

-- ---- the system calls ----

-- send(): copy len bytes from user memory at addr into segments and
-- transmit them, blocking while the window is full.  Returns len.
function M:send(addr, len)
  local cpu = self.cpu
  cpu:busy(self.syscall // 2)            -- entry
  local off = 0
  while off < len do
    local n = math.min(self.mss, len - off)
    while self.snd_nxt + n - self.snd_una > self.window
          or self.seg_tail - self.seg_head >= self.seg_slots or self.rexmit do
      if self.failed then return nil, "connection timed out" end
      self.send_waiting = true
      self.writable:wait()
      cpu:busy(self.wake)
    end
    local seq, k = self.snd_nxt, self.seg_tail % self.seg_slots
    local buf = self.seg_bufs + k * 2048
    cpu:store(buf + HDR, cpu:load(addr + off, n))   -- the copy
    self.stats.copied = self.stats.copied + n
    cpu:busy(self.tx_frame)
    cpu:store(buf, header(self, seq, DATA | ACK, n))
    self.segs[k] = { seq = seq, len = n, buf = buf }
    self.seg_tail = self.seg_tail + 1
    if self.snd_una == self.snd_nxt then
      self.rto_start = self.sys:now()
      self.rto_arm:complete()
    end
    self.snd_nxt = seq + n
    self.unacked_rx, self.delack_due = 0, nil   -- the acknowledgement rides along
    self.stats.segments = self.stats.segments + 1
    self:xmit(buf, HDR + n)
    off = off + n
  end
  cpu:busy(self.syscall - self.syscall // 2)   -- exit
  return len
end

-- recv(): block until len bytes have arrived in order, copying them into
-- user memory at addr (MSG_WAITALL).  Returns len.
function M:recv(addr, len)
  local cpu = self.cpu
  cpu:busy(self.syscall // 2)            -- entry
  local got = 0
  while got < len do
    local skb = self.rxq[self.rxq_head]
    if not skb and self.failed then
      return nil, "connection timed out"
    elseif not skb then
      self.recv_waiting = true
      self.readable:wait()
      cpu:busy(self.wake)
    else
      local n = math.min(skb.len, len - got)
      cpu:store(addr + got, cpu:load(skb.buf + skb.off, n))   -- the copy
      self.stats.copied = self.stats.copied + n
      got = got + n
      skb.off, skb.len = skb.off + n, skb.len - n
      if skb.len == 0 then
        self.rxq[self.rxq_head] = nil
        self.rxq_head = self.rxq_head + 1
        self.free[#self.free + 1] = skb.buf
      end
    end
  end
  cpu:busy(self.syscall - self.syscall // 2)   -- exit
  return len
end

return M
