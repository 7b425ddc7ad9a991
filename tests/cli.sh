#!/usr/bin/env bash
# /cli: the dmasim command's options, output and exit statuses.
# Usage: tests/cli.sh path/to/dmasim source-dir
set -u
dm=$1
src=$2
. "$(dirname "$0")/lib.sh"

bb=$src/bench/busbench.lua
check help 0 "usage: dmasim <command>" "$dm" --help
check version 0 "dmasim 0." "$dm" --version
check run-help 0 "-D name=value" "$dm" run --help
check no-args 2 "usage:" "$dm"
check unknown-command 2 "unknown command 'frob'" "$dm" frob
check unknown-option 2 "unknown option '--frob'" "$dm" run "$bb" --frob
check no-file 2 "expected a scenario file" "$dm" run
check bad-define 2 "expected name=value" "$dm" run "$bb" -D K
check unknown-param 2 "unknown parameter 'Q' (-D Q=1): this scenario declares C, D, K, M, N" "$dm" run "$bb" -D Q=1
check bad-param 2 "bad parameter K = 0: expected an integer >= 1" "$dm" run "$bb" -D K=0
check bad-unit 2 "-D N=12XB" "$dm" run "$bb" -D N=12XB
check missing-file 3 "cannot open" "$dm" run "$tmp/nope.lua"
check bad-seed 2 "--seed x" "$dm" run "$bb" --seed x
check busbench-row 0 "end_time 13983" "$dm" run "$bb" -D K=3 -D N=777 -D D=5 -D C=2 -D M=3
printf 'local x = = 1\n' >"$tmp/bad.lua"
check syntax-error 1 "bad.lua:1:" "$dm" run "$tmp/bad.lua"
check json-unwritable 3 "cannot write JSON" "$dm" run "$bb" -D N=10 --json /nonexistent/dir/x.json
check tour-json-parent 3 "--json /nonexistent/dir: cannot make the folder" \
	"$dm" tour --json /nonexistent/dir

# --check: a misuse exits 5 with its report on stderr and in the JSON; a
# correct driver exits 0 with nothing on stderr.
zoo=$src/tests/zoo
# Each report names the scenario's line that caused it: the CPU's read
# (line 8), the driver's call (line 8); for a device, the line that
# started its transfer (line 7), and the library line it went through.
check check-report 5 "STALE_CPU_READ at 4.050 us by cpu0 ($zoo/stale_cpu_read.lua:8)" \
	"$dm" run --check "$zoo/stale_cpu_read.lua"
check check-moved-page 5 "DEVICE_WRITE_MOVED_PAGE at 36.914 us by dma0.ch0 ($src/scenarios/pinning_hazard.lua:59" \
	"$dm" run --check "$src/scenarios/pinning_hazard.lua" -q
check check-report-device 5 "by dma0.ch0 ($zoo/device_write_to_device.lua:7, in dmadrv.lua:" \
	"$dm" run --check "$zoo/device_write_to_device.lua"
"$dm" run --check "$zoo/double_unmap.lua" -q --json "$tmp/c.json" 2>"$tmp/err"
if [[ $? -eq 5 ]] && grep -q "DOUBLE_UNMAP" "$tmp/err" && grep -q '"DOUBLE_UNMAP"' "$tmp/c.json" &&
	grep -qF "\"where\": \"$zoo/double_unmap.lua:8\"" "$tmp/c.json"; then
	pass=$((pass + 1)); else echo "FAIL check-json: $(grep -A3 where "$tmp/c.json")"; fail=$((fail + 1)); fi
"$dm" run --check "$zoo/ok_rx.lua" >/dev/null 2>"$tmp/err"
if [[ $? -eq 0 && ! -s $tmp/err ]]; then pass=$((pass + 1)); else
	echo "FAIL check-clean"; fail=$((fail + 1)); fi
# Without --check the same misuse runs and exits 0.
"$dm" run "$zoo/stale_cpu_read.lua" >/dev/null 2>"$tmp/err"
if [[ $? -eq 0 && ! -s $tmp/err ]]; then pass=$((pass + 1)); else
	echo "FAIL check-off"; fail=$((fail + 1)); fi

# The same seed gives byte-identical JSON; -D attached to its value works.
"$dm" run "$bb" -DN=500 --json "$tmp/a.json" -q && "$dm" run "$bb" -D N=500 --json "$tmp/b.json" -q
if cmp -s "$tmp/a.json" "$tmp/b.json" && [[ -s $tmp/a.json ]]; then pass=$((pass + 1)); else
	echo "FAIL json-determinism"; fail=$((fail + 1)); fi
# --quiet prints nothing.
if [[ -z $("$dm" run "$bb" -D N=5 -q) ]]; then pass=$((pass + 1)); else
	echo "FAIL quiet"; fail=$((fail + 1)); fi


# Text output prints a string result whole, however long.
long=$(printf 'abcdefghij%.0s' {1..20})
printf 'dmasim.report("s", string.rep("abcdefghij", 20))\n' >"$tmp/long.lua"
"$dm" run "$tmp/long.lua" >"$tmp/out" 2>&1
if [[ "$(cat "$tmp/out")" == "s $long" && ${#long} -eq 200 ]]; then ok; else
	bad "long-string: $(cat "$tmp/out")"; fi
# math.random follows --seed: the same seed gives the same draw in two
# processes, another seed another draw.
printf 'dmasim.report("r", math.random(1, 1e9))\n' >"$tmp/rand.lua"
r1=$("$dm" run "$tmp/rand.lua" --seed 7)
r2=$("$dm" run "$tmp/rand.lua" --seed 7)
r3=$("$dm" run "$tmp/rand.lua" --seed 8)
r4=$("$dm" run "$tmp/rand.lua")
r5=$("$dm" run "$tmp/rand.lua" --seed 1)
if [[ $r1 == r\ [0-9]* && $r1 == "$r2" && $r3 == r\ [0-9]* && $r3 != "$r1" &&
	$r4 == "$r5" ]]; then ok; else bad "random-seed: '$r1' '$r2' (seed 7), '$r3' (seed 8), '$r4' (default) '$r5' (seed 1)"; fi

# ---- run: timelines, CSV ----
check trace-help 0 "--trace-from T" "$dm" run --help
check window-alone 2 "apply to --trace and --vcd files" "$dm" run "$bb" --trace-from 1us
check window-bad-time 2 "--trace-to 3GHz: expected a time" "$dm" run "$bb" --trace "$tmp/t.json" --trace-to 3GHz
check window-reversed 2 "expected from <= to" "$dm" run "$bb" --trace "$tmp/t.json" --trace-from 2us --trace-to 1us
check trace-unwritable 3 "cannot write the trace to '/nonexistent/t.json'" "$dm" run "$bb" -D N=5 --trace /nonexistent/t.json
check vcd-unwritable 3 "cannot write the VCD to '/nonexistent/t.vcd'" "$dm" run "$bb" -D N=5 --vcd /nonexistent/t.vcd
check csv-unwritable 3 "cannot write CSV to '/nonexistent/x.csv'" "$dm" run "$bb" -D N=5 --csv /nonexistent/x.csv -q
"$dm" run "$bb" -D N=50 -q --trace "$tmp/t.json" --vcd "$tmp/t.vcd" --trace-from 100ns --trace-to 200ns
if grep -q '"busbench.bus.dma1"' "$tmp/t.json" && grep -q '^$timescale 1ps $end' "$tmp/t.vcd" &&
	grep -q '"from_ps":100000,"to_ps":200000' "$tmp/t.json"; then ok; else bad trace-files; fi
# Not a terminal: no progress line, however long the run.
"$dm" run "$bb" -D N=20000 -q 2>"$tmp/err"
if [[ ! -s $tmp/err ]]; then ok; else bad "no-progress-off-terminal: $(head -c 200 "$tmp/err")"; fi

# ---- sweep ----
check sweep-help 0 "A..B*R      geometric range" "$dm" sweep --help
check sweep-no-file 2 "expected a scenario file" "$dm" sweep -D K=1,2
check sweep-missing-file 3 "cannot open $tmp/nope.lua" "$dm" sweep "$tmp/nope.lua" -D K=1
check sweep-bad-define 2 "-D K: expected name=VALUES" "$dm" sweep "$bb" -D K
check sweep-no-step 2 "expected A..B*R (geometric) or A..B+S (arithmetic)" "$dm" sweep "$bb" -D K=1..4
check sweep-bad-ratio 2 "a ratio R > 1" "$dm" sweep "$bb" -D N=1..64*1
check sweep-bad-step 2 "a step S > 0" "$dm" sweep "$bb" -D N=1..64+0
check sweep-reversed 2 "expected A <= B" "$dm" sweep "$bb" -D N=64..1*2
check sweep-units-mixed 2 "same kind of unit" "$dm" sweep "$bb" -D N=1KiB..1us*2
check sweep-empty-value 2 "an empty value: expected a,b,c" "$dm" sweep "$bb" -D K=1,,2
check sweep-twice 2 "'K' is already swept" "$dm" sweep "$bb" -D K=1 -D K=2
check sweep-bad-j 2 "-j 0: expected a number of workers" "$dm" sweep "$bb" -D K=1 -j 0
check sweep-bad-plot 2 "--plot x.pdf: expected a file name ending in .svg or .png" "$dm" sweep "$bb" -D K=1 --plot x.pdf
check sweep-bad-x 2 "--x Q: expected one of the swept parameters" "$dm" sweep "$bb" -D K=1,2 --x Q
check sweep-bad-ends 2 "the ends and the step must be numbers" "$dm" sweep "$bb" -D N=a..4+1
check sweep-long-range 2 "-D N=1..100000+1: more than 10000 values" "$dm" sweep "$bb" -D N=1..100000+1
check sweep-many-points 2 "more than 1000000 points: expected fewer" "$dm" sweep "$bb" -D N=1..1000+1 -D K=1..1000+1 -D C=1,2
check sweep-bad-seed 2 "--seed -3: expected a whole number >= 0" "$dm" sweep "$bb" -D K=1 --seed -3
check sweep-two-files 2 "one scenario at a time" "$dm" sweep "$bb" "$bb" -D K=1

# Rows match single runs byte for byte, with -j 1 and -j 2, in point order.
defs=(-D K=2 -D C=0,3,8 -D N=5..20+5)
"$dm" sweep "$bb" "${defs[@]}" -j 1 --csv "$tmp/s1.csv" -q || bad sweep-j1-status
"$dm" sweep "$bb" "${defs[@]}" -j 2 --csv "$tmp/s2.csv" -q || bad sweep-j2-status
"$dm" sweep "$bb" "${defs[@]}" -j 2 >"$tmp/s3.csv" || bad sweep-stdout-status
if cmp -s "$tmp/s1.csv" "$tmp/s2.csv" && cmp -s "$tmp/s1.csv" "$tmp/s3.csv" &&
	[[ $(wc -l <"$tmp/s1.csv") -eq 13 ]]; then ok; else bad sweep-j1-j2-identical; fi
n=1
for c in 0 3 8; do
	for N in 5 10 15 20; do
		n=$((n + 1))
		"$dm" run "$bb" -D K=2 -D C=$c -D N=$N --csv "$tmp/one.csv" -q
		if [[ $n -eq 2 ]] && ! cmp -s <(head -1 "$tmp/one.csv") <(head -1 "$tmp/s1.csv"); then
			bad sweep-header-vs-run
		fi
		for f in s1 s2; do
			if [[ "$(sed -n 2p "$tmp/one.csv")" == "$(sed -n ${n}p "$tmp/$f.csv")" ]]; then ok; else
				bad "sweep-row-$f-C=$c-N=$N: '$(sed -n ${n}p "$tmp/$f.csv")' vs run '$(sed -n 2p "$tmp/one.csv")'"
			fi
		done
	done
done

# A bad point is reported with its parameters; the others are kept.
"$dm" sweep "$bb" -D K=0,1,2 -D N=10 -j 2 --csv "$tmp/bad.csv" 2>"$tmp/err"
st=$?
if [[ $st -eq 2 ]] && grep -qF "point 1 of 3 (K=0, N=10) failed: " "$tmp/err" &&
	grep -qF "bad parameter K = 0: expected an integer >= 1" "$tmp/err" &&
	grep -qF "1 of 3 points failed" "$tmp/err"; then ok; else bad "sweep-bad-point: status $st: $(cat "$tmp/err")"; fi
"$dm" run "$bb" -D K=2 -D N=10 --csv "$tmp/one.csv" -q
if [[ "$(sed -n 4p "$tmp/bad.csv")" == "$(sed -n 2p "$tmp/one.csv" | cut -d, -f1-10)" ]] &&
	[[ "$(sed -n 2p "$tmp/bad.csv")" == ",,0,,10,,,,," ]]; then ok; else bad "sweep-bad-point-rows: $(cat "$tmp/bad.csv")"; fi
# A Lua error in one point only.
printf 'local p = dmasim.params{ x = 1 }\nif p.x == 2 then error("two is bad") end\ndmasim.report("y", p.x * 10, "cycles")\n' >"$tmp/pt.lua"
"$dm" sweep "$tmp/pt.lua" -D x=1..3+1 --csv "$tmp/pt.csv" 2>"$tmp/err"
st=$?
if [[ $st -eq 1 ]] && grep -qF "point 2 of 3 (x=2) failed: $tmp/pt.lua:2: two is bad" "$tmp/err" &&
	[[ "$(cat "$tmp/pt.csv")" == $'x,y\n1,10\n2,\n3,30' ]]; then ok; else bad "sweep-lua-error: $st $(cat "$tmp/err" "$tmp/pt.csv")"; fi
# Ranges: arithmetic values without rounding noise, geometric with units.
printf 'local p = dmasim.params{ f = 0.5, s = "1KiB" }\ndmasim.report("bytes", dmasim.size(p.s), "bytes")\n' >"$tmp/r.lua"
"$dm" sweep "$tmp/r.lua" -D f=0..1+0.1 -j 3 | cut -d, -f1 | tr '\n' ' ' >"$tmp/out"
if [[ "$(cat "$tmp/out")" == "f 0 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1 " ]]; then ok; else bad "sweep-arith: $(cat "$tmp/out")"; fi
"$dm" sweep "$tmp/r.lua" -D s=4KiB..16MiB*4 | cut -d, -f3 | tr '\n' ' ' >"$tmp/out"
if [[ "$(cat "$tmp/out")" == "bytes 4096 16384 65536 262144 1048576 4194304 16777216 " ]]; then ok; else bad "sweep-geom: $(cat "$tmp/out")"; fi

# Plots: non-empty images when gnuplot is present; a clear error without.
if command -v gnuplot >/dev/null; then
	"$dm" sweep "$bb" -D N=10..80*2 -D K=1,2 --plot "$tmp/p.svg" -q || bad plot-svg-status
	if [[ $(stat -c %s "$tmp/p.svg" 2>/dev/null || echo 0) -gt 2000 ]] && grep -q "<svg" "$tmp/p.svg" &&
		grep -q "N" "$tmp/p.svg"; then ok; else bad plot-svg; fi
	"$dm" sweep "$tmp/pt.lua" -D x=1..3+1 --plot "$tmp/p.png" -q 2>/dev/null
	if [[ $(stat -c %s "$tmp/p.png" 2>/dev/null || echo 0) -gt 2000 ]] &&
		[[ "$(head -c 8 "$tmp/p.png" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]]; then ok; else bad plot-png; fi
else
	echo "SKIP plots: gnuplot is not installed"
fi
# Claims are columns too, and a claim's panel draws model and simulation.
ba=$src/scenarios/bus_accounting.lua
"$dm" run "$ba" -D N=100 --csv "$tmp/ba.csv" -q
if [[ "$(head -1 "$tmp/ba.csv")" == "C,D,K,M,N,bus_accounting.busy.model,bus_accounting.busy.simulated,bus_accounting.busy.agree,bus_accounting.rr_share.model,bus_accounting.rr_share.simulated,bus_accounting.rr_share.agree" ]] &&
	[[ "$(sed -n 2p "$tmp/ba.csv")" == "3,8,4,4,100,3600,3600,true,100,100,true" ]]; then ok; else bad "claims-csv: $(cat "$tmp/ba.csv")"; fi
if command -v gnuplot >/dev/null; then
	# titled with the claim in words (from each point's run; the CSV
	# has no column for them)
	"$dm" sweep "$ba" -D N=100..400*2 -D K=1,2 --y bus_accounting.busy --plot "$tmp/ba.svg" \
		--csv "$tmp/bas.csv" -q
	if grep -q "simulated, K=2" "$tmp/ba.svg" && grep -q "model, K=1" "$tmp/ba.svg" &&
		! grep -q "rr_share" "$tmp/ba.svg" &&
		grep -q "owned cycles = K\*N\*D + N\*M" "$tmp/ba.svg" &&
		! grep -q "claim" "$tmp/bas.csv"; then ok; else bad plot-claim; fi
fi
PATH=/nonexistent "$dm" sweep "$tmp/r.lua" -D f=1,2 --plot "$tmp/q.svg" --csv "$tmp/q.csv" 2>"$tmp/err"
st=$?
if [[ $st -eq 3 ]] && grep -qF "cannot run gnuplot" "$tmp/err" && [[ -s $tmp/q.csv ]]; then ok; else
	bad "plot-no-gnuplot: $st $(cat "$tmp/err")"; fi
# a+b: two figures in one panel, titled with both; a bad member is named
if command -v gnuplot >/dev/null; then
	"$dm" sweep "$bb" -D N=10..80*2 --y cpu_accesses+bus_busy,end_time --plot "$tmp/g.svg" -q
	if [[ -s $tmp/g.svg ]] && grep -q "cpu_accesses, bus_busy" "$tmp/g.svg" &&
		grep -q "end_time" "$tmp/g.svg"; then ok; else bad plot-group; fi
fi
# Two figures drawn together: where they cross is marked with its x, by
# linear interpolation.  a = 10 x and b = 35 + 3 x cross at x = 5 (the
# samples at 4 and 8 bracket it), and a kept script says so.
cat >"$tmp/cross.lua" <<'LUA'
local p = dmasim.params{ x = 1 }
dmasim.report("a", 10 * p.x, "cycles")
dmasim.report("b", 35 + 3 * p.x, "cycles")
LUA
if command -v gnuplot >/dev/null; then
	"$dm" sweep "$tmp/cross.lua" -D x=1..16*2 --y a+b --plot "$tmp/c.svg" \
		--plot-script "$tmp/c.gp" -q || bad plot-script-status
	if grep -q "sprintf('%s = %.4g', 'x', 5) at 5, 50 point" "$tmp/c.gp" &&
		grep -q "x = 5" "$tmp/c.svg"; then ok; else
		bad "plot-crossing: $(grep label "$tmp/c.gp")"; fi
	# by default too: a and b share a unit, so one panel, with the mark
	"$dm" sweep "$tmp/cross.lua" -D x=1..16*2 --plot "$tmp/d.svg" \
		--plot-script "$tmp/d.gp" -q
	if [[ $(grep -c '^plot ' "$tmp/d.gp") -eq 1 ]] && grep -q "set label 1 " "$tmp/d.gp"; then ok; else
		bad "plot-default-group: $(grep -c '^plot ' "$tmp/d.gp") panels"; fi
	# kept, and it draws the plot again by itself
	rm -f "$tmp/c.svg"
	if gnuplot "$tmp/c.gp" 2>/dev/null && [[ -s $tmp/c.svg ]]; then ok; else bad plot-script-rerun; fi
fi
check plot-script-alone 2 "--plot-script $tmp/c.gp: the script draws the plot: expected --plot" \
	"$dm" sweep "$tmp/cross.lua" -D x=1,2 --plot-script "$tmp/c.gp" -q
check plot-bad-group 3 "--y: 'nope' is not a numeric figure" "$dm" sweep "$bb" -D N=10,20 --plot "$tmp/q.svg" --y end_time+nope -q
check plot-bad-y 3 "--y: 'nope' is not a numeric figure or a claim" "$dm" sweep "$tmp/r.lua" -D f=1,2 --plot "$tmp/q.svg" --y nope -q
check plot-one-value 3 "nothing to plot against" "$dm" sweep "$tmp/r.lua" -D f=1 --plot "$tmp/q.svg" -q

# The tour: quantitative claims and yes/no checks in tables of their own,
# the published figure in its own column, each kind counted.
mkdir -p "$tmp/tour"
printf 'a.lua\n' >"$tmp/tour/tour.txt"
cat >"$tmp/tour/a.lua" <<'LUA'
dmasim.claim{ id = "a.q", claim = "a quantity", model = 10, simulated = 10.1,
  tolerance = 0.02, published = 200, published_is = "over" }
dmasim.claim{ id = "a.p", claim = "published and met", model = 1.6,
  simulated = 1.59, tolerance = 0.02, published = 1.58 }
dmasim.claim{ id = "a.c", claim = "a yes/no check", kind = "check",
  model = true, simulated = true }
LUA
out=$("$dm" tour --scenarios "$tmp/tour" 2>&1); rc=$?
if [[ $rc -eq 0 ]] && grep -q "^Quantitative claims" <<<"$out" && grep -q "^Checks (yes/no)" <<<"$out" &&
	grep -q "^  q .*yes  *> 200  *no$" <<<"$out" && grep -q "^  p .*about 1.58  *yes$" <<<"$out" &&
	grep -q "2 of 2 quantitative claims agree with their models; 1 of 1 checks pass; the simulation reproduces 1 of 2 published figures" <<<"$out"; then ok; else bad "tour-kinds: rc $rc: $out"; fi
cat >>"$tmp/tour/a.lua" <<'LUA'
dmasim.claim{ id = "a.w", claim = "data wrong", model = 1, simulated = 1,
  tolerance = 0, intact = false }
dmasim.claim{ id = "a.f", claim = "a failing check", kind = "check",
  model = false, simulated = true }
LUA
out=$("$dm" tour --scenarios "$tmp/tour" 2>&1); rc=$?
if [[ $rc -eq 4 ]] && grep -q "^  w .*NO (data wrong)" <<<"$out" && grep -q "^  f  *no  *yes  *NO$" <<<"$out" &&
	grep -q "2 of 3 quantitative claims agree with their models; 1 of 2 checks pass" <<<"$out"; then ok; else bad "tour-fail: rc $rc: $out"; fi

finish
