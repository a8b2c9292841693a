#!/bin/bash
# bench/start_bench.sh DNSD CFGDIR NAME LOG [TIMEOUT_S]: one cold start of
# `DNSD serve -c CFGDIR/dnsd.yaml` (a configuration of bench/gen_config.py):
# the time from exec to the first answer to `NAME TXT` (kdig polled every
# 20 ms), dnsd's CPU (user + sys) at that moment, VmRSS and VmHWM; then
# stops that dnsd, by its PID. dnsd's log goes to LOG. Listens on
# 127.0.0.1:$PORT (15399). Hold the bench lock: `flock /work/bench.lock
# bench/start_bench.sh ...` (bench/README.md, "Start-up at 100k and 1M").
# DROP_CACHES=1 (root only) empties the page cache first, so that every
# file is read from the disk: a start after a reboot, not after a restart.
set -u
[ $# -ge 4 ] || { echo "usage: $0 DNSD CFGDIR NAME LOG [TIMEOUT_S]" >&2; exit 2; }
DNSD=$1 CFG=$2 NAME=$3 LOG=$4 TIMEOUT=${5:-900} PORT=${PORT:-15399}
ALLOW_ROOT=()
[ "$(id -u)" -eq 0 ] && ALLOW_ROOT=(--allow-root)
tck=$(getconf CLK_TCK)
if [ "${DROP_CACHES:-0}" = 1 ]; then
  sync
  echo 3 > /proc/sys/vm/drop_caches || { echo "DROP_CACHES=1 needs root" >&2; exit 2; }
fi
t0=$(date +%s.%N)
"$DNSD" serve -c "$CFG/dnsd.yaml" --listen 127.0.0.1:"$PORT" --metrics 127.0.0.1:0 \
  "${ALLOW_ROOT[@]}" 2>"$LOG" >/dev/null &
PID=$!
deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  kill -0 "$PID" 2>/dev/null || { echo "dnsd exited; the end of $LOG:"; tail -3 "$LOG"; exit 1; }
  [ "$(date +%s)" -lt "$deadline" ] || { echo "no answer within $TIMEOUT s"; kill "$PID"; exit 1; }
  out=$(kdig @127.0.0.1 -p "$PORT" +short +retry=0 +timeout=1 TXT "$NAME" 2>/dev/null)
  [ -n "$out" ] && break
  sleep 0.02
done
t1=$(date +%s.%N)
read -r ut st < <(awk '{print $14, $15}' /proc/"$PID"/stat)
rss=$(awk '/VmRSS/{print $2}' /proc/"$PID"/status)
hwm=$(awk '/VmHWM/{print $2}' /proc/"$PID"/status)
kill "$PID"
wait "$PID" 2>/dev/null
awk -v a="$t0" -v b="$t1" -v u="$ut" -v s="$st" -v t="$tck" -v r="$rss" -v h="$hwm" -v d="$DNSD" \
  'BEGIN { printf "%s: first answer %.1f s, cpu %.1f s (user %.1f sys %.1f), VmRSS %d MiB VmHWM %d MiB\n",
           d, b - a, (u + s) / t, u / t, s / t, r / 1024, h / 1024 }'
echo "loadavg: $(cat /proc/loadavg)"
