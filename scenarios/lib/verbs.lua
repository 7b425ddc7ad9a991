-- verbs: a user-space RDMA verbs library for the RDMA NIC (sys:rnic{}),
-- written the way a provider library (libibverbs with mlx5) is: every
-- work request is bytes the CPU stores into a ring in host memory, every
-- doorbell or BlueFlame write is a CPU store to the device's registers,
-- every completion is read by the CPU from the completion queue the
-- device writes.  Nothing here moves data or touches the device except
-- through the CPU's own transactions; all time is simulated.
--
--   local verbs = require "verbs"
--   local v = verbs.open(sys, cpu, nic, { ring_base = 0x100000 })
--   local mr = v:reg_mr(buf, 64 * 1024, verbs.LOCAL_WRITE | verbs.REMOTE_WRITE)
--   local cq = v:create_cq(64)
--   local qp = v:create_qp(cq, cq, { sq = 64, rq = 64 })
--   v:connect(qp, remote_node, remote_qpn)      -- INIT, RTR, RTS
--   v:post_send(qp, { op = "write", laddr = buf, len = 8, lkey = mr.key,
--                     raddr = raddr, rkey = rkey, inline = true,
--                     data = "12345678" })
--   local wc = v:poll(cq)                        -- { status, wr_id, ... }
--
-- Memory registration: the kernel pins the pages and the device takes
-- the translation; the CPU spends reg_call cycles per call (system call
-- and the driver's work) and reg_page cycles per 4 KiB page (pinning),
-- then the device's command runs (its cmd_time).  The defaults are the
-- published ~93 us per call and 80-100 us per MB (Mietke et al., "Analysis
-- of the memory registration process in the Mellanox InfiniBand software
-- stack", Euro-Par 2006): a price, stated as one.
local M = {}
M.__index = M

M.LOCAL_WRITE, M.REMOTE_WRITE, M.REMOTE_READ = 1, 2, 4
M.status_names = { [0] = "success", [1] = "local length error",
  [4] = "local protection error", [5] = "flushed",
  [9] = "remote invalid request", [10] = "remote access error",
  [12] = "retry exceeded", [13] = "receiver not ready, retry exceeded" }

local REG = { DB = 0x000, RQDB = 0x008, CMD = 0x010, STATUS = 0x014,
              RESULT = 0x018, ARG = 0x020, NODE = 0x060, BF = 0x100 }
local CMD = { CREATE_CQ = 1, CREATE_QP = 2, MODIFY_QP = 3, REG_MR = 4,
              DEREG_MR = 5 }
local OPS = { send = 0, write = 1, read = 2 }
local STATES = { reset = 0, init = 1, rtr = 2, rts = 3, error = 4 }
local SQ_STRIDE, RQE, CQE, MAX_INLINE = 256, 32, 32, 192

-- opts: ring_base (where queues go; 1 MiB at 0x100000), blueflame (true:
-- a WQE that fits goes whole to the BlueFlame register, no fetch),
-- reg_call, reg_page, gpu_page (CPU cycles), cmd_poll (between status
-- reads).
function M.open(sys, cpu, nic, opts)
  opts = opts or {}
  return setmetatable({ sys = sys, cpu = cpu, base = nic.base, nic = nic,
    next_ring = opts.ring_base or 0x100000,
    ring_end = (opts.ring_base or 0x100000) + (opts.ring_size or 0x100000),
    blueflame = opts.blueflame ~= false,
    reg_call = opts.reg_call or 80000, reg_page = opts.reg_page or 350,
    gpu_page = opts.gpu_page or 2000,
    cmd_poll = opts.cmd_poll or "1us", pd = 1 }, M)
end

-- Room for a ring in host memory (aligned to 4 KiB).
function M:ring(bytes)
  local at = self.next_ring
  self.next_ring = at + (bytes + 4095) // 4096 * 4096
  if self.next_ring > self.ring_end then
    error("verbs: the rings need more than ring_size bytes", 2)
  end
  return at
end

-- A command: arguments, CMD, then the status read until it is done.
function M:command(op, ...)
  local args = { ... }
  for i, a in ipairs(args) do
    self.cpu:write64(self.base + REG.ARG + 8 * (i - 1), a)
  end
  self.cpu:write32(self.base + REG.CMD, op)
  local st
  repeat
    self.sys:wait(self.cmd_poll)
    st = self.cpu:read32(self.base + REG.STATUS)
  until st ~= 1
  if st ~= 0 then return nil end
  return self.cpu:read64(self.base + REG.RESULT)
end

function M:reg_mr(addr, len, access)
  local pages = (addr % 4096 + len + 4095) // 4096
  self.cpu:busy(self.reg_call + pages * self.reg_page)
  local key = self:command(CMD.REG_MR, addr, len, access, self.pd)
  if not key then
    error(string.format("verbs: reg_mr(%#x, %d, %d) refused", addr, len,
                        access), 2)
  end
  return { key = key, addr = addr, len = len }
end

-- ibv_reg_mr of GPU memory (GPUDirect RDMA): the address is the GPU's
-- bus address (device memory in the BAR of the GPU's PCIe endpoint,
-- system:gpu{pcie = ...}).  The kernel's peer-memory client
-- (nvidia-peermem) pins the GPU's pages, 64 KiB each, and hands the NIC
-- their bus addresses: reg_call cycles per call and gpu_page cycles per
-- 64 KiB page (opts: gpu_page), then the device's command.  The NIC's
-- DMA then reads and writes device memory over PCIe peer-to-peer.
function M:reg_mr_gpu(gpu, addr, len, access)
  if addr < gpu.mem_base or addr + len > gpu.mem_base + gpu.mem_size then
    error(string.format("verbs: reg_mr_gpu(%#x, %d): expected a range in "
                        .. "GPU '%s''s memory [%#x, +%#x)", addr, len,
                        gpu.name, gpu.mem_base, gpu.mem_size), 2)
  end
  local pages = (addr % 65536 + len + 65535) // 65536
  self.cpu:busy(self.reg_call + pages * self.gpu_page)
  local key = self:command(CMD.REG_MR, addr, len, access, self.pd)
  if not key then
    error(string.format("verbs: reg_mr_gpu(%#x, %d, %d) refused", addr,
                        len, access), 2)
  end
  return { key = key, addr = addr, len = len, gpu = true }
end

function M:dereg_mr(mr)
  self.cpu:busy(self.reg_call)
  return self:command(CMD.DEREG_MR, mr.key) ~= nil
end

function M:create_cq(depth)
  local base = self:ring(depth * CQE)
  local n = assert(self:command(CMD.CREATE_CQ, base, depth),
                   "verbs: create_cq refused")
  return { n = n, base = base, depth = depth, ci = 0 }
end

function M:create_qp(scq, rcq, o)
  o = o or {}
  local sq, rq = o.sq or 64, o.rq or 64
  local sqb, rqb = self:ring(sq * SQ_STRIDE), self:ring(rq * RQE)
  local n = assert(self:command(CMD.CREATE_QP, sqb, sq, rqb, rq, scq.n,
                                rcq.n, self.pd), "verbs: create_qp refused")
  return { n = n, sq_base = sqb, sq_depth = sq, rq_base = rqb,
           rq_depth = rq, pi = 0, rpi = 0, state = "reset" }
end

-- ibv_modify_qp: false when the device refuses the transition.
function M:modify(qp, state, rnode, rqpn)
  local ok = self:command(CMD.MODIFY_QP, qp.n, STATES[state], rnode or 0,
                          rqpn or 0) ~= nil
  if ok then qp.state = state end
  return ok
end

function M:connect(qp, rnode, rqpn)
  assert(self:modify(qp, "init") and self:modify(qp, "rtr", rnode, rqpn)
         and self:modify(qp, "rts"), "verbs: connect refused")
end

-- ibv_post_send.  wr: op ("write", "read", "send"), laddr, len, lkey,
-- raddr, rkey, wr_id, signaled (true), inline (with data, a string).
-- Returns false, as ibv_post_send returns EINVAL, on a queue pair not
-- ready to send.
function M:post_send(qp, wr)
  if qp.state ~= "rts" and qp.state ~= "error" then return false end
  local inl = wr.inline and wr.data or ""
  if #inl > MAX_INLINE then error("verbs: inline data over 192 bytes", 2) end
  local flags = (wr.signaled == false and 0 or 1) | (wr.inline and 2 or 0)
  local wqe = string.pack("<I1I1I2I4I8I8I4I4I8I4I4I8I8", OPS[wr.op], flags,
    0, qp.n, wr.wr_id or 0, wr.laddr or 0, wr.len, wr.lkey or 0,
    wr.raddr or 0, wr.rkey or 0, 0, 0, 0) .. inl
  local slot = qp.sq_base + (qp.pi % qp.sq_depth) * SQ_STRIDE
  self.cpu:store(slot, wqe)
  qp.pi = qp.pi + 1
  if self.blueflame then
    self.cpu:store(self.base + REG.BF, wqe)
  else
    self.cpu:write64(self.base + REG.DB, qp.n << 32 | (qp.pi & 0xffffffff))
  end
  return true
end

function M:post_recv(qp, r)
  local rqe = string.pack("<I8I8I4I4I8", r.wr_id or 0, r.addr, r.len,
                          r.lkey, 0)
  self.cpu:store(qp.rq_base + (qp.rpi % qp.rq_depth) * RQE, rqe)
  qp.rpi = qp.rpi + 1
  self.cpu:write64(self.base + REG.RQDB, qp.n << 32 | (qp.rpi & 0xffffffff))
end

-- One look at the completion queue: the completion, or nil.
function M:poll_once(cq)
  local slot = cq.base + (cq.ci % cq.depth) * CQE
  local b = self.cpu:load(slot, CQE)
  local wr_id, len, qpn, opcode, status, owner =
    string.unpack("<I8I4I4I1I1I1", b)
  if owner ~= ((cq.ci // cq.depth) + 1) & 1 then return nil end
  cq.ci = cq.ci + 1
  return { wr_id = wr_id, len = len, qpn = qpn, opcode = opcode,
           status = status, ok = status == 0,
           error = M.status_names[status] or tostring(status) }
end

-- ibv_poll_cq in a busy loop: the next completion.
function M:poll(cq)
  while true do
    local wc = self:poll_once(cq)
    if wc then return wc end
  end
end

-- Spin on a byte of memory until it holds v (ib_write_lat's way of seeing
-- a WRITE arrive: it has no completion at the target).
function M:spin_byte(addr, v)
  while string.byte(self.cpu:load(addr, 1)) ~= v do end
end

-- After a set-up run (regions and queues made, their numbers and keys in
-- the nodes' tables: exchanged out of band, between runs, as applications
-- exchange them over a socket), start f(i, n[i], n[1 - i]) on both nodes
-- of a two-node cluster at one instant, 1 us after the later node's last
-- event, each node's queue pair (n[i].v, n[i].qp) first connected to the
-- other's unless o.connect is false, 20 us allowed for both to connect;
-- then run the cluster, at most o.limit past that instant.  Nothing else
-- passes between the nodes but the network's frames.
function M.together(cl, n, f, o)
  o = o or {}
  local start = cl.now + 1000000
  for i = 0, 1 do
    local me, peer = n[i], n[1 - i]
    me.sys:spawn(function()
      me.sys:wait(start - me.sys:now())
      if o.connect ~= false then me.v:connect(me.qp, 1 - i, peer.qp.n) end
      me.sys:wait("20us")
      f(i, me, peer)
    end)
  end
  return cl:run(o.limit and start + dmasim.time(o.limit) or nil)
end

return M
