#!/usr/bin/env bash
# bench/reload_bench.sh: configuration scale and reload cost of the real
# dnsd binary, against the goals of issue 17 (bench/README.md, "Reload and
# scale").
#
#   bench/reload_bench.sh [N ...]          default: 10000 100000
#   bench/reload_bench.sh 100000 1000000   the goals' sizes (about 40 min)
#
# For each N it generates a configuration of N domains (bench/gen_config.py,
# seed $SEED, kept in $WORK and reused) and measures, on 127.0.0.1 with a
# kernel-chosen port:
#   G3 cold start: exec to the first answer (kdig polled every 20 ms), the
#      load time dnsd logs, and its progress lines;
#   G1 memory: VmRSS once loaded; bytes per domain = (VmRSS - VmRSS of a
#      one-domain configuration) / N; the peak during each measured reload
#      (VmHWM, reset with clear_refs before the reload, and VmRSS sampled
#      every 100 ms) over that steady VmRSS; and bytes per domain again once
#      every domain's records changed (the old snapshot freed by then);
#   G2 one domain file replaced by rename (inotify, no SIGHUP), 1 + $G2_REPEATS
#      times: from the rename to kdig seeing the new record, and the reload
#      seconds dnsd logs ("answering after X s");
#   G5 dnsperf (UDP, EDNS, $DNSPERF_SECONDS s each, 100 in flight): runs
#      without reloads and runs with one domain file replaced by rename every
#      second (the watcher reloads; no SIGHUP), in turn, $G5_ROUNDS of the
#      latter, each between two of the former; the median over the renaming
#      runs of each one's QPS over the mean of the two runs beside it. Optionally
#      ($SIGHUP_RUN) also an edit + SIGHUP every second;
#   full reload (every domain file changed by an appended comment line, taken out again at the end;
#      the records stay the same), every domain's records changed (`aspf: s` added to every file's
#      DMARC section, which gen_config.py never writes; taken out after), the same change made in
#      a copy of the domains folder and swapped in whole (renameat2 RENAME_EXCHANGE, as a deploy
#      tool or the git sync's symlink replaces a folder: published as one snapshot, never in
#      parts; swapped back after, and skipped if the disk cannot hold the copy), the provider TTL changed
#      (every answer's TTL, set back after), and
#      catalog changed (a sender added that no domain names: every file
#      read again and re-checked): by default only for N <= $FULL_RELOAD_MAX_N
#      ($FULL_RELOAD=1 forces them, 0 skips them), and skipped when
#      MemAvailable is below dnsd's VmRSS (a full reload may need that much
#      again);
#   RSS across back-to-back reloads (edit + SIGHUP), fewer for large N;
#   G3 restart: dnsd stopped and started again on the unchanged files.
# Results go to $RESULTS (bench/results/reload-<date>.md), appended, one
# table per N with a goal column.
#
# Bounded: every wait has a deadline scaled to N ($START_TIMEOUT,
# $RELOAD_TIMEOUT override it), every client call a timeout, dnsperf a time
# limit. Only the processes this script started are stopped, by PID. A
# failing command stops the run with its line (ERR trap), never silently.
# Needs kdig (knot-dnsutils), openssl and dnsperf; installs dnsperf with
# apt-get if it is missing and we are root.
set -euo pipefail
set -E
trap 'rc=$?; echo "[$(date +%T)] reload_bench: stopped: line $LINENO: $BASH_COMMAND (exit $rc)" >&2' ERR

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DNSD=${DNSD:-$ROOT/build/release/dnsd/dnsd}
WORK=${WORK:-/tmp/dnsd-reload-bench}
SEED=${SEED:-1}
RESULTS=${RESULTS:-$HERE/results/reload-$(date +%F).md}
DNSPERF_SECONDS=${DNSPERF_SECONDS:-10}
G2_REPEATS=${G2_REPEATS:-5}              # one-file reloads after the first, for median / max
LEAK_RELOADS=${LEAK_RELOADS:-100}
LEAK_MAX_N=${LEAK_MAX_N:-10000}
LEAK_RELOADS_LARGE=${LEAK_RELOADS_LARGE:-20}   # for LEAK_MAX_N < N <= 100000
LEAK_RELOADS_HUGE=${LEAK_RELOADS_HUGE:-5}      # for N > 100000
FULL_RELOAD=${FULL_RELOAD:-auto}         # auto: only for N <= FULL_RELOAD_MAX_N; 1: always; 0: never
FULL_RELOAD_MAX_N=${FULL_RELOAD_MAX_N:-100000}
SIGHUP_RUN=${SIGHUP_RUN:-auto}           # the edit + SIGHUP dnsperf run; auto: N <= 100000
DROP_CACHES=${DROP_CACHES:-0}            # 1: drop the page cache before the cold start (root)
G5_ROUNDS=${G5_ROUNDS:-3}               # G5: renaming runs, each between two runs without reloads
QUERIES=${QUERIES:-200000}               # lines in the dnsperf query file
# The watcher waits this long after the last change before it reloads. dnsd
# has no server-file key for it (dnsd/cli/serve.cc); say so in the results.
SETTLE_MS=300
SIZES=("$@")
if [ ${#SIZES[@]} -eq 0 ]; then SIZES=(10000 100000); fi

die() { echo "[$(date +%T)] reload_bench: $*" >&2; exit 1; }
for tool in kdig openssl python3 stat; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
if ! command -v dnsperf >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnsperf \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
             apt-get install -y -qq --no-install-recommends dnsperf; }
  else
    die "needs dnsperf (apt-get install dnsperf)"
  fi
fi
[ -x "$DNSD" ] || die "no binary at $DNSD (cmake --build build/release --target dnsd)"
for N in "${SIZES[@]}"; do
  [[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] || die "sizes are domain counts >= 1, not '$N'"
done
# Run as root (this machine, CI), dnsd must be told it may keep root.
ALLOW_ROOT=()
[ "$(id -u)" -eq 0 ] && ALLOW_ROOT=(--allow-root)
mkdir -p "$WORK" "$(dirname "$RESULTS")"

PID=""       # dnsd
FOLLOW=""    # the tail that copies dnsd's log without per-domain warnings
SAMPLER=""   # the VmRSS sampler
EDITED=""    # the domain file the run edits, and where its original is kept
ORIGINAL=""
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
stop_dnsd() {
  if [ -n "$SAMPLER" ]; then stop_pid "$SAMPLER"; SAMPLER=""; fi
  if [ -n "$PID" ]; then stop_pid "$PID"; PID=""; fi
  if [ -n "$FOLLOW" ]; then stop_pid "$FOLLOW"; FOLLOW=""; fi
}
# The comment line the full reload appends to every domain file, and the
# folder it is in while it is there.
FULL_MARK="# reload_bench: full reload"
# A sender no domain names: the catalog's definitions change (a comment
# alone does not make dnsd check the files again), no domain's compile does.
CATALOG_MARK="  reloadbench: {name: reload_bench, include: spf.reload-bench.test}"
MARKED=""
unmark() {
  [ -n "$MARKED" ] || return 0
  find "$MARKED" -maxdepth 1 -name '*.yaml' -exec sed -i -e "/^$FULL_MARK\$/d" -e "/^$RECORDS_MARK\$/d" {} +
  sed -i -e "/^$FULL_MARK\$/d" -e "/^$CATALOG_MARK\$/d" "$MARKED/../senders.yaml"
  sed -i "s/^  ttl: $RECORDS_TTL\$/  ttl: 300/" "$MARKED/../dnsd.yaml"
  MARKED=""
}
# The provider TTL the TTL reload sets for a while (gen_config.py writes 300).
RECORDS_TTL=299
# The line the records-changed reload adds to every file's DMARC section:
# a tag gen_config.py never writes, so every domain's DMARC record changes.
RECORDS_MARK="  aspf: s"
records_mark() {
  find "$1" -maxdepth 1 -name '*.yaml' -exec sed -i "s/^dmarc:\$/dmarc:\n$RECORDS_MARK/" {} +
}
records_unmark() {
  find "$1" -maxdepth 1 -name '*.yaml' -exec sed -i "/^$RECORDS_MARK\$/d" {} +
}

# The copy of the domains folder the swap step exchanges with it. Either
# way round, once the marks are out of both it is the generated files.
SWAP_COPY=""
# exchange A B: swaps two paths in one step (renameat2 RENAME_EXCHANGE:
# whoever reads the path sees the old folder or the new one, never none).
exchange() {
  python3 - "$1" "$2" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
if libc.renameat2(AT_FDCWD, os.fsencode(sys.argv[1]), AT_FDCWD, os.fsencode(sys.argv[2]),
                  RENAME_EXCHANGE) != 0:
    sys.exit("renameat2(RENAME_EXCHANGE): " + os.strerror(ctypes.get_errno()))
PY
}
cleanup() {
  # An interrupted run must not leave its edits behind for the next one.
  if [ -n "$EDITED" ] && [ -f "$ORIGINAL" ]; then cp "$ORIGINAL" "$EDITED"; fi
  stop_dnsd
  unmark
  if [ -n "$SWAP_COPY" ]; then rm -rf "$SWAP_COPY"; SWAP_COPY=""; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
log() { echo "[$(date +%T)] $*" >&2; }
kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
mem_available_kib() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }
# median and max of the numbers on stdin, as "median / max"
median_max() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "n/a"; exit }
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f / %.3f", m, v[NR] }'; }
# yes/no: is A <= B (or >= with "ge")
meets() { awk -v a="$1" -v b="$2" -v op="${3:-le}" 'BEGIN {
  if (a == "" || a == "n/a") { print "n/a"; exit }
  print ((op == "le" ? a + 0 <= b + 0 : a + 0 >= b + 0) ? "**yes**" : "**no**") }'; }

# dnsd logs every domain file's warnings at start and again at every reload
# (~0.4 lines a domain with gen_config's files, ~80 MB a reload at 1M). The
# script waits on a copy without them ($LOGF), kept by a tail that follows
# the full log ($dlog), so that every poll greps a small file.
WARN_RE='^[^ ]+ dnsd: warning: .*\.yaml:[0-9]+:[0-9]+: warning: '

# start_dnsd CONFIG LOG: starts dnsd on 127.0.0.1:0 (metrics on a port of
# their own, so that other dnsd processes do not clash); sets PID, PORT,
# START_T, LOGF. Waits for the listening line ($start_timeout).
start_dnsd() {
  local config=$1 logfile=$2 deadline
  : >"$logfile"; LOGF=$logfile.main; : >"$LOGF"
  tail -c +1 -F "$logfile" 2>/dev/null > >(grep -a --line-buffered -v -E "$WARN_RE" >"$LOGF" || true) &
  FOLLOW=$!
  START_T=$(now)
  "$DNSD" serve -c "$config" --listen 127.0.0.1:0 --metrics 127.0.0.1:0 "${ALLOW_ROOT[@]}" \
    2>>"$logfile" >/dev/null &
  PID=$!
  deadline=$(( $(date +%s) + start_timeout ))
  PORT=""
  while [ -z "$PORT" ]; do
    kill -0 "$PID" 2>/dev/null || { tail -5 "$LOGF" >&2; die "dnsd exited while starting (log: $logfile)"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "dnsd did not listen within ${start_timeout} s (log: $logfile)"
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$LOGF" | head -1)
    [ -n "$PORT" ] || sleep 0.05
  done
}

# txt NAME: the TXT answer, or nothing.
txt() {
  timeout 5 kdig @127.0.0.1 -p "$PORT" +short +retry=0 +timeout=1 TXT "$1" 2>/dev/null || true
}

# wait_txt NAME PATTERN TIMEOUT: polls (every 20 ms) until the answer
# matches; prints the time it matched.
wait_txt() {
  local deadline=$(( $(date +%s) + $3 ))
  while ! txt "$1" | grep -q -- "$2"; do
    kill -0 "$PID" 2>/dev/null || die "dnsd exited (log: $dlog)"
    [ "$(date +%s)" -lt "$deadline" ] || die "no answer matching $2 for $1 in $3 s (log: $dlog)"
    sleep 0.02
  done
  now
}

# count PATTERN: lines of dnsd's log (without warnings) matching so far.
count() { grep -c -- "$1" "$LOGF" || true; }

# wait_log COUNT PATTERN [TIMEOUT]: waits until PATTERN has matched more
# than COUNT lines; prints the last matching line.
wait_log() {
  local limit=${3:-$reload_timeout}
  local deadline=$(( $(date +%s) + limit ))
  while [ "$(count "$2")" -le "$1" ]; do
    kill -0 "$PID" 2>/dev/null || { tail -5 "$LOGF" >&2; die "dnsd exited (log: $dlog)"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "no log line '$2' in ${limit} s (log: $dlog)"
    sleep 0.05
  done
  grep -- "$2" "$LOGF" | tail -1
}

# A reload's own line: "generation N, M domains; ...". A large change of
# files goes out in parts, each logged as "generation N serves ..." before
# the reload's line, which counts them all.
FILES_RE='reload (files changed): generation [0-9]*,'
# wait_files_read COUNT WANT [TIMEOUT]: waits until the FILES_RE lines
# after the first COUNT have read WANT domain files between them: an edit
# of every file takes the watcher several batches, so the first line after
# it is only the first batch. Prints "LINES SECONDS READ UNCHANGED PARTS":
# the reloads, their logged seconds summed, the files read, the domains
# compiled to the same records and the parts published, summed.
wait_files_read() {
  local limit=${3:-$reload_timeout}
  local deadline=$(( $(date +%s) + limit ))
  local sums
  while :; do
    sums=$(grep -- "$FILES_RE" "$LOGF" | tail -n +"$(( $1 + 1 ))" | awk '
      { n++
        if (match($0, /answering after [0-9.]+ s/)) { split(substr($0, RSTART, RLENGTH), a, " "); s += a[3] }
        if (match($0, /; [0-9]+ files read/)) { split(substr($0, RSTART, RLENGTH), a, " "); r += a[2] }
        if (match($0, /, [0-9]+ the same as before/)) { split(substr($0, RSTART, RLENGTH), a, " "); u += a[2] }
        if (match($0, /, in [0-9]+ parts/)) { split(substr($0, RSTART, RLENGTH), a, " "); p += a[3] } else { p += 1 } }
      END { printf "%d %.3f %d %d %d\n", n, s, r, u, p }')
    [ "$(cut -d' ' -f3 <<<"$sums")" -lt "$2" ] || break
    kill -0 "$PID" 2>/dev/null || { tail -5 "$LOGF" >&2; die "dnsd exited (log: $dlog)"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "$2 files not read in ${limit} s (log: $dlog)"
    sleep 0.2
  done
  echo "$sums"
}
# files_reload_line PEAK_KIB LINES SECONDS READ UNCHANGED PARTS: what a
# reload of many files cost, for the results: the peak, and the five
# fields wait_files_read prints.
files_reload_line() {
  echo "$3 s logged in $2 reload(s), $6 snapshot(s) published ($4 files read, $5 domains compiled to the same records); peak $(mib "$1") MiB = $(peak_ratio "$1" "$rss_load") × steady; VmRSS after $(mib "$(kib "$PID" VmRSS)") MiB"
}
SIGHUP_RE='reload (SIGHUP)'
# The seconds a reload line gives: "answering after X s" (dnsd since
# 2026-11), else the number before a final " s".
seconds_of() {
  local s
  s=$(sed -n 's/.*answering after \([0-9.]*\) s.*/\1/p' <<<"$1")
  [ -n "$s" ] || s=$(sed -n 's/.* \([0-9.]*\) s$/\1/p' <<<"$1")
  echo "${s:-n/a}"
}

# The peak of a reload: reset_peak before it, then peak_kib after it prints
# max(VmHWM, the largest VmRSS sampled every 100 ms) in KiB.
reset_peak() {
  if ! echo 5 >"/proc/$PID/clear_refs" 2>/dev/null; then
    log "cannot reset VmHWM (/proc/$PID/clear_refs); the peak is since start"
  fi
  : >"$WORK/rss-samples"
  ( while kill -0 "$PID" 2>/dev/null; do
      awk '$1 == "VmRSS:" { print $2 }' "/proc/$PID/status" >>"$WORK/rss-samples" 2>/dev/null || true
      sleep 0.1
    done ) &
  SAMPLER=$!
}
peak_kib() {
  stop_pid "$SAMPLER"; SAMPLER=""
  { kib "$PID" VmHWM; cat "$WORK/rss-samples"; } | sort -n | tail -1
}
peak_ratio() { awk -v p="$1" -v s="$2" 'BEGIN { printf "%.2f", p / s }'; }
# bytes_a_domain RSS_KIB N: G1's measure, (RSS - the one-domain VmRSS) / N
bytes_a_domain() { awk -v a="$1" -v e="$EMPTY_RSS" -v n="$2" 'BEGIN { printf "%.0f", (a - e) * 1024 / n }'; }

# write_edit PCT: the edited domain's file with DMARC pct=PCT, written
# aside, to be renamed into place.
write_edit() {
  printf 'domain: %s\nmode: enforce\ndmarc:\n  p: reject\n  pct: %d\n  rua: ["mailto:bench@reports.provider.test"]\n' \
    "$edit_domain" "$1" >"$tmp"
}

# one_file PCT: replaces the edited domain's file by rename and waits for
# the answer and the watcher's reload line. Sets ONE_WALL, ONE_LOG,
# ONE_PEAK (KiB), ONE_LOG_BYTES (what the full log grew by).
one_file() {
  local before size0 t0 t1 line
  before=$(count "$FILES_RE")
  write_edit "$1"
  size0=$(stat -c %s "$dlog")
  reset_peak
  t0=$(now)
  mv "$tmp" "$cfg/domains/$edit_file"
  t1=$(wait_txt "_dmarc.$edit_domain" "pct=$1" "$reload_timeout")
  line=$(wait_log "$before" "$FILES_RE")
  ONE_PEAK=$(peak_kib)
  ONE_WALL=$(elapsed "$t0" "$t1")
  ONE_LOG=$(seconds_of "$line")
  ONE_LOG_BYTES=$(( $(stat -c %s "$dlog") - size0 ))
  log "N=$N: one file (pct=$1): served after $ONE_WALL s; reload logged $ONE_LOG s; peak $(mib "$ONE_PEAK") MiB; log grew $((ONE_LOG_BYTES / 1048576)) MiB"
}

# dnsperf_run QUERYFILE: prints "qps lost sent max_latency_ms".
dnsperf_run() {
  local out
  out=$(timeout $((DNSPERF_SECONDS + 30)) dnsperf -s 127.0.0.1 -p "$PORT" -d "$1" -e \
          -l "$DNSPERF_SECONDS" -t 2 -q 100 2>&1) || { echo "$out" | tail -3 >&2; die "dnsperf failed"; }
  echo "$out" >>"$WORK/dnsperf.log"
  awk '/Queries sent:/ { sent = $3 } /Queries lost:/ { lost = $3 }
       /Queries per second:/ { qps = $4 }
       /Average Latency/ { gsub(/[(),]/, " "); for (i = 1; i <= NF; i++) if ($i == "max") max = $(i + 1) }
       END { printf "%.0f %d %d %.1f\n", qps, lost, sent, max * 1000 }' <<<"$out"
}

# reload_range FROM_COUNT: "K reloads of A-B s" for the files-changed and
# SIGHUP reload lines logged after the first FROM_COUNT of them.
reload_range() {
  grep -E 'reload \((SIGHUP|files changed)\): generation' "$LOGF" | tail -n +$(( $1 + 1 )) \
    | while read -r l; do seconds_of "$l"; done | sort -g \
    | awk '{ a[NR] = $1 } END { if (NR) printf "%d reloads of %s-%s s", NR, a[1], a[NR]; else print "0 reloads" }'
}
all_reloads() { grep -cE 'reload \((SIGHUP|files changed)\): generation' "$LOGF" || true; }

# renaming_run: dnsperf while one domain file is replaced by rename every
# second; sets RN_QPS RN_LOST RN_SENT RN_MAX, RN_RENAMES and RN_DURING
# (reloads published during the run). Returns once the last edit is served.
renaming_run() {
  local before renamer
  before=$(all_reloads)
  (
    # Stops by itself after the dnsperf run. The watcher coalesces changes
    # that come while a reload runs, so reloads never queue up.
    end=$(( $(date +%s) + DNSPERF_SECONDS ))
    n=$RENAMES_SO_FAR
    while [ "$(date +%s)" -lt "$end" ]; do
      t=$(now)
      n=$((n + 1))
      write_edit $(( n % 90 + 1 ))
      mv "$tmp" "$cfg/domains/$edit_file"
      echo "$n" >"$WORK/renames"
      sleep "$(awk -v a="$t" -v b="$(now)" 'BEGIN { d = 1 - (b - a); print (d > 0 ? d : 0) }')"
    done
  ) &
  renamer=$!
  read -r RN_QPS RN_LOST RN_SENT RN_MAX < <(dnsperf_run "$cfg/queries.txt")
  RN_DURING=$(( $(all_reloads) - before ))
  wait "$renamer" || true
  RN_RENAMES=$(( $(cat "$WORK/renames") - RENAMES_SO_FAR ))
  RENAMES_SO_FAR=$(cat "$WORK/renames")
  # Before the next run, the last edit must be served (no reload running).
  wait_txt "_dmarc.$edit_domain" "pct=$(( RENAMES_SO_FAR % 90 + 1 ))" "$reload_timeout" >/dev/null
  sleep 0.5
}

# start_measure LABEL: start dnsd on $cfg, wait for the first answer; sets
# <LABEL>_S (exec to first answer), <LABEL>_LOAD (logged), <LABEL>_PROGRESS
# (progress lines before the load line), <LABEL>_GAP (longest gap between
# them, s), <LABEL>_HWM (KiB).
start_measure() {
  local label=$1 first s load progress gap
  start_dnsd "$cfg/dnsd.yaml" "$dlog"
  first=$(wait_txt "_dmarc.$edit_domain" "v=DMARC1" "$start_timeout")
  s=$(elapsed "$START_T" "$first")
  load=$(sed -n 's/.*loaded .* in \([0-9.]*\) s .*/\1/p' "$LOGF" | head -1)
  # Every progress line: listed, read, compiling, compiled, linked.
  progress=$(grep -E 'dnsd: start: ' "$LOGF" | grep -vc 'dnsd: start: loading' || true)
  # The longest silence from "start: loading" to "loaded", by the log's own
  # time stamps (2026-12-02T14:47:32.953Z).
  gap=$(grep -E 'dnsd: (start: |loaded )' "$LOGF" | awk '{ t = substr($1, 12, 12); split(t, h, ":");
          x = h[1] * 3600 + h[2] * 60 + h[3]; if (NR > 1 && x - p > g) g = x - p; p = x }
          END { printf "%.1f", g }')
  printf -v "${label}_S" '%s' "$s"
  printf -v "${label}_LOAD" '%s' "${load:-n/a}"
  printf -v "${label}_PROGRESS" '%s' "$progress"
  printf -v "${label}_GAP" '%s' "$gap"
  printf -v "${label}_HWM" '%s' "$(kib "$PID" VmHWM)"
  log "N=$N: $label: first answer after $s s (load logged ${load:-n/a} s), $progress progress lines, longest gap $gap s"
}

machine() {
  echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), shared with other jobs; load average at start: $(loadavg)"
  echo "- dnsd: $DNSD ($("$DNSD" --version 2>&1 | head -1); sha256 $(sha256sum "$DNSD" | cut -c1-12)), threads 0 (one per core)"
  echo "- dnsperf $(dnsperf -h 2>&1 | sed -n 's/^Version //p'), kdig $(kdig -V 2>&1 | awk '{ print $NF }')"
}

# ---- a one-domain configuration: the baseline for bytes per domain ---------
# (dnsd refuses to start with no domain at all: "no domain to serve")
log "one-domain configuration"
start_timeout=${START_TIMEOUT:-120}; reload_timeout=${RELOAD_TIMEOUT:-60}
python3 "$HERE/gen_config.py" --domains 1 --out "$WORK/cfg1" --seed "$SEED" \
  --key-pool "$WORK/dkim_keys.txt" 2>/dev/null
dlog=$WORK/dnsd1.log
start_dnsd "$WORK/cfg1/dnsd.yaml" "$dlog"
sleep 1
EMPTY_RSS=$(kib "$PID" VmRSS)
stop_dnsd
log "one-domain configuration: VmRSS $EMPTY_RSS KiB"

{
  echo
  echo "## Run of $(date '+%F %T %Z')"
  echo
  machine
  echo "- command: \`bench/reload_bench.sh ${SIZES[*]}\` (SEED=$SEED DNSPERF_SECONDS=$DNSPERF_SECONDS G2_REPEATS=$G2_REPEATS FULL_RELOAD=$FULL_RELOAD FULL_RELOAD_MAX_N=$FULL_RELOAD_MAX_N SIGHUP_RUN=$SIGHUP_RUN DROP_CACHES=$DROP_CACHES LEAK_RELOADS=$LEAK_RELOADS/$LEAK_RELOADS_LARGE/$LEAK_RELOADS_HUGE)"
  echo "- baseline, a one-domain configuration (dnsd will not start with none): VmRSS $(mib "$EMPTY_RSS") MiB"
  echo "- the watcher's settle time: ${SETTLE_MS} ms, the default \`reload.settle_ms\` of the generated dnsd.yaml, so G2's rename-to-answer time includes it"
  echo
} >>"$RESULTS"

for N in "${SIZES[@]}"; do
  # Deadlines scaled to N: a start or a full reload of the binary of
  # 2026-12-02 takes ~18 s at 100k and a few minutes at 1M.
  start_timeout=${START_TIMEOUT:-$((120 + N / 1000))}
  reload_timeout=${RELOAD_TIMEOUT:-$((60 + N / 2000))}
  cfg="$WORK/cfg$N"
  gen_s="reused"
  # Files generated by another gen_config.py (an older checkout's) are
  # generated again: the marker names the script's digest too.
  done_mark="$cfg/.done-$SEED-$(sha256sum "$HERE/gen_config.py" | cut -c1-12)"
  if [ ! -f "$done_mark" ]; then
    log "N=$N: generating (about 2 min and 3.9 GB at 1M; $(df -h --output=avail "$WORK" | tail -1 | tr -d ' ') free in $WORK)"
    rm -f "$cfg"/.done-*
    t0=$(now)
    python3 "$HERE/gen_config.py" --domains "$N" --out "$cfg" --seed "$SEED" \
      --key-pool "$WORK/dkim_keys.txt" --queries "$cfg/queries.txt" --query-count "$QUERIES"
    gen_s="$(elapsed "$t0" "$(now)") s"
    touch "$done_mark"
  fi
  dlog="$WORK/dnsd$N.log"
  # The domain whose file is edited, and the name that shows the edit.
  edit_file=$(find "$cfg/domains" -maxdepth 1 -name '*.yaml' -printf '%f\n' | sort | sed -n 1p)
  edit_domain=${edit_file%.yaml}
  tmp="$cfg/domains/.$edit_file.tmp"
  cp "$cfg/domains/$edit_file" "$WORK/original-$N.yaml"
  EDITED="$cfg/domains/$edit_file"; ORIGINAL="$WORK/original-$N.yaml"
  load_start=$(loadavg)

  # G3 cold: the first start on these files in this run, with nothing of
  # an earlier run's: its compiled image (state_dir, config/compiled_image.h)
  # would make this start a restart.
  rm -f "$cfg/state/compiled.image"
  cache="warm (the files were read or written shortly before)"
  if [ "$DROP_CACHES" = 1 ]; then
    sync; echo 3 >/proc/sys/vm/drop_caches || die "cannot drop the page cache (DROP_CACHES=1 needs root)"
    cache="cold (page cache dropped just before)"
  fi
  log "N=$N: cold start, page cache $cache"
  start_measure COLD

  # G1: steady memory, once the look dnsd takes after its watches are in
  # place ("catch-up after start") is done and a second has passed.
  wait_log 0 'reload (catch-up after start)' >/dev/null
  sleep 1
  rss_load=$(kib "$PID" VmRSS); hwm_load=$(kib "$PID" VmHWM)
  per_domain=$(bytes_a_domain "$rss_load" "$N")
  log "N=$N: VmRSS $rss_load KiB, VmHWM $hwm_load KiB, $per_domain bytes a domain"

  # G2: one domain file replaced by rename, first once, then G2_REPEATS more.
  one_file 37
  g2_wall=$ONE_WALL; g2_log=$ONE_LOG; g2_log_bytes=$ONE_LOG_BYTES
  peak_one=$ONE_PEAK
  : >"$WORK/g2-wall"; : >"$WORK/g2-log"
  for ((k = 1; k <= G2_REPEATS; k++)); do
    sleep 1
    one_file $((37 + 2 * k))
    echo "$ONE_WALL" >>"$WORK/g2-wall"; echo "$ONE_LOG" >>"$WORK/g2-log"
    if [ "$ONE_PEAK" -gt "$peak_one" ]; then peak_one=$ONE_PEAK; fi
  done
  g2_wall_mm=$(median_max <"$WORK/g2-wall"); g2_log_mm=$(median_max <"$WORK/g2-log")
  g2_after_settle=$(awk -v w="${g2_wall_mm%% *}" -v s="$SETTLE_MS" 'BEGIN { if (w == "n/a") print "n/a"; else printf "%.3f", w - s / 1000 }')
  sleep 1

  # Full reload and catalog touch: optional at large N.
  full_line="not run (N > FULL_RELOAD_MAX_N=$FULL_RELOAD_MAX_N; FULL_RELOAD=1 runs it)"
  catalog_line="not run (as the full reload)"
  records_line="not run (as the full reload)"
  edit_line="not run (as the full reload)"
  swap_line="not run (as the full reload)"
  rss_after_edit=""
  peak_full=""
  run_full=0
  case $FULL_RELOAD in
    1) run_full=1 ;;
    0) full_line="not run (FULL_RELOAD=0)" ;;
    *) if [ "$N" -le "$FULL_RELOAD_MAX_N" ]; then run_full=1; fi ;;
  esac
  if [ "$run_full" = 1 ] && [ "$(mem_available_kib)" -lt "$(kib "$PID" VmRSS)" ]; then
    full_line="not run: MemAvailable $(mib "$(mem_available_kib)") MiB is below dnsd's VmRSS $(mib "$(kib "$PID" VmRSS)") MiB"
    run_full=0
  fi
  if [ "$run_full" = 1 ]; then
    # Every file's bytes change (dnsd takes a file rewritten with the same
    # bytes as unchanged: a touch would reload nothing), by a comment line
    # taken out again when this size is done.
    log "N=$N: full reload (every domain file changed: a comment line appended)"
    nfiles=$(find "$cfg/domains" -maxdepth 1 -name '*.yaml' | wc -l)
    before=$(count "$FILES_RE")
    reset_peak
    MARKED="$cfg/domains"
    find "$cfg/domains" -maxdepth 1 -name '*.yaml' \
      -exec sh -c 'for f; do printf "%s\n" "$0" >>"$f"; done' "$FULL_MARK" {} +
    # It reads and compiles every file, as a start does: the start's
    # deadline. The watcher may see the edits in several batches: the step
    # ends when they have read every file between them.
    sums=$(wait_files_read "$before" "$nfiles" "$start_timeout")
    peak_full=$(peak_kib)
    full_line=$(files_reload_line "$peak_full" $sums)
    log "N=$N: full reload: $full_line"
    sleep 1
    # Every domain's records change: a DMARC tag added to every file, so
    # every file is read and every domain compiled anew and linked beside
    # the served ones. Then taken out again, which costs as much.
    log "N=$N: full reload (every domain's records changed: '$RECORDS_MARK' in every DMARC section)"
    before=$(count "$FILES_RE")
    reset_peak
    records_mark "$cfg/domains"
    sums=$(wait_files_read "$before" "$nfiles" "$start_timeout")
    peak_edit=$(peak_kib)
    # What the reload leaves: the old snapshot is freed once it is
    # published, so G1's bytes a domain hold after it too.
    rss_after_edit=$(kib "$PID" VmRSS)
    edit_line=$(files_reload_line "$peak_edit" $sums)
    log "N=$N: every domain's records changed: $edit_line"
    sleep 1
    before=$(count "$FILES_RE")
    records_unmark "$cfg/domains"
    wait_files_read "$before" "$nfiles" "$start_timeout" >/dev/null
    if [ "$peak_edit" -gt "$peak_full" ]; then peak_full=$peak_edit; fi
    sleep 1
    # The same change swapped in whole: made in a copy of the folder, which
    # then takes the folder's place in one step. A swap promises the old
    # configuration or the new one, never a mix, so dnsd publishes it as
    # one snapshot, built beside the one it serves.
    swap_kib=$(du -sk "$cfg/domains" | cut -f1)
    free_kib=$(df -Pk "$cfg" | awk 'NR == 2 { print $4 }')
    if [ "$free_kib" -lt $((swap_kib * 2)) ]; then
      # (Twice the copy: the disk is not ours alone.)
      swap_line="not run: the copy needs $(mib "$swap_kib") MiB, and the disk has $(mib "$free_kib") MiB free"
    else
      log "N=$N: folder swap (every domain's records changed, in a copy swapped in whole)"
      SWAP_COPY="$cfg/domains.swap"
      rm -rf "$SWAP_COPY"
      cp -a "$cfg/domains" "$SWAP_COPY"
      records_mark "$SWAP_COPY"
      sync  # the copy's writes are not the reload's
      before=$(count "$FILES_RE")
      reset_peak
      exchange "$cfg/domains" "$SWAP_COPY"
      sums=$(wait_files_read "$before" "$nfiles" "$start_timeout")
      peak_swap=$(peak_kib)
      swap_line=$(files_reload_line "$peak_swap" $sums)
      log "N=$N: folder swap: $swap_line"
      sleep 1
      before=$(count "$FILES_RE")
      exchange "$cfg/domains" "$SWAP_COPY"
      wait_files_read "$before" "$nfiles" "$start_timeout" >/dev/null
      rm -rf "$SWAP_COPY"
      SWAP_COPY=""
      if [ "$peak_swap" -gt "$peak_full" ]; then peak_full=$peak_swap; fi
      sleep 1
    fi
    # The provider's TTL, which every answer carries: the snapshot's, not
    # compiled into any domain (a reload of the server file alone). Then
    # back to 300.
    log "N=$N: provider TTL changed: provider.ttl 300 -> $RECORDS_TTL"
    before=$(count "$FILES_RE")
    reset_peak
    sed -i "s/^  ttl: 300\$/  ttl: $RECORDS_TTL/" "$cfg/dnsd.yaml"
    line=$(wait_log "$before" "$FILES_RE" "$start_timeout")
    peak_records=$(peak_kib)
    records_line="$(seconds_of "$line") s logged; peak $(mib "$peak_records") MiB = $(peak_ratio "$peak_records" "$rss_load") × steady; VmRSS after $(mib "$(kib "$PID" VmRSS)") MiB"
    log "N=$N: provider TTL changed: $records_line"
    sleep 1
    before=$(count "$FILES_RE")
    sed -i "s/^  ttl: $RECORDS_TTL\$/  ttl: 300/" "$cfg/dnsd.yaml"
    wait_log "$before" "$FILES_RE" "$start_timeout" >/dev/null
    if [ "$peak_records" -gt "$peak_full" ]; then peak_full=$peak_records; fi
    sleep 1
    before=$(count "$FILES_RE")
    reset_peak
    # A sender added: every file is checked again (read again, its model
    # released once the domain compiled), no domain compiled.
    printf '%s\n' "$CATALOG_MARK" >>"$cfg/senders.yaml"
    line=$(wait_log "$before" "$FILES_RE")
    peak_cat=$(peak_kib)
    catalog_line="$(seconds_of "$line") s logged ($(sed -n 's/.*(\([0-9]*\) re-checked).*/\1/p' <<<"$line") re-checked); peak $(mib "$peak_cat") MiB = $(peak_ratio "$peak_cat" "$rss_load") × steady"
    log "N=$N: catalog changed: $catalog_line"
    if [ "$peak_cat" -gt "$peak_full" ]; then peak_full=$peak_cat; fi
    sleep 1
  fi

  # G5: runs without reloads and with a file replaced every second, in
  # turn, G5_ROUNDS times, then one more without: each renaming run is
  # compared with the runs either side of it, so that the machine's drift
  # (other jobs come and go) falls on both sides of each ratio.
  load_g5=$(loadavg)
  log "N=$N: dnsperf warm-up (not recorded)"
  DNSPERF_SECONDS=3 dnsperf_run "$cfg/queries.txt" >/dev/null
  quiet_qps=(); rename_qps=(); g5_ratios=(); lost_quiet=0; lost_renaming=0; sent_all=0; max_quiet=0; max_renaming=0
  g5_renames=0; g5_during=0; RENAMES_SO_FAR=0
  reloads_g5=$(all_reloads)
  for ((r = 0; r <= G5_ROUNDS; r++)); do
    log "N=$N: dnsperf, no reloads ($((r + 1)) of $((G5_ROUNDS + 1)))"
    read -r q l s m < <(dnsperf_run "$cfg/queries.txt")
    quiet_qps+=("$q"); lost_quiet=$((lost_quiet + l)); sent_all=$((sent_all + s))
    max_quiet=$(awk -v a="$max_quiet" -v b="$m" 'BEGIN { print (b > a ? b : a) }')
    if [ "$r" -gt 0 ]; then
      g5_ratios+=("$(awk -v a="${quiet_qps[r - 1]}" -v b="${rename_qps[r - 1]}" -v c="$q" 'BEGIN { printf "%.3f", b / ((a + c) / 2) }')")
    fi
    [ "$r" -lt "$G5_ROUNDS" ] || break
    log "N=$N: dnsperf, a domain file replaced by rename every second ($((r + 1)) of $G5_ROUNDS; watcher, no SIGHUP)"
    renaming_run
    rename_qps+=("$RN_QPS"); lost_renaming=$((lost_renaming + RN_LOST)); sent_all=$((sent_all + RN_SENT))
    max_renaming=$(awk -v a="$max_renaming" -v b="$RN_MAX" 'BEGIN { print (b > a ? b : a) }')
    g5_renames=$((g5_renames + RN_RENAMES)); g5_during=$((g5_during + RN_DURING))
  done
  ratio=$(printf '%s\n' "${g5_ratios[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  qps0=${quiet_qps[0]}; qps2=${quiet_qps[${#quiet_qps[@]} - 1]}
  g5_reloads="$g5_renames renames; $g5_during reloads published during the runs; $(reload_range "$reloads_g5")"
  log "N=$N: QPS without reloads ${quiet_qps[*]}, renaming ${rename_qps[*]}; ratios ${g5_ratios[*]}, median $ratio; $g5_reloads"

  sighup_line="not run (SIGHUP_RUN=auto and N > 100000; SIGHUP_RUN=1 runs it)"
  run_hup=0
  case $SIGHUP_RUN in 1) run_hup=1 ;; 0) sighup_line="not run (SIGHUP_RUN=0)" ;; *) if [ "$N" -le 100000 ]; then run_hup=1; fi ;; esac
  if [ "$run_hup" = 1 ]; then
    log "N=$N: dnsperf, a domain file edited and a SIGHUP every second"
    hups_before=$(count "$SIGHUP_RE")
    reloads_before=$(all_reloads)
    (
      # Each SIGHUP follows an edit, so every one is a real reload; the next
      # once the previous is logged, so reloads never queue up. (The watcher
      # sees the edit too; its reload 0.3 s later usually finds it done.)
      end=$(( $(date +%s) + DNSPERF_SECONDS ))
      n=0
      while [ "$(date +%s)" -lt "$end" ]; do
        t=$(now)
        write_edit $(( n % 90 + 1 ))
        mv "$tmp" "$cfg/domains/$edit_file"
        kill -HUP "$PID"
        n=$((n + 1))
        deadline=$(( $(date +%s) + reload_timeout ))
        while [ "$(count "$SIGHUP_RE")" -lt $((hups_before + n)) ] \
              && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.02; done
        sleep "$(awk -v a="$t" -v b="$(now)" 'BEGIN { d = 1 - (b - a); print (d > 0 ? d : 0) }')"
      done
      echo "$n" >"$WORK/hups"
    ) &
    hupper=$!
    read -r qps3 lost3 sent3 max3 < <(dnsperf_run "$cfg/queries.txt")
    wait "$hupper" || true
    sent_hups=$(cat "$WORK/hups")
    wait_log $((hups_before + sent_hups - 1)) "$SIGHUP_RE" >/dev/null
    sleep 0.5
    ratio3=$(awk -v a="$qps0" -v b="$qps3" -v c="$qps2" 'BEGIN { printf "%.3f", b / ((a + c) / 2) }')
    sighup_line="$qps3 QPS (lost $lost3 of $sent3; max latency $max3 ms; $sent_hups SIGHUPs, $(reload_range "$reloads_before")); ratio $ratio3"
    log "N=$N: SIGHUP run: $sighup_line"
  fi

  # RSS across back-to-back reloads (edit + SIGHUP).
  reloads=$LEAK_RELOADS
  if [ "$N" -gt "$LEAK_MAX_N" ]; then reloads=$LEAK_RELOADS_LARGE; fi
  if [ "$N" -gt 100000 ]; then reloads=$LEAK_RELOADS_HUGE; fi
  leak="not run"
  if [ "$reloads" -gt 0 ]; then
    log "N=$N: $reloads reloads back to back"
    step=$(( reloads >= 10 ? 10 : 1 ))
    leak="VmRSS (MiB) before and after each $step of $reloads back-to-back reloads (a file edited, then SIGHUP): $(mib "$(kib "$PID" VmRSS)")"
    for ((i = 1; i <= reloads; i++)); do
      before=$(count "$SIGHUP_RE")
      write_edit $(( i % 90 + 1 ))
      mv "$tmp" "$cfg/domains/$edit_file"
      kill -HUP "$PID"
      wait_log "$before" "$SIGHUP_RE" >/dev/null
      if ((i % step == 0)); then leak="$leak $(mib "$(kib "$PID" VmRSS)")"; fi
    done
    leak="$leak; VmHWM $(mib "$(kib "$PID" VmHWM)") MiB"
    log "N=$N: $leak"
  fi

  # Put the original back, let dnsd reload it, then G3 restart on files
  # unchanged since dnsd last read them.
  before=$(count "$FILES_RE")
  cp "$WORK/original-$N.yaml" "$tmp"; mv "$tmp" "$cfg/domains/$edit_file"
  wait_log "$before" "$FILES_RE" >/dev/null
  sleep 0.5
  rss_end=$(kib "$PID" VmRSS); hwm_end=$(kib "$PID" VmHWM)
  t0=$(now); stop_dnsd; stop_s=$(elapsed "$t0" "$(now)")
  mv "$dlog" "$WORK/dnsd$N-first.log"
  log "N=$N: stopped in $stop_s s; restart on unchanged files"
  start_measure WARM
  rss_restart=$(kib "$PID" VmRSS)
  stop_dnsd
  unmark  # this size is done: its files as generated again
  EDITED=""
  load_end=$(loadavg)

  # The verdicts.
  peak_max=$peak_one
  if [ -n "$peak_full" ] && [ "$peak_full" -gt "$peak_max" ]; then peak_max=$peak_full; fi
  peak_one_r=$(peak_ratio "$peak_one" "$rss_load")
  peak_max_r=$(peak_ratio "$peak_max" "$rss_load")
  progress_ok=$([ "$COLD_PROGRESS" -gt 0 ] && echo "$COLD_PROGRESS lines, longest gap $COLD_GAP s" || echo "none logged")
  {
    echo "### N = $N domains"
    echo
    echo "Configuration: generation $gen_s; page cache at the cold start: $cache. Load average: $load_start at the start, $load_g5 before dnsperf, $load_end at the end."
    echo
    echo "| goal | measure | value | target | met |"
    echo "| --- | --- | --- | --- | --- |"
    echo "| G1 | VmRSS once loaded (VmHWM at that point) | $(mib "$rss_load") MiB ($(mib "$hwm_load") MiB) | | |"
    echo "| G1 | bytes per domain: (VmRSS once loaded − one-domain VmRSS) / N | $per_domain | ≤ 2,048 | $(meets "$per_domain" 2048) |"
    if [ -n "$rss_after_edit" ]; then
      per_domain_after=$(bytes_a_domain "$rss_after_edit" "$N")
      echo "| G1 | bytes per domain once every domain's records changed: (VmRSS after that reload − one-domain VmRSS) / N | $per_domain_after | ≤ 2,048 | $(meets "$per_domain_after" 2048) |"
    fi
    echo "| G1 | peak RSS during the one-file reloads / steady VmRSS | $peak_one_r ($(mib "$peak_one") MiB) | ≤ 1.25 | $(meets "$peak_one_r" 1.25) |"
    echo "| G1 | peak RSS during any measured reload / steady VmRSS | $peak_max_r$([ -n "$peak_full" ] || echo " (one-file reloads only: the full reload was not run)") | ≤ 1.25 | $(meets "$peak_max_r" 1.25) |"
    echo "| G2 | one file replaced by rename → new answer served (first time) | $g2_wall s (includes the ${SETTLE_MS} ms settle) | | |"
    echo "| G2 | the reload dnsd logs for it (\`answering after\`) | $g2_log s (the log grew by $((g2_log_bytes / 1024)) KiB) | ≤ 0.100 | $(meets "$g2_log" 0.1) |"
    echo "| G2 | $G2_REPEATS more: rename → answer, median / max | $g2_wall_mm s (median − settle: $g2_after_settle s) | | |"
    echo "| G2 | $G2_REPEATS more: logged reload, median / max | $g2_log_mm s | ≤ 0.100 | $(meets "${g2_log_mm##* }" 0.1) |"
    echo "| G3 | cold start (first start on these files): exec → first answer | $COLD_S s (load logged $COLD_LOAD s; VmHWM $(mib "$COLD_HWM") MiB) | ≤ 90 | $(meets "$COLD_S" 90) |"
    echo "| G3 | progress lines during the cold start | $progress_ok | some | $([ "$COLD_PROGRESS" -gt 0 ] && echo "**yes**" || echo "**no**") |"
    echo "| G3 | restart, files unchanged: exec → first answer | $WARM_S s (load logged $WARM_LOAD s; $WARM_PROGRESS progress lines; page cache warm; stop took $stop_s s) | ≤ 10 | $(meets "$WARM_S" 10) |"
    echo "| G5 | dnsperf QPS, no reloads, in run order | ${quiet_qps[*]} (lost $lost_quiet; max latency $max_quiet ms) | | |"
    echo "| G5 | dnsperf QPS, a domain file replaced by rename every second, in run order (each between two of the above) | ${rename_qps[*]} (lost $lost_renaming; max latency $max_renaming ms; $g5_reloads) | | |"
    echo "| G5 | QPS ratio, each renaming run / the mean of the runs either side: all, and their median | ${g5_ratios[*]}; median **$ratio** | ≥ 0.95 | $(meets "$ratio" 0.95 ge) |"
    echo "| | dnsperf QPS, a domain file edited + SIGHUP every second | $sighup_line | | |"
    echo "| | full reload (every domain file changed by a comment line: other bytes, the same records) | $full_line | | |"
    echo "| | full reload, every domain's records changed (\`aspf: s\` added to every file's DMARC section) | $edit_line | | |"
    echo "| | the same change in a copy of the domains folder, swapped in whole (one snapshot, as the git sync's swap) | $swap_line | | |"
    echo "| | provider TTL changed (provider.ttl 300 → $RECORDS_TTL in dnsd.yaml: every answer's TTL) | $records_line | | |"
    echo "| | catalog changed (a sender added that no domain names; every file read again and re-checked) | $catalog_line | | |"
    echo "| | RSS across reloads | $leak | | |"
    echo "| | VmRSS / VmHWM at the end of the first process; VmRSS after the restart | $(mib "$rss_end") / $(mib "$hwm_end") MiB; $(mib "$rss_restart") MiB | | |"
    echo
  } >>"$RESULTS"
  log "N=$N: done"
done
log "results appended to $RESULTS"
