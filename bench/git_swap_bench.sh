#!/bin/bash
# What a configuration swap costs dnsd (deploy/git-sync/: a fresh release
# folder per commit, one symlink renamed over the old one), against a one-file
# edit: N generated domains in release a, release b = a with one domain file
# changed; dnsd serves LINK/dnsd.yaml; the link is swapped to b, then one file
# of b is replaced in place. Prints dnsd's start and its two reload lines
# ("answering after" is the figure) and the peak RSS.
#
#   flock /work/bench.lock bench/git_swap_bench.sh [DOMAINS] [DNSD]    (20000, build/release/dnsd/dnsd)
set -euo pipefail
domains=${1:-20000}
dnsd=$(readlink -f "${2:-build/release/dnsd/dnsd}")
here=$(dirname "$(readlink -f "$0")")
work=$(mktemp -d /tmp/dnsd-git-swap.XXXXXX)
pid=
trap 'if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
mkdir -p "$work/releases"
python3 "$here/gen_config.py" --domains "$domains" --out "$work/releases/a" --seed 1 >/dev/null
cp -a "$work/releases/a" "$work/releases/b"
files=("$work"/releases/b/domains/*.yaml)
sed -i 's/^mode: monitor/mode: blocked/; s/^mode: enforce/mode: blocked/' "${files[0]}"
ln -s releases/a "$work/current"
"$dnsd" serve -c "$work/current/dnsd.yaml" --listen 127.0.0.1:0 --metrics 127.0.0.1:0 \
  --allow-root --threads 2 >"$work/log" 2>&1 &
pid=$!
wait_for() {  # wait_for PATTERN COUNT: until the log has COUNT lines matching, at most 10 minutes
  for _ in $(seq 3000); do
    (($(grep -c "$1" "$work/log" || true) >= $2)) && return 0
    sleep 0.2
  done
  echo "timed out waiting for '$1'" >&2; exit 1
}
wait_for "reload (catch-up" 1
ln -s releases/b "$work/current.tmp" && mv -T "$work/current.tmp" "$work/current"
wait_for "reload (files changed)" 1
sleep 2
second=${files[1]}
tmp=$(dirname "$second")/.$(basename "$second").tmp
cp "$second" "$tmp" && echo "# edit" >>"$tmp" && mv "$tmp" "$second"
wait_for "reload (files changed)" 2
grep -E "loaded|reload \(files" "$work/log" | sed 's/; changed .*//'
grep VmHWM "/proc/$pid/status"
uptime
