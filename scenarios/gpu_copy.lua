-- GPU copies over PCIe: host-to-device and device-to-host bandwidth
-- against copy size, from pinned and from pageable host memory, on links
-- of generation 3, 4 and 5, with the host buffer on the local or the
-- remote socket.
--
-- Published figures (NVIDIA's bandwidthTest from the CUDA samples, as
-- published for x16 cards; "How to Optimize Data Transfers in CUDA
-- C/C++", NVIDIA developer blog, for pinned against pageable): pinned
-- host-to-device about 12.2 GB/s and device-to-host 12.9 GB/s on Gen3 x16;
-- about 22.5-24 and 25.4-26.6 GB/s on Gen4 x16, against 12.9-18.4 and
-- 9.2-12.3 GB/s from pageable memory; from the remote socket of a
-- two-socket host 3.8 (to the device) and 2.5 GB/s (from it).  A copy
-- call's fixed cost is about 6-7 us and each descriptor about 0.5 us of
-- CPU (the driver's defaults here).
--
-- The simulation: each copy is the driver's call on the CPU, then a copy
-- engine moving 4 KiB pieces, 32 in flight, as transactions over a link
-- whose data path is lanes bytes wide at the lane rate after coding and
-- TLP framing (128-byte payloads, 24 bytes of overhead); host-to-device
-- pieces are non-posted reads (a 500 ns crossing each way), device-to-
-- host pieces posted writes.  Pageable copies are staged by the CPU
-- through two pinned 1 MiB buffers (loads and stores of 4 KiB and 8
-- cycles of loop per 64 bytes at 2 GHz), pipelined with the DMA.  The
-- remote socket's memory is behind an inter-socket bridge whose writes are
-- non-posted; the root port forwards one transaction at a time, so every
-- piece waits for its round trip across the sockets.
--
-- Models (scenarios/lib/gpuhost.lua, parameters alone): pinned time =
-- call + n (desc + ce_setup [+ 2 link latencies to the device]) +
-- size / rate; pageable time = call + n desc + n max(c/S, c/R) + the
-- exposed chunk; remote rate = piece / (2 socket latencies + the piece's
-- memory and bus time).
local gh = require "gpuhost"

local p = gh.params(dmasim.params{ claim_size = "16MiB", link_latency = "500ns", lanes = 16,
                                   call = "6.5us", desc = "0.5us",
                                   socket_latency = "500ns", stage_cycles = 8 })
local N = dmasim.size(p.claim_size)
dmasim.expect(N >= 1 << 20 and N <= 64 << 20, "claim_size", p.claim_size,
              "1 MiB to 64 MiB")
local sizes = { 4096, 65536, 1 << 20, N }
local GB = 1e9

-- One system per link generation: every copy in turn, each timed from
-- the call to the stream's sync, its bytes checked.
local function run(gen, remote)
  local q = gh.params(p); q.gen = gen; q.remote = remote
  local m = gh.build(q)
  local sys, mem, gpu = m.sys, m.mem, m.gpu
  local s = gpu:stream()
  local d = gpu:malloc(N)
  local out, intact = {}, true
  local cpu0 = 0
  sys:spawn(function()
    local pinned = gpu:host_alloc(N)
    local pageable = remote and gh.REMOTE or gh.PAGEABLE
    local hostmem = remote and m.remote_mem or mem
    if remote then assert(gpu:pin(pageable, N)) end
    for _, kind in ipairs(remote and { "remote" } or { "pinned", "pageable" }) do
      local h = kind == "pageable" and pageable or
                (kind == "remote" and pageable or pinned)
      local hm = kind == "remote" and hostmem or mem
      for i, size in ipairs(sizes) do
        if not remote or size == N then
          hm:fill(h, size, gen * 100 + i)
          local t0 = sys:now()
          s:copy{ dst = d, src = h, size = size }
          s:sync()
          local up = (sys:now() - t0) / 1e12
          intact = intact and gpu.mem:hash(d, size) == hm:hash(h, size)
          hm:fill(h, size, 0)
          t0 = sys:now()
          s:copy{ dst = h, src = d, size = size }
          s:sync()
          local down = (sys:now() - t0) / 1e12
          intact = intact and gpu.mem:hash(d, size) == hm:hash(h, size)
          out[#out + 1] = { gen = gen, kind = kind, size = size,
                            up = size / up, down = size / down }
        end
      end
    end
  end)
  sys:run()
  return out, intact, gpu:info()
end

local all, intact = {}, true
local by = {}
for _, gen in ipairs({ 3, 4, 5 }) do
  local r, ok = run(gen, false)
  intact = intact and ok
  for _, x in ipairs(r) do all[#all + 1] = x; by[gen .. x.kind .. x.size] = x end
end
local rr, rok = run(3, true)
intact = intact and rok
local remote = rr[1]

local rows = {}
for _, x in ipairs(all) do
  local q = gh.params(p); q.gen = x.gen
  local mu, md
  if x.kind == "pinned" then
    mu = x.size / gh.pinned_time(q, x.size, true)
    md = x.size / gh.pinned_time(q, x.size, false)
  else
    mu = x.size / gh.pageable_time(q, x.size, true)
    md = x.size / gh.pageable_time(q, x.size, false)
  end
  rows[#rows + 1] = { "Gen" .. x.gen, x.kind, x.size,
                      string.format("%.2f", x.up / GB), string.format("%.2f", mu / GB),
                      string.format("%.2f", x.down / GB), string.format("%.2f", md / GB) }
end
rows[#rows + 1] = { "Gen3", "remote", N, string.format("%.2f", remote.up / GB),
                    string.format("%.2f", gh.remote_rate(p) / GB),
                    string.format("%.2f", remote.down / GB),
                    string.format("%.2f", gh.remote_rate(p) / GB) }
dmasim.table{ title = "Copy bandwidth (GB/s): simulated and model, x16 links",
              columns = { "link", "host memory", "bytes", "h2d", "h2d_model",
                          "d2h", "d2h_model" },
              rows = rows }

local function q(gen) local x = gh.params(p); x.gen = gen; return x end
local function claim(id, text, gen, kind, up, published)
  local x = by[gen .. kind .. N]
  local model = kind == "pinned" and N / gh.pinned_time(q(gen), N, up)
                or N / gh.pageable_time(q(gen), N, up)
  dmasim.claim{ id = "gpu_copy." .. id, claim = text,
                model = model / GB, simulated = (up and x.up or x.down) / GB,
                tolerance = 0.03, unit = "GB/s", intact = intact,
                published = published }
end
claim("gen3_pinned_h2d", "pinned host-to-device on Gen3 x16 runs at the "
      .. "link's rate less the call and the read round trips", 3, "pinned",
      true, 12.2)
claim("gen3_pinned_d2h", "pinned device-to-host on Gen3 x16 runs at the "
      .. "link's rate (posted writes)", 3, "pinned", false, 12.9)
claim("gen4_pinned_h2d", "pinned host-to-device on Gen4 x16", 4, "pinned",
      true, 23.25)
claim("gen4_pinned_d2h", "pinned device-to-host on Gen4 x16", 4, "pinned",
      false, 26.0)
claim("gen4_pageable_h2d", "pageable host-to-device on Gen4 x16 runs at "
      .. "the CPU's staging rate, below the link", 4, "pageable", true, 15.65)
claim("gen4_pageable_d2h", "pageable device-to-host on Gen4 x16 runs at "
      .. "the CPU's staging rate", 4, "pageable", false, 10.75)
claim("gen5_pinned_h2d", "pinned host-to-device on Gen5 x16 doubles Gen4",
      5, "pinned", true, nil)
dmasim.claim{ id = "gpu_copy.remote_h2d",
              claim = "from the remote socket, each piece waits for its "
                      .. "round trip across the sockets",
              model = gh.remote_rate(p) / GB, simulated = remote.up / GB,
              tolerance = 0.05, unit = "GB/s", intact = intact,
              published = 3.8 }
dmasim.claim{ id = "gpu_copy.remote_d2h",
              claim = "to the remote socket, non-posted writes wait the "
                      .. "same round trip",
              model = gh.remote_rate(p) / GB, simulated = remote.down / GB,
              tolerance = 0.05, unit = "GB/s", intact = intact,
              published = 2.5 }
-- Slower by the staging, not by a hair: each way, the pageable rate is
-- nearer the staged model than the pinned rate.
local function staged(up)
  local x, pinned = by["4pageable" .. N], by["4pinned" .. N]
  local rate, model = up and x.up or x.down, N / gh.pageable_time(q(4), N, up)
  local pin = up and pinned.up or pinned.down
  return rate < pin and math.abs(rate - model) < math.abs(rate - pin)
end
dmasim.claim{ id = "gpu_copy.pageable_slower", kind = "check",
              claim = "pageable copies are slower than pinned ones on Gen4, "
                      .. "both ways, by the staging through pinned buffers",
              model = true, simulated = staged(true) and staged(false) }
for _, gen in ipairs({ 3, 4, 5 }) do
  for _, kind in ipairs({ "pinned", "pageable" }) do
    local x = by[gen .. kind .. N]
    dmasim.report(string.format("gen%d_%s_h2d", gen, kind), x.up / GB, "GB/s")
    dmasim.report(string.format("gen%d_%s_d2h", gen, kind), x.down / GB, "GB/s")
  end
end
dmasim.report("link_rate_gen3", gh.link_rate(q(3)) / GB, "GB/s")
dmasim.report("stage_rate", gh.stage_rate(p) / GB, "GB/s")
