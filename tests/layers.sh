#!/usr/bin/env bash
# /layers: the shape of the source tree.
#   - no file under src/ is over 800 lines;
#   - layers depend downwards only: kernel < hw < os, check < sys <
#     report < lua < cli (os and check do not include each other), and
#     only sys and above include the public headers (dmasim/...);
#   - modules do not include each other in a circle.  A module is a .c/.h
#     pair (src/cli/sweep.c and src/cli/sweep.h are the module
#     src/cli/sweep), or a model split over files that share a private
#     a_int.h (a.c, a_*.c, a.h and a_int.h are the module a); a.c or a.h including b.h makes a depend on b, and a
#     circle a -> b -> ... -> a, of any length, is a cycle.
# Usage: tests/layers.sh [source-dir]      (bash and POSIX awk only)
set -u
root=${1:-.}
max_lines=800

# Every finding fails (set strict_only=src/x/ to fail only under one
# directory and warn elsewhere, while a part of the tree is reworked).

cd "$root" 2>/dev/null || { echo "layers: cannot enter '$root': expected the source directory"; exit 2; }
if [[ ! -d src ]]; then
	echo "layers: no src/ directory in '$root': expected the source directory"
	exit 2
fi

fail=0 warn=0 nbig=0 ncycles=0

# report WHERE MESSAGE: a failure when WHERE (a path, or a cycle's
# modules) touches the strict part of the tree, a warning otherwise.
report() {
	local strict=0 w
	if [[ -z ${strict_only-} ]]; then
		strict=1
	else
		for w in $1; do
			[[ $w == "$strict_only"* ]] && strict=1
		done
	fi
	if ((strict)); then
		echo "layers: FAIL: $2"
		fail=$((fail + 1))
	else
		echo "layers: warning: $2"
		warn=$((warn + 1))
	fi
}

# ---- file sizes ----
# "<lines> <path>" for each file over the limit (an empty file has none).
while read -r n f; do
	nbig=$((nbig + 1))
	report "$f" "$f has $n lines: expected at most $max_lines (split it along its seams)"
done < <(find src -type f ! -path '*/tests/*' ! -name 'test_*' \
		-exec awk -v max="$max_lines" '
	FNR == 1 && f != "" && n > max { print n, f }
	{ f = FILENAME; n = FNR }
	END { if (f != "" && n > max) print n, f }' {} + | LC_ALL=C sort -k2)

# ---- layers ----
nlayer=0
while IFS= read -r v; do
	nlayer=$((nlayer + 1))
	report "${v%%:*}" "$v"
done < <(find src -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort |
	awk '
	BEGIN {
		rank["kernel"] = 0; rank["hw"] = 1; rank["os"] = 2
		rank["check"] = 2; rank["sys"] = 3; rank["report"] = 4
		rank["lua"] = 5; rank["cli"] = 6
	}
	{
		split($0, p, "/")
		layer = p[2]
		if (!(layer in rank))
			next
		n = 0
		while ((getline line < $0) > 0) {
			n++
			if (line !~ /^[ \t]*#[ \t]*include[ \t]*"[a-z]+\//)
				continue
			inc = line
			sub(/^[^"]*"/, "", inc)
			sub(/".*$/, "", inc)
			dir = inc
			sub(/\/.*$/, "", dir)
			if (dir == "dmasim") {
				if (rank[layer] < rank["sys"])
					printf "%s:%d: %s includes the public header %s: expected only sys/ and the layers above to\n", $0, n, layer, inc
				continue
			}
			if (!(dir in rank) || dir == layer)
				continue
			if (rank[dir] >= rank[layer])
				printf "%s:%d: %s includes %s: expected dependencies that point down (kernel < hw < os, check < sys < report < lua < cli)\n", $0, n, layer, inc
		}
		close($0)
	}')

# ---- include cycles ----
# One line per cycle: its modules, separated by " -> ", first one repeated.
cycles=$(find src -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort | awk '
	{ exists[$0] = 1; file[++nfile] = $0 }

	# A model split over several files is one module: a_int.h (its
	# private header) and a_*.c belong to module a.
	function module(path,    base) {
		sub(/\.[ch]$/, "", path)
		if (path ~ /_int$/) {
			sub(/_int$/, "", path)
			return path
		}
		base = path
		while (base ~ /_[^\/_]*$/) {
			sub(/_[^\/_]*$/, "", base)
			if ((base "_int.h") in exists)
				return base
		}
		return path
	}

	# "x.h" as included from path: next to it, else from src/ (the
	# include path); "" when neither (a public or system header).
	function resolve(path, inc,    dir) {
		dir = path
		sub(/\/[^\/]*$/, "", dir)
		if ((dir "/" inc) in exists)
			return dir "/" inc
		if (("src/" inc) in exists)
			return "src/" inc
		return ""
	}

	function visit(m,    i, t, k, c) {
		state[m] = 1
		stack[++depth] = m
		for (i = 1; i <= nout[m]; i++) {
			t = out[m, i]
			if (state[t] == 1) {
				c = ""
				for (k = depth; stack[k] != t; k--)
					;
				for (; k <= depth; k++)
					c = c stack[k] " -> "
				print c t
			} else if (!state[t]) {
				visit(t)
			}
		}
		depth--
		state[m] = 2
	}

	END {
		for (i = 1; i <= nfile; i++) {
			m = module(file[i])
			if (!(m in known)) {
				known[m] = 1
				mods[++nmod] = m
				nout[m] = 0
			}
			while ((getline line < file[i]) > 0) {
				if (line !~ /^[ \t]*#[ \t]*include[ \t]*"/)
					continue
				sub(/^[^"]*"/, "", line)
				sub(/".*$/, "", line)
				t = resolve(file[i], line)
				if (t == "" || module(t) == m)
					continue
				t = module(t)
				if (!((m, t) in edge)) {
					edge[m, t] = 1
					out[m, ++nout[m]] = t
				}
			}
			close(file[i])
		}
		depth = 0
		for (i = 1; i <= nmod; i++)
			if (!state[mods[i]])
				visit(mods[i])
	}')
if [[ -n $cycles ]]; then
	while IFS= read -r c; do
		ncycles=$((ncycles + 1))
		report "${c// -> / }" "include cycle $c: expected dependencies that point one way"
	done <<<"$cycles"
fi

if [[ -n ${strict_only-} ]]; then
	scope="failures under $strict_only only, warnings elsewhere"
else
	scope="failures anywhere"
fi
summary="$fail failure(s), $warn warning(s): $nbig file(s) over $max_lines lines, $nlayer include(s) against the layers, $ncycles include cycle(s) ($scope)"
if ((fail)); then
	echo "layers: FAILED: $summary"
	exit 1
fi
echo "layers: ok: $summary"
