#!/usr/bin/env python3
"""Writes tests/fuzz/corpus/catalog_file/*.yaml deterministically (standard
library only): catalogs for catalog_file_fuzzer.cc, which puts each in
place of config/examples/senders.yaml under the examples' domain files.

The examples' catalog as it is, without its comments, and changed: a
sender the domains name taken out or renamed, includes, HELO patterns and
answers changed, ranges with host bits or of the wrong family, budgets out
of range, dates that are not days, ids of the wrong form or twice; and
catalogs at the edges of YAML."""
import os
import re

from seed_files import write_seeds

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "corpus", "catalog_file")


def catalog():
    with open(os.path.join(ROOT, "config", "examples", "senders.yaml"), encoding="utf-8") as f:
        return f.read()


def without_comments(text):
    lines = (re.sub(r"\s+#.*$", "", line) for line in text.splitlines())
    return "\n".join(line for line in lines if line.strip() and not line.lstrip().startswith("#")) + "\n"


def main():
    full = catalog()
    bare = without_comments(full)
    seeds = {
        "examples": full,
        "bare": bare,
        "no_office365": re.sub(r"  office365:\n(    .*\n|      .*\n)*\n?", "", bare),
        "renamed_google": bare.replace("  google:", "  google2:"),
        "include_changed": bare.replace("include: sendgrid.net", "include: _spf.sendgrid.test"),
        "answer_include": bare.replace("answer: ip", "answer: include"),
        "answer_bad": bare.replace("answer: ip", "answer: both", 1),
        "helo_bad": bare.replace('helo: ["*.google.com"]', 'helo: ["*", "a..b", "*.x.*.test"]'),
        "host_bits": bare.replace("40.92.0.0/15", "40.92.0.1/15"),
        "wrong_family": bare.replace("40.92.0.0/15", "\"2001:db8::/32\"", 1),
        "lookups": bare.replace("    answer: ip\n", "    answer: ip\n    lookups: 11\n    void_lookups: 3\n", 1),
        "lookups_ok": bare.replace("    answer: ip\n", "    answer: ip\n    lookups: 1\n    void_lookups: 2\n"),
        "date": bare.replace("as_of: 2026-11-01", "as_of: 2026-02-30", 1),
        "bad_id": bare.replace("  sendgrid:", "  Send\\x1bGrid!:").replace("Send\\x1bGrid!", "\"Send\\x1bGrid!\""),
        "twice": bare + bare[bare.index("  google:"):bare.index("  sendgrid:")],
        "no_name": bare.replace("    name: SendGrid\n", ""),
        "no_ranges": re.sub(r"    ranges:\n(      .*\n)*", "", bare),
        "many_ranges": bare.replace("ip4: [205.201.128.0/20,", "ip4: [" + ", ".join(
            f"10.{i // 256}.{i % 256}.0/24" for i in range(500)) + ", 205.201.128.0/20,"),
        "empty": "senders: {}\n",
        "no_senders": "version: 1\n",
        "list": "senders: [office365]\n",
        "null": "~\n",
        "binary": b"senders:\n  g\x00\xff: {name: x}\n",
        "anchors": "senders:\n  a: &s {name: A, include: a.test}\n  b: *s\n",
        "flow": "{senders: {google: {name: G, include: _spf.google.com, ranges: {ip4: [64.233.160.0/19]}}}}\n",
    }
    write_seeds(OUT, seeds)


if __name__ == "__main__":
    main()
