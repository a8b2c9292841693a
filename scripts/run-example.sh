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
  dig @127.0.0.1 -p 5300 s2026._domainkey.enforce.example TXT +norec
  dig @::1 -p 5300 192.0.2.7._ip.mail.enforce.example._ehlo.enforce.example._spf.provider.test TXT +norec

Metrics and a status page: http://127.0.0.1:9153/metrics and http://127.0.0.1:9153/

Stop it with Ctrl-C.
TXT
# A local demonstration on loopback: keep root rather than need an account
# (a real deployment sets `user:` in dnsd.yaml; docs/operator-guide.md, "Privileges").
exec build/release/dnsd/dnsd serve -c config/examples/dnsd.yaml --allow-root
