-- Zero-copy video capture: a camera writes frames by DMA straight into
-- the application's buffers, a ring it queues and dequeues in the V4L2
-- style (VIDIOC_QBUF / VIDIOC_DQBUF), against the copy-based path.
--
-- The camera: 1080p60 raw, 1920 x 1080 pixels at 60 frames/s, about
-- 187 MB/s in NV12 (1.5 bytes a pixel), 249 in YUYV (2) and 373 in RGB24
-- (3); lines read out over the frame period less a vertical blanking of
-- 46 lines (1126 in all, near CEA-861's 1125), each line written by DMA.
-- A frame that finds no queued buffer is dropped and counted.  The
-- machine: CPU and system bus at 1 GHz, 8-byte bus, DRAM answering in
-- `mem_latency`.  The camera sits behind a PCIe endpoint (Gen3 x16, max
-- payload 256 bytes) on a link of `link_latency` each way below the root
-- complex, whose own latency is 0; its registers (src/hw/camera.h) lie in
-- the endpoint's BAR, and it interrupts by MSI (a posted write up the
-- link to the root's MSI window, behind the frame's data).  The
-- application is its driver: it sets up and queues the buffers and
-- starts streaming with register writes, and per interrupt dequeues with
-- a read of DQBUF (non-posted: the CPU waits the link's round trip) and
-- queues the buffer again with a write of QBUF (posted).
--
-- Claims, from the parameters alone (F: the frame period, r: the share
-- of F the readout takes, lines / (lines + lines / 24 + 1); l: the
-- link's latency):
--  1. 1080p60 raw is 1920 * 1080 * 60 * {1.5, 3} bytes/s: about 187 and
--     373 MB/s (the published range), written by the camera's DMA.
--  2. Drops: the consumer holds one buffer; the others are spare.  A
--     stall of L (on every frame whose sequence number is 2 modulo
--     `stall_every`) holding frame k sees the frames start that begin
--     before its buffer is queued again, (k + r) F + 7 l + L (the link
--     crossed 7 times on the way: the last line's writes, the read behind
--     them and its completion, the MSI, DQBUF's read and completion, the
--     QBUF write): floor(r + (L + 7 l) / F); each beyond the B - 1 spare
--     buffers is dropped: max(0, floor(r + (L + 7 l) / F) - (B - 1)) per
--     stall.
--  3. A consumer slower than the camera (P > F) drops a share 1 - F / P
--     of the frames whatever the buffers (they absorb a burst only:
--     measured over the run's second half); P is its hold, 1.5 F, and
--     DQBUF's round trip (claim 5).
--  4. The copy path: the camera writes a kernel buffer and the CPU copies
--     it (loads and stores of `chunk` bytes): the system bus carries the
--     frame three times instead of once (bus cycles: the DMA reaches it
--     as memory-write TLPs of at most 256 bytes, none crossing 4 KiB,
--     lat + n / 8 each; the copy 2 (lat + chunk / 8) per chunk, the last
--     one shorter), and the CPU pays the copy's cycles (and, as zero copy
--     does, DQBUF's round trip).
--  5. The driver's cost with zero copy: per frame the CPU takes the
--     interrupt (irq_entry + irq_exit cycles) and waits for DQBUF's read:
--     2 l and its two TLPs' wire time (the buses' few cycles on the way
--     left out); the posted QBUF write costs it next to nothing.
local p = dmasim.params{ format = "yuyv", frames = 60, process = "5ms",
                         stall = "58ms", stall_every = 10,
                         mem_latency = "20ns", link_latency = "250ns",
                         chunk = "64KiB" }
local W, H, FPS = 1920, 1080, 60
local halves = { nv12 = 3, yuyv = 4, rgb24 = 6 }
dmasim.expect(halves[p.format] ~= nil, "format", p.format,
              "nv12, yuyv or rgb24")
local FB = W * H * halves[p.format] // 2
local F = 1e12 / FPS                                  -- ps
local P, L = dmasim.time(p.process), dmasim.time(p.stall)
local CH = dmasim.size(p.chunk)
local lat = dmasim.time(p.mem_latency) / 1000         -- cycles
dmasim.expect(CH >= 8 and CH % 8 == 0 and CH <= 1048576, "chunk",
              p.chunk, "a multiple of 8 bytes up to 1 MiB")
dmasim.expect(P < F, "process", p.process, "less than a frame period")
local r = H / (H + H // 24 + 1)
local LL = dmasim.time(p.link_latency)                -- ps, each way
-- The driver's crossings of the link between frame k's last line read
-- out (k + r) F and its buffer queued again, besides the hold: the line's
-- writes up, the read behind them up and its completion down, the MSI
-- up, DQBUF's read down and its completion up, QBUF's write down.
local D = 7 * LL
-- DQBUF's round trip in CPU cycles (1 ns): the link both ways, and the
-- read request (24 bytes of header and framing) and its completion (20
-- and 4 of data) on the wire of Gen3 x16, 8 GT/s a lane in 128b/130b.
local WIRE = 16 * 8e9 * 128 / 130 / 8                 -- bytes/s
local RT = 2 * LL / 1000 + (24 + 24) / WIRE * 1e9
local BUF, KBUF = 0x1000000, 0x6000000

-- The camera's registers (src/hw/camera.h) in the endpoint's BAR.
local REGS, MSI, IRQ = 0x80000000, 0xfee00000, 3
local ENTRY, EXIT = 100, 50           -- CPU cycles to take an interrupt
local R = { CTRL = 0x00, QBUF = 0x10, DQBUF = 0x14 }
local function ADDR(i) return 0x100 + 16 * i end
local function LEN(i) return 0x108 + 16 * i end

local function build(o)
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
  local mem = sys:memory{ size = "256MiB", latency = p.mem_latency }
  local cpu = sys:cpu{ clock = "1GHz", irq_entry = ENTRY, irq_exit = EXIT }
  local ic = sys:intc{ lines = 8 }
  ic:route(IRQ, cpu)
  local rc = sys:pcie_root{ intc = ic, latency = "0ns" }
  local ep = sys:pcie_endpoint{ parent = rc, bar = { REGS, "1MiB" },
                                gen = 3, width = 16,
                                latency = p.link_latency }
  local cam = sys:camera{ bus = ep.bus, base = REGS, width = W, height = H,
                          format = o.format or p.format, fps = FPS,
                          frames = o.frames or p.frames,
                          buffers = o.buffers, intc = ic, irq_line = IRQ,
                          msi = MSI }
  local frame = sys:completion()
  cpu:on_irq(IRQ, function() frame:complete() end)
  return sys, mem, cpu, cam, frame
end

-- A register access that must succeed.
local function reg(v, e)
  assert(e == nil and type(v) ~= "string", "camera register: " ..
         tostring(e or v))
  return v
end

-- The application, through the camera's registers: set up and queue the
-- buffers, STREAMON; then per interrupt dequeue (DQBUF), hold the frame
-- hold(k) ps (or copy it), queue it again (QBUF).  Returns the camera,
-- the system, the CPU, whether the last frame arrived intact and the
-- sequence numbers dequeued.
local function capture(o)
  local sys, mem, cpu, cam, frame = build(o)
  local base = o.copy and KBUF or BUF
  local fb = cam.frame_bytes
  local last, seqs = {}, {}
  sys:spawn(function()
    for i = 0, o.buffers - 1 do
      reg(cpu:write64(REGS + ADDR(i), base + i * fb))
      reg(cpu:write32(REGS + LEN(i), fb))
      reg(cpu:write32(REGS + R.QBUF, i))
    end
    reg(cpu:write32(REGS + R.CTRL, 1))
    while true do
      frame:wait()
      local v = reg(cpu:read32(REGS + R.DQBUF))
      assert(v & 0x80000000 ~= 0, "DQBUF: no buffer done after its MSI")
      local i, seq = (v >> 24) & 0x1f, v & 0xffffff
      seqs[#seqs + 1] = seq
      if o.copy then
        for off = 0, fb - 1, CH do
          local n = math.min(CH, fb - off)
          cpu:store(BUF + off, cpu:load(base + i * fb + off, n))
        end
      else
        sys:wait(o.hold(seq))
      end
      last.i, last.seq = i, seq
      reg(cpu:write32(REGS + R.QBUF, i))
    end
  end)
  sys:run()
  local where = o.copy and BUF or base + last.i * fb
  -- intact: the last frame's bytes, and no register access refused (a
  -- posted write's refusal reaches only the camera's count)
  local intact = mem:read(where, fb) == cam:expected(last.seq, 0, fb) and
                 cam.guest_errors == 0
  return cam, sys, cpu, intact, seqs
end

-- 1. Bandwidth by pixel format (10 frames each, every one kept).
local frows, bw = {}, {}
for _, fmt in ipairs{ "nv12", "yuyv", "rgb24" } do
  local cam = capture{ format = fmt, frames = 10, buffers = 4,
                       hold = function() return P end }
  bw[fmt] = cam.bytes / (cam.frames * cam.period / 1e12)
  frows[#frows + 1] = { fmt, cam.frame_bytes,
                        string.format("%.1f", bw[fmt] / 1e6),
                        string.format("%.1f", W * H * FPS * halves[fmt] / 2
                                      / 1e6), cam.captured, cam.drops }
end
dmasim.table{ title = "1080p60 raw by pixel format",
              columns = { "format", "frame_bytes", "MB_per_s",
                          "model_MB_per_s", "captured", "dropped" },
              rows = frows }

-- 2. Drops against buffers and the stall (a stall every stall_every
-- frames, from frame 2).
local function stalls()
  local n = 0
  for k = 0, p.frames - 1 do
    if k % p.stall_every == 2 and k + 5 < p.frames then n = n + 1 end
  end
  return n
end
-- frames that start while the consumer holds a frame stall ps
local function during(stall)
  return math.floor(r + (stall + D) / F)
end
local function model_drops(B, stall)
  local during = during(stall)
  return stalls() * math.max(0, during - (B - 1))
end
local drows, sim_drops, all_intact = {}, {}, true
for _, stall in ipairs{ L, L / 2 } do
  for _, B in ipairs(stall == L and { 2, 3, 4, 5 } or { 2, 3 }) do
    local cam, _, _, intact = capture{ buffers = B, hold = function(k)
      if k % p.stall_every == 2 and k + 5 < p.frames then return stall end
      return P
    end }
    all_intact = all_intact and intact
    sim_drops[B .. ":" .. stall] = cam.drops
    drows[#drows + 1] = { string.format("%.1f", stall / 1e9), B,
                          model_drops(B, stall), cam.drops, cam.captured }
  end
end
dmasim.table{ title = "Dropped frames against buffers (" .. stalls()
                      .. " stalls, " .. p.process .. " a frame otherwise)",
              columns = { "stall_ms", "buffers", "model_drops",
                          "drops", "captured" },
              rows = drows }

-- 3. A consumer slower than the camera: 1.5 F a frame; the share
-- dropped in the second half of the run, once the spare buffers' burst
-- is over.
local slow, _, _, _, seqs = capture{ buffers = 4,
                                     hold = function() return 1.5 * F end }
local half, kept = p.frames // 2, 0
for _, s in ipairs(seqs) do
  if s >= half then kept = kept + 1 end
end
local slow_share = 1 - kept / (p.frames - half)

-- 4. Zero copy against copying, 4 buffers, no stall.
local zc_cam, zc_sys, zc_cpu, zc_ok = capture{ buffers = 4,
  hold = function() return P end }
local cp_cam, cp_sys, cp_cpu, cp_ok = capture{ buffers = 4, copy = true }
local lb = FB // H
-- System bus cycles of the camera's DMA write of n bytes at a: it
-- crosses the link as memory-write TLPs of at most MPS bytes, none
-- crossing 4 KiB (PCIe Base Specification), each then a system bus write
-- of lat + n / 8 cycles.
local MPS, BURST = 256, 4096      -- the endpoint's and the camera's
local function dma_cycles(a, n)
  local c = 0
  while n > 0 do
    local t = math.min(n, MPS, 4096 - a % 4096)
    c, a, n = c + lat + math.ceil(t / 8), a + t, n - t
  end
  return c
end
-- ... of a frame, on average over the 4 buffers it lands in in turn: a
-- line is a DMA write of up to BURST bytes at a time.
local function frame_cycles(base)
  local c = 0
  for i = 0, 3 do
    for l = 0, H - 1 do
      local a = base + i * FB + l * lb
      for off = 0, lb - 1, BURST do
        c = c + dma_cycles(a + off, math.min(BURST, lb - off))
      end
    end
  end
  return c / 4
end
local bus_zc = frame_cycles(BUF)
local tail = FB % CH
local copy_cyc = 2 * ((FB // CH) * (lat + CH / 8)
                      + (tail > 0 and lat + math.ceil(tail / 8) or 0))
local bus_cp = frame_cycles(KBUF) + copy_cyc
local function per_frame(sys, cam)
  return sys.system_bus.busy_cycles / cam.captured
end
dmasim.table{ title = "Zero copy against a copy, per frame",
              columns = { "path", "captured", "system_bus_cycles",
                          "model_bus_cycles", "cpu_cycles" },
              rows = {
                { "zero_copy", zc_cam.captured,
                  string.format("%.0f", per_frame(zc_sys, zc_cam)),
                  string.format("%.0f", bus_zc),
                  string.format("%.0f", zc_cpu.busy_cycles
                                / zc_cam.captured) },
                { "copy", cp_cam.captured,
                  string.format("%.0f", per_frame(cp_sys, cp_cam)),
                  string.format("%.0f", bus_cp),
                  string.format("%.0f", cp_cpu.busy_cycles
                                / cp_cam.captured) } } }

dmasim.claim{
  id = "camera_ring.nv12_rate",
  claim = "1080p60 NV12 raw: 1920 * 1080 * 1.5 * 60 bytes/s",
  model = W * H * 1.5 * FPS / 1e6, simulated = bw.nv12 / 1e6,
  tolerance = 0.01, unit = "MB/s", published = 187,
}
dmasim.claim{
  id = "camera_ring.rgb24_rate",
  claim = "1080p60 RGB24 raw: 1920 * 1080 * 3 * 60 bytes/s",
  model = W * H * 3 * FPS / 1e6, simulated = bw.rgb24 / 1e6,
  tolerance = 0.01, unit = "MB/s", published = 373,
}
dmasim.claim{
  id = "camera_ring.stall_drops",
  claim = "a stall drops the frames beyond the B - 1 spare buffers (B = 3)",
  model = model_drops(3, L), simulated = sim_drops["3:" .. L],
  tolerance = 0, unit = "frames", intact = all_intact,
}
dmasim.claim{
  id = "camera_ring.enough_buffers",
  claim = "with floor(r + L/F) + 1 buffers a stall drops nothing",
  model = 0, simulated = sim_drops[(during(L) + 1) .. ":" .. L],
  tolerance = 0, unit = "frames",
}
dmasim.claim{
  id = "camera_ring.slow_consumer",
  claim = "a consumer slower than the camera drops 1 - F/P of the frames",
  model = 1 - F / (1.5 * F + RT * 1000), simulated = slow_share,
  tolerance = 0.1,
  unit = "",
}
dmasim.claim{
  id = "camera_ring.copy_bus",
  claim = "copying puts the frame on the system bus three times",
  model = bus_cp / bus_zc,
  simulated = per_frame(cp_sys, cp_cam) / per_frame(zc_sys, zc_cam),
  tolerance = 0.03, intact = zc_ok and cp_ok,
}
dmasim.claim{
  id = "camera_ring.copy_cpu",
  claim = "the copy costs the CPU 2 (lat + chunk/8) cycles a chunk",
  model = copy_cyc + RT,
  simulated = cp_cpu.busy_cycles / cp_cam.captured, tolerance = 0.05,
  unit = "cycles",
}
dmasim.claim{
  id = "camera_ring.driver_cpu",
  claim = "a zero-copy frame costs the CPU an interrupt and a DQBUF read",
  model = ENTRY + EXIT + RT,
  simulated = zc_cpu.busy_cycles / zc_cam.captured, tolerance = 0.05,
  unit = "cycles",
}
dmasim.report("zero_copy_cpu_cycles_per_frame",
              zc_cpu.busy_cycles / zc_cam.captured)
