#!/usr/bin/env bash
# bench/cpu_per_query.sh: CPU time each server spends per answered query,
# for dnsd, an older dnsd and the fixed responder (bench/README.md,
# "Throughput", "CPU per query").
#
#   BASELINE_DNSD=/path/to/older/dnsd bench/cpu_per_query.sh
#
# On a shared machine the QPS of a pinned server follows the share of CPU 0
# the other jobs leave it; the CPU time it spends per answer (utime + stime
# from /proc/PID/stat over a dns_load run, divided by the answers) does
# not, or far less. Every server runs pinned to CPU 0 with one worker, the
# load on CPU 1, the three in turn for $ROUNDS rounds of $RUN_SECONDS s.
# Prints one line per run and the medians, each split into user space
# (the server's own code) and the kernel. The ceiling's CPU per query over
# a server's is what that server's QPS ratio to the ceiling would be on a
# CPU of its own.
#
# Needs the data bench/throughput_bench.sh makes ($WORK/cfg-*, queries.txt;
# run it once first) and the build's dnsd, dns_load and fixed_responder
# (DNSD=/path/to/dnsd measures that binary as `dnsd` instead).
# Bounded: dns_load has a time limit; only the PIDs started here are
# stopped, also on failure (trap).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build/release}
WORK=${WORK:-/tmp/dnsd-throughput-bench}
DOMAINS=${DOMAINS:-100000}
SEED=${SEED:-1}
ROUNDS=${ROUNDS:-7}
RUN_SECONDS=${RUN_SECONDS:-8}
BASELINE_DNSD=${BASELINE_DNSD:?set BASELINE_DNSD to the dnsd binary to compare with}
CFG=$WORK/cfg-$DOMAINS-s$SEED
if [ ! -s "$CFG/dnsd.yaml" ] || [ ! -s "$WORK/queries.txt" ] || [ ! -s "$WORK/answer_size" ]; then
  echo "no $CFG or $WORK/queries.txt: run bench/throughput_bench.sh once" >&2
  exit 1
fi
SIZE=$(cat "$WORK/answer_size")

DNSD=${DNSD:-$BUILD/dnsd/dnsd}  # the binary measured as `dnsd`
declare -A BIN=([dnsd]=$DNSD [baseline]=$BASELINE_DNSD) PID=() PORT=()
stop_all() {
  local n
  for n in "${!PID[@]}"; do kill "${PID[$n]}" 2>/dev/null || true; done
}
trap stop_all EXIT

# The port a server bound to port 0 logged, once it logged it.
port_of() {
  local logfile=$1 pid=$2 pattern=$3 port=""
  for _ in $(seq 4500); do
    kill -0 "$pid" 2>/dev/null || { echo "$logfile: process exited" >&2; exit 1; }
    if grep -q "$pattern" "$logfile"; then
      port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$logfile" | head -1)
      [ -n "$port" ] && { echo "$port"; return; }
    fi
    sleep 0.2
  done
  echo "$logfile: no line matching '$pattern' and a listening port within 900 s" >&2
  exit 1
}

allow_root=()
[ "$(id -u)" -eq 0 ] && allow_root=(--allow-root)
for n in dnsd baseline; do
  taskset -c 0 "${BIN[$n]}" serve -c "$CFG/dnsd.yaml" --listen 127.0.0.1:0 \
    --metrics 127.0.0.1:0 --threads 1 "${allow_root[@]}" 2>"$WORK/cpq-$n.log" >/dev/null &
  PID[$n]=$!
done
for n in dnsd baseline; do PORT[$n]=$(port_of "$WORK/cpq-$n.log" "${PID[$n]}" loaded); done
# dnsd answers before its first reload has looked at every file again; at
# a million domains that look takes CPU 0 for seconds, which the first
# round would count. (The listening line comes before it.)
for n in dnsd baseline; do
  port_of "$WORK/cpq-$n.log" "${PID[$n]}" 'reload (catch-up after start)' >/dev/null
done
taskset -c 0 "$BUILD/bench/fixed_responder" --listen 127.0.0.1:0 --threads 1 --size "$SIZE" \
  --max-seconds 3600 2>"$WORK/cpq-ceiling.log" &
PID[ceiling]=$!
PORT[ceiling]=$(port_of "$WORK/cpq-ceiling.log" "${PID[ceiling]}" listening)

# utime and stime: the server's own code, and the kernel's work for it
# (for a UDP server on loopback, most of it sending and receiving).
ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
RESULTS=$WORK/cpq-$(date +%F-%H%M).tsv
: > "$RESULTS"
for round in $(seq "$ROUNDS"); do
  for n in dnsd baseline ceiling; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    read -r user0 sys0 < <(ticks "${PID[$n]}")
    out=$(timeout $((RUN_SECONDS + 30)) taskset -c 1 "$BUILD/bench/dns_load" \
            --server "127.0.0.1:${PORT[$n]}" --queries "$WORK/queries.txt" \
            --seconds "$RUN_SECONDS" --warmup 0)
    read -r user1 sys1 < <(ticks "${PID[$n]}")
    answered=$(echo "$out" | sed -n 's/.*answered=\([0-9]*\).*/\1/p')
    qps=$(echo "$out" | sed -n 's/.* qps=\([0-9]*\).*/\1/p')
    awk -v r="$round" -v n="$n" -v u=$((user1 - user0)) -v k=$((sys1 - sys0)) -v hz="$HZ" \
        -v a="$answered" -v q="$qps" -v l="$load" 'BEGIN {
          t = u + k
          printf "%d\t%s\t%d\t%.2f\t%.0f\t%s\t%.0f\t%.0f\n", r, n, q, t / hz, t / hz * 1e9 / a, l,
                 u / hz * 1e9 / a, k / hz * 1e9 / a }' \
      | tee -a "$RESULTS"
  done
done
echo "round server qps cpu_s ns_per_query load user_ns kernel_ns: $RESULTS"
# The median of column $2 of server $1's rounds.
median_of() {
  awk -F'\t' -v n="$1" -v c="$2" '$2 == n { print $c }' "$RESULTS" | sort -n \
    | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
for n in dnsd baseline ceiling; do
  printf 'median %-8s %s ns/query (user %s, kernel %s)\n' "$n" "$(median_of "$n" 5)" \
    "$(median_of "$n" 7)" "$(median_of "$n" 8)"
done
