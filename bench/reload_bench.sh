#!/usr/bin/env bash
# bench/reload_bench.sh: configuration scale and reload cost of the real
# dnsd binary (bench/README.md, "Reload and scale").
#
#   bench/reload_bench.sh [N ...]          default: 10000 100000
#
# For each N it generates a configuration of N domains (bench/gen_config.py,
# seed $SEED) and measures, on 127.0.0.1 with a kernel-chosen port:
#   1. start: from exec to the first answer (kdig polled every 50 ms), and
#      the load time dnsd logs;
#   2. one domain file rewritten (atomic rename; inotify, no SIGHUP): from
#      the rename to kdig seeing the new record, and the reload seconds logged;
#   3. full reload: every domain file touched, so every one is read and
#      compiled again; the reload seconds logged; then the catalog touched,
#      which re-checks every domain file without reading it;
#   4. memory: VmHWM and VmRSS from /proc/PID/status, and bytes per domain
#      = (VmRSS after load - VmRSS of an empty configuration) / N;
#   5. dnsperf (UDP, EDNS, $DNSPERF_SECONDS s each, 100 queries in flight)
#      on a query file mixing DMARC, DKIM and SPF macro names: without
#      reloads, with a domain file edited and a SIGHUP reload every second
#      (a real reload each time: nothing changed is not a reload; the next is sent once
#      the previous one is logged and a second has passed since it was sent,
#      so reloads never queue up), and without reloads again; QPS, lost
#      queries, the ratio of the reload run to the mean of the two others;
#   6. $LEAK_RELOADS reloads back to back, each after an edit ($LEAK_RELOADS_LARGE when N >
#      $LEAK_MAX_N), VmRSS after each tenth: old snapshots must be freed, so
#      RSS must level off.
# Results go to $RESULTS (bench/results/reload-<date>.md), appended.
#
# Everything is bounded: every wait has a deadline ($START_TIMEOUT,
# $RELOAD_TIMEOUT), every client call a timeout, dnsperf a time limit. Only
# the dnsd this script started is stopped, by its PID. Needs kdig
# (knot-dnsutils), openssl and dnsperf; installs dnsperf with apt-get if it is
# missing and we are root.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DNSD=${DNSD:-$ROOT/build/release/dnsd/dnsd}
WORK=${WORK:-/tmp/dnsd-reload-bench}
SEED=${SEED:-1}
RESULTS=${RESULTS:-$HERE/results/reload-$(date +%F).md}
DNSPERF_SECONDS=${DNSPERF_SECONDS:-10}
LEAK_RELOADS=${LEAK_RELOADS:-100}
LEAK_MAX_N=${LEAK_MAX_N:-10000}
LEAK_RELOADS_LARGE=${LEAK_RELOADS_LARGE:-20}   # for N > LEAK_MAX_N
START_TIMEOUT=${START_TIMEOUT:-900}      # seconds, for a start or a reload at 100k
RELOAD_TIMEOUT=${RELOAD_TIMEOUT:-900}
QUERIES=${QUERIES:-200000}                # lines in the dnsperf query file
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(10000 100000)

for tool in kdig openssl python3; do
  command -v "$tool" >/dev/null || { echo "reload_bench: needs $tool" >&2; exit 1; }
done
if ! command -v dnsperf >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnsperf \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
             apt-get install -y -qq --no-install-recommends dnsperf; }
  else
    echo "reload_bench: needs dnsperf (apt-get install dnsperf)" >&2; exit 1
  fi
fi
[ -x "$DNSD" ] || { echo "reload_bench: no binary at $DNSD (cmake --build build/release --target dnsd)" >&2; exit 1; }
# Run as root (this machine, CI), dnsd must be told it may keep root.
ALLOW_ROOT=()
[ "$(id -u)" -eq 0 ] && ALLOW_ROOT=(--allow-root)
mkdir -p "$WORK" "$(dirname "$RESULTS")"

PID=""
EDITED=""   # the domain file the run edits, and where its original is kept
ORIGINAL=""
cleanup() {
  # An interrupted run must not leave its edit behind for the next one.
  if [ -n "$EDITED" ] && [ -f "$ORIGINAL" ]; then cp "$ORIGINAL" "$EDITED"; fi
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  PID=""
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
log() { echo "[$(date +%T)] $*" >&2; }
kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# start_dnsd CONFIG LOG: starts dnsd on 127.0.0.1:0 (metrics on a port of
# their own too, so that other dnsd processes do not clash); sets PID and PORT and
# START_T (when it was started). Waits for the listening line.
start_dnsd() {
  local config=$1 logfile=$2
  START_T=$(now)
  "$DNSD" serve -c "$config" --listen 127.0.0.1:0 --metrics 127.0.0.1:0 "${ALLOW_ROOT[@]}" 2>"$logfile" >/dev/null &
  PID=$!
  local deadline=$(( $(date +%s) + START_TIMEOUT ))
  PORT=""
  while [ -z "$PORT" ]; do
    kill -0 "$PID" 2>/dev/null || { cat "$logfile" >&2; echo "dnsd exited" >&2; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "dnsd did not start in ${START_TIMEOUT}s" >&2; exit 1; }
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$logfile" | head -1)
    [ -n "$PORT" ] || sleep 0.05
  done
}

stop_dnsd() { cleanup; }

# txt NAME: the TXT answer, or nothing.
txt() {
  timeout 5 kdig @127.0.0.1 -p "$PORT" +short +retry=0 +timeout=1 TXT "$1" 2>/dev/null || true
}

# wait_txt NAME PATTERN TIMEOUT: polls until the answer matches; prints the
# time it matched.
wait_txt() {
  local deadline=$(( $(date +%s) + $3 ))
  while ! txt "$1" | grep -q -- "$2"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "no answer matching $2 for $1 in $3 s" >&2; exit 1; }
    sleep 0.05
  done
  now
}

# wait_log LOGFILE COUNT PATTERN: waits until PATTERN has matched more than
# COUNT lines; prints the last matching line.
wait_log() {
  local deadline=$(( $(date +%s) + RELOAD_TIMEOUT ))
  while [ "$(grep -c -- "$3" "$1" || true)" -le "$2" ]; do
    kill -0 "$PID" 2>/dev/null || { tail "$1" >&2; echo "dnsd exited" >&2; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "no log line '$3' in ${RELOAD_TIMEOUT}s" >&2; exit 1; }
    sleep 0.05
  done
  grep -- "$3" "$1" | tail -1
}

# New snapshots published by reloads so far (SIGHUP or the file watcher).
real_reloads() { grep -cE 'reload \((SIGHUP|files changed)\): generation' "$dlog" || true; }

seconds_of() { sed -n 's/.* \([0-9.]*\) s$/\1/p' <<<"$1"; }

# dnsperf_run QUERYFILE: prints "qps lost sent max_latency_ms".
dnsperf_run() {
  local out
  out=$(timeout $((DNSPERF_SECONDS + 30)) dnsperf -s 127.0.0.1 -p "$PORT" -d "$1" -e \
          -l "$DNSPERF_SECONDS" -t 2 -q 100 2>&1)
  echo "$out" >>"$WORK/dnsperf.log"
  awk '/Queries sent:/ { sent = $3 } /Queries lost:/ { lost = $3 }
       /Queries per second:/ { qps = $4 }
       /Average Latency/ { gsub(/[(),]/, " "); for (i = 1; i <= NF; i++) if ($i == "max") max = $(i + 1) }
       END { printf "%.0f %d %d %.1f\n", qps, lost, sent, max * 1000 }' <<<"$out"
}

machine() {
  echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), shared with other jobs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- dnsd: $DNSD ($("$DNSD" --version 2>&1 | head -1)), threads 0 (one per core), built by \`cmake --build build/release --target dnsd\`"
  echo "- dnsperf $(dnsperf -h 2>&1 | sed -n 's/^Version //p'), kdig $(kdig -V 2>&1 | awk '{ print $NF }')"
}

# ---- an empty configuration: the baseline for bytes per domain ---------------
log "empty configuration"
python3 "$HERE/gen_config.py" --domains 0 --out "$WORK/cfg0" --seed "$SEED" \
  --key-pool "$WORK/dkim_keys.txt" 2>/dev/null
start_dnsd "$WORK/cfg0/dnsd.yaml" "$WORK/dnsd0.log"
sleep 1
EMPTY_RSS=$(kib "$PID" VmRSS)
stop_dnsd
log "empty configuration: VmRSS $EMPTY_RSS KiB"

{
  echo
  echo "## Run of $(date '+%F %T %Z')"
  echo
  machine
  echo "- command: \`bench/reload_bench.sh ${SIZES[*]}\` (SEED=$SEED DNSPERF_SECONDS=$DNSPERF_SECONDS LEAK_RELOADS=$LEAK_RELOADS LEAK_RELOADS_LARGE=$LEAK_RELOADS_LARGE)"
  echo "- empty configuration (0 domains): VmRSS $(mib "$EMPTY_RSS") MiB"
  echo
} >>"$RESULTS"

for N in "${SIZES[@]}"; do
  cfg="$WORK/cfg$N"
  if [ ! -f "$cfg/.done-$SEED" ]; then
    log "N=$N: generating"
    rm -f "$cfg"/.done-*
    python3 "$HERE/gen_config.py" --domains "$N" --out "$cfg" --seed "$SEED" \
      --key-pool "$WORK/dkim_keys.txt" --queries "$cfg/queries.txt" --query-count "$QUERIES"
    touch "$cfg/.done-$SEED"
  fi
  dlog="$WORK/dnsd$N.log"
  # The domain whose file is edited, and the name that shows the edit.
  edit_file=$(find "$cfg/domains" -maxdepth 1 -name '*.yaml' -printf '%f\n' | sort | sed -n 1p)
  edit_domain=${edit_file%.yaml}
  cp "$cfg/domains/$edit_file" "$WORK/original-$N.yaml"
  EDITED="$cfg/domains/$edit_file"; ORIGINAL="$WORK/original-$N.yaml"

  # 1. start to first answer
  log "N=$N: starting"
  start_dnsd "$cfg/dnsd.yaml" "$dlog"
  first=$(wait_txt "_dmarc.$edit_domain" "v=DMARC1" "$START_TIMEOUT")
  start_s=$(elapsed "$START_T" "$first")
  load_s=$(sed -n 's/.*loaded .* in \([0-9.]*\) s .*/\1/p' "$dlog")
  rss_load=$(kib "$PID" VmRSS); hwm_load=$(kib "$PID" VmHWM)
  log "N=$N: first answer after $start_s s (load $load_s s), VmRSS $rss_load KiB, VmHWM $hwm_load KiB"

  # 2. one domain file changes. First the look dnsd takes once its watches
  # are in place ("catch-up after start"): an edit made before it ends is
  # picked up by that look rather than by the watcher.
  wait_log "$dlog" 0 'reload (catch-up after start)' >/dev/null
  count=$(grep -c 'reload (files changed): generation' "$dlog" || true)
  tmp="$cfg/domains/.$edit_file.tmp"
  cat >"$tmp" <<EOF
domain: $edit_domain
mode: enforce
dmarc:
  p: reject
  pct: 37
  rua: ["mailto:bench@reports.provider.test"]
EOF
  edited=$(now)
  mv "$tmp" "$cfg/domains/$edit_file"
  seen=$(wait_txt "_dmarc.$edit_domain" "pct=37" "$RELOAD_TIMEOUT")
  line=$(wait_log "$dlog" "$count" 'reload (files changed): generation')
  one_s=$(elapsed "$edited" "$seen"); one_log=$(seconds_of "$line")
  log "N=$N: one file: served after $one_s s; $line"
  # Let any reload the edit triggered finish before the next step.
  sleep 1

  # 3. full reload: every domain file touched, so every one is read and
  # compiled again
  count=$(grep -c 'reload (files changed): generation' "$dlog" || true)
  find "$cfg/domains" -maxdepth 1 -name '*.yaml' -exec touch {} +
  line=$(wait_log "$dlog" "$count" 'reload (files changed): generation')
  full_log=$(seconds_of "$line")
  full_read=$(sed -n 's/.*; \([0-9]*\) files read.*/\1/p' <<<"$line")
  rss_reload=$(kib "$PID" VmRSS); hwm_reload=$(kib "$PID" VmHWM)
  log "N=$N: full reload: $line; VmRSS $rss_reload KiB, VmHWM $hwm_reload KiB"
  sleep 1

  # 3b. the catalog changes (touched): every domain is checked against it
  # again, but no file is read and no domain whose result is unchanged is
  # compiled again
  count=$(grep -c 'reload (files changed): generation' "$dlog" || true)
  touch "$cfg/senders.yaml"
  line=$(wait_log "$dlog" "$count" 'reload (files changed): generation')
  catalog_log=$(seconds_of "$line")
  catalog_checked=$(sed -n 's/.*(\([0-9]*\) re-checked).*/\1/p' <<<"$line")
  log "N=$N: catalog changed: $line"
  sleep 1

  # 5. dnsperf without and with reloads
  log "N=$N: dnsperf warm-up (not recorded)"
  DNSPERF_SECONDS=3 dnsperf_run "$cfg/queries.txt" >/dev/null
  log "N=$N: dnsperf, no reloads"
  read -r qps0 lost0 sent0 max0 < <(dnsperf_run "$cfg/queries.txt")
  log "N=$N: dnsperf, a domain file edited and a SIGHUP reload every second"
  hups_before=$(grep -c 'reload (SIGHUP)' "$dlog" || true)                # logged at all
  reloads_before=$(real_reloads)
  sent_hups=0
  (
    # Stops by itself after the dnsperf run; never more than one reload in flight.
    # Each SIGHUP follows an edit (pct= changes), so every one is a real
    # reload: one file read, one domain compiled. (The watcher sees the edit
    # too; its reload 0.3 s later finds nothing changed.)
    end=$(( $(date +%s) + DNSPERF_SECONDS ))
    n=0
    while [ "$(date +%s)" -lt "$end" ]; do
      t=$(now)
      printf 'domain: %s\nmode: enforce\ndmarc:\n  p: reject\n  pct: %d\n' \
        "$edit_domain" $(( n % 99 + 1 )) >"$tmp"
      mv "$tmp" "$cfg/domains/$edit_file"
      kill -HUP "$PID"
      n=$((n + 1))
      deadline=$(( $(date +%s) + RELOAD_TIMEOUT ))
      while [ "$(grep -c 'reload (SIGHUP)' "$dlog" || true)" -lt $((hups_before + n)) ] \
            && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.02; done
      sleep "$(awk -v a="$t" -v b="$(now)" 'BEGIN { d = 1 - (b - a); print (d > 0 ? d : 0) }')"
    done
    echo "$n" >"$WORK/hups"
  ) &
  hupper=$!
  read -r qps1 lost1 sent1 max1 < <(dnsperf_run "$cfg/queries.txt")
  wait "$hupper" || true
  sent_hups=$(cat "$WORK/hups")
  wait_log "$dlog" $((hups_before + sent_hups - 1)) 'reload (SIGHUP)' >/dev/null
  hups=$(( $(real_reloads) - reloads_before ))
  reload_secs=$(grep -E 'reload \((SIGHUP|files changed)\): generation' "$dlog" | tail -n "$hups" \
                | sed -n 's/.* \([0-9.]*\) s$/\1/p' | sort -n | awk '{ a[NR] = $1 } END { printf "%s-%s", a[1], a[NR] }')
  log "N=$N: dnsperf, no reloads again"
  read -r qps2 lost2 sent2 max2 < <(dnsperf_run "$cfg/queries.txt")
  ratio=$(awk -v a="$qps0" -v b="$qps1" -v c="$qps2" 'BEGIN { printf "%.2f", b / ((a + c) / 2) }')
  log "N=$N: QPS $qps0 / $qps1 (with $hups reloads) / $qps2, lost $lost0 / $lost1 / $lost2, ratio $ratio"

  # 6. RSS across many reloads
  leak=""
  reloads=$LEAK_RELOADS
  [ "$N" -le "$LEAK_MAX_N" ] || reloads=$LEAK_RELOADS_LARGE
  if [ "$reloads" -gt 0 ]; then
    log "N=$N: $reloads reloads back to back"
    leak="VmRSS (MiB) before and after each 10 of $reloads back-to-back reloads (a file edited, then SIGHUP): $(mib "$(kib "$PID" VmRSS)")"
    for ((i = 1; i <= reloads; i++)); do
      count=$(grep -c 'reload (SIGHUP)' "$dlog" || true)
      # An edit first, so that each is a real reload that replaces a snapshot.
      printf 'domain: %s\nmode: enforce\ndmarc:\n  p: reject\n  pct: %d\n' \
        "$edit_domain" $(( i % 99 + 1 )) >"$tmp"
      mv "$tmp" "$cfg/domains/$edit_file"
      kill -HUP "$PID"
      wait_log "$dlog" "$count" 'reload (SIGHUP)' >/dev/null
      if ((i % 10 == 0)); then leak="$leak $(mib "$(kib "$PID" VmRSS)")"; fi
    done
    leak="$leak; VmHWM $(mib "$(kib "$PID" VmHWM)") MiB"
    log "N=$N: $leak"
  fi
  rss_end=$(kib "$PID" VmRSS); hwm_end=$(kib "$PID" VmHWM)
  stop_dnsd
  cp "$WORK/original-$N.yaml" "$cfg/domains/$edit_file"
  per_domain=$(awk -v a="$rss_load" -v e="$EMPTY_RSS" -v n="$N" 'BEGIN { printf "%.0f", (a - e) * 1024 / n }')

  {
    echo "### N = $N domains"
    echo
    echo "| measure | value |"
    echo "| --- | --- |"
    echo "| start to first answer | $start_s s (dnsd logs load + compile $load_s s) |"
    echo "| one domain file rewritten → new answer served (inotify) | $one_s s (reload logged: $one_log s) |"
    echo "| full reload (every domain file touched, $full_read files read) | $full_log s logged |"
    echo "| catalog changed (touched; $catalog_checked files re-checked, none read) | $catalog_log s logged |"
    echo "| VmRSS after load / VmHWM after load | $(mib "$rss_load") / $(mib "$hwm_load") MiB |"
    echo "| VmRSS / VmHWM after the full reload | $(mib "$rss_reload") / $(mib "$hwm_reload") MiB |"
    echo "| VmRSS / VmHWM at the end | $(mib "$rss_end") / $(mib "$hwm_end") MiB |"
    echo "| bytes per domain (VmRSS after load − empty) / N | $per_domain |"
    echo "| dnsperf QPS, no reloads (before / after) | $qps0 / $qps2 (lost $lost0 / $lost2 of $sent0 / $sent2; max latency $max0 / $max2 ms) |"
    echo "| dnsperf QPS, a domain file edited + SIGHUP every second | $qps1 (lost $lost1 of $sent1; max latency $max1 ms; $hups reloads of $reload_secs s each) |"
    echo "| QPS ratio, reloading / not reloading | $ratio |"
    [ -n "$leak" ] && echo "| RSS across reloads | $leak |"
    echo
  } >>"$RESULTS"
  log "N=$N: done"
done
log "results appended to $RESULTS"
