#!/usr/bin/env bash
# A profile-guided build of dmasim (make build PGO=1), in one build folder:
#   1. build the program instrumented (DMASIM_PGO=generate);
#   2. train it: BUSBENCH-1 in a few shapes (the kernel and bus paths), then
#      the tour (every scenario with claims: CPU, DMA engines, caches,
#      IOMMU, devices, the Lua layer);
#   3. build everything again with the profiles (DMASIM_PGO=use).
# Outputs do not change: the profile only guides the compiler's layout,
# inlining and unrolling.
# Usage: tools/pgo.sh BUILD_DIR JOBS [cmake options...]
set -euo pipefail
build=$1 jobs=$2
shift 2
src=$(cd "$(dirname "$0")/.." && pwd)

cmake -S "$src" -B "$build" -DDMASIM_PGO=generate "$@"
# Profiles of an earlier training would add up with this one's.
rm -rf "$build/pgo"
find "$build" -name '*.gcda' -delete
cmake --build "$build" -j "$jobs" --target dmasim_cli

dm=$build/dmasim
bb=$src/bench/busbench.lua
"$dm" run "$bb" -q
"$dm" run "$bb" -q -D K=1 -D N=500000
"$dm" run "$bb" -q -D K=64 -D N=20000
"$dm" run "$bb" -q -D C=0 -D N=200000
"$dm" tour --scenarios "$src/scenarios" >/dev/null

if [[ -d $build/pgo ]]; then	# clang: one profile to merge
	llvm-profdata merge -o "$build/pgo/default.profdata" \
		"$build"/pgo/*.profraw
fi
cmake -S "$src" -B "$build" -DDMASIM_PGO=use
cmake --build "$build" -j "$jobs"
