#!/usr/bin/env bash
# Installs everything dnsd builds and tests with, from Debian 12's packages.
# Idempotent: a machine that has them all is left alone (no network needed).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # libraries (each chosen in README.md "Dependencies")
  libboost-dev libboost-program-options-dev libldns-dev libyaml-cpp-dev libyaml-dev libabsl-dev zlib1g-dev
  libjemalloc-dev libxxhash-dev
  prometheus-cpp-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev libsystemd-dev
  # test clients and referees (tests/integration/harness.py TOOLS and MODULES
  # name the package of every program and module the tests use;
  # test_dependencies.py checks that this list has them all)
  prometheus knot-dnsutils bind9-dnsutils ldnsutils python3 python3-dnspython python3-yaml openssl
  # what the deploy checks run that every Debian system has (ldd, dpkg)
  libc-bin dpkg
  # the SPF end-to-end test: a resolver, a parent authority, two SPF validators,
  # and a network namespace of its own (tests/integration/test_spf_e2e.py)
  unbound nsd python3-spf spfquery iproute2 util-linux
  # the MTA-STS HTTPS end-to-end test: the HTTPS proxy of deploy/caddy/, an ACME
  # CA, a real MTA-STS client, curl (tests/integration/test_mta_sts_https.py)
  caddy pebble postfix-mta-sts-resolver curl
  # a real DMARC parser reads the served records back (tests/integration/test_dmarc_e2e.py)
  opendmarc
  # deploy/ checks: systemd-analyze verify and security, systemd-sysusers
  # (tests/integration/test_deploy.py)
  systemd
  # the throughput benchmark's peers, reference load generator and chart
  # (bench/throughput_bench.sh)
  knot dnsperf python3-matplotlib
  # dnstap output (dnsd/dnstap/) and its referees (tests/integration/test_dnstap.py)
  libfstrm-dev libprotobuf-c-dev protobuf-c-compiler fstrm-bin dnstap-ldns
  # configuration delivered by git: deploy/git-sync/dnsd-git-sync fetches and
  # writes out commits with it (tests/integration/test_git_sync.py)
  git
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi
# Packaged DNS servers must not start services on port 53 while we install.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
