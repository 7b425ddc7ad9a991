#!/usr/bin/env bash
# /ux: the views of a run and of the tour: the summary of where the time
# went, --stats, --timeline, tour --explain, the HTML page (dmasim report,
# tour --html), the timeline of a run from its trace (report --trace),
# and those pages in a headless browser (Debian's chromium).
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
# (--json makes the folder)
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

# ---- the timeline (report --trace) ----
# busbench with one channel of 3 bursts (K=1, N=3, D=8, M=4, C=3; 1 ns a
# cycle), by hand as in BUSBENCH-1: the bus goes dma1 0-8 ns, cpu 8-12,
# dma1 12-20, cpu 20-24, dma1 24-32, cpu 32-36; the CPU waits 3-8, 15-20,
# 27-32 and computes in gaps 0-3, 12-15, 24-27 inside its active 0-36;
# dma1 waits 8-12 and 20-24 between its tenures, active 0-32.  So the
# rows bus, bus.cpu, cpu, bus.dma1, dma1 hold 6, 6, 4, 5 and 1 spans, and
# cpu and dma1 an instant each (stopped at 36 ns, done at 32 ns).
"$dm" run "$bb" -D N=3 -D K=1 -q --json "$tmp/bb3.json" --trace "$tmp/bb3.trace.json"
"$dm" report "$tmp/bb3.json" --trace "$tmp/bb3.trace.json" -o "$tmp/bb3.html"
if py "$tmp/bb3.html" <<'EOF'
import re, sys
import xml.etree.ElementTree as ET
page = open(sys.argv[1]).read()
root = ET.fromstring(page.split("\n", 1)[1])     # well-formed, past <!DOCTYPE html>
H, S = "{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/2000/svg}"
tls = [e for e in root.iter(S + "svg") if e.get("class") == "timeline"]
assert len(tls) == 1, len(tls)
tl = tls[0]
assert tl.get("data-t0") == "0" and tl.get("data-unit") == "1", tl.attrib
plot = [e for e in tl.iter(S + "svg") if e.get("class") == "plot"][0]
assert plot.get("viewBox") == "0 0 36000 90", plot.get("viewBox")
rows = [g for g in plot.iter(S + "g") if g.get("class") == "row"]
assert [g.get("data-track") for g in rows] == ["bus", "bus.cpu", "cpu", "bus.dma1", "dma1"], [g.get("data-track") for g in rows]
want = {"bus": 6, "bus.cpu": 6, "cpu": 4, "bus.dma1": 5, "dma1": 1}
for g in rows:
    rects = g.findall(S + "rect")
    assert len(rects) == want[g.get("data-track")] == int(g.get("data-spans")), (g.get("data-track"), len(rects))
    for r in rects:       # one unit is a ps: x and width are the span's times
        m = re.match(r".*, (\d+) (ps|ns) to (\d+) ns \((\d+) ns\)$", r.find(S + "title").text)
        b = int(m.group(1)) * (1000 if m.group(2) == "ns" else 1)
        assert int(r.get("x")) == b and int(r.get("width")) == int(m.group(4)) * 1000, r.attrib
bus = [r.find(S + "title").text for r in rows[0].findall(S + "rect")]
assert bus == ["dma1, 0 ps to 8 ns (8 ns)", "cpu, 8 ns to 12 ns (4 ns)",
               "dma1, 12 ns to 20 ns (8 ns)", "cpu, 20 ns to 24 ns (4 ns)",
               "dma1, 24 ns to 32 ns (8 ns)", "cpu, 32 ns to 36 ns (4 ns)"], bus
waits = [r.find(S + "title").text for r in rows[1].findall(S + "rect") if r.get("class") == "kw"]
assert waits == ["wait, 3 ns to 8 ns (5 ns)", "wait, 15 ns to 20 ns (5 ns)", "wait, 27 ns to 32 ns (5 ns)"], waits
insts = [l.find(S + "title").text for l in plot.iter(S + "line")]
assert insts == ["stopped at 36 ns", "done at 32 ns"], insts
axis = [t.text for g in tl.iter(S + "g") if g.get("class") == "axis" for t in g.iter(S + "text")]
assert axis[0] == "0" and axis[-1] == "time (ns)", axis
assert "22 spans and 2 instants on 5 tracks, every one drawn" in page
assert "<li><span class=\"sw kw\"></span>wait <small>(5 spans)</small></li>" in page
scripts = list(root.iter(H + "script"))
assert len(scripts) == 1 and "setAttribute('data-timelines'" in scripts[0].text, scripts
assert "<script>//<![CDATA[" in page
assert not re.search(r'(src|href)="(https?:)?//', page)
EOF
then ok; else bad "timeline-busbench"; fi
# A real DMA channel: io_methods's third system moves its block with
# dma0.ch0, a row of its own with one transfer; every system has a bus
# (six systems without the sweep: the three methods, then again with a
# background process).
"$dm" run "$src/scenarios/io_methods.lua" -q -D sweep=false --json "$tmp/iot.json" --trace "$tmp/iot.trace.json"
"$dm" report "$tmp/iot.json" --trace "$tmp/iot.trace.json" -o "$tmp/iot.html"
if py "$tmp/iot.html" <<'EOF'
import sys
import xml.etree.ElementTree as ET
root = ET.fromstring(open(sys.argv[1]).read().split("\n", 1)[1])
S = "{http://www.w3.org/2000/svg}"
tls = [e for e in root.iter(S + "svg") if e.get("class") == "timeline"]
assert len(tls) == 6, len(tls)
rows = [[g for g in t.iter(S + "g") if g.get("class") == "row"] for t in tls]
assert all(r[0].get("data-track") == "bus" for r in rows)
ch = [g for g in rows[2] if g.get("data-track") == "dma0.ch0"]
assert len(ch) == 1 and [r.find(S + "title").text.split(",")[0] for r in ch[0].findall(S + "rect")] == ["transfer"]
assert [g for g in rows[2] if g.get("data-track") == "bus.dma0.ch0"][0].get("data-spans") == "64"
EOF
then ok; else bad "timeline-dma-channel"; fi
# Merging: busbench with one channel of 1000 bursts puts 2000 spans on
# the bus, all narrower than a pixel.  Drawn as they are by default;
# past --max-spans 1000 merged, each merged rectangle counting its spans,
# which add up to the bus's 2000, and the page says so.  A run's page
# stays under 2 MB however long the run (N=1000 with four channels).
"$dm" run "$bb" -D N=1000 -D K=1 -q --json "$tmp/bbk.json" --trace "$tmp/bbk.trace.json"
"$dm" report "$tmp/bbk.json" --trace "$tmp/bbk.trace.json" -o "$tmp/bbk.html"
"$dm" report "$tmp/bbk.json" --trace "$tmp/bbk.trace.json" --max-spans 1000 -o "$tmp/bbm.html"
if py "$tmp/bbk.html" "$tmp/bbm.html" <<'EOF'
import re, sys
import xml.etree.ElementTree as ET
S = "{http://www.w3.org/2000/svg}"
def bus(path):
    page = open(path).read()
    root = ET.fromstring(page.split("\n", 1)[1])
    row = [g for g in root.iter(S + "g") if g.get("data-track") == "bus"][0]
    return page, row.get("data-spans"), row.findall(S + "rect")
page, n, rects = bus(sys.argv[1])
assert n == "2000" and len(rects) == 2000 and "every one drawn" in page
page, n, rects = bus(sys.argv[2])
merged = [r for r in rects if r.get("class").endswith(" m")]
assert merged and len(rects) < 500, len(rects)
count = 0
for r in rects:
    m = re.match(r"(\d+) spans narrower than a pixel, merged: ", r.find(S + "title").text)
    count += int(m.group(1)) if m else 1
assert count == 2000, count
assert "on the tracks with more than 1000 (bus (2000), bus.cpu (2000), cpu (1001), bus.dma1 (1999))" in page
assert "those narrower than a pixel at full view are merged" in page
EOF
then ok; else bad "timeline-merge"; fi
"$dm" run "$bb" -D N=1000 -q --json "$tmp/bb4.json" --trace "$tmp/bb4.trace.json"
"$dm" report "$tmp/bb4.json" --trace "$tmp/bb4.trace.json" -o "$tmp/bb4.html"
if (($(stat -c %s "$tmp/bb4.html") < 2000000)); then ok; else
	bad "timeline-size: $(stat -c %s "$tmp/bb4.html") bytes"; fi
# Refusals: each names the file and what was expected.
check trace-notrace 2 "bb3.json' is not a trace-event JSON: it has no \"traceEvents\" array" \
	"$dm" report "$tmp/bb3.json" --trace "$tmp/bb3.json" -o "$tmp/x.html"
check trace-missing 3 "cannot read the trace '$tmp/nope.json'" \
	"$dm" report "$tmp/bb3.json" --trace "$tmp/nope.json" -o "$tmp/x.html"
check trace-first 2 "comes before any RUN.json: expected each trace after its run's JSON" \
	"$dm" report --trace "$tmp/bb3.trace.json" "$tmp/bb3.json" -o "$tmp/x.html"
check trace-twice 2 "is a second trace for the run 'bb3.json': expected one trace per run" \
	"$dm" report "$tmp/bb3.json" --trace "$tmp/bb3.trace.json" --trace "$tmp/bb3.trace.json" -o "$tmp/x.html"
head -c 1500 "$tmp/bb3.trace.json" >"$tmp/cut.json"
check trace-cut 2 "the file ends inside a value: expected a whole trace" \
	"$dm" report "$tmp/bb3.json" --trace "$tmp/cut.json" -o "$tmp/x.html"
echo '{"traceEvents": [{"ph": "X", "pid": 1, "tid": 1, "ts": 0}]}' >"$tmp/nodur.json"
check trace-nodur 2 "line 1: event 1 (phase X) has no number \"dur\": expected a time in microseconds" \
	"$dm" report "$tmp/bb3.json" --trace "$tmp/nodur.json" -o "$tmp/x.html"
check trace-notevent 2 "event 2 is not a trace event: expected an object with a \"ph\"" \
	"$dm" report "$tmp/bb3.json" --trace <(echo '[{"ph": "M"}, 7]') -o "$tmp/x.html"
check trace-maxspans 2 "--max-spans 5: expected a whole number of spans from 10 to 1000000" \
	"$dm" report "$tmp/bb3.json" --trace "$tmp/bb3.trace.json" --max-spans 5 -o "$tmp/x.html"

# ---- in a real browser ----
# Debian's chromium, headless: .ci/run installs it, so under CI (CI=true)
# its absence fails; elsewhere the check is skipped, and says so.
# What is checked is the DOM the browser built once the page's script
# ran (--dump-dom), not the file: the script marks the root element with
# data-timelines (the number of timelines set up) as its last act, and
# any uncaught error on the page with data-script-errors; and the
# browser's log of the page's console (--enable-logging=stderr) must
# hold nothing at all, as the page logs nothing when all is well.
browser=$(command -v chromium || command -v chromium-browser || true)
# open PAGE OUT: the rendered DOM into OUT, the console log into OUT.err
open_page() {
	timeout 60 "$browser" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$tmp/chromium" --enable-logging=stderr --v=0 \
		--dump-dom "file://$1" >"$2" 2>"$2.err"
}
if [[ -z $browser && ${CI-} == true ]]; then
	bad "browser: no chromium under CI (tools/deps.sh chromium installs it)"
elif [[ -z $browser ]]; then
	echo "SKIP browser: no chromium installed (tools/deps.sh chromium)"
else
	# The tour's page renders its claims and charts, with no script.
	open_page "$tmp/tour.html" "$tmp/dom.html"
	if grep -q "bus_accounting.busy" "$tmp/dom.html" && grep -q "<svg" "$tmp/dom.html" &&
	   ! grep -q CONSOLE "$tmp/dom.html.err"; then ok; else bad "browser-tour"; fi
	# A run with claims and its trace: claims table, chart, timeline,
	# the script done, no error.
	"$dm" run "$src/scenarios/bus_accounting.lua" -D N=20 -D K=2 -q \
		--json "$tmp/ba.json" --trace "$tmp/ba.trace.json"
	"$dm" report "$tmp/ba.json" --trace "$tmp/ba.trace.json" -o "$tmp/ba.html"
	open_page "$tmp/ba.html" "$tmp/badom.html"
	if grep -q '<html[^>]* data-timelines="1"' "$tmp/badom.html" &&
	   ! grep -q '<html[^>]* data-script-errors=' "$tmp/badom.html" &&
	   grep -q '<table class="claims">' "$tmp/badom.html" &&
	   grep -q '<svg[^>]* class="chart"' "$tmp/badom.html" &&
	   grep -q '<svg[^>]* class="timeline"' "$tmp/badom.html" &&
	   grep -q 'bus_accounting.busy' "$tmp/badom.html" &&
	   ! grep -q CONSOLE "$tmp/badom.html.err"; then ok; else
		bad "browser-report"; grep CONSOLE "$tmp/badom.html.err" | head -5; fi
	# Zoom and pan as a person would, by events sent to the busbench
	# page's timeline (a copy with a test script after the page's own):
	# the wheel a quarter across zooms by e around that point (9 ns stays
	# where it was), the axis follows (ticks from 6 ns), a drag of 100 px
	# pans by 100 px of the view, + zooms by 1.5, 0 shows the whole run.
	sed 's|</body>|<script src="zoomtest.js"></script></body>|' "$tmp/bb3.html" >"$tmp/bb3test.html"
	cat >"$tmp/zoomtest.js" <<'EOF'
(function () {
	var bad = [], svg = document.querySelector('svg.timeline');
	var plot = svg.querySelector('svg.plot');
	var r = svg.querySelector('rect.frame').getBoundingClientRect();
	function view() {
		var v = plot.viewBox.baseVal;
		return [v.x, v.width];
	}
	function near(a, b) {
		return Math.abs(a - b) < 0.5;
	}
	function send(type, init) {
		var C = type === 'wheel' ? WheelEvent : type === 'keydown' ? KeyboardEvent : PointerEvent;
		init.bubbles = init.cancelable = true;
		svg.dispatchEvent(new C(type, init));
	}
	var v = view();
	if (v[0] !== 0 || v[1] !== 36000)
		bad.push('start ' + v);
	send('wheel', {deltaY: -250, clientX: r.left + r.width / 4, clientY: r.top + 5});
	v = view();
	if (!near(v[1], 36000 / Math.E) || !near(v[0] + v[1] / 4, 9000))
		bad.push('wheel ' + v);
	var t = svg.querySelectorAll('g.axis text');
	if (t[0].textContent !== '6' || t[t.length - 1].textContent !== 'time (ns)')
		bad.push('axis ' + t[0].textContent);
	send('pointerdown', {button: 0, pointerId: 1, clientX: r.left + 300, clientY: r.top + 5});
	send('pointermove', {pointerId: 1, clientX: r.left + 200, clientY: r.top + 5});
	send('pointerup', {pointerId: 1, clientX: r.left + 200, clientY: r.top + 5});
	var w = view();
	if (!near(w[0], v[0] + 100 / r.width * v[1]) || !near(w[1], v[1]))
		bad.push('drag ' + w);
	send('keydown', {key: '+'});
	if (!near(view()[1], w[1] / 1.5))
		bad.push('plus ' + view());
	send('keydown', {key: '0'});
	if (view()[0] !== 0 || view()[1] !== 36000)
		bad.push('reset ' + view());
	if (document.querySelector('button.tlreset').hidden)
		bad.push('the reset button is hidden');
	document.documentElement.setAttribute('data-test', bad.length ? 'FAIL ' + bad.join('; ') : 'ok');
})();
EOF
	open_page "$tmp/bb3test.html" "$tmp/bb3dom.html"
	if grep -q '<html[^>]* data-test="ok"' "$tmp/bb3dom.html" &&
	   ! grep -q CONSOLE "$tmp/bb3dom.html.err"; then ok; else
		bad "browser-zoom: $(grep -o 'data-test="[^"]*"' "$tmp/bb3dom.html")"; fi
fi

finish ux
