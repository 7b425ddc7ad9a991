-- The camera's register window, driven by a CPU's accesses as a driver
-- would (tests/test_camera.c checks the reports).
--
-- 1. On the system bus, by hand: the buffer table, QBUF of a buffer not
--    the application's refused, DQBUF empty, STREAMON through CTRL, the
--    done buffers in order with their sequence numbers, the counters, a
--    masked interrupt raised once on unmasking, and every refused access
--    counted.  64 x 4 YUYV (512-byte frames) at 1000 frames/s: frame k
--    starts at k ms and is done at about k + 0.8 ms.
local R = { CTRL = 0x00, IMS = 0x04, ICR = 0x08, QBUF = 0x10, DQBUF = 0x14,
            FRAMES = 0x20, CAPTURED = 0x24, DROPS = 0x28, OVERRUNS = 0x2C }
local function ADDR(i) return 0x100 + 16 * i end
local function LEN(i) return 0x108 + 16 * i end
local VALID = 0x80000000
local function index(v) return (v >> 24) & 0x1f end
local function seq(v) return v & 0xffffff end

local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local mem = sys:memory{ size = "64MiB", latency = "20ns" }
local cpu = sys:cpu{ clock = "1GHz" }
local ic = sys:intc{ lines = 8 }
ic:route(2, cpu)
local irqs = 0
cpu:on_irq(2, function() irqs = irqs + 1 end)
local B = 0x40000000
local cam = sys:camera{ base = B, width = 64, height = 4, fps = 1000,
                        frames = 3, buffers = 3, intc = ic, irq_line = 2 }
local refused, errs = 0, {}
-- a refused read returns nil and "bus error", a refused write the message
local function bad(what, v, e)
  if (v == nil and e == "bus error") or
     (type(v) == "string" and v:find("bus error", 1, true)) then
    refused = refused + 1
  else
    errs[#errs + 1] = what
  end
end
local function ok(what, v, e)
  if e ~= nil or type(v) == "string" then
    errs[#errs + 1] = what .. ": " .. tostring(e or v)
  end
  return v
end
local got = {}
sys:spawn(function()
  got.ctrl0 = ok("ctrl", cpu:read32(B + R.CTRL))
  got.empty0 = ok("dqbuf", cpu:read32(B + R.DQBUF))
  got.ims0 = ok("ims", cpu:read32(B + R.IMS))
  ok("ims=0", cpu:write32(B + R.IMS, 0))
  ok("addr0", cpu:write64(B + ADDR(0), 0x400000))
  ok("len0", cpu:write32(B + LEN(0), 0x1000))
  ok("addr1 lo", cpu:write32(B + ADDR(1), 0x401000))
  ok("addr1 hi", cpu:write32(B + ADDR(1) + 4, 0))
  ok("len1", cpu:write32(B + LEN(1), 0x1000))
  got.addr1 = ok("addr1", cpu:read64(B + ADDR(1)))
  got.len1 = ok("len1", cpu:read32(B + LEN(1)))
  ok("qbuf 0", cpu:write32(B + R.QBUF, 0))
  ok("qbuf 1", cpu:write32(B + R.QBUF, 1))
  bad("qbuf 0 again", cpu:write32(B + R.QBUF, 0))   -- queued already
  bad("qbuf 2", cpu:write32(B + R.QBUF, 2))         -- no length
  bad("qbuf 3", cpu:write32(B + R.QBUF, 3))         -- no such buffer
  bad("len0 queued", cpu:write32(B + LEN(0), 0x2000))
  bad("len2 short", cpu:write32(B + LEN(2), 100))
  bad("addr3", cpu:write64(B + ADDR(3), 0x402000))  -- beyond buffers
  bad("read qbuf", cpu:read32(B + R.QBUF))
  bad("write frames", cpu:write32(B + R.FRAMES, 0))
  bad("offset 0x30", cpu:read32(B + 0x30))
  bad("misaligned", cpu:read32(B + R.CTRL + 2))
  bad("two bytes", cpu:load(B + R.CTRL, 2))
  bad("8-byte ctrl", cpu:read64(B + R.CTRL))
  bad("ctrl bit 1", cpu:write32(B + R.CTRL, 2))
  got.streaming0 = cam.frames
  ok("streamon", cpu:write32(B + R.CTRL, 1))
  got.ctrl1 = ok("ctrl", cpu:read32(B + R.CTRL))
  sys:wait("2900us")          -- frames 0 and 1 done, frame 2 dropped
  got.irqs_masked = irqs
  got.icr = ok("icr", cpu:read32(B + R.ICR))
  got.dq1 = ok("dqbuf", cpu:read32(B + R.DQBUF))
  got.dq2 = ok("dqbuf", cpu:read32(B + R.DQBUF))
  got.dq3 = ok("dqbuf", cpu:read32(B + R.DQBUF))
  got.frames = ok("frames", cpu:read32(B + R.FRAMES))
  got.captured = ok("captured", cpu:read32(B + R.CAPTURED))
  got.drops = ok("drops", cpu:read32(B + R.DROPS))
  got.overruns = ok("overruns", cpu:read32(B + R.OVERRUNS))
  ok("ims=1", cpu:write32(B + R.IMS, 1))         -- FRAME raised: one irq
  sys:wait("1us")
  got.irqs_unmasked = irqs
  ok("icr clear", cpu:write32(B + R.ICR, 1))
  got.icr_clear = ok("icr", cpu:read32(B + R.ICR))
  got.intact = mem:read(0x401000, 512) == cam:expected(1, 0, 512)
end)
sys:run()
dmasim.report("errors", table.concat(errs, "; "))
dmasim.report("refused", refused)
dmasim.report("guest_errors", cam.guest_errors)
dmasim.report("base", cam.base)
dmasim.report("ctrl0", got.ctrl0)
dmasim.report("empty0", got.empty0)
dmasim.report("ims0", got.ims0)
dmasim.report("addr1", got.addr1)
dmasim.report("len1", got.len1)
dmasim.report("streaming0", got.streaming0)
dmasim.report("ctrl1", got.ctrl1)
dmasim.report("irqs_masked", got.irqs_masked)
dmasim.report("icr", got.icr)
dmasim.report("dq1_valid", got.dq1 & VALID ~= 0)
dmasim.report("dq1_index", index(got.dq1))
dmasim.report("dq1_seq", seq(got.dq1))
dmasim.report("dq2_valid", got.dq2 & VALID ~= 0)
dmasim.report("dq2_index", index(got.dq2))
dmasim.report("dq2_seq", seq(got.dq2))
dmasim.report("dq3", got.dq3)
dmasim.report("frames", got.frames)
dmasim.report("captured", got.captured)
dmasim.report("drops", got.drops)
dmasim.report("overruns", got.overruns)
dmasim.report("irqs_unmasked", got.irqs_unmasked)
dmasim.report("icr_clear", got.icr_clear)
dmasim.report("intact1", got.intact)

-- 2. Behind a PCIe endpoint (Gen3 x16, 250 ns each way), its registers
--    in the endpoint's BAR, interrupting by MSI: 6 frames into 2
--    buffers, the driver waiting for each interrupt, dequeuing through
--    DQBUF (a non-posted read across the link) and queuing again
--    through QBUF (a posted write); every frame's bytes checked.
local s2 = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local m2 = s2:memory{ size = "64MiB", latency = "20ns" }
local c2 = s2:cpu{ clock = "1GHz" }
local ic2 = s2:intc{ lines = 8 }
ic2:route(5, c2)
local rc = s2:pcie_root{ intc = ic2, latency = "0ns" }  -- MSI at 0xfee00000
local ep = s2:pcie_endpoint{ parent = rc, bar = { 0x80000000, "1MiB" },
                             gen = 3, width = 16, latency = "250ns" }
local P = 0x80000000
local cam2 = s2:camera{ bus = ep.bus, base = P, width = 64, height = 4,
                        fps = 1000, frames = 6, buffers = 2, intc = ic2,
                        irq_line = 5, msi = 0xfee00000 }
local frame = s2:completion()
c2:on_irq(5, function() frame:complete() end)
local seqs, bad2, dq_ps, q_ps, e2 = {}, 0, 0, 0, nil
s2:spawn(function()
  for i = 0, 1 do
    e2 = e2 or c2:write64(P + ADDR(i), 0x400000 + i * 0x1000)
    e2 = e2 or c2:write32(P + LEN(i), 0x1000)
    e2 = e2 or c2:write32(P + R.QBUF, i)
  end
  e2 = e2 or c2:write32(P + R.CTRL, 1)
  for _ = 1, 6 do
    frame:wait()
    local t0 = s2:now()
    local v = c2:read32(P + R.DQBUF)
    local t1 = s2:now()
    if v & VALID == 0 then break end
    local i, s = index(v), seq(v)
    seqs[#seqs + 1] = s
    if m2:read(0x400000 + i * 0x1000, 512) ~= cam2:expected(s, 0, 512) then
      bad2 = bad2 + 1
    end
    e2 = e2 or c2:write32(P + R.QBUF, i)
    dq_ps, q_ps = math.max(dq_ps, t1 - t0), math.max(q_ps, s2:now() - t1)
  end
end)
s2:run()
dmasim.report("pcie_error", tostring(e2))
dmasim.report("pcie_seqs", table.concat(seqs, ","))
dmasim.report("pcie_bad", bad2)
dmasim.report("pcie_captured", cam2.captured)
dmasim.report("pcie_msis", rc.msis)
dmasim.report("pcie_guest_errors", cam2.guest_errors)
dmasim.report("dqbuf_ps", dq_ps, "ps")
dmasim.report("qbuf_ps", q_ps, "ps")
