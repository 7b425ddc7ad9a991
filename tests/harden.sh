#!/usr/bin/env bash
# /harden/cli: bad command lines end in an error naming what was wrong,
# within a bounded time, never in a crash, a hang or a silent wrong value.
# Usage: tests/harden.sh path/to/dmasim source-dir
set -u
dm=$1
src=$2
. "$(dirname "$0")/lib.sh"

bb=$src/bench/busbench.lua
ph=$src/scenarios/pinning_hazard.lua
printf 'local p = dmasim.params{ x = 1, size = "4KiB" }\ndmasim.report("x", p.x)\ndmasim.report("size", p.size)\n' >"$tmp/x.lua"

# Ranges whose step is below the values' precision: once unbounded
# (1e30..1e30+1 allocated until the host gave out) or 8,193 equal points.
check sweep-step-lost 2 "the step is below the precision of the values (1e+30 repeats)" \
	"$dm" sweep "$tmp/x.lua" -D x=1e30..1e30+1
check sweep-step-repeats 2 "the step is below the precision of the values (1e+20 repeats)" \
	"$dm" sweep "$tmp/x.lua" -D x=1e20..1e20+1
check sweep-ratio-repeats 2 "the step is below the precision" \
	"$dm" sweep "$tmp/x.lua" -D x=1..2*1.000000000000001
check sweep-too-many 2 "more than 10000 values" "$dm" sweep "$tmp/x.lua" -D x=0..1e9+1

# Units: an overflow to infinity, a unit of the wrong kind.
check define-inf 2 "-D x=1e300TiB" "$dm" run "$tmp/x.lua" -D x=1e300TiB
check define-kind 2 "-D size=3GHz: expected a value in bytes, like the default 4KiB" \
	"$dm" run "$tmp/x.lua" -D size=3GHz
check define-kind-ok 0 "size" "$dm" run "$tmp/x.lua" -D size=1MiB

# Seeds: decimal (a leading 0 is not octal) or 0x hex; no sign, no blanks.
check seed-leading-zero 0 '"seed": 10' "$dm" run "$tmp/x.lua" -q --json /dev/stdout --seed 010
check seed-hex 0 '"seed": 16' "$dm" run "$tmp/x.lua" -q --json /dev/stdout --seed 0x10
check seed-blank-minus 2 "--seed  -1: expected" "$dm" run "$tmp/x.lua" --seed ' -1'
check seed-plus 2 "--seed +5: expected" "$dm" run "$tmp/x.lua" --seed +5
check seed-trailing 2 "expected" "$dm" run "$tmp/x.lua" --seed '1 '
check seed-too-big 2 "expected" "$dm" run "$tmp/x.lua" --seed 18446744073709551616

# 100,000 processes ending one by one: once a quadratic walk (40 s).
printf 'local s = dmasim.system{}\nfor i = 1, 100000 do s:spawn(function() s:wait(i) end) end\ndmasim.report("t", s:run())\n' >"$tmp/procs.lua"
check many-processes 0 "t 100000" timeout 20 "$dm" run "$tmp/procs.lua"

# Cache maintenance and set_cacheable over 1 TiB: work bounded by the
# cache's lines, cost still one charge per line of the range (minutes
# before).  A cost past the end of simulated time stops the run.
cat >"$tmp/maint.lua" <<'LUA'
local sys = dmasim.system{}
sys:memory{ base = 0, size = '64MiB' }
local cpu = sys:cpu{}
local l1 = sys:cache{ cpu = cpu }
sys:spawn(function()
  cpu:store(64, "abcd")
  l1:flush(0, 1 << 40)
  dmasim.report("lines", l1.maint_lines)
  dmasim.report("wb", l1.writebacks)
  l1:set_cacheable(0, 1 << 40, false)
  l1:set_cacheable(0, 1 << 40, true)
  if dmasim.params{ huge = false }.huge then l1:clean(0, math.maxinteger) end
end)
sys:run()
LUA
check maint-huge-range 0 "lines 17179869184" timeout 20 "$dm" run "$tmp/maint.lua"
check maint-cost-overflow 1 "expected one that ends before the end of simulated time" \
	timeout 20 "$dm" run "$tmp/maint.lua" -D huge=true
printf 'local s = dmasim.system{}\nlocal m = s:memory{ size = "64MiB" }\ns:vm{ memory = m }:alloc_contig(-1)\n' >"$tmp/contig.lua"
check alloc-contig-minus-one 1 "vm:alloc_contig: -1 bytes: expected 1 to" timeout 20 "$dm" run "$tmp/contig.lua"

# Run limits: each stops the run with exit 6, results kept and marked.
printf 'dmasim.report("before", 1)\nwhile true do end\n' >"$tmp/spin.lua"
check max-instructions 6 "1000000 Lua instructions (--max-instructions 1000000)" \
	timeout 20 "$dm" run "$tmp/spin.lua" --max-instructions 1000000
check max-wall-time 6 "of wall time (--max-wall-time)" \
	timeout 20 "$dm" run "$tmp/spin.lua" --max-wall-time 200ms
printf 'local s = dmasim.system{}\ns:spawn(function() while true do s:wait(1) end end)\ndmasim.report("before", 1)\ns:run()\n' >"$tmp/forever.lua"
check max-events 6 "(--max-events 1000)" timeout 20 "$dm" run "$tmp/forever.lua" --max-events 1000
"$dm" run "$tmp/forever.lua" --max-events 1000 -q --json "$tmp/p.json" 2>/dev/null
if grep -q '"partial": "run limit reached' "$tmp/p.json" && grep -q '"before": 1' "$tmp/p.json"; then
	pass=$((pass + 1)); else echo "FAIL partial-json"; fail=$((fail + 1)); fi
check max-events-bad 2 "--max-events 0: expected a whole number >= 1" "$dm" run "$tmp/forever.lua" --max-events 0
check max-wall-bad 2 "--max-wall-time 1GHz: expected" "$dm" run "$tmp/forever.lua" --max-wall-time 1GHz

# Bytes that are not UTF-8 in a result's name, a table cell or a claim:
# once refused by the JSON writer and lost from the report (found by
# fuzz_results); now kept, each bad byte written as U+FFFD.
printf 'dmasim.report("r\\xbc", 1)\ndmasim.table{ title = "t", columns = { "c\\xff" }, rows = { { "\\xc0" } } }\ndmasim.claim{ id = "c\\xbc", claim = "x\\xbc", model = 1, simulated = 1, tolerance = 0.1 }\n' >"$tmp/bytes.lua"
fffd=$'\xef\xbf\xbd'
check non-utf8-claim 0 "\"id\": \"c$fffd\"" "$dm" run "$tmp/bytes.lua" -q --json /dev/stdout
check non-utf8-result 0 "\"r$fffd\": 1" "$dm" run "$tmp/bytes.lua" -q --json /dev/stdout
check non-utf8-cell 0 "\"c$fffd\"" "$dm" run "$tmp/bytes.lua" -q --json /dev/stdout

finish
