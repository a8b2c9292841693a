#!/bin/bash
# Runs the shipped dnsd.service (Type=notify, as installed by
# `cmake --install`) under a real systemd inside a Docker container and shows
# what deploy/README.md ("Verified under systemd") records. Manual, not run
# by CI.
#
# Prerequisites (checked below where cheap):
#   - a release build: cmake --preset release && cmake --build build/release
#   - a running dockerd, and a local image `debian:bookworm` (or BASE=...);
#     the image build runs apt-get with --network host, so it needs the
#     Debian mirrors (or a BASE that already has the packages below).
#   - a host where systemd can be PID 1 of a container started with
#     --cap-add SYS_ADMIN --security-opt seccomp=unconfined (tried: Docker
#     20.10, cgroup v1 host, systemd 252 from bookworm). Not rootless Docker.
#
# Usage: deploy/systemd/try-in-docker.sh [build-dir]   (default build/release)
# Leaves nothing running: the container is removed on exit (KEEP=1 keeps it).
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build/release}
base=${BASE:-debian:bookworm}
image=${IMAGE:-dnsd-systemd:try}
name=${NAME:-dnsd-systemd-try}

[[ -x $build/dnsd/dnsd ]] || { echo "no $build/dnsd/dnsd: build the release preset first" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "docker daemon not reachable" >&2; exit 2; }

ctx=$(mktemp -d)
cleanup() {
  if [[ ${KEEP:-0} != 1 ]]; then docker rm -f "$name" >/dev/null 2>&1 || true; fi
  rm -rf "$ctx"
}
trap cleanup EXIT

# What `cmake --install --prefix /usr` ships (unit, sysusers file, binary,
# examples) plus the container's server file (port 53, metrics on 9153).
DESTDIR=$ctx/root cmake --install "$build" --prefix /usr >/dev/null
install -d "$ctx/root/etc/dnsd"
cp "$src/deploy/container/dnsd.yaml" "$src/config/examples/senders.yaml" "$ctx/root/etc/dnsd/"
cp -r "$src/config/examples/domains" "$ctx/root/etc/dnsd/domains"

# No user is created here: systemd-sysusers creates dnsd at boot from
# /usr/lib/sysusers.d/dnsd.conf, as on a real host. The unit is not enabled;
# the steps below start it by hand.
cat >"$ctx/Dockerfile" <<EOF
FROM $base
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      systemd dnsutils procps libcap2-bin \\
      libabsl20220623 libboost-program-options1.74.0 libldns3 \\
      libprometheus-cpp-core1.0 libssl3 libsystemd0 libyaml-cpp0.7 libyaml-0-2 libjemalloc2 libxxhash0 \\
 && rm -rf /var/lib/apt/lists/* \\
 && systemctl mask systemd-logind.service getty.target console-getty.service
COPY root/ /
STOPSIGNAL SIGRTMIN+3
CMD ["/lib/systemd/systemd"]
EOF
docker build --network host -q -t "$image" "$ctx" >/dev/null

# ip_unprivileged_port_start=1024: Docker lowers it to 0 inside a container,
# which would let dnsd bind port 53 without CAP_NET_BIND_SERVICE and hide a
# unit that forgot the capability.
docker rm -f "$name" >/dev/null 2>&1 || true
docker run -d --name "$name" --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
  --sysctl net.ipv4.ip_unprivileged_port_start=1024 \
  -v /sys/fs/cgroup:/sys/fs/cgroup:ro --tmpfs /run --tmpfs /run/lock "$image" >/dev/null

run_in() { docker exec "$name" "$@"; }
step() { printf '\n$ %s\n' "$*"; docker exec "$name" "$@" || echo "(exit status $?)"; }

for _ in $(seq 60); do
  state=$(run_in systemctl is-system-running 2>/dev/null || true)
  [[ $state == running || $state == degraded ]] && break
  sleep 1
done
step systemctl --version
step systemctl is-system-running
step getent passwd dnsd
step systemctl cat dnsd --no-pager
step systemctl start dnsd
step systemctl show -p Type,ActiveState,SubState,StatusText,MainPID,NRestarts dnsd
step dig +norec +short @127.0.0.1 -p 53 SOA _spf.provider.test
step dig +norec +short @127.0.0.1 -p 53 TXT enforce.example._dmarc.provider.test
pid=$(run_in systemctl show -p MainPID --value dnsd)
step grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "/proc/$pid/status"
step systemctl reload dnsd
step systemctl show -p ActiveState,SubState,StatusText,MainPID dnsd
step dig +norec +short @127.0.0.1 -p 53 SOA _spf.provider.test
step systemctl stop dnsd
step systemctl show -p ActiveState,SubState,Result,ExecMainStatus,ExecMainCode dnsd
step journalctl -u dnsd --no-pager -o short-monotonic
