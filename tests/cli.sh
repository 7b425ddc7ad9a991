#!/usr/bin/env bash
# /cli: the dmasim command's options, output and exit statuses.
# Usage: tests/cli.sh path/to/dmasim source-dir
set -u
dm=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

check() { # name expected-status expected-text command...
	local name=$1 want=$2 text=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [[ $got -ne $want ]] || ! grep -qF -- "$text" "$tmp/out" "$tmp/err"; then
		echo "FAIL $name: status $got (want $want), output:"
		cat "$tmp/out" "$tmp/err" | head -20
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

bb=$src/bench/busbench.lua
check help 0 "usage: dmasim <command>" "$dm" --help
check version 0 "dmasim 0." "$dm" --version
check run-help 0 "-D name=value" "$dm" run --help
check no-args 2 "usage:" "$dm"
check unknown-command 2 "unknown command 'frob'" "$dm" frob
check unknown-option 2 "unknown option '--frob'" "$dm" run "$bb" --frob
check no-file 2 "expected a scenario file" "$dm" run
check bad-define 2 "expected name=value" "$dm" run "$bb" -D K
check unknown-param 2 "unknown parameter 'Q' (-D Q=1): this scenario declares C, D, K, M, N" "$dm" run "$bb" -D Q=1
check bad-param 2 "bad parameter K = 0: expected an integer >= 1" "$dm" run "$bb" -D K=0
check bad-unit 2 "-D N=12XB" "$dm" run "$bb" -D N=12XB
check missing-file 3 "cannot open" "$dm" run "$tmp/nope.lua"
check bad-seed 2 "--seed x" "$dm" run "$bb" --seed x
check busbench-row 0 "end_time 13983" "$dm" run "$bb" -D K=3 -D N=777 -D D=5 -D C=2 -D M=3
printf 'local x = = 1\n' >"$tmp/bad.lua"
check syntax-error 1 "bad.lua:1:" "$dm" run "$tmp/bad.lua"
check json-unwritable 3 "cannot write JSON" "$dm" run "$bb" -D N=10 --json /nonexistent/dir/x.json

# --check: a misuse exits 5 with its report on stderr and in the JSON; a
# correct driver exits 0 with nothing on stderr.
zoo=$src/tests/zoo
check check-report 5 "STALE_CPU_READ at" "$dm" run --check "$zoo/stale_cpu_read.lua"
"$dm" run --check "$zoo/double_unmap.lua" -q --json "$tmp/c.json" 2>"$tmp/err"
if [[ $? -eq 5 ]] && grep -q "DOUBLE_UNMAP" "$tmp/err" && grep -q '"DOUBLE_UNMAP"' "$tmp/c.json"; then
	pass=$((pass + 1)); else echo "FAIL check-json"; fail=$((fail + 1)); fi
"$dm" run --check "$zoo/ok_rx.lua" >/dev/null 2>"$tmp/err"
if [[ $? -eq 0 && ! -s $tmp/err ]]; then pass=$((pass + 1)); else
	echo "FAIL check-clean"; fail=$((fail + 1)); fi
# Without --check the same misuse runs and exits 0.
"$dm" run "$zoo/stale_cpu_read.lua" >/dev/null 2>"$tmp/err"
if [[ $? -eq 0 && ! -s $tmp/err ]]; then pass=$((pass + 1)); else
	echo "FAIL check-off"; fail=$((fail + 1)); fi

# The same seed gives byte-identical JSON; -D attached to its value works.
"$dm" run "$bb" -DN=500 --json "$tmp/a.json" -q && "$dm" run "$bb" -D N=500 --json "$tmp/b.json" -q
if cmp -s "$tmp/a.json" "$tmp/b.json" && [[ -s $tmp/a.json ]]; then pass=$((pass + 1)); else
	echo "FAIL json-determinism"; fail=$((fail + 1)); fi
# --quiet prints nothing.
if [[ -z $("$dm" run "$bb" -D N=5 -q) ]]; then pass=$((pass + 1)); else
	echo "FAIL quiet"; fail=$((fail + 1)); fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
