#!/usr/bin/env bash
# /bench/descriptors: make bench's memory audit scenario
# (bench/descriptors.lua) on a short chain: every descriptor fetched, the
# last copy's bytes where they belong; set up alone it runs nothing; a bad
# parameter is refused naming what was expected.
# Usage: tests/descriptors.sh path/to/dmasim SOURCE_DIR
set -u
dm=$1
src=$2
fail=0
export DMASIM_PATH=$src/scenarios

out=$("$dm" run "$src/bench/descriptors.lua" -D D=3000 --no-summary 2>&1)
for want in "descriptors 3000" "desc_fetches 3000" "failed false" \
	"last_copy_intact true"; do
	if ! grep -qx "$want" <<<"$out"; then
		echo "descriptors D=3000: expected '$want' in:"
		echo "$out"
		fail=1
	fi
done
out=$("$dm" run "$src/bench/descriptors.lua" -D D=3000 -D run=false \
	--no-summary 2>&1)
if [[ $out != "descriptors 3000" ]]; then
	echo "descriptors run=false: expected the count alone, got: $out"
	fail=1
fi
if err=$("$dm" run "$src/bench/descriptors.lua" -D D=0 2>&1); then
	echo "descriptors D=0: expected a refusal"
	fail=1
elif ! grep -q "an integer from 1 to 4000000" <<<"$err"; then
	echo "descriptors D=0: expected the allowed range named, got: $err"
	fail=1
fi
exit $fail
