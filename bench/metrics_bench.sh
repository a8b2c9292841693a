#!/usr/bin/env bash
# bench/metrics_bench.sh: what Prometheus scraping costs the answer path
# (bench/README.md, "Metrics").
#
#   bench/metrics_bench.sh [N]       default N=10000 domains
#
# Generates a configuration of N domains (bench/gen_config.py) and starts two
# dnsd processes on it, on 127.0.0.1 ports chosen by the kernel: one with
# metrics off (metrics.enabled: false), one with metrics on and /metrics
# scraped every second by curl while it is under load. dnsperf (UDP, 100 in
# flight, $DNSPERF_SECONDS s) drives them in turn, off/on/off/on..., $ROUNDS
# rounds; the idle one waits. Prints and appends to $RESULTS the QPS of each
# run, the loss, and the ratio of the medians (on / off) from the same run.
# Bounded: every wait has a deadline, dnsperf a time limit; only the
# processes this script started are stopped, by PID.
set -euo pipefail
# A command that fails outside a test stops the script (set -e); say which,
# so that no run ends without a word. -E: also inside functions and $( ).
set -E
trap 'rc=$?; echo "[$(date +%T)] metrics_bench: stopped: line $LINENO: $BASH_COMMAND (exit $rc)" >&2' ERR

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DNSD=${DNSD:-$ROOT/build/release/dnsd/dnsd}
WORK=${WORK:-/tmp/dnsd-metrics-bench}
N=${1:-10000}
ROUNDS=${ROUNDS:-3}
DNSPERF_SECONDS=${DNSPERF_SECONDS:-10}
RESULTS=${RESULTS:-$HERE/results/metrics-$(date +%F).md}
START_TIMEOUT=${START_TIMEOUT:-300}

for tool in dnsperf curl kdig; do
  command -v "$tool" >/dev/null || { echo "metrics_bench: needs $tool" >&2; exit 1; }
done
[ -x "$DNSD" ] || { echo "metrics_bench: no binary at $DNSD" >&2; exit 1; }
# Run as root (this machine, CI), dnsd must be told it may keep root.
ALLOW_ROOT=()
[ "$(id -u)" -eq 0 ] && ALLOW_ROOT=(--allow-root)
mkdir -p "$WORK" "$(dirname "$RESULTS")"

PIDS=()
SCRAPER=""
cleanup() {
  [ -n "$SCRAPER" ] && kill "$SCRAPER" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }

# start CONFIG LOG EXTRA...: starts dnsd; prints "pid port".
start() {
  local config=$1 logfile=$2; shift 2
  "$DNSD" serve -c "$config" --listen 127.0.0.1:0 "${ALLOW_ROOT[@]}" "$@" 2>"$logfile" >/dev/null &
  local pid=$! port="" deadline=$(( $(date +%s) + START_TIMEOUT ))
  while [ -z "$port" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$logfile" >&2; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "dnsd did not start" >&2; exit 1; }
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$logfile" | head -1)
    [ -n "$port" ] || sleep 0.1
  done
  echo "$pid $port"
}

# run PORT: prints "qps lost".
run() {
  local out
  out=$(timeout $((DNSPERF_SECONDS + 30)) dnsperf -s 127.0.0.1 -p "$1" -d "$WORK/cfg/queries.txt" \
          -e -l "$DNSPERF_SECONDS" -t 2 -q 100 2>&1)
  awk '/Queries lost:/ { lost = $3 } /Queries per second:/ { qps = $4 }
       END { printf "%.0f %d\n", qps, lost }' <<<"$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

log "generating $N domains"
python3 "$HERE/gen_config.py" --domains "$N" --out "$WORK/cfg" --seed 1 \
  --key-pool "$WORK/dkim_keys.txt" --queries "$WORK/cfg/queries.txt" --query-count 200000 >/dev/null
cp "$WORK/cfg/dnsd.yaml" "$WORK/cfg/dnsd-off.yaml"
printf 'metrics: {enabled: false}\n' >>"$WORK/cfg/dnsd-off.yaml"

read -r OFF_PID OFF_PORT < <(start "$WORK/cfg/dnsd-off.yaml" "$WORK/off.log")
PIDS+=("$OFF_PID")
read -r ON_PID ON_PORT < <(start "$WORK/cfg/dnsd.yaml" "$WORK/on.log" --metrics 127.0.0.1:0)
PIDS+=("$ON_PID")
deadline=$(( $(date +%s) + 30 ))
until METRICS_PORT=$(sed -n 's/.*metrics on port \([0-9]*\).*/\1/p' "$WORK/on.log" | head -1) && [ -n "$METRICS_PORT" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "no metrics port" >&2; exit 1; }
  sleep 0.1
done
grep -q "metrics on port" "$WORK/off.log" && { echo "the metrics-off server serves metrics" >&2; exit 1; }
log "metrics off: pid $OFF_PID port $OFF_PORT; on: pid $ON_PID port $ON_PORT, /metrics on $METRICS_PORT"

# Warm both up (not recorded).
DNSPERF_SECONDS=3 run "$OFF_PORT" >/dev/null
DNSPERF_SECONDS=3 run "$ON_PORT" >/dev/null

off_qps=() on_qps=() off_lost=0 on_lost=0 scrapes=0 scrape_bytes=0
for r in $(seq "$ROUNDS"); do
  log "round $r: metrics off"
  read -r q l < <(run "$OFF_PORT"); off_qps+=("$q"); off_lost=$((off_lost + l))
  log "round $r: metrics on, scraped every second"
  ( for _ in $(seq $((DNSPERF_SECONDS + 5))); do
      curl -s -o "$WORK/scrape.txt" --max-time 2 "http://127.0.0.1:$METRICS_PORT/metrics" || true
      echo x >>"$WORK/scrapes.count"; sleep 1
    done ) & SCRAPER=$!
  read -r q l < <(run "$ON_PORT"); on_qps+=("$q"); on_lost=$((on_lost + l))
  kill "$SCRAPER" 2>/dev/null || true; wait "$SCRAPER" 2>/dev/null || true; SCRAPER=""
done
scrapes=$(wc -l <"$WORK/scrapes.count"); rm -f "$WORK/scrapes.count"
scrape_bytes=$(wc -c <"$WORK/scrape.txt")
scrape_series=$(grep -vc '^#' "$WORK/scrape.txt")
m_off=$(printf '%s\n' "${off_qps[@]}" | median)
m_on=$(printf '%s\n' "${on_qps[@]}" | median)
ratio=$(awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "%.3f", a / b }')

{
  echo "## Metrics: scraped every second vs off, $N domains ($(date '+%F %T'))"
  echo
  echo "- machine: $(nproc) CPUs, shared; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: \`bench/metrics_bench.sh $N\` (dnsperf UDP, 100 in flight, ${DNSPERF_SECONDS} s a run, ${ROUNDS} rounds interleaved, threads 0)"
  echo
  echo "| | QPS per round | median | lost |"
  echo "| --- | --- | --- | --- |"
  echo "| metrics off | ${off_qps[*]} | $m_off | $off_lost |"
  echo "| metrics on, /metrics every 1 s | ${on_qps[*]} | $m_on | $on_lost |"
  echo
  echo "Ratio on/off (medians, same run): **$ratio**. $scrapes scrapes; the last was $scrape_bytes bytes, $scrape_series series."
  echo
} | tee -a "$RESULTS"
