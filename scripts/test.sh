#!/bin/bash
# Installs what is missing, builds, and runs every test suite twice: once in
# a plain build and once under AddressSanitizer + UndefinedBehaviorSanitizer.
# Also builds the libFuzzer targets with clang and checks the formatting.
# Closes with one line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT

setup() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

setup build
meson compile -C build
failed=0
meson test -C build --print-errorlogs --num-processes 2 | tee -a "$log" || failed=1

# Sanitizers: any report fails the test that triggered it.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=all -Dbuildtype=debug
meson compile -C build-asan
meson test -C build-asan --print-errorlogs --num-processes 2 \
	--timeout-multiplier 3 | tee -a "$log" || failed=1

# libFuzzer targets must keep building (scripts/fuzz.sh runs them).
CC=clang setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dbuildtype=debug
meson compile -C build-fuzz

scripts/check-format.sh

ok=$(awk '/^Ok:/ {s += $2} END {print s + 0}' "$log")
bad=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $NF} END {print s + 0}' "$log")
echo "tests: $ok passed, $bad failed"
[ "$bad" -eq 0 ] && [ "$failed" -eq 0 ]
