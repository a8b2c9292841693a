#!/usr/bin/env python3
"""Writes tests/fuzz/corpus/domain_file/*.yaml deterministically (standard
library only): domain files for domain_file_fuzzer.cc, which puts each
beside the examples of config/examples/ as domains/fuzzed.example.yaml.

Each example renamed to fuzzed.example (so that it adds a domain rather than
repeating one); every section and key of a domain file with values from the
examples' own keys; DMARC and DKIM schedules whose steps fall before and
after the instant the target compiles for (2026-12-01); the errors the
checks report (unknown senders, host bits, bad keys, pasted records, names
under the provider's zones, names too long); domains that meet the examples'
(the same name, a subdomain of one with include_subdomains, a name under
one of its zones); and files at the edges of YAML."""
import os
import re

from seed_files import write_seeds

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(ROOT, "config", "examples", "domains")
OUT = os.path.join(HERE, "corpus", "domain_file")


def example(name):
    with open(os.path.join(EXAMPLES, name + ".yaml"), encoding="utf-8") as f:
        return f.read()


def quoted_key(text, pattern):
    """The first quoted key (p: "...") in an example file after `pattern`."""
    match = re.search(pattern + r'.*?p: "([A-Za-z0-9+/=]+)"', text, re.S)
    if match is None:
        raise SystemExit(f"no key after {pattern} in the examples")
    return match.group(1)


RSA = quoted_key(example("enforce.example"), "s2026:")
ED25519 = quoted_key(example("enforce.example"), "ed2026: {k: ed25519")

FULL = f"""domain: fuzzed.example
mode: enforce
include_subdomains: true
dmarc_delegation: cname
dkim_delegation: cname
tls_rpt_delegation: cname
mta_sts_delegation: cname
spf:
  senders: [office365, sendgrid]
  netblocks: [203.0.113.0/24, "2001:db8:1::/48", 198.51.100.7/32]
  terms: ["exists:%{{i}}._spf.mta.salesforce.com", "mx/24", "ip4:192.0.2.0/24"]
  all: fail
  published_lookups: 1
dmarc:
  p: reject
  sp: quarantine
  np: reject
  t: n
  psd: n
  rua: ["mailto:agg@reports.provider.test", "mailto:dmarc@fuzzed.example!10m"]
  ruf: ["mailto:forensic@fuzzed.example"]
  adkim: s
  aspf: r
  fo: "0:d:s"
  pct: 100
  ri: 86400
  rf: afrf
  rfc7489_tags: false
dkim:
  selector1: {{cname: selector1-fuzzed-example._domainkey.fuzzed.onmicrosoft.com}}
  s2026: {{k: rsa, p: "{RSA}", h: [sha256], t: [s], s: [email], n: "a=3Bnote"}}
  ed2026: {{k: ed25519, p: "{ED25519}"}}
  old: {{revoked: true}}
  a.b.c: {{p: "{RSA}"}}
bimi:
  default: {{l: "https://brand.fuzzed.example/logo.svg", a: "https://brand.fuzzed.example/vmc.pem"}}
  news: {{l: "https://brand.fuzzed.example/news.svgz"}}
  none: {{l: ""}}
tls_rpt:
  rua: ["mailto:tlsrpt@reports.provider.test", "https://tlsrpt.fuzzed.example/v1"]
mta_sts:
  mode: enforce
  mx: [mx1.fuzzed.example, "*.mail.fuzzed.example", MX2.Fuzzed.Example]
  max_age: 604800
"""

SCHEDULED = f"""domain: fuzzed.example
mode: enforce
dmarc:
  p: none
  rua: ["mailto:agg@reports.provider.test"]
  ttl_ramp: 2h
  ramp_ttl: 30s
  schedule:
    - {{at: 2026-11-01T00:00:00Z, p: quarantine, t: y}}
    - {{at: 2026-12-01T00:30:00Z, p: quarantine, t: n, sp: none}}
    - {{at: 2027-01-01T00:00:00Z, p: reject, np: reject, pct: 100}}
dkim:
  s2025: {{p: "{RSA}", until: 2026-11-20T00:00:00Z, retain: 14d}}
  s2026: {{p: "{RSA}", from: 2026-11-15T00:00:00Z, until: 2027-06-01T00:00:00Z}}
  s2027: {{k: ed25519, p: "{ED25519}", from: 2026-12-01T00:00:00Z}}
  gone: {{p: "{RSA}", until: 2026-01-01T00:00:00Z, retain: 30s}}
"""

MONITOR = """domain: fuzzed.example
spf:
  senders: [google]
dmarc:
  rua: ["mailto:agg@elsewhere.test"]
"""

BLOCKED = f"""domain: fuzzed.example
mode: blocked
dmarc:
  p: none
  rua: ["mailto:agg@reports.provider.test"]
  schedule:
    - {{at: 2027-01-01T00:00:00Z, p: reject}}
dkim:
  s1: {{p: "{RSA}"}}
  vendor: {{cname: s1.dkim.vendor.test}}
mta_sts:
  mode: none
"""

MANY = ("domain: fuzzed.example\nmode: enforce\nspf:\n  netblocks: ["
        + ", ".join(f"10.{i // 256}.{i % 256}.0/24" for i in range(300))
        + "]\ndmarc:\n  p: reject\ndkim:\n"
        + "".join(f"  s{i:03d}: {{p: \"{RSA}\"}}\n" for i in range(40)))

# Each an error the checks report, or a name the link must refuse.
ERRORS = {
    "unknown_sender": "domain: fuzzed.example\nspf:\n  senders: [offce365, office365, office365]\n",
    "host_bits": "domain: fuzzed.example\nspf:\n  netblocks: [203.0.113.1/24, \"2001:db8::1/32\"]\n",
    "terms": "domain: fuzzed.example\nspf:\n  terms: [\"v=spf1\", \"all\", \"redirect=x.test\", "
             "\"include:%{d}\", \"a:%{x}\", \"ip4:300.0.0.0/8\", \"mx/33\"]\n",
    "budget": "domain: fuzzed.example\nspf:\n  published_lookups: 9\n  terms: [a, mx, ptr, "
              "\"exists:%{i}.x.test\", \"include:_spf.vendor.test\"]\n",
    "monitor_reject": "domain: fuzzed.example\ndmarc:\n  p: reject\n",
    "bad_dmarc": "domain: fuzzed.example\nmode: enforce\ndmarc:\n  p: maybe\n  fo: \"0:1\"\n"
                 "  rua: [\"mailto:a,b@x.test\", \"http://x.test\"]\n  pct: 101\n  t: y\n",
    "bad_keys": "domain: fuzzed.example\ndkim:\n"
                "  pem: {p: \"-----BEGIN PUBLIC KEY-----MIIB-----END PUBLIC KEY-----\"}\n"
                "  record: {p: \"v=DKIM1; k=rsa; p=MIIB\"}\n"
                "  raw: {p: \"" + ED25519 + "\"}\n"
                "  short: {p: \"MIIBIjAN\"}\n"
                "  both: {p: \"" + RSA + "\", cname: x.test, revoked: false}\n"
                "  bad_name!: {revoked: true}\n",
    "provider_zone": "domain: fuzzed._dmarc.provider.test\n",
    "spf_zone": "domain: a._spf.provider.test\n",
    "same_as_example": "domain: enforce.example\n",
    "below_example": "domain: shop.enforce.example\ndmarc:\n  rua: [\"mailto:a@reports.provider.test\"]\n",
    "in_example_zone": "domain: _domainkey.enforce.example\ndkim:\n  s1: {revoked: true}\n",
    "dmarc_zone_name": "domain: _dmarc.enforce.example\n",
    "long_name": "domain: " + ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 50]) + "\ndkim:\n  s: {revoked: true}\n",
    "idn_upper": "domain: FUZZED.Example.\nmode: monitor\n",
    "bimi_monitor": "domain: fuzzed.example\nbimi:\n  default: {l: \"https://x.test/l.svg\"}\n",
    "mta_sts_bad": "domain: fuzzed.example\nmta_sts:\n  mode: enforce\n  mx: [\"*\", \"a..b\", a.test, A.TEST]\n  max_age: -1\n",
    "unknown_key": "domain: fuzzed.example\nincldue_subdomains: true\nspf: {senders: []}\nspf: {}\n",
    "wrong_file": "listen: [\"127.0.0.1:53\"]\nprovider: {ttl: 5}\n",
}

YAML_EDGES = {
    "empty": "",
    "null": "~\n",
    "list": "- domain: fuzzed.example\n",
    "anchors": "domain: &d fuzzed.example\nspf: &s {senders: [google]}\ndmarc: {rua: [\"mailto:x@reports.provider.test\"]}\nx: *s\n",
    "flow": "{domain: fuzzed.example, spf: {netblocks: [192.0.2.0/24]}, dmarc: {rua: [\"mailto:a@reports.provider.test\"]}}\n",
    "nested": "domain: fuzzed.example\nspf: " + "[" * 60 + "]" * 60 + "\n",
    "tabs": "domain:\tfuzzed.example\n\tmode: enforce\n",
    "binary": b"domain: fuzzed.example\x00\xff\xfe\nmode: enforce\n",
    "documents": "domain: fuzzed.example\n---\ndomain: other.example\n",
    "block_scalar": f"domain: fuzzed.example\ndkim:\n  s1:\n    p: >-\n      {RSA[:200]}\n      {RSA[200:]}\n",
    "quoted": "\"domain\": 'fuzzed.example'\n\"mode\": \"enforce\"\ndmarc: {\"p\": \"reject\"}\n",
}


def main():
    files = {}
    for name in sorted(os.listdir(EXAMPLES)):
        if name.endswith(".yaml"):
            stem = name[: -len(".yaml")]
            files["example_" + stem.split(".")[0]] = example(stem).replace(stem, "fuzzed.example")
    files.update({"full": FULL, "scheduled": SCHEDULED, "monitor": MONITOR,
                  "blocked": BLOCKED, "many": MANY})
    files.update({"error_" + k: v for k, v in ERRORS.items()})
    files.update({"yaml_" + k: v for k, v in YAML_EDGES.items()})
    write_seeds(OUT, files)


if __name__ == "__main__":
    main()
