#!/usr/bin/env bash
# /determinism: every shipped scenario (and the bench scenario) run twice,
# in two processes, writes byte-identical JSON.  Two processes, because
# what varies between runs (Lua's string hash seed, a clock-seeded
# math.random) varies between processes, not within one.
# Usage: tests/determinism.sh path/to/dmasim source-dir
set -u
dm=$1
src=$2
. "$(dirname "$0")/lib.sh"

# Smaller runs for the slow scenarios (as in tests/test_claims.c), so the
# sanitizer build stays well under a minute.
defines() { # scenario-name
	case $1 in
	overlap) echo "-D sweep=false" ;;
	thrashing) echo "-D frames=256 -D wset=50 -D touches=2000" ;;
	busbench) echo "-D N=2000" ;;
	esac
}

n=0
for f in "$src"/scenarios/*.lua "$src"/bench/*.lua; do
	name=$(basename "$f" .lua)
	n=$((n + 1))
	# shellcheck disable=SC2046 # the defines are words
	if ! "$dm" run "$f" -q --json "$tmp/$name.1.json" $(defines "$name") ||
		! "$dm" run "$f" -q --json "$tmp/$name.2.json" $(defines "$name"); then
		echo "FAIL $name: dmasim run failed"
		fail=$((fail + 1))
	elif ! cmp -s "$tmp/$name.1.json" "$tmp/$name.2.json"; then
		echo "FAIL $name: two runs wrote different JSON:"
		diff "$tmp/$name.1.json" "$tmp/$name.2.json" | head -10
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
if [[ $n -lt 10 ]]; then
	echo "FAIL: found $n scenarios under $src/scenarios and $src/bench, expected at least 10"
	fail=$((fail + 1))
fi
finish
