#!/usr/bin/env bash
# bench/throughput_bench.sh: queries per second of dnsd, Knot DNS and NSD on
# the same names, beside a fixed-answer responder as the ceiling of this
# kernel and loopback (bench/README.md, "Throughput").
#
#   bench/throughput_bench.sh
#   BASELINE_DNSD=/path/to/older/dnsd bench/throughput_bench.sh
#
# 1. Generates a configuration of $DOMAINS domains and a query file of
#    $QUERIES lines (bench/gen_config.py --mix throughput: 80% SPF macro
#    names, IPv4 and IPv6, 10% DMARC, 10% DKIM), once, into $WORK.
# 2. Starts dnsd on it and records dnsd's answer to every name as a static
#    root zone for Knot and NSD (bench/record_answers.py, once).
# 3. For each configuration in $CONFIGS:
#      pinned: every server with one worker (thread or process), pinned to
#              CPU 0 with taskset; the load generator pinned to CPU 1;
#      all:    every server with one worker per online CPU, nothing pinned;
#    starts dnsd, knotd, nsd and bench/fixed_responder on 127.0.0.1 ports
#    chosen free at run time, checks that each answers every name of the
#    file NOERROR with the same mean size, then runs $ROUNDS rounds, each
#    round every test on every server in turn (A B C D A B C D ...):
#      udp:     bench/dns_load (sendmmsg/recvmmsg, $INFLIGHT in flight),
#               $WARMUP s not counted, then $RUN_SECONDS s;
#      dnsperf: dnsperf UDP, the same file, $RUN_SECONDS s;
#      tcp:     dnsperf -m tcp, $TCP_CLIENTS connections (not the ceiling,
#               which has no TCP);
#    then, per server, dns_load at 80% of that server's median udp QPS
#    (--qps), for loss and latency below saturation.
# 4. Writes every run's figures to $WORK/raw-<stamp>.tsv and the table and
#    chart to bench/results/throughput-<date>.md and .png
#    (bench/throughput_report.py).
#
# With BASELINE_DNSD set to another dnsd binary (say one built from an older
# commit, bench/README.md, "Throughput"), a server named `baseline` joins
# the rotation right after dnsd (unless SERVERS is given): the same flags,
# its own port, the same checks, and also the same mean answer size as
# dnsd; the report lists it with its ratio to the ceiling and dnsd/baseline
# (BASELINE_NOTE, say the commit, is printed beside its path).
# Unset (the default), nothing changes. DNSD=/path/to/dnsd runs that
# binary as `dnsd` instead of the build's (with BASELINE_DNSD, the two
# binaries can swap slots: the order of a round is then the only change).
#
# Bounded: every run has a time limit and a `timeout` around it, every wait
# a deadline; only the processes this script started are stopped, by PID,
# also when it fails (trap).
set -euo pipefail
# A command that fails outside a test stops the script (set -e); say which,
# so that no run ends without a word. -E: also inside functions and $( ).
set -E
trap 'rc=$?; echo "[$(date +%T)] throughput_bench: stopped: line $LINENO: $BASH_COMMAND (exit $rc)" >&2' ERR

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build/release}
DNSD=${DNSD:-$BUILD/dnsd/dnsd}
LOAD=$BUILD/bench/dns_load
CEILING=$BUILD/bench/fixed_responder
WORK=${WORK:-/tmp/dnsd-throughput-bench}
DOMAINS=${DOMAINS:-100000}
QUERIES=${QUERIES:-200000}
SEED=${SEED:-1}
ROUNDS=${ROUNDS:-3}
RUN_SECONDS=${RUN_SECONDS:-10}
WARMUP=${WARMUP:-2}
CONFIGS=${CONFIGS:-pinned all}
TESTS=${TESTS:-udp dnsperf tcp}
BASELINE_DNSD=${BASELINE_DNSD:-}
if [ -n "$BASELINE_DNSD" ]; then
  SERVERS=${SERVERS:-dnsd baseline knot nsd ceiling}
else
  SERVERS=${SERVERS:-dnsd knot nsd ceiling}
fi
SOCKETS=${SOCKETS:-8}          # dns_load: sockets (source ports)
PER_SOCKET=${PER_SOCKET:-32}   # dns_load: queries in flight per socket
DNSPERF_CLIENTS=${DNSPERF_CLIENTS:-8}
DNSPERF_INFLIGHT=${DNSPERF_INFLIGHT:-256}
TCP_CLIENTS=${TCP_CLIENTS:-16}
START_TIMEOUT=${START_TIMEOUT:-900}
STAMP=${STAMP:-$(date +%F-%H%M)}
RESULTS_MD=${RESULTS_MD:-$HERE/results/throughput-$(date +%F).md}
PYTHON=/usr/bin/python3

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "throughput_bench: $*"; exit 1; }

for tool in knotd nsd dnsperf taskset kdig timeout; do
  command -v "$tool" >/dev/null || die "needs $tool (scripts/install-deps.sh installs it)"
done
$PYTHON -c 'import dns.message, matplotlib' 2>/dev/null \
  || die "needs python3-dnspython and python3-matplotlib (scripts/install-deps.sh)"
for b in "$DNSD" "$LOAD" "$CEILING"; do
  [ -x "$b" ] || die "no $b (cmake --build build/release --target dnsd dns_load fixed_responder)"
done
if [[ " $SERVERS " == *" baseline "* ]]; then
  [ -n "$BASELINE_DNSD" ] || die "SERVERS names baseline but BASELINE_DNSD is not set"
  [ -x "$BASELINE_DNSD" ] || die "BASELINE_DNSD=$BASELINE_DNSD is not an executable"
fi
mkdir -p "$WORK" "$(dirname "$RESULTS_MD")"
CPUS=$(nproc)
[ "$CPUS" -ge 2 ] || die "needs 2 CPUs (one for the server, one for the load)"

# ---- Processes we started, stopped by PID ---------------------------------
declare -A PIDS=()
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
stop_all() {
  local name
  for name in "${!PIDS[@]}"; do stop_pid "${PIDS[$name]}"; unset "PIDS[$name]"; done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# A port free for UDP and TCP on 127.0.0.1 now (for the servers that cannot
# bind port 0 and tell us; dnsd and fixed_responder can).
free_port() {
  $PYTHON - <<'EOF'
import socket
while True:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        continue
    u.close(); t.close()
    print(port)
    break
EOF
}

# wait_answer NAME PORT PID: until the server answers the first query name.
wait_answer() {
  local name=$1 port=$2 pid=$3 qfile=$WORK/queries.txt qname deadline=$((SECONDS + START_TIMEOUT))
  # No queries.txt yet on a first run (it is written from dnsd's answers):
  # a failing head in the pipe would stop the script (set -e, pipefail).
  [ -s "$qfile" ] || qfile=$WORK/queries-all.txt
  qname=$(head -1 "$qfile" | cut -d' ' -f1)
  while ! timeout 3 kdig @127.0.0.1 -p "$port" +retry=0 +timeout=1 +norec TXT "$qname" 2>/dev/null \
      | grep -q "status: NOERROR"; do
    kill -0 "$pid" 2>/dev/null || die "$name exited while starting (logs in $WORK)"
    [ $SECONDS -lt $deadline ] || die "$name did not answer within $START_TIMEOUT s"
    sleep 0.2
  done
}

# wait_listening LOG PID: the port a server bound to port 0 logged.
wait_listening() {
  local logfile=$1 pid=$2 port="" deadline=$((SECONDS + START_TIMEOUT))
  while [ -z "$port" ]; do
    kill -0 "$pid" 2>/dev/null || die "$(basename "$logfile") process exited: $(tail -3 "$logfile")"
    [ $SECONDS -lt $deadline ] || die "no listening line in $logfile within $START_TIMEOUT s"
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$logfile" | head -1)
    [ -n "$port" ] || sleep 0.2
  done
  echo "$port"
}

# ---- 1. configuration and query file --------------------------------------
CFG=$WORK/cfg-$DOMAINS-s$SEED
# Generated again by another gen_config.py (an older checkout's) too.
generated="$DOMAINS $QUERIES $SEED $(sha256sum "$HERE/gen_config.py" | cut -c1-12)"
if [ ! -s "$CFG/dnsd.yaml" ] || [ ! -s "$WORK/queries-all.txt" ] \
    || [ "$(cat "$WORK/generated" 2>/dev/null)" != "$generated" ]; then
  log "generating $DOMAINS domains and $QUERIES queries into $CFG"
  rm -f "$WORK/generated" "$WORK/root.zone" "$WORK/queries.txt"
  $PYTHON "$HERE/gen_config.py" --domains "$DOMAINS" --out "$CFG" --seed "$SEED" \
    --queries "$WORK/queries-all.txt" --query-count "$QUERIES" --mix throughput
  echo "$generated" > "$WORK/generated"
fi

# ---- servers ---------------------------------------------------------------
# start_SERVER WORKERS PIN: starts one server, sets PORT_<server>.
declare -A PORT=()

# run_dnsd NAME BINARY WORKERS PIN: a dnsd binary as server NAME (dnsd, or
# baseline for $BASELINE_DNSD), logging to $WORK/NAME.log.
run_dnsd() {
  local name=$1 binary=$2 workers=$3 pin=$4 logfile=$WORK/$1.log
  log "$name: starting $binary with $workers threads (loading $DOMAINS domains takes a while)"
  # Run as root here, dnsd must be told it may keep root; its rate limiter
  # never limits loopback (rate_limit.allow), as RRL is off for the peers.
  local allow_root=()
  [ "$(id -u)" -eq 0 ] && allow_root=(--allow-root)
  $pin "$binary" serve -c "$CFG/dnsd.yaml" --listen 127.0.0.1:0 --metrics 127.0.0.1:0 \
    --threads "$workers" "${allow_root[@]}" 2>"$logfile" >/dev/null &
  PIDS[$name]=$!
  PORT[$name]=$(wait_listening "$logfile" "${PIDS[$name]}")
  wait_answer "$name" "${PORT[$name]}" "${PIDS[$name]}"
  wait_caught_up "$name" "$logfile" "${PIDS[$name]}"
  log "$name: $(grep -m1 'loaded' "$logfile" | sed 's/^dnsd: //')"
}

# wait_caught_up NAME LOG PID: until dnsd has looked once more at every file
# it loaded (its first reload). It answers before that; at a million domains
# the look takes its CPU for seconds, which a pinned first round would count.
wait_caught_up() {
  local name=$1 logfile=$2 pid=$3 deadline=$((SECONDS + START_TIMEOUT))
  until grep -q 'reload (catch-up after start)' "$logfile"; do
    kill -0 "$pid" 2>/dev/null || die "$name exited while starting (logs in $WORK)"
    [ $SECONDS -lt $deadline ] || die "$name logged no catch-up reload within $START_TIMEOUT s"
    sleep 0.2
  done
}

start_dnsd() { run_dnsd dnsd "$DNSD" "$@"; }
start_baseline() { run_dnsd baseline "$BASELINE_DNSD" "$@"; }

start_knot() {
  local workers=$1 pin=$2 dir=$WORK/knot port
  port=$(free_port)
  rm -rf "$dir" && mkdir -p "$dir/db"
  cat > "$dir/knot.conf" <<EOF
# Generated by bench/throughput_bench.sh. No modules: no RRL, no rate limit.
server:
    rundir: "$dir"
    listen: 127.0.0.1@$port
    udp-workers: $workers
    tcp-workers: $workers
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "$dir/db"
template:
  - id: default
    storage: "$WORK"
    semantic-checks: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: .
    file: "root.zone"
EOF
  log "knotd: starting with $workers UDP and $workers TCP workers"
  $pin knotd -c "$dir/knot.conf" 2>"$dir/knot.log" >/dev/null &
  PIDS[knot]=$!
  PORT[knot]=$port
  wait_answer knot "$port" "${PIDS[knot]}"
}

start_nsd() {
  local workers=$1 pin=$2 dir=$WORK/nsd port
  port=$(free_port)
  rm -rf "$dir" && mkdir -p "$dir"
  cat > "$dir/nsd.conf" <<EOF
# Generated by bench/throughput_bench.sh. RRL off (rrl-ratelimit: 0).
server:
    ip-address: 127.0.0.1@$port
    server-count: $workers
    reuseport: yes
    username: ""
    chroot: ""
    zonesdir: "$WORK"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    logfile: "$dir/nsd.log"
    verbosity: 1
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    minimal-responses: yes
    refuse-any: no
    tcp-count: 256
remote-control:
    control-enable: no
zone:
    name: "."
    zonefile: "root.zone"
EOF
  log "nsd: starting with $workers server processes"
  $pin nsd -d -c "$dir/nsd.conf" 2>"$dir/nsd.stderr" >/dev/null &
  PIDS[nsd]=$!
  PORT[nsd]=$port
  wait_answer nsd "$port" "${PIDS[nsd]}"
}

start_ceiling() {
  local workers=$1 pin=$2 logfile=$WORK/ceiling.log
  log "fixed_responder: $workers threads, $ANSWER_SIZE-octet answers"
  $pin "$CEILING" --listen 127.0.0.1:0 --threads "$workers" --size "$ANSWER_SIZE" \
    --max-seconds 7200 2>"$logfile" &
  PIDS[ceiling]=$!
  PORT[ceiling]=$(wait_listening "$logfile" "${PIDS[ceiling]}")
}

# ---- 2. the static zone from dnsd's answers --------------------------------
ANSWER_SIZE=
if [ ! -s "$WORK/root.zone" ] || [ ! -s "$WORK/queries.txt" ] || [ ! -s "$WORK/answer_size" ]; then
  start_dnsd 1 ""
  log "recording dnsd's answers into $WORK/root.zone"
  $PYTHON "$HERE/record_answers.py" --server "127.0.0.1:${PORT[dnsd]}" \
    --queries "$WORK/queries-all.txt" --zone "$WORK/root.zone" --kept "$WORK/queries.txt" \
    > "$WORK/answer_size.tmp" 2> "$WORK/record.log" \
    || die "record_answers.py failed: $(tail -5 "$WORK/record.log")"
  cat "$WORK/record.log" >&2
  mv "$WORK/answer_size.tmp" "$WORK/answer_size"
  stop_pid "${PIDS[dnsd]}"; unset "PIDS[dnsd]"
fi
ANSWER_SIZE=$(cat "$WORK/answer_size")

# ---- 3. runs ---------------------------------------------------------------
RAW=$WORK/raw-$STAMP.tsv
: > "$RAW"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RAW"; }

# dnsperf's summary as key=value pairs like dns_load's.
dnsperf_run() {
  local port=$1 mode=$2 clients=$3 pin=$4 out
  out=$(timeout $((RUN_SECONDS + 60)) $pin dnsperf -s 127.0.0.1 -p "$port" -d "$WORK/queries.txt" \
          -l "$RUN_SECONDS" -c "$clients" -q "$DNSPERF_INFLIGHT" -t 2 -e -m "$mode" 2>&1) \
    || { log "dnsperf failed: $(echo "$out" | tail -3)"; echo "failed=1"; return; }
  echo "$out" | awk '
    /Queries sent:/      { sent = $3 }
    /Queries completed:/ { done = $3 }
    /Queries lost:/      { lost = $3 }
    /Queries per second:/ { qps = $4 }
    /Average Latency/    { mean = $4 * 1e6 }
    /Run time \(s\):/    { secs = $4 }
    /Response codes:/    { for (i = 1; i < NF; i++) if ($i == "NOERROR") noerr = $(i + 1) }
    END { printf "seconds=%s sent=%s answered=%s lost=%s loss_pct=%.4f qps=%s lat_mean_us=%.1f rcode_NOERROR=%s\n",
                 secs, sent, done, lost, sent ? 100 * lost / sent : 0, qps, mean, noerr }'
}

dns_load_run() {
  local port=$1 pin=$2 extra=${3:-}
  # shellcheck disable=SC2086
  timeout $((RUN_SECONDS + WARMUP + 30)) $pin "$LOAD" --server "127.0.0.1:$port" \
    --queries "$WORK/queries.txt" --seconds "$RUN_SECONDS" --warmup "$WARMUP" \
    --sockets "$SOCKETS" --per-socket "$PER_SOCKET" --timeout-ms 1000 $extra \
    || echo "failed=1"
}

# Every name answered NOERROR, same mean size: the servers are comparable.
# The baseline dnsd must also give the same mean answer size as dnsd (or,
# without dnsd in SERVERS, as the size record_answers.py measured, rounded).
declare -A CHECK_SIZE=()
check_server() {
  local s=$1 pin=$2 line lines size want
  lines=$(wc -l < "$WORK/queries.txt")
  line=$(timeout 120 $pin "$LOAD" --server "127.0.0.1:${PORT[$s]}" --queries "$WORK/queries.txt" \
           --seconds 60 --max-queries "$lines" --sockets 1 --per-socket 64)
  log "check $s: $line"
  echo "$line" | grep -q "answered=$lines " || die "$s did not answer all $lines queries: $line"
  echo "$line" | grep -q "rcode_NOERROR=$lines" || die "$s answered not all NOERROR: $line"
  size=$(echo "$line" | sed -n 's/.*resp_bytes_mean=\([0-9.]*\).*/\1/p')
  CHECK_SIZE[$s]=$size
  if [ "$s" = baseline ]; then
    if [ -n "${CHECK_SIZE[dnsd]:-}" ]; then
      want=${CHECK_SIZE[dnsd]}
      [ "$size" = "$want" ] || die "baseline's mean answer size $size is not dnsd's $want"
    else
      want=$ANSWER_SIZE
      [ "$(awk -v x="$size" 'BEGIN { printf "%d", x + 0.5 }')" = "$want" ] \
        || die "baseline's mean answer size $size is not dnsd's $want (recorded)"
    fi
  fi
  record "$CONFIG" check "$s" 0 dns_load "$line"
}

uptime_load() { cut -d' ' -f1-3 /proc/loadavg; }

for CONFIG in $CONFIGS; do
  case $CONFIG in
    pinned) WORKERS=1; SERVER_PIN="taskset -c 0"; LOAD_PIN="taskset -c 1" ;;
    all) WORKERS=$CPUS; SERVER_PIN=""; LOAD_PIN="" ;;
    *) die "unknown configuration $CONFIG (pinned, all)" ;;
  esac
  for s in $SERVERS; do "start_$s" "$WORKERS" "$SERVER_PIN"; done
  CHECK_SIZE=()
  for s in $SERVERS; do check_server "$s" "$LOAD_PIN"; done
  for round in $(seq "$ROUNDS"); do
    for test in $TESTS; do
      for s in $SERVERS; do
        [ "$test" = tcp ] && [ "$s" = ceiling ] && continue
        load=$(uptime_load)
        case $test in
          udp) line=$(dns_load_run "${PORT[$s]}" "$LOAD_PIN") ;;
          dnsperf) line=$(dnsperf_run "${PORT[$s]}" udp "$DNSPERF_CLIENTS" "$LOAD_PIN") ;;
          tcp) line=$(dnsperf_run "${PORT[$s]}" tcp "$TCP_CLIENTS" "$LOAD_PIN") ;;
        esac
        log "$CONFIG round $round $test $s (load $load): $line"
        record "$CONFIG" "$test" "$s" "$round" "load=$load" "$line"
      done
    done
  done
  if [[ " $TESTS " == *" udp "* ]]; then
    for s in $SERVERS; do
      median=$(awk -F'\t' -v c="$CONFIG" -v s="$s" '$1 == c && $2 == "udp" && $3 == s {
                 if (match($6, /qps=[0-9.]+/)) print substr($6, RSTART + 4, RLENGTH - 4) }' "$RAW" \
               | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
      rate=$(awk -v m="$median" 'BEGIN { printf "%d", m * 0.8 }')
      load=$(uptime_load)
      line=$(dns_load_run "${PORT[$s]}" "$LOAD_PIN" "--qps $rate")
      log "$CONFIG at 80% ($rate qps) $s (load $load): $line"
      record "$CONFIG" udp80 "$s" 1 "load=$load" "rate=$rate $line"
    done
  fi
  stop_all
done

# ---- 4. the table and the chart --------------------------------------------
COMMAND="ROUNDS=$ROUNDS RUN_SECONDS=$RUN_SECONDS WARMUP=$WARMUP CONFIGS='$CONFIGS' DOMAINS=$DOMAINS QUERIES=$QUERIES"
BASELINE_ARGS=()
if [[ " $SERVERS " == *" baseline "* ]]; then
  COMMAND="$COMMAND TESTS='$TESTS' SERVERS='$SERVERS' BASELINE_DNSD=$BASELINE_DNSD"
  BASELINE_ARGS=(--baseline "$BASELINE_DNSD" --baseline-note "${BASELINE_NOTE:-}")
fi
$PYTHON "$HERE/throughput_report.py" --raw "$RAW" --md "$RESULTS_MD" \
  --png "${RESULTS_MD%.md}.png" --queries "$WORK/queries.txt" --record-log "$WORK/record.log" \
  "${BASELINE_ARGS[@]}" --command "bench/throughput_bench.sh ($COMMAND)"
log "results: $RESULTS_MD, raw figures: $RAW"
