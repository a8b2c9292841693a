#!/usr/bin/env python3
"""Writes tests/fuzz/corpus/state_file/*.yaml deterministically (standard
library only): state files for state_file_fuzzer.cc. One as dnsd writes it
(dnsd/control/refresh/state_file.h), and that file changed the ways a
crash, a full disk or a hand edit changes it: cut short, a key missing or
of the wrong kind, numbers out of range, bad prefixes and ids, another
version, YAML's own edges."""
import os

from seed_files import write_seeds

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "state_file")

GOOD = """# dnsd catalog refresh: the last good ranges per sender. Written by dnsd; do not edit.
version: 1
senders:
  google:
    include: _spf.google.com
    refreshed: 1767225600
    ttl: 300
    prefixes: [35.190.247.0/24, 64.233.160.0/19, "2001:4860:4000::/36"]
  office365:
    include: spf.protection.outlook.com
    refreshed: 1767225601
    ttl: 3600
    prefixes: [40.92.0.0/15, "2a01:111:f400::/48"]
"""

SEEDS = {
    "good": GOOD,
    "empty_senders": "version: 1\nsenders: {}\n",
    "no_senders": "version: 1\n",
    "cut": GOOD[: len(GOOD) // 2],
    "version_2": GOOD.replace("version: 1", "version: 2"),
    "version_text": GOOD.replace("version: 1", "version: one"),
    "no_include": GOOD.replace("    include: _spf.google.com\n", ""),
    "empty_include": GOOD.replace("_spf.google.com", "''"),
    "include_list": GOOD.replace("_spf.google.com", "[a, b]"),
    "negative_ttl": GOOD.replace("ttl: 300", "ttl: -1"),
    "huge_ttl": GOOD.replace("ttl: 300", "ttl: 4294967296"),
    "ttl_text": GOOD.replace("ttl: 300", "ttl: soon"),
    "refreshed_float": GOOD.replace("1767225600", "1.5e9"),
    "no_prefixes": GOOD.replace("    prefixes: [40.92.0.0/15, \"2a01:111:f400::/48\"]\n", ""),
    "empty_prefixes": GOOD.replace("[40.92.0.0/15, \"2a01:111:f400::/48\"]", "[]"),
    "host_bits": GOOD.replace("40.92.0.0/15", "40.92.0.1/15"),
    "bad_prefix": GOOD.replace("40.92.0.0/15", "40.92.0.0/33"),
    "prefix_map": GOOD.replace("40.92.0.0/15", "{a: b}"),
    "duplicate_prefix": GOOD.replace("[40.92.0.0/15,", "[40.92.0.0/15, 40.92.0.0/15,"),
    "bad_id": GOOD.replace("  google:", "  Goo\\x1bgle:").replace("Goo\\x1bgle", "\"Goo\\x1bgle\""),
    "sender_list": "version: 1\nsenders: [google]\n",
    "sender_scalar": "version: 1\nsenders:\n  google: yes\n",
    "root_list": "- version: 1\n",
    "binary": b"version: 1\nsenders:\n  g\x00\xff: {}\n",
    "anchors": "version: 1\nsenders:\n  a: &s {include: x.test, refreshed: 1, ttl: 1, prefixes: [10.0.0.0/8]}\n  b: *s\n",
    "duplicate_key": GOOD.replace("  office365:", "  google:"),
    "tab": "version:\t1\n",
    "empty": "",
}


def main():
    write_seeds(OUT, SEEDS)


if __name__ == "__main__":
    main()
