# Shared by the shell tests: source it after `set -u`.
#   $tmp         a scratch folder, removed on exit
#   ok / bad MSG count a pass, or a failure with what went wrong
#   check NAME STATUS TEXT COMMAND...
#                the command (killed after 60 s) exits with STATUS and
#                says TEXT on stdout or stderr
#   finish [NAME] print the counts; its status is the test's
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

check() {
	local name=$1 want=$2 text=$3
	shift 3
	timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [[ $got -ne $want ]] || ! grep -qF -- "$text" "$tmp/out" "$tmp/err"; then
		echo "FAIL $name: status $got (want $want), output:"
		cat "$tmp/out" "$tmp/err" | head -20
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

finish() {
	echo "${1:+$1: }$pass passed, $fail failed"
	((fail == 0))
}
