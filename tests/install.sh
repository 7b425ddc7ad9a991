#!/usr/bin/env bash
# /install: `make install PREFIX=...` (cmake --install --prefix) puts the
# program, the library, its header, the scenarios, the man page and a
# pkg-config file under the prefix, and each works from there.
# Usage: tests/install.sh build-dir C-compiler [extra C flags]
set -u
build=$1
cc=$2
cflags=${3:-}
. "$(dirname "$0")/lib.sh"

p=$tmp/prefix
if ! cmake --install "$build" --prefix "$p" >"$tmp/log" 2>&1; then
	cat "$tmp/log"
	echo "FAIL cmake --install"
	exit 1
fi
for f in bin/dmasim include/dmasim/dmasim.h include/dmasim/machine.h \
	include/dmasim/base.h share/dmasim/scenarios/tour.txt \
	share/dmasim/scenarios/bus_accounting.lua share/dmasim/bench/busbench.lua \
	share/man/man1/dmasim.1; do
	if [[ -e $p/$f ]]; then ok; else bad "missing $f"; fi
done
pc=$(find "$p" -name dmasim.pc)
lib=$(find "$p" -name 'libdmasim.so*' | head -1)
if [[ -n $pc && -n $lib ]]; then ok; else bad "missing dmasim.pc or libdmasim.so"; fi

# The installed program finds its scenarios beside it.
if "$p/bin/dmasim" --version | grep -q "dmasim 0." &&
	"$p/bin/dmasim" tour >"$tmp/tour" 2>&1 && grep -q "claims agree" "$tmp/tour"; then ok; else
	bad "installed dmasim tour: $(cat "$tmp/tour")"; fi

# A scenario in a folder of its own finds the installed libraries.
mkdir -p "$tmp/user"
echo 'dmasim.report("drv", type(require "dmadrv"))' >"$tmp/user/s.lua"
if (unset DMASIM_PATH DMASIM_SCENARIOS; cd / && "$p/bin/dmasim" run "$tmp/user/s.lua") >"$tmp/req" 2>&1 &&
	grep -q "^drv table" "$tmp/req"; then ok; else
	bad "installed dmasim: require \"dmadrv\" from another folder: $(cat "$tmp/req")"; fi

# The man page formats without warnings.
if command -v man >/dev/null; then
	if MANWIDTH=80 man --warnings -l "$p/share/man/man1/dmasim.1" 2>"$tmp/warn" >"$tmp/man" &&
		[[ ! -s $tmp/warn ]] && grep -q "sweep" "$tmp/man"; then ok; else bad "man page: $(cat "$tmp/warn")"; fi
fi

# A program built with pkg-config's flags links and runs.
export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --cflags --libs dmasim) || bad "pkg-config dmasim"
cat >"$tmp/prog.c" <<'PROG'
#include <stdio.h>
#include <string.h>
#include <dmasim/dmasim.h>
int main(void)
{
	double v;
	enum dmasim_unit u;

	if (dmasim_parse_value("4KiB", &u, &v) || v != 4096 || u != DMASIM_UNIT_SIZE)
		return 1;
	printf("%s %s\n", dmasim_version(), dmasim_unit_name(u));
	return strcmp(dmasim_version(), DMASIM_VERSION) != 0;
}
PROG
# shellcheck disable=SC2086
if $cc $cflags "$tmp/prog.c" -o "$tmp/prog" $flags 2>"$tmp/cc" &&
	LD_LIBRARY_PATH=$(dirname "$lib") "$tmp/prog" | grep -q "0\.2\.0 bytes"; then ok; else
	bad "pkg-config build: $flags: $(cat "$tmp/cc")"; fi

# The C example builds a machine against the installed library alone.
src=$(dirname "$0")/../examples/c/pio_vs_dma.c
# shellcheck disable=SC2086
if $cc $cflags "$src" -o "$tmp/pio_vs_dma" $flags 2>"$tmp/cc" &&
	LD_LIBRARY_PATH=$(dirname "$lib") "$tmp/pio_vs_dma" >"$tmp/ex" &&
	grep -q "crossing_cpu_words 16.81" "$tmp/ex"; then ok; else
	bad "example against the installed library: $(cat "$tmp/cc" "$tmp/ex")"; fi

finish
