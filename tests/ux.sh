#!/usr/bin/env bash
# /ux: the views of a run and of the tour: the summary of where the time
# went, --stats, --timeline, tour --explain, the HTML page (dmasim report,
# tour --html), and that page in a headless browser when one is installed.
# Usage: tests/ux.sh path/to/dmasim source-dir
set -u
dm=$1
src=$2
. "$(dirname "$0")/lib.sh"

bb=$src/bench/busbench.lua
py() { python3 - "$@"; }

# ---- the summary ----
# busbench (K=4 channels, N bursts of D=8 cycles, M=4-cycle CPU accesses at
# 1 GHz): with N=100 the bus is owned 3600 cycles of the run's 3600 (its
# built-in check, K*N*D + N*M), each channel 800 (N*D).
check summary 0 "bus bus: busy 3.6 us of 3.6 us (100.0%), 500 tenures" \
	"$dm" run "$bb" -D N=100
check summary-master 0 "dma1         held it 800 ns (22.2% of the run" \
	"$dm" run "$bb" -D N=100
"$dm" run "$bb" -D N=10 --no-summary >"$tmp/out"
if grep -q "Where the time went" "$tmp/out"; then bad "no-summary"; else ok; fi
"$dm" run "$bb" -D N=10 -q >"$tmp/out"
if [[ -s $tmp/out ]]; then bad "quiet prints nothing"; else ok; fi
# What was left unfinished: a process waiting on a completion nobody
# completes, channels never started, a system never run.
cat >"$tmp/left.lua" <<'EOF'
local sys = dmasim.system{ bus = { clock = "1GHz" } }
sys:memory{ base = 0, size = "64KiB", latency = "10ns" }
local cpu = sys:cpu{ clock = "1GHz" }
sys:dma{ channels = 2 }
local done = sys:completion()
sys:spawn(function() cpu:read32(0) done:wait() end)
sys:run()
dmasim.system{ name = "idle" }:memory{ base = 0, size = "4KiB" }
EOF
check left-waiting 0 "1 process was still waiting" "$dm" run "$tmp/left.lua"
check left-channel 0 "channel dma0.ch1 never started" "$dm" run "$tmp/left.lua"
check left-norun 0 "in idle (system 2 of the run" "$dm" run "$tmp/left.lua"
check left-norun2 0 "built but never run" "$dm" run "$tmp/left.lua"
check finished 0 "nothing left unfinished" "$dm" run "$bb" -D N=10

# ---- --stats ----
# The JSON parses; bus.busy_cycles in it is what the scenario read with
# sys:stat("bus.busy_cycles") (reported as bus_busy), and every statistic
# has a unit field and a description.
"$dm" run "$bb" -D N=100 -q --stats=json "$tmp/s.json" --json "$tmp/r.json"
if py "$tmp/s.json" "$tmp/r.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
st = {e["name"]: e for e in s["systems"][0]["stats"]}
assert st["bus.busy_cycles"]["value"] == r["results"]["bus_busy"] == 3600, st["bus.busy_cycles"]
assert st["bus.busy_cycles"]["unit"] == "cycles"
assert all(e["description"] for e in st.values()), [k for k, e in st.items() if not e["description"]]
assert s["systems"][0]["time_ps"] == 3600000
EOF
then ok; else bad "stats-json"; fi
"$dm" run "$bb" -D N=100 -q --stats "$tmp/s.txt"
if grep -Eq '^bus\.busy_cycles +3600 cycles +# bus data cycles owned' "$tmp/s.txt" &&
   grep -Eq '^time_ps +3600000 ps' "$tmp/s.txt"; then ok; else
	bad "stats-text"; head -5 "$tmp/s.txt"; fi
# The intc's latency histogram: mean, count, min and max lines.
"$dm" run "$src/scenarios/io_methods.lua" -q --stats - >"$tmp/s2.txt"
if grep -Eq '^intc0\.line1\.latency\.count +64 ' "$tmp/s2.txt"; then ok; else
	bad "stats-hist"; fi
check stats-bad 2 "expected --stats=text or --stats=json" "$dm" run "$bb" --stats=xml x
check stats-unwritable 3 "cannot write the statistics" "$dm" run "$bb" -D N=10 -q --stats /nonexistent/x

# ---- --timeline ----
# The bus row's symbols add up to the bus's owned time (busy_cycles * 1 ns
# from --stats), the rows' owners and idle add up to the run's time, and
# the columns cover the run: ncols * column >= time > (ncols - 1) * column.
"$dm" run "$bb" -D N=100 --no-summary --timeline --timeline-width 50 >"$tmp/tl.txt"
if py "$tmp/tl.txt" "$tmp/s.json" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read().splitlines()
stats = {e["name"]: e["value"] for e in json.load(open(sys.argv[2]))["systems"][0]["stats"]}
unit = {"ps": 1, "ns": 1e3, "us": 1e6, "ms": 1e9, "s": 1e12}
m = re.match(r"Timeline of busbench: 0 ps to ([\d.]+) (\w+), one column = ([\d.]+) (\w+) \((\d+) columns\)", text[0])
assert m, text[0]
length = float(m.group(1)) * unit[m.group(2)]
col = float(m.group(3)) * unit[m.group(4)]
ncols = int(m.group(5))
assert length == 3600000 and ncols <= 50 and ncols * col >= length > (ncols - 1) * col, (length, col, ncols)
rows, cur = {}, None
for line in text[1:]:
    r = re.match(r"\s*(\S+)\s+\|([^|]*)\|$", line)
    if r:
        cur = r.group(1)
        if cur != "":
            assert len(r.group(2)) == ncols, line
        rows[cur] = {}
        continue
    r = re.match(r"\s+(\S) (\S+)\s+(\d+) ps", line)
    if r and cur:
        rows[cur][r.group(2)] = int(r.group(3))
for name, owners in rows.items():
    assert sum(owners.values()) == length, (name, owners)
bus = rows["bus"]
assert sum(v for k, v in bus.items() if k != "idle") == stats["bus.busy_cycles"] * 1000, bus
assert bus["dma1"] == stats["bus.dma1.busy_cycles"] * 1000
EOF
then ok; else bad "timeline-adds-up"; head -12 "$tmp/tl.txt"; fi
# A window: 1 us from 1 us, 20 columns of 50 ns.
check timeline-window 0 "Timeline of busbench: 1 us to 2 us, one column = 50 ns (20 columns)" \
	"$dm" run "$bb" -D N=100 --timeline --timeline-width 20 --trace-from 1us --trace-to 2us
# Nested spans (a scatter-gather channel's descriptors inside its
# transfer) count once: each row's owners add up to no more than the
# window, so its idle time is not negative (it would wrap round).
"$dm" run "$src/scenarios/scatter_gather.lua" -q --timeline >"$tmp/tl2.txt"
if py "$tmp/tl2.txt" <<'EOF2'
import re, sys
unit = {"ps": 1, "ns": 1e3, "us": 1e6, "ms": 1e9, "s": 1e12}
length, nested = None, False
for line in open(sys.argv[1]):
    m = re.match(r"Timeline of \S+: 0 ps to ([\d.]+) (\w+),", line)
    if m:
        length = float(m.group(1)) * unit[m.group(2)]
    m = re.match(r"\s+\S (\S+)\s+(\d+) ps", line)
    if m:
        assert int(m.group(2)) <= length, line
        nested |= m.group(1) == "descriptor"
assert nested
EOF2
then ok; else bad "timeline-nested"; fi
check timeline-width-bad 2 "expected a number of columns from 10 to 1000" \
	"$dm" run "$bb" --timeline-width 5

# ---- the tour's tables ----
# 100 columns (but the closing count); --wide adds the claims in words.
mkdir "$tmp/tour"
"$dm" tour --json "$tmp/tour" >"$tmp/tour.txt"
if ! awk 'length($0) > 100 && !/claims agree/ { bad = 1 } END { exit !bad }' "$tmp/tour.txt" &&
   grep -q "^bus_accounting  (dmasim run .*/scenarios/bus_accounting.lua)$" "$tmp/tour.txt" &&
   grep -Eq "^  busy +720000 +720000 cycles +\+0% " "$tmp/tour.txt"; then ok; else
	bad "tour-100-columns"; fi
# --wide on a tour of one scenario (the format does not depend on which)
mkdir "$tmp/one"
ln -s "$src/scenarios/bus_accounting.lua" "$src/scenarios/lib" "$tmp/one/"
echo bus_accounting.lua >"$tmp/one/tour.txt"
check tour-wide 0 "owned cycles = K*N*D + N*M" \
	"$dm" tour --wide --scenarios "$tmp/one"

# ---- tour --explain ----
# Every claim of the tour is written out, and bus_accounting.busy's
# formula with the parameters' values (K=4, N=20000, D=8, M=4) gives the
# model's value in the tour's JSON (K*N*D + N*M = 720000 cycles).
"$dm" tour --explain >"$tmp/explain.txt"
if py "$tmp/explain.txt" "$tmp/tour" <<'EOF'
import glob, json, sys
text = open(sys.argv[1]).read()
ids = [c["id"] for f in glob.glob(sys.argv[2] + "/*.json") for c in json.load(open(f))["claims"]]
assert len(ids) > 40, len(ids)
missing = [i for i in ids if "\n" + i + "\n" not in "\n" + text]
assert not missing, missing
busy = [c for c in json.load(open(sys.argv[2] + "/bus_accounting.json"))["claims"] if c["id"] == "bus_accounting.busy"][0]
assert busy["model"] == 720000
assert "formula:    K*N*D + N*M = 4*20000*8 + 20000*4 = 720000" in text
assert "model:      720000 cycles" in text
EOF
then ok; else bad "explain-all"; fi
check explain-one 0 "= 44 + 100 + 22 + 200" "$dm" tour --explain io_methods.dma_cpu
check explain-scenario 0 "io_methods.polling_share" "$dm" tour --explain io_methods
check explain-unknown 2 "--explain nope: no such claim" "$dm" tour --explain nope

# ---- the HTML page ----
# tour --html: well-formed (XML), every claim of the tour in its claims
# table, one chart per scenario with quantitative claims, no reference to
# anything outside the page.
"$dm" tour --html "$tmp/tour.html" >/dev/null
if py "$tmp/tour.html" "$tmp/tour" <<'EOF'
import glob, json, re, sys
import xml.etree.ElementTree as ET
page = open(sys.argv[1]).read()
root = ET.fromstring(page.split("\n", 1)[1])     # past <!DOCTYPE html>
ns = {"h": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg"}
cells = [td.text for td in root.iter("{http://www.w3.org/1999/xhtml}td")]
for f in glob.glob(sys.argv[2] + "/*.json"):
    for c in json.load(open(f))["claims"]:
        assert c["id"] in cells, c["id"]
svgs = list(root.iter("{http://www.w3.org/2000/svg}svg"))
assert len(svgs) >= 10, len(svgs)
assert not re.search(r'(src|href)="(https?:)?//', page)
assert "K*N*D + N*M = 4*20000*8 + 20000*4 = 720000" in page
EOF
then ok; else bad "tour-html"; fi
"$dm" run "$src/scenarios/io_methods.lua" -q --json "$tmp/io.json"
if "$dm" report "$tmp/io.json" -o "$tmp/io.html" && grep -q "io_methods.dma_cpu" "$tmp/io.html" && grep -q "<svg" "$tmp/io.html"; then
	ok; else bad "report-content"; fi
check report-missing 3 "cannot read" "$dm" report "$tmp/nope.json" -o "$tmp/x.html"
echo '[1, 2]' >"$tmp/notrun.json"
check report-notrun 2 "is not a run's JSON results" "$dm" report "$tmp/notrun.json" -o "$tmp/x.html"
check report-noout 2 "expected RUN.json files and -o" "$dm" report "$tmp/io.json"
check report-help 0 "usage: dmasim report" "$dm" report --help

# In a real browser when one is installed (Debian's chromium): the page
# renders its claims table and a chart.  Skipped, and said, otherwise.
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -n $browser ]]; then
	timeout 60 "$browser" --headless --no-sandbox --disable-gpu \
		--dump-dom "file://$tmp/tour.html" >"$tmp/dom.html" 2>"$tmp/browser.err"
	if grep -q "bus_accounting.busy" "$tmp/dom.html" && grep -q "<svg" "$tmp/dom.html"; then
		ok; else bad "browser-render"; fi
else
	echo "SKIP browser-render: no chromium installed (apt-get install chromium)"
fi

finish ux
