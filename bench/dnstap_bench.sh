#!/usr/bin/env bash
# bench/dnstap_bench.sh: what dnstap costs in answers per second. dnsd
# serves config/examples with dnstap off, then with dnstap on (every answer
# written to a live fstrm_capture on a Unix socket), alternately, $ROUNDS
# rounds of $RUN_SECONDS s of dnsperf (UDP) each; prints the median QPS of
# each and their ratio (on / off; the goal is at least 0.9), and for the
# "on" runs how many messages were written and dropped (from /metrics: a
# ratio bought with drops is not the same thing).
#
#   bench/dnstap_bench.sh
#   RUN_SECONDS=3 ROUNDS=1 bench/dnstap_bench.sh     # a quick look
#
# The query file: SPF macro names for 4096 different client IPs under the
# example domains, DMARC and DKIM names (80/10/10), as
# bench/throughput_bench.sh mixes them. One dnsd worker ($THREADS), so the
# writer thread, fstrm_capture and dnsperf have the other cores.
#
# Bounded: every run has a `timeout`, every wait a deadline; only processes
# this script started are stopped, by PID, also when it fails (trap).
set -euo pipefail
# A command that fails outside a test stops the script (set -e); say which,
# so that no run ends without a word. -E: also inside functions and $( ).
set -E
trap 'rc=$?; echo "[$(date +%T)] dnstap_bench: stopped: line $LINENO: $BASH_COMMAND (exit $rc)" >&2' ERR

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build/release}
DNSD=$BUILD/dnsd/dnsd
WORK=${WORK:-/tmp/dnsd-dnstap-bench}
ROUNDS=${ROUNDS:-3}
RUN_SECONDS=${RUN_SECONDS:-10}
THREADS=${THREADS:-1}
DNSPERF_CLIENTS=${DNSPERF_CLIENTS:-4}
DNSPERF_INFLIGHT=${DNSPERF_INFLIGHT:-256}

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "dnstap_bench: $*"; exit 1; }

for tool in dnsperf fstrm_capture kdig timeout curl; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-deps.sh"
done
[ -x "$DNSD" ] || die "no $DNSD: build first (README.md)"

PIDS=()
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() { for pid in "${PIDS[@]}"; do stop_pid "$pid"; done; }
trap cleanup EXIT

rm -rf "$WORK"
mkdir -p "$WORK"
cp -r "$ROOT/config/examples" "$WORK/off"
cp -r "$ROOT/config/examples" "$WORK/on"
printf 'dnstap:\n  socket: %s\n' "$WORK/tap.sock" >> "$WORK/on/dnsd.yaml"

# The query mix.
/usr/bin/python3 - "$WORK/queries.txt" <<'PY'
import random, sys
random.seed(1)
domains = ["enforce.example", "monitor.example", "m365.example", "cname.example"]
lines = []
for i in range(8192):
    r = random.random()
    d = random.choice(domains)
    if r < 0.8:
        ip = f"198.51.{(i >> 8) & 15}.{i & 255}"
        lines.append(f"{ip}._ip.mail._ehlo.{d}._spf.provider.test TXT")
    elif r < 0.9:
        lines.append(f"_dmarc.{d} TXT")
    else:
        lines.append("s2026._domainkey.enforce.example TXT")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY

# Starts dnsd on config $1; sets PORT, MPORT and DNSD_PID.
start_dnsd() {
  local config=$1 logf=$WORK/dnsd-$2.log deadline
  : > "$logf"   # exists before the first grep below, however fast dnsd fails
  "$DNSD" serve -c "$config" --listen 127.0.0.1:0 --threads "$THREADS" \
    --metrics 127.0.0.1:0 --allow-root 2> "$logf" &
  DNSD_PID=$!
  PIDS+=("$DNSD_PID")
  deadline=$((SECONDS + 60))
  until grep -q "metrics on port" "$logf"; do
    [ $SECONDS -lt $deadline ] || die "dnsd did not start: $(tail -3 "$logf")"
    kill -0 "$DNSD_PID" 2>/dev/null || die "dnsd exited: $(tail -3 "$logf")"
    sleep 0.1
  done
  PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\) .*/\1/p' "$logf" | head -1)
  MPORT=$(sed -n 's/.*metrics on port \([0-9]*\) .*/\1/p' "$logf" | head -1)
  kdig @127.0.0.1 -p "$PORT" +short _dmarc.enforce.example TXT | grep -q DMARC1 \
    || die "dnsd does not answer"
}

metric() {  # metric PORT 'name{labels}'
  curl -s --max-time 5 "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m { print $2 }'
}

qps_run() {
  timeout $((RUN_SECONDS + 60)) dnsperf -s 127.0.0.1 -p "$1" -d "$WORK/queries.txt" \
    -l "$RUN_SECONDS" -c "$DNSPERF_CLIENTS" -q "$DNSPERF_INFLIGHT" -t 2 2>&1 \
    | awk '/Queries per second:/ { print $4 }'
}

fstrm_capture -t protobuf:dnstap.Dnstap -u "$WORK/tap.sock" -w "$WORK/tap.fstrm" \
  2> "$WORK/capture.log" &
PIDS+=("$!")
deadline=$((SECONDS + 30))
until [ -S "$WORK/tap.sock" ]; do
  [ $SECONDS -lt $deadline ] || die "fstrm_capture did not open its socket"
  sleep 0.05
done

off=() on=()
for round in $(seq "$ROUNDS"); do
  start_dnsd "$WORK/off/dnsd.yaml" off
  q=$(qps_run "$PORT"); off+=("$q"); log "round $round: dnstap off: $q QPS"
  stop_pid "$DNSD_PID"

  start_dnsd "$WORK/on/dnsd.yaml" on
  w0=$(metric "$MPORT" 'dnsd_dnstap_messages_total{result="written"}')
  d0=$(metric "$MPORT" 'dnsd_dnstap_messages_total{result="dropped"}')
  q=$(qps_run "$PORT"); on+=("$q")
  sleep 0.2  # the writer drains what the rings still hold
  w=$(metric "$MPORT" 'dnsd_dnstap_messages_total{result="written"}')
  d=$(metric "$MPORT" 'dnsd_dnstap_messages_total{result="dropped"}')
  log "round $round: dnstap on:  $q QPS; messages written $((${w%.*} - ${w0%.*})), dropped $((${d%.*} - ${d0%.*}))"
  stop_pid "$DNSD_PID"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
m_off=$(median "${off[@]}")
m_on=$(median "${on[@]}")
printf 'dnstap off: %s QPS (median of %s)\ndnstap on:  %s QPS (median of %s)\nratio on/off: %s\n' \
  "$m_off" "${off[*]}" "$m_on" "${on[*]}" "$(awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "%.3f", a / b }')"
