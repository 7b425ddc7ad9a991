-- The GPU sanitizer catches the classic bugs of asynchronous copies
-- (CUDA C Programming Guide, "Asynchronous Concurrent Execution": a
-- copy's host buffer belongs to the copy until it completes; operations
-- on different streams are unordered unless an event orders them):
--   1. the host reuses (writes) a pinned buffer while an asynchronous copy
--      still reads it: HOST_WRITE_IN_FLIGHT;
--   2. pinned memory freed with a copy in flight: PINNED_FREE_IN_FLIGHT;
--   3. a kernel on another stream reads device memory before the copy
--      that fills it completed, no event between: KERNEL_READ_BEFORE_COPY
--      (and the kernel's output is the stale bytes: the data shows it).
-- Each program runs twice, buggy and correct (a stream sync, an event
-- between the streams); the correct versions report nothing.
local gh = require "gpuhost"

local p = gh.params(dmasim.params{ size = "256KiB" })
local N = dmasim.size(p.size)
dmasim.expect(N >= 4096 and N <= 16 << 20, "size", p.size, "4 KiB to 16 MiB")

-- Run body(m, s1, s2, d, h) in a process; the reports' classes and the
-- kernel output's state.
local function program(body)
  local m = gh.build(p)
  local s1, s2 = m.gpu:stream(), m.gpu:stream()
  local d, out = m.gpu:malloc(N), m.gpu:malloc(N)
  local ok
  m.sys:spawn(function()
    local h = assert(m.gpu:host_alloc(N))
    m.mem:fill(h, N, 5)
    ok = body(m, s1, s2, d, h, out)
  end)
  m.sys:run()
  local classes = {}
  for _, r in ipairs(m.gpu:reports()) do classes[#classes + 1] = r.class end
  return classes, ok
end

local cases = {
  { "host writes a buffer in flight", "HOST_WRITE_IN_FLIGHT",
    function(m, s1, s2, d, h)
      s1:copy{ dst = d, src = h, size = N }
      m.cpu:store(h, string.rep("x", 64))      -- reused at once
      s1:sync()
    end,
    function(m, s1, s2, d, h)
      s1:copy{ dst = d, src = h, size = N }
      s1:sync()
      m.cpu:store(h, string.rep("x", 64))      -- after the copy
    end },
  { "pinned memory freed in flight", "PINNED_FREE_IN_FLIGHT",
    function(m, s1, s2, d, h)
      s1:copy{ dst = d, src = h, size = N }
      m.gpu:host_free(h)
      s1:sync()
    end,
    function(m, s1, s2, d, h)
      s1:copy{ dst = d, src = h, size = N }
      s1:sync()
      m.gpu:host_free(h)
    end },
  { "kernel reads before the copy", "KERNEL_READ_BEFORE_COPY",
    function(m, s1, s2, d, h, out)
      s1:copy{ dst = d, src = h, size = N }
      s2:kernel{ input = d, in_size = N, output = out, op = "copy" }
      s1:sync(); s2:sync()
      return m.gpu.mem:hash(out, N) == m.mem:hash(h, N)
    end,
    function(m, s1, s2, d, h, out)
      s1:copy{ dst = d, src = h, size = N }
      s2:wait(s1:record())
      s2:kernel{ input = d, in_size = N, output = out, op = "copy" }
      s1:sync(); s2:sync()
      return m.gpu.mem:hash(out, N) == m.mem:hash(h, N)
    end },
}

local rows = {}
local all_caught, all_quiet = true, true
for i, c in ipairs(cases) do
  local bad, bad_ok = program(c[3])
  local good, good_ok = program(c[4])
  local caught = #bad == 1 and bad[1] == c[2]
  local quiet = #good == 0
  all_caught = all_caught and caught
  all_quiet = all_quiet and quiet
  rows[#rows + 1] = { c[1], table.concat(bad, " "), #good,
                      bad_ok == nil and "-" or tostring(bad_ok),
                      good_ok == nil and "-" or tostring(good_ok) }
  dmasim.claim{ id = "gpu_sanitizer." .. c[2]:lower(), kind = "check",
                claim = c[1] .. ": reported as " .. c[2]
                        .. ", the correct program silent",
                model = true, simulated = caught and quiet }
  if bad_ok ~= nil then
    dmasim.claim{ id = "gpu_sanitizer.stale_kernel_input", kind = "check",
                  claim = "the unordered kernel read the stale bytes; "
                          .. "with the event it reads the copy's",
                  model = true, simulated = bad_ok == false and good_ok }
  end
end
dmasim.table{ title = "GPU sanitizer: buggy and correct programs",
              columns = { "bug", "buggy_reports", "correct_reports",
                          "buggy_data_ok", "correct_data_ok" },
              rows = rows }
dmasim.report("all_caught", all_caught)
dmasim.report("correct_silent", all_quiet)
