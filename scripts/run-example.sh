#!/usr/bin/env bash
# Installs dependencies, builds dnsd, and serves config/examples on
# 127.0.0.1:5300 and [::1]:5300 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
cat <<'TXT'

dnsd is starting on 127.0.0.1:5300 and [::1]:5300. In another terminal, try:

  dig @127.0.0.1 -p 5300 _dmarc.enforce.example TXT +norec
  dig @127.0.0.1 -p 5300 s2048._domainkey.enforce.example TXT +norec
  dig @::1 -p 5300 enforce.example._dmarc.provider.test TXT +norec

Stop it with Ctrl-C.
TXT
exec build/release/dnsd/dnsd serve -c config/examples/dnsd.yaml
