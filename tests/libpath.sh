#!/usr/bin/env bash
# Where `require` finds scenario libraries: beside the scenario (and its
# lib/), then each folder of DMASIM_PATH (and its lib/), then the
# installed scenarios folder (for this build, the source tree's
# scenarios/, found beside the program): first match wins.
# Usage: tests/libpath.sh DMASIM SOURCE-DIR
set -u
dmasim=$1
. "$(dirname "$0")/lib.sh"
unset DMASIM_PATH

mkdir -p "$tmp/user" "$tmp/libs/lib" "$tmp/other" "$tmp/first"
cat >"$tmp/user/s.lua" <<'LUA'
local m = require "mylib"
dmasim.report("from", m.from)
LUA
echo 'return { from = "libs-lib" }' >"$tmp/libs/lib/mylib.lua"
echo 'return { from = "first" }' >"$tmp/first/mylib.lua"

# Not found: the error names the module and the places looked in.
if "$dmasim" run "$tmp/user/s.lua" >"$tmp/out" 2>&1; then
	bad "require of a missing library succeeded"
elif grep -q "module 'mylib' not found" "$tmp/out"; then ok; else
	bad "missing library: $(cat "$tmp/out")"; fi

# Found through DMASIM_PATH, in a folder's lib/, past an empty entry and
# a folder without it.
if DMASIM_PATH="$tmp/other::$tmp/libs" "$dmasim" run "$tmp/user/s.lua" >"$tmp/out" 2>&1 &&
	grep -q "^from libs-lib" "$tmp/out"; then ok; else
	bad "DMASIM_PATH lib/: $(cat "$tmp/out")"; fi
# The first folder of DMASIM_PATH that has it wins.
if DMASIM_PATH="$tmp/first:$tmp/libs" "$dmasim" run "$tmp/user/s.lua" >"$tmp/out" 2>&1 &&
	grep -q "^from first" "$tmp/out"; then ok; else
	bad "DMASIM_PATH order: $(cat "$tmp/out")"; fi
# The scenario's own folder comes before DMASIM_PATH.
echo 'return { from = "beside" }' >"$tmp/user/mylib.lua"
if DMASIM_PATH="$tmp/first" "$dmasim" run "$tmp/user/s.lua" >"$tmp/out" 2>&1 &&
	grep -q "^from beside" "$tmp/out"; then ok; else
	bad "own folder first: $(cat "$tmp/out")"; fi
rm "$tmp/user/mylib.lua"

# The shipped libraries from a folder of one's own (the installed
# scenarios folder), in a run and in a sweep's worker processes.
cat >"$tmp/user/drv.lua" <<'LUA'
local p = dmasim.params{ n = 1 }
local drv = require "dmadrv"
local mm = require "mm"
dmasim.report("libs", (type(drv) == "table" and type(mm) == "table") and p.n or 0)
LUA
if "$dmasim" run "$tmp/user/drv.lua" >"$tmp/out" 2>&1 && grep -q "^libs 1" "$tmp/out"; then ok; else
	bad "dmadrv from the installed folder: $(cat "$tmp/out")"; fi
if "$dmasim" sweep "$tmp/user/drv.lua" -D n=1,2 -j 2 >"$tmp/out" 2>&1 &&
	[[ $(grep -c '^[12],[12]$' "$tmp/out") == 2 ]]; then ok; else
	bad "dmadrv in a sweep: $(cat "$tmp/out")"; fi
# DMASIM_PATH comes before the installed folder.
echo 'return "mine"' >"$tmp/first/dmadrv.lua"
cat >"$tmp/user/mine.lua" <<'LUA'
dmasim.report("drv", require "dmadrv")
LUA
if DMASIM_PATH="$tmp/first" "$dmasim" run "$tmp/user/mine.lua" >"$tmp/out" 2>&1 &&
	grep -q "^drv mine" "$tmp/out"; then ok; else
	bad "DMASIM_PATH before the installed folder: $(cat "$tmp/out")"; fi

finish libpath
