#!/usr/bin/env bash
# Installs dependencies, then builds and runs every test twice: in the
# release build, and in a debug build under AddressSanitizer and
# UndefinedBehaviorSanitizer. Then it builds the libFuzzer targets with
# clang and runs each for a bounded while from its seed corpus
# (tests/fuzz/README.md). Exit status 0 only if all three pass.
#
# A test that cannot run here (not root, a program missing) is reported by
# ctest as skipped, not passed (tests/integration/harness.py, GTEST_SKIP).
# install-deps.sh installs everything, so nothing should skip; with CI=true
# a skipped or disabled test fails the run, so CI is never green while
# something did not run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
for preset in release debug-asan; do
  echo "== $preset: build"
  scripts/build.sh "$preset"
  echo "== $preset: test"
  junit="$PWD/build/$preset/ctest-junit.xml"
  rm -f "$junit"
  ctest --test-dir "build/$preset" --output-on-failure --parallel "$jobs" --timeout 600 \
        --output-junit "$junit"
  if [ "${CI:-}" = true ]; then
    # The first skipped="N" and disabled="N" are the <testsuite> totals.
    skipped=$(grep -o -m1 'skipped="[0-9]*"' "$junit" | tr -dc 0-9 || true)
    disabled=$(grep -o -m1 'disabled="[0-9]*"' "$junit" | tr -dc 0-9 || true)
    if [ -z "$skipped" ] || [ -z "$disabled" ]; then
      echo "== $preset: cannot read the skipped count from $junit" >&2
      exit 1
    fi
    if [ "$skipped" -ne 0 ] || [ "$disabled" -ne 0 ]; then
      echo "== $preset: $skipped skipped and $disabled disabled tests (listed above under" \
           "'The following tests did not run'); CI=true allows none" >&2
      exit 1
    fi
  fi
done
# DNSD_FUZZ_SECONDS: how long each target runs (default 30).
fuzz_seconds=${DNSD_FUZZ_SECONDS:-30}
echo "== fuzz: build (clang, the libFuzzer targets alone)"
cmake --preset fuzz -DDNSD_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
cmake --build build/fuzz --parallel "$jobs" --target fuzzers
echo "== fuzz: run each target for $fuzz_seconds s"
ctest --test-dir build/fuzz --tests-regex '^fuzz_run_' --output-on-failure --parallel "$jobs" \
      --timeout 600
