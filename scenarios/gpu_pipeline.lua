-- Streaming batches through a GPU kernel: throughput against the number
-- and size of pinned staging buffers (the pinned-memory budget), with
-- copies and kernels overlapped on streams.
--
-- The seed's point: streaming data to a GPU is a DMA pipeline whose
-- performance balances the link's throughput against how much pinned
-- memory one can afford for buffering.  The application reads batches of
-- b bytes from pageable memory, copies each with the CPU into one of k
-- pinned buffers, and queues on that buffer's stream a copy to the device,
-- an event, and a kernel (launch + b / kernel_rate; it copies the batch
-- into a results area, so the bytes are checked at the end).  Before
-- refilling a buffer the host waits for the event of its last copy.
--
-- Model (parameters alone; scenarios/lib/gpuhost.lua for the link and the
-- CPU copy): per batch the CPU spends t_s = b/S copying, t_c = call +
-- n desc queueing the copy and call launching the kernel; the copy engine
-- t_l = n (ce_setup + 2 link latencies) + b/R; the kernel t_k = launch +
-- b/K.  With one buffer nothing overlaps the copy: a batch takes
-- max(t_s + t_c, t_k) + max(t_l, call) (the next copy waits on its stream
-- for the last kernel, the host for the copy); with k buffers the slowest stage sets the pace,
-- max(t_s + t_c + call, t_l, t_k), once the k buffers cover a buffer's
-- turn, t_s + t_c + t_l (so throughput = min(link, kernel, CPU staging)
-- and pinned memory beyond that stops paying).
local gh = require "gpuhost"

local p = gh.params(dmasim.params{ batches = 32, kernel_rate = "16GB/s",
                                   gen = 3, stage_cycles = 4, call = "6.5us",
                                   link_latency = "500ns", lanes = 16 })
dmasim.expect(p.batches >= 8 and p.batches <= 256, "batches", p.batches,
              "8 to 256")
local K = dmasim.bandwidth(p.kernel_rate)
local GB = 1e9
local function s(x) return dmasim.time(x) / 1e12 end

local function stages(b)
  local n = math.ceil(b / dmasim.size(p.desc_max))
  local cyc = dmasim.size(p.piece) / p.lanes
  local R = gh.link_rate(p) * cyc / (cyc + 1)
  return { s = b / gh.stage_rate(p), c = s(p.call) + n * s(p.desc),
           kc = s(p.call),
           l = n * (s(p.ce_setup) + 2 * s(p.link_latency)) + b / R,
           k = s(p.launch) + b / K }
end

local function model(b, k)
  local t = stages(b)
  local cycle
  if k == 1 then
    -- the next copy queues behind the last kernel on the same stream
    cycle = math.max(t.s + t.c, t.k) + math.max(t.l, t.kc)
  else
    cycle = math.max(t.s + t.c + t.kc, t.l, t.k, (t.s + t.c + t.l) / k)
  end
  local T = (p.batches - 1) * cycle + t.s + t.c + t.l + t.k
  return p.batches * b / T
end

-- The fewest buffers reaching the pipeline's pace (the model's knee).
local function knee(b)
  local t = stages(b)
  local pace = math.max(t.s + t.c + t.kc, t.l, t.k)
  return math.max(2, math.ceil((t.s + t.c + t.l) / pace))
end

local DATA, RES = gh.PAGEABLE, nil

local function run(b, k)
  local m = gh.build(p)
  local sys, mem, gpu = m.sys, m.mem, m.gpu
  local B = p.batches
  mem:fill(DATA, B * b, 17)
  RES = gpu:malloc(B * b)
  local dev, st, ev, pin = {}, {}, {}, {}
  for j = 0, k - 1 do
    dev[j] = gpu:malloc(b); st[j] = gpu:stream(); ev[j] = gpu:event()
  end
  local t0, t1
  sys:spawn(function()
    for j = 0, k - 1 do pin[j] = assert(gpu:host_alloc(b)) end
    t0 = sys:now()
    for i = 0, B - 1 do
      local j = i % k
      if i >= k then ev[j]:sync() end
      gpu:memcpy{ dst = pin[j], src = DATA + i * b, size = b }
      st[j]:copy{ dst = dev[j], src = pin[j], size = b }
      st[j]:record(ev[j])
      st[j]:kernel{ input = dev[j], in_size = b, output = RES + i * b,
                    op = "copy", rate = p.kernel_rate }
    end
    for j = 0, k - 1 do st[j]:sync() end
    t1 = sys:now()
  end)
  sys:run()
  local ok = gpu.mem:hash(RES, B * b) == mem:hash(DATA, B * b)
  return B * b / ((t1 - t0) / 1e12), ok, gpu:info()
end

local sizes = { 65536, 262144, 1 << 20 }
local rows, sim, intact = {}, {}, true
for _, b in ipairs(sizes) do
  sim[b] = {}
  for k = 1, 4 do
    local r, ok = run(b, k)
    intact = intact and ok
    sim[b][k] = r
    rows[#rows + 1] = { b, k, k * b, string.format("%.2f", r / GB),
                        string.format("%.2f", model(b, k) / GB) }
  end
end
dmasim.table{ title = "Streaming " .. p.batches .. " batches through a kernel "
                      .. "(Gen" .. p.gen .. " x" .. p.lanes .. "): throughput, GB/s",
              columns = { "batch", "buffers", "pinned_bytes", "simulated",
                          "model" },
              rows = rows }

local B1 = 1 << 20
local t = stages(B1)
dmasim.report("link_rate", gh.link_rate(p) / GB, "GB/s")
dmasim.report("stage_rate", gh.stage_rate(p) / GB, "GB/s")
dmasim.report("kernel_rate", K / GB, "GB/s")
dmasim.report("pace", sim[B1][4] / GB, "GB/s")
dmasim.claim{ id = "gpu_pipeline.one_buffer",
              claim = "with one pinned buffer the CPU copy and the DMA "
                      .. "take turns",
              model = model(B1, 1) / GB, simulated = sim[B1][1] / GB,
              tolerance = 0.05, unit = "GB/s", intact = intact }
dmasim.claim{ id = "gpu_pipeline.pace",
              claim = "with enough buffers throughput = min(link, kernel, "
                      .. "CPU staging)",
              model = model(B1, 4) / GB, simulated = sim[B1][4] / GB,
              tolerance = 0.05, unit = "GB/s", intact = intact }
dmasim.claim{ id = "gpu_pipeline.small_batches",
              claim = "small batches are bound by the calls' fixed cost "
                      .. "on the CPU",
              model = model(65536, 4) / GB, simulated = sim[65536][4] / GB,
              tolerance = 0.05, unit = "GB/s", intact = intact }
-- where more pinned memory stops paying: the fewest buffers within 3% of
-- four buffers' throughput
local kn = 4
for k = 1, 4 do
  if sim[B1][k] >= 0.97 * sim[B1][4] then kn = k; break end
end
dmasim.claim{ id = "gpu_pipeline.knee",
              claim = "pinned buffers beyond the knee (a buffer's turn over "
                      .. "the pace) add nothing",
              model = knee(B1), simulated = kn, tolerance = 0,
              unit = "buffers" }
