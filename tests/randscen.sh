#!/usr/bin/env bash
# /harden/random_scenarios: scenarios made at random (tools/randscen) run
# under run limits: none crashes or hangs the host (the status is 0, a
# scenario error 1, a parameter error 2 or a limit 6, each error with a
# message naming what was wrong and what was expected), and a run gives
# the same JSON each time.
# Usage: tests/randscen.sh path/to/dmasim path/to/randscen source-dir [count]
set -u
dm=$1
gen=$2
src=$3
count=${4:-100}
. "$(dirname "$0")/lib.sh"
export DMASIM_PATH=$src/scenarios/lib

failed=0
for seed in $(seq 1 "$count"); do
	"$gen" "$seed" >"$tmp/s.lua"
	timeout 60 "$dm" run "$tmp/s.lua" -q --max-wall-time 10 \
		--max-events 2000000 --json "$tmp/a.json" >"$tmp/out" 2>&1
	st=$?
	case $st in
	0)
		timeout 60 "$dm" run "$tmp/s.lua" -q --max-wall-time 10 \
			--max-events 2000000 --json "$tmp/b.json" >/dev/null 2>&1
		if cmp -s "$tmp/a.json" "$tmp/b.json"; then ok; else
			bad "seed $seed: two runs differ"; fi
		;;
	1 | 2 | 6)
		if grep -q "^dmasim: .*expected" "$tmp/out" ||
		   grep -q "^dmasim: .*limit" "$tmp/out"; then ok; else
			bad "seed $seed: status $st without a clear message: $(head -3 "$tmp/out")"; fi
		;;
	*)
		bad "seed $seed: status $st (a crash or a hang): $(head -3 "$tmp/out")"
		;;
	esac
done
finish random_scenarios
