#!/usr/bin/env bash
# The GPU scenarios against a real GPU: with the machine description that
# tools/gpu-calibrate wrote (argument 3, or DMASIM_GPU_CALIBRATION), run
# gpu_copy and gpu_pipeline with the measured link, copy-call cost, kernel
# rate and host memcpy rate, and compare the simulated figures with the
# measured ones: each within 15%.  Without the file: skipped (exit 77).
# Usage: tests/gpu_calibrate.sh DMASIM SOURCE-DIR [CALIBRATION.lua]
set -u
dmasim=$1
src=$2
cal=${DMASIM_GPU_CALIBRATION:-${3:-}}
if [[ -z $cal || ! -f $cal ]]; then
	echo "no GPU calibration file (${cal:-none}): skipped; run" \
	     "gpu-calibrate where a GPU is to make one"
	exit 77
fi
dir=$(cd "$(dirname "$cal")" && pwd)
mod=$(basename "$cal" .lua)
val() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$2"; }

fig=$(DMASIM_PATH=$dir "$dmasim" run "$src/tests/gpu_calibrate.lua" \
	-D module="$mod") || { echo "FAIL: cannot read $cal"; exit 1; }
gen=$(val gen "$fig")
lanes=$(val lanes "$fig")
if [[ $gen -lt 3 || $gen -gt 5 ]]; then
	echo "link generation $gen: the scenarios model 3 to 5: skipped"
	exit 77
fi
call=$(val call_ns "$fig")
# the staging loop's cycles per 64 bytes that give the measured memcpy
# rate S (scenarios/lib/gpuhost.lua: 4 KiB pieces, a load and a store at
# 128 GB/s, a 2 GHz CPU): c = (4096 / S - 64 ns) * 2 GHz / 64
S=$(val memcpy_rate "$fig")
cyc=$(awk -v s="$S" 'BEGIN { c = (4096 / (s * 1e9) - 64e-9) * 2e9 / 64;
	if (c < 0) c = 0; printf "%d", c + 0.5 }')
krate=$(awk -v k="$(val kernel_rate "$fig")" 'BEGIN { printf "%.0f", k * 1e9 }')
echo "calibration: Gen$gen x$lanes, call ${call} ns, memcpy ${S} GB/s" \
     "(stage_cycles $cyc), kernel $krate B/s"

copy=$("$dmasim" run "$src/scenarios/gpu_copy.lua" -D lanes="$lanes" \
	-D call="${call}ns" -D stage_cycles="$cyc") ||
	{ echo "FAIL: gpu_copy did not run"; exit 1; }
pipe=$("$dmasim" run "$src/scenarios/gpu_pipeline.lua" -D gen="$gen" \
	-D lanes="$lanes" -D call="${call}ns" -D stage_cycles="$cyc" \
	-D kernel_rate="${krate}B/s") ||
	{ echo "FAIL: gpu_pipeline did not run"; exit 1; }

fail=0
check() {	# name measured simulated
	if awk -v m="$2" -v s="$3" 'BEGIN { d = (s - m) / m; if (d < 0) d = -d;
		exit !(d <= 0.15) }'; then
		echo "ok    $1: measured $2 GB/s, simulated $3 GB/s"
	else
		echo "FAIL  $1: measured $2 GB/s, simulated $3 GB/s (over 15%)"
		fail=1
	fi
}
for k in pinned_h2d pinned_d2h pageable_h2d pageable_d2h; do
	check "$k" "$(val "$k" "$fig")" "$(val "gen${gen}_$k" "$copy")"
done
check pipeline "$(val pipeline "$fig")" "$(val pace "$pipe")"
exit $fail
