#!/usr/bin/env bash
# /vcd: `dmasim run --vcd` files as GTKWave reads them.  Each file goes
# through GTKWave's vcd2fst and back through fst2vcd; the converters must
# accept it without a word, and every value read back must be well formed
# for its variable (vcd2fst takes a scalar change of a vector variable as
# garbage without failing, so the values are what shows it).
# Usage: tests/vcd.sh path/to/dmasim source-dir
set -u
dm=$1
src=$2
for tool in vcd2fst fst2vcd; do
	if ! command -v $tool >/dev/null; then
		echo "FAIL: $tool is not installed; it comes with the Debian package" \
			"gtkwave (tools/deps.sh installs it)"
		exit 1
	fi
done
. "$(dirname "$0")/lib.sh"

# Check a VCD's value changes against its declarations: a 1-bit wire
# takes "0!" or "b0 !", a wider one only "b<1..width bits> !", a real
# only "r<number> !".  Prints the bad lines (at most 5) and, as the last
# line, "values <name>: v1 v2 ..." for the variables named $2: their
# distinct values in binary, sorted.
vcd_check() { # file var-name
	local vals
	awk -v want="$2" '
	function bad(msg) { if (nbad++ < 5) print "bad: " msg " at line " NR ": " $0 }
	/^\$var/ { type[$4] = $2; width[$4] = $3; if ($5 == want) watch[$4] = 1; next }
	/^\$enddefinitions/ { body = 1; next }
	!body || /^#/ || /^\$/ || /^$/ { next }
	/^[rR]/ {
		if (NF != 2 || type[$2] != "real" || $1 !~ /^[rR][-+0-9.eE]+$/) bad("real")
		next
	}
	/^[bB]/ {
		if (NF != 2 || type[$2] != "wire" || $1 !~ /^[bB][01xzXZ]+$/ ||
		    length($1) - 1 > width[$2]) bad("vector")
		else if ($2 in watch) { v = substr($1, 2); sub(/^0+/, "", v); print "value " (v == "" ? "0" : v) }
		next
	}
	{
		id = substr($0, 2)
		if (substr($0, 1, 1) !~ /[01xzXZ]/ || type[id] != "wire" || width[id] != 1)
			bad("scalar")
		else if (id in watch) print "value " substr($0, 1, 1)
	}
	END { if (nbad) print "bad: " nbad " malformed changes" }' "$1" >"$tmp/check"
	grep -v '^value ' "$tmp/check"
	vals=$(grep '^value ' "$tmp/check" | cut -d' ' -f2 | sort -u | tr '\n' ' ')
	echo "values $2: ${vals% }"
}

# One run: its VCD, dmasim's own and read back through GTKWave.  The CPU
# state wire (2 bits) must read back as each of its four values.
check_run() { # name scenario args...
	local name=$1 file=$2
	shift 2
	if ! "$dm" run "$file" -q --vcd "$tmp/$name.vcd" "$@"; then
		bad "$name: dmasim run failed"
		return
	fi
	if ! grep -q '^\$var wire 2 .* state \$end' "$tmp/$name.vcd" ||
		! grep -q '^\$var real 64 ' "$tmp/$name.vcd" ||
		! grep -q '^\$var wire 1 .* grant \$end' "$tmp/$name.vcd"; then
		bad "$name: expected a 2-bit CPU state wire, bus grant wires and real counters"
		return
	fi
	vcd_check "$tmp/$name.vcd" state >"$tmp/own"
	if grep -q '^bad' "$tmp/own"; then bad "$name: dmasim's VCD: $(cat "$tmp/own")"; else ok; fi
	vcd2fst "$tmp/$name.vcd" "$tmp/$name.fst" >"$tmp/out" 2>&1
	local st=$?
	if [[ $st -ne 0 || -s $tmp/out ]]; then
		bad "$name: vcd2fst: status $st (want 0), output: $(head -c 500 "$tmp/out")"
		return
	fi
	fst2vcd "$tmp/$name.fst" >"$tmp/$name.back.vcd" 2>"$tmp/out"
	st=$?
	if [[ $st -ne 0 || -s $tmp/out ]]; then
		bad "$name: fst2vcd: status $st (want 0), output: $(head -c 500 "$tmp/out")"
		return
	fi
	vcd_check "$tmp/$name.back.vcd" state >"$tmp/back"
	if grep -q '^bad' "$tmp/back"; then
		bad "$name: as GTKWave reads it: $(cat "$tmp/back")"
	elif [[ "$(tail -1 "$tmp/back")" != "values state: 0 1 10 11" ]]; then
		bad "$name: CPU state as GTKWave reads it: $(tail -1 "$tmp/back") (want 0 1 10 11)"
	else
		ok
	fi
}

check_run trace_models "$src/tests/trace_models.lua"
check_run pio_vs_dma "$src/scenarios/pio_vs_dma.lua"

finish
