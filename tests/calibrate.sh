#!/usr/bin/env bash
# /calibrate: `dmasim calibrate` measures this host and writes a machine
# description that machine.load() reads back; the reality check runs on a
# recorded description.  The measured figures depend on the host, so the
# checks are those any host must pass: positive, finite, and ordered (the
# first cache level answers faster than main memory).
# Usage: tests/calibrate.sh path/to/dmasim source-dir
set -u
dm=$1
src=$2
. "$(dirname "$0")/lib.sh"
export DMASIM_PATH=$src/scenarios

check help 0 "usage: dmasim calibrate" "$dm" calibrate --help
check bad-option 2 "unexpected argument '--fast': expected -o FILE.lua, --quick or -q" \
	"$dm" calibrate --fast
check o-needs-value 2 "-o needs a file name" "$dm" calibrate -o
check unwritable 3 "cannot write '/nonexistent/h.lua'" \
	timeout 120 "$dm" calibrate --quick -q -o /nonexistent/h.lua

# A short calibration (small sizes), then its figures read back.
check quick-run 0 "written to $tmp/h.lua" timeout 120 "$dm" calibrate --quick -q -o "$tmp/h.lua"
cat >"$tmp/figures.lua" <<'LUA'
local machine = require "machine"
local p = dmasim.params{ file = "" }
local h = machine.load(p.file)
local function pos(name, v)
  assert(type(v) == "number" and v > 0 and v < math.huge, name .. " = " .. tostring(v))
end
if h.cpu_hz then pos("cpu_hz", h.cpu_hz) end
for i, pt in ipairs(h.copy) do pos("copy " .. i, pt.bytes_per_s) end
for i, pt in ipairs(h.latency) do pos("latency " .. i, pt.ns) end
for i, pt in ipairs(h.stride) do pos("stride " .. i, pt.ns) end
assert(#h.levels >= 2, "at least a cache level and memory")
assert(h.levels[1].ns < h.levels[#h.levels].ns, "the first level is faster than memory")
for i = 2, #h.levels do assert(h.levels[i].size > h.levels[i - 1].size, "levels grow") end
pos("fault_ns", h.fault_ns)
pos("wakeup_ns", h.wakeup_ns)
pos("handoff_ns", h.offload.handoff_ns)
pos("process_ns_per_byte", h.process_ns_per_byte)
for _, m in ipairs(h.maint) do
  if m.clean_ns then pos(m.insn, m.clean_ns); pos(m.insn, m.dirty_ns) end
end
for _, o in ipairs(h.overlap) do pos("serial", o.serial_bytes_per_s); pos("offload", o.offload_bytes_per_s) end
assert(type(h.method.copy) == "string" and #h.method.copy > 20, "each figure's method is recorded")
assert(dmasim.freq(h.params.bus_clock) > 0 and dmasim.time(h.params.mem_latency) > 0)
dmasim.report("figures", "ok")
LUA
check quick-figures 0 "figures ok" "$dm" run "$tmp/figures.lua" -D file="$tmp/h.lua"

# The reality check on a recorded calibration: every row is simulated and
# follows the model of the same figures.
check reality-recorded 0 "This host, measured and simulated" \
	"$dm" run "$src/scenarios/reality_check.lua" -D calibration="$src/tests/data/host-recorded.lua"
out=$("$dm" run "$src/scenarios/reality_check.lua" -q --json /dev/stdout \
	-D calibration="$src/tests/data/host-recorded.lua" 2>&1)
if grep -q '"id": "reality_check.consistent"' <<<"$out" &&
   ! grep -q '"agree": false' <<<"$out"; then ok; else bad reality-claims-agree; fi
check reality-no-file 0 "calibration none: run \`dmasim calibrate -o $tmp/none.lua\` first" \
	"$dm" run "$src/scenarios/reality_check.lua" -D calibration="$tmp/none.lua"

# dmasim.data: a data file builds a value and can do nothing else.
printf 'return { a = 1, b = { "x", true } }\n' >"$tmp/ok.lua"
printf 'return function() end\n' >"$tmp/fn.lua"
printf 'while true do end\n' >"$tmp/loop.lua"
printf 'print("hi") return 1\n' >"$tmp/global.lua"
printf 'return { calibration = 2 }\n' >"$tmp/other.lua"
cat >"$tmp/data.lua" <<'LUA'
local p = dmasim.params{ file = "" }
local v, err = dmasim.data(p.file)
if v == nil then dmasim.report("error", err) else dmasim.report("b1", v.b[1]) end
LUA
check data-ok 0 "b1 x" "$dm" run "$tmp/data.lua" -D file="$tmp/ok.lua"
check data-missing 0 "cannot read '$tmp/missing.lua': No such file" \
	"$dm" run "$tmp/data.lua" -D file="$tmp/missing.lua"
check data-function 0 "it returns a value other than a table, string, number or boolean" \
	"$dm" run "$tmp/data.lua" -D file="$tmp/fn.lua"
check data-loop 0 "it runs for more than 10000000 instructions" \
	timeout 60 "$dm" run "$tmp/data.lua" -D file="$tmp/loop.lua"
check data-no-globals 0 "attempt to call a nil value (global 'print')" \
	"$dm" run "$tmp/data.lua" -D file="$tmp/global.lua"
printf 'local machine = require "machine"\nmachine.load(dmasim.params{ file = "" }.file)\n' >"$tmp/load.lua"
check load-other 1 "expected a machine description written by \`dmasim calibrate\`" \
	"$dm" run "$tmp/load.lua" -D file="$tmp/other.lua"

finish calibrate
