#!/usr/bin/env bash
# examples/*.lua: each starts with a comment saying what it shows, runs
# and reports results, and each command its comment suggests
# ("--   dmasim run|sweep ...") works as written.
# Usage: tests/examples.sh DMASIM SOURCE-DIR
set -u
dmasim=$1
src=$2
. "$(dirname "$0")/lib.sh"
cd "$src" || exit 1
unset DMASIM_PATH

n=0
for f in examples/*.lua; do
	n=$((n + 1))
	if head -1 "$f" | grep -q "^-- [a-z_]*: "; then ok; else
		bad "$f: no opening comment '-- name: what it shows'"; fi
	if "$dmasim" run "$f" -q --json "$tmp/out.json" 2>"$tmp/err" &&
		[[ $(grep -c '^    "' "$tmp/out.json") -gt 0 ]] &&
		grep -q '"results": {' "$tmp/out.json" &&
		! grep -q '"results": {}' "$tmp/out.json"; then ok; else
		bad "$f: $(cat "$tmp/err")"; fi
	# The commands of its comment.
	while IFS= read -r cmd; do
		cmd=${cmd#--   dmasim }
		read -r -a args <<<"$cmd"
		for i in "${!args[@]}"; do
			if [[ ${args[$i]} == --plot ]]; then
				args[$((i + 1))]=$tmp/${args[$((i + 1))]}
			fi
		done
		"$dmasim" "${args[@]}" -q >"$tmp/cmd" 2>&1
		rc=$?
		if [[ $rc == 0 ]] || [[ $rc == 5 && $cmd == *--check* ]]; then ok; else
			bad "$f: 'dmasim $cmd' exited $rc: $(cat "$tmp/cmd")"; fi
	done < <(grep '^--   dmasim ' "$f")
done
if ((n >= 12)); then ok; else bad "only $n examples"; fi

finish examples
