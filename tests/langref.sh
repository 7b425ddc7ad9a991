#!/usr/bin/env bash
# The scenario-language reference against the bindings: docs/language.md
# must document every method, constructor field and handle field bound in
# src/lua/ (whichever files hold them), and nothing that is not bound.
# Then the check itself is checked: a reference missing an entry, one
# documenting something unbound, and a binding added without an entry must
# each fail it.
# Usage: tests/langref.sh LANGREF-PROGRAM SOURCE-DIR
set -u
prog=$1
src=$2
check=$src/tests/langref.lua
doc=$src/docs/language.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
sources=("$src"/src/lua/*.c "$src"/src/lua/*.h)

if ! "$prog" "$check" "$doc" "${sources[@]}"; then
	echo "FAIL: docs/language.md and the bindings disagree (above)"
	exit 1
fi

# expect_fail NAME PATTERN DOC SOURCES...: the check must fail, naming PATTERN
expect_fail() {
	local name=$1 pat=$2
	shift 2
	if "$prog" "$check" "$@" >"$tmp/out" 2>&1; then
		echo "FAIL: $name: the check passed"
		fail=1
	elif ! grep -q -- "$pat" "$tmp/out"; then
		echo "FAIL: $name: the check failed without naming '$pat':"
		cat "$tmp/out"
		fail=1
	fi
}

# A method's entry removed.
grep -v '`cpu:pio_write(' "$doc" | sed 's/`cpu:pio_write(reg, mem, n)`/x/' >"$tmp/no_method.md"
expect_fail "method without an entry" "cpu:pio_write" "$tmp/no_method.md" "${sources[@]}"
# A constructor field's row removed.
awk '/^### `system:dma{}`/{s=1} /^### / && !/system:dma{}/{s=0} !(s && /^\| `fence_cycles`/)' \
	"$doc" >"$tmp/no_field.md"
expect_fail "constructor field without a row" "fence_cycles" "$tmp/no_field.md" "${sources[@]}"
# A handle field's entry removed.
sed 's/`dma_channel.desc_fetches`/`desc_fetches`/' "$doc" >"$tmp/no_hfield.md"
expect_fail "handle field without an entry" "dma_channel.desc_fetches" "$tmp/no_hfield.md" "${sources[@]}"
# An entry with no binding.
{ cat "$doc"; echo '| `cpu:teleport(addr)` | nothing |'; } >"$tmp/extra.md"
expect_fail "entry without a binding" "cpu:teleport" "$tmp/extra.md" "${sources[@]}"
{ cat "$doc"; echo '| `cpu.warp_factor` | nothing |'; } >"$tmp/extra_field.md"
expect_fail "field entry without a binding" "cpu.warp_factor" "$tmp/extra_field.md" "${sources[@]}"
awk '{print} /^### `system:traffic{}`/{t=1} t && /^\| `priority`/{print "| `jitter` | ps | 0 | none |"; t=0}' \
	"$doc" >"$tmp/extra_row.md"
expect_fail "constructor row without a binding" "jitter" "$tmp/extra_row.md" "${sources[@]}"
# A new binding file (as when the bindings are split) with a method and a
# constructor nobody documented.
cat >"$tmp/lnew.c" <<'C'
#define GADGET_MT "dmasim.gadget"
static int l_sys_gadget(lua_State *L)
{
	static const char *const known[] = { "name", "speed", NULL };
	const char *what = "system:gadget{}";

	lf_known(L, 2, what, known);
	return 0;
}
void lnew_open(lua_State *L)
{
	static const luaL_Reg gadget_methods[] = {
		{ "spin", l_gadget_spin },
		{ NULL, NULL }
	};

	lsys_class(L, GADGET_MT, gadget_methods, l_gadget_index, NULL);
}
C
expect_fail "new binding file: method" "gadget:spin" "$doc" "${sources[@]}" "$tmp/lnew.c"
expect_fail "new binding file: constructor" "system:gadget{}" "$doc" "${sources[@]}" "$tmp/lnew.c"
exit $fail
