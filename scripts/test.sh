#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds pmo with warnings as errors, and
# runs under ctest: the libFuzzer target for 60 s (clang build), the whole
# suite under AddressSanitizer + UndefinedBehaviorSanitizer, then the whole
# suite as a normal build (with the valgrind test).  The normal run comes
# last so the final ctest summary counts every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DPMO_FUZZ=ON
cmake --build build-fuzz -j"$jobs" --target fuzz_request fuzz_corpus
ctest --test-dir build-fuzz --output-on-failure -L fuzz

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPMO_WERROR=ON -DPMO_SANITIZE=ON
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPMO_WERROR=ON
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
