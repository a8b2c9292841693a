#!/usr/bin/env bash
# Installs dependencies, then builds and runs every test twice: in the
# release build, and in a debug build under AddressSanitizer and
# UndefinedBehaviorSanitizer. Exit status 0 only if both pass.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
for preset in release debug-asan; do
  echo "== $preset: build"
  scripts/build.sh "$preset"
  echo "== $preset: test"
  ctest --test-dir "build/$preset" --output-on-failure --parallel "$jobs" --timeout 600
done
