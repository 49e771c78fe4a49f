#!/bin/bash
# Runs one libFuzzer target for a while, growing its corpus in place.
#   scripts/fuzz.sh PART TARGET [SECONDS]     e.g. scripts/fuzz.sh ropcodec envelope 1800
# New crashers land in fuzz/PART/corpus/TARGET/ as crash-*; keep them (they are
# replayed by meson test) and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
part=$1 target=$2 secs=${3:-60}
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debug >/dev/null
fi
meson compile -C build-fuzz "fuzz_$target" >/dev/null
corpus=fuzz/$part/corpus/$target
mkdir -p "$corpus"
exec "build-fuzz/fuzz/$part/fuzz_$target" -max_total_time="$secs" \
	-artifact_prefix="$corpus/" -print_final_stats=1 "$corpus"
