#!/usr/bin/env bash
# /busbench_ref: the hand-written BUSBENCH-1 loop that make bench times
# dmasim against, on every row of the benchmark's expected table
# (shared/bench/BUSBENCH-expected.md, from independent implementations),
# and its refusal of bad parameters.
# Usage: tests/busbench_ref.sh path/to/busbench_ref
set -u
ref=$1
fail=0

# K N D C M | end_time cpu_accesses bus_busy ch1..chK done
rows=(
	"4 1000000 8 3 4|35999996 1000000 36000000 35999972 35999980 35999988 35999996"
	"1 3 8 3 4|32 3 36 32"
	"2 5 8 3 4|96 5 100 88 96"
	"4 1000 8 3 4|35996 1000 36000 35972 35980 35988 35996"
	"3 777 5 2 3|13983 777 13986 13973 13978 13983"
	"1 10 3 3 3|57 9 57 57"
	"1 10 3 2 3|57 10 60 57"
	"4 10 8 31 4|356 10 360 332 340 348 356"
	"4 10 8 32 4|356 9 356 332 340 348 356"
	"1 1 1 0 1|2 2 3 2"
)
for row in "${rows[@]}"; do
	args=${row%%|*}
	# shellcheck disable=SC2086
	got=$("$ref" $args | awk '{ printf "%s%s", sep, $2; sep = " " }')
	if [[ $got != "${row#*|}" ]]; then
		echo "busbench_ref $args: got '$got', expected '${row#*|}'"
		fail=1
	fi
done
# The defaults are the first row.
if [[ $("$ref" | awk '{ printf "%s ", $2 }') != "35999996 1000000 36000000 35999972 35999980 35999988 35999996 " ]]; then
	echo "busbench_ref with no arguments: expected the defaults' outputs"
	fail=1
fi
for bad in "0 1 1 1 1" "1 0 1 1 1" "1 1 0 1 1" "1 1 1 -1 1" "1 1 1 1 0" "1 x 1 1 1"; do
	# shellcheck disable=SC2086
	if err=$("$ref" $bad 2>&1); then
		echo "busbench_ref $bad: accepted, expected an error"
		fail=1
	elif [[ $err != *expected* ]]; then
		echo "busbench_ref $bad: error '$err' does not say what was expected"
		fail=1
	fi
done
exit $fail
