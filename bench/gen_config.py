#!/usr/bin/python3
"""Generates a realistic dnsd configuration of N domains, for the reload and
scale benchmarks (bench/reload_bench.sh, bench/README.md "Reload and scale").

    bench/gen_config.py --domains 10000 --out /tmp/cfg10k --seed 1 \
        --queries /tmp/cfg10k/queries.txt --query-count 100000 [--mix throughput]

writes into --out:

    dnsd.yaml        the server file: the provider of config/examples/dnsd.yaml,
                     listening on 127.0.0.1:5300 (override with `serve --listen`)
    senders.yaml     a copy of config/examples/senders.yaml (the catalog)
    domains/*.yaml   one file per domain, named <domain>.yaml
    dkim_keys.txt    the RSA key pool (unless --key-pool names another file)

and, with --queries, a dnsperf query file ("name TXT" lines) mixing DMARC,
DKIM and SPF macro names of the generated domains (--mix: the reload
benchmark's mix, or the throughput benchmark's 80% SPF).

The mix, per domain: mode 60% monitor, 35% enforce, 5% blocked; 0-5
senders from the catalog; 0-3 netblocks of its own (IPv4 /27s carved in
order from 10.0.0.0 on, into 11/8 and 12/8 past ~460k domains; IPv6 /48s
from fd00::/8; so no two domains share one); 1-3 DKIM
selectors, of which ~15% are CNAMEs to a vendor-hosted key and ~10% revoked,
the rest RSA 2048 keys drawn from a pool of 20 real keys; DMARC reports to
the provider's report domain for half of the domains, to the customer's own
mailbox for a quarter; a fifth use CNAME delegation for _dmarc; a tenth
include subdomains.

Deterministic: the same --seed, --domains and key pool give byte-identical
files. The key pool is made once with `openssl genpkey` (about 10 s) and
reused when the file exists. Standard library only; YAML is written by hand.

Size and time, one process, on the 2-core development machine: 100,000
domains in ~9 s (408 MB), 1,000,000 in ~2 min 10 s (3.9 GB on disk, 1M
files, ~0.9 GB resident while writing the query file).
"""
import argparse
import base64
import ipaddress
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, os.pardir, "config", "examples")
KEY_POOL_SIZE = 20
# IPv4 /27s are carved in order from 10.0.0.0 on: 10.0.0.0/8 holds 524,288 of
# them (~460k domains); past that the carving runs on into 11/8, 12/8 and 13/8,
# which no sender of the catalog uses. 1.6M domains stay below 14.0.0.0.
MAX_DOMAINS = 1600000

PROVIDER = """\
provider:
  nameservers: [ns1.provider.test, ns2.provider.test]
  hostmaster: hostmaster.provider.test
  spf_zone: _spf.provider.test
  spf_template: "%{i}._ip.%{h}._ehlo.%{d}"
  dmarc_zone: _dmarc.provider.test
  report_domain: reports.provider.test
  ttl: 300
  negative_ttl: 60
  soa: {refresh: 3600, retry: 600, expire: 1209600}
"""
SPF_ZONE = "_spf.provider.test"
DMARC_ZONE = "_dmarc.provider.test"
REPORT_DOMAIN = "reports.provider.test"

WORDS_A = ["blue", "bright", "north", "swift", "green", "silver", "red", "urban", "alpine",
           "coastal", "golden", "prime", "clear", "iron", "quiet", "solar", "royal", "true",
           "wild", "first", "smart", "open", "global", "metro", "cedar", "maple", "nova"]
WORDS_B = ["river", "harbor", "peak", "works", "labs", "trade", "bank", "clinic", "shop",
           "media", "logistics", "foods", "travel", "legal", "energy", "health", "books",
           "motors", "studio", "systems", "capital", "farm", "hotel", "school", "print"]
TLDS = ["com"] * 10 + ["net"] * 2 + ["org"] * 2 + ["de", "co.uk", "fr", "nl", "io", "eu",
                                                   "com.au", "ch", "se", "it"]
SELECTORS = ["s2024", "s2025", "s2026", "selector1", "selector2", "google", "k1", "k2",
             "mail", "default", "dkim", "mx", "sig1", "key2025", "pm", "mandrill"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--domains", type=int, required=True, help="how many domains")
    p.add_argument("--out", required=True, help="folder to write (created; domains/ emptied)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--key-pool", help="file of base64 RSA 2048 public keys, one a line "
                   "(made with openssl if missing; default OUT/dkim_keys.txt)")
    p.add_argument("--queries", help="also write a dnsperf query file here")
    p.add_argument("--query-count", type=int, default=100000)
    p.add_argument("--mix", choices=["reload", "throughput"], default="reload",
                   help="reload: 30%% DMARC, 25%% DKIM, 45%% SPF (bench/reload_bench.sh); "
                   "throughput: 80%% SPF over IPv4 and IPv6, 10%% DMARC, 10%% DKIM "
                   "(bench/throughput_bench.sh)")
    p.add_argument("--catalog", default=os.path.join(EXAMPLES, "senders.yaml"))
    args = p.parse_args(argv)
    if not 0 <= args.domains <= MAX_DOMAINS:
        p.error(f"--domains must be 0..{MAX_DOMAINS}")
    return args


def key_pool(path):
    if os.path.exists(path):
        with open(path) as f:
            keys = [l.strip() for l in f if l.strip()]
        if keys:
            return keys
    keys = []
    for _ in range(KEY_POOL_SIZE):
        pem = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA",
                              "-pkeyopt", "rsa_keygen_bits:2048"],
                             capture_output=True, check=True, timeout=120).stdout
        der = subprocess.run(["openssl", "pkey", "-pubout", "-outform", "DER"], input=pem,
                             capture_output=True, check=True, timeout=60).stdout
        keys.append(base64.b64encode(der).decode("ascii"))
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(keys) + "\n")
    os.replace(tmp, path)
    return keys


def catalog_senders(path):
    """{id: {"ip4": [networks], "ip6": [networks], "helo": [patterns]}} from
    the catalog, read with regular expressions (its layout is the one
    config/examples uses)."""
    with open(path) as f:
        text = f.read()
    blocks = re.split(r"^  ([a-z0-9_-]+):[ \t]*$", text, flags=re.M)
    senders = {}
    for sid, body in zip(blocks[1::2], blocks[2::2]):
        ip4 = []
        m = re.search(r"^\s+ip4:\s*\[(.*?)\]", body, flags=re.M | re.S)
        if m:
            ip4 = [ipaddress.ip_network(x.strip()) for x in m.group(1).split(",") if x.strip()]
        ip6 = []
        m = re.search(r"^\s+ip6:\s*\[(.*?)\]", body, flags=re.M | re.S)
        if m:
            ip6 = [ipaddress.ip_network(x.strip().strip('"')) for x in m.group(1).split(",")
                   if x.strip()]
        helo = []
        m = re.search(r"^\s+helo:\s*\[(.*?)\]", body, flags=re.M | re.S)
        if m:
            helo = [x.strip().strip('"') for x in m.group(1).split(",") if x.strip()]
        senders[sid] = {"ip4": ip4, "ip6": ip6, "helo": helo}
    if not senders:
        sys.exit(f"{path}: no senders found")
    return senders


def quoted(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flow(items, quote=False):
    return "[" + ", ".join(quoted(i) if quote else i for i in items) + "]"


class Generator:
    def __init__(self, seed, keys, senders):
        self.rng = random.Random(seed)
        self.keys = keys
        self.senders = senders
        self.sender_ids = sorted(senders)
        self.next_v4 = 0          # /27s handed out from 10.0.0.0/8
        self.next_v6 = 0          # /48s handed out from fd00::/8
        self.names = set()

    def domain_name(self, i):
        r = self.rng
        while True:
            name = f"{r.choice(WORDS_A)}{r.choice(WORDS_B)}{i}.{r.choice(TLDS)}"
            if name not in self.names:
                self.names.add(name)
                return name

    def netblock(self):
        if self.rng.random() < 0.75:
            base = (10 << 24) + self.next_v4 * 32
            self.next_v4 += 1
            return ipaddress.ip_network((base, 27))
        base = (0xfd00 << 112) + (self.next_v6 << 80)
        self.next_v6 += 1
        return ipaddress.ip_network((base, 48))

    def domain(self, i):
        """(file text, facts for the query file)."""
        r = self.rng
        d = self.domain_name(i)
        dashed = d.replace(".", "-")
        x = r.random()
        mode = "monitor" if x < 0.60 else "enforce" if x < 0.95 else "blocked"
        senders = sorted(r.sample(self.sender_ids, r.randint(0, 5)))
        netblocks = [self.netblock() for _ in range(r.randint(0, 3))]
        lines = [f"# Generated by bench/gen_config.py: domain {i}.", f"domain: {d}",
                 f"mode: {mode}"]
        if r.random() < 0.10:
            lines.append("include_subdomains: true")
        if r.random() < 0.20:
            lines.append("dmarc_delegation: cname")

        if senders or netblocks or r.random() < 0.2:
            lines.append("spf:")
            if senders:
                lines.append(f"  senders: {flow(senders)}")
            if netblocks:
                lines.append(f"  netblocks: {flow([str(n) for n in netblocks], quote=True)}")
            lines.append(f"  all: {'fail' if r.random() < 0.2 else 'softfail'}")

        dmarc = []
        if mode == "enforce":
            dmarc.append(f"p: {r.choice(['quarantine', 'reject', 'reject'])}")
            if r.random() < 0.3:
                dmarc.append(f"sp: {r.choice(['none', 'quarantine', 'reject'])}")
            if r.random() < 0.1:
                dmarc.append(f"pct: {r.choice([10, 25, 50, 75])}")
        y = r.random()
        if y < 0.5:
            dmarc.append(f"rua: [{quoted(f'mailto:{dashed}@{REPORT_DOMAIN}')}]")
        elif y < 0.75:
            dmarc.append(f"rua: [{quoted(f'mailto:dmarc-reports@{d}')}]")
        if r.random() < 0.2:
            dmarc.append("adkim: s")
        if r.random() < 0.1:
            dmarc.append('fo: "1"')
        if r.random() < 0.1 or not dmarc:
            dmarc.append("ri: 86400")
        lines.append("dmarc:")
        lines += ["  " + t for t in dmarc]

        selectors = r.sample(SELECTORS, r.randint(1, 3))
        lines.append("dkim:")
        for sel in selectors:
            z = r.random()
            if z < 0.15:
                lines.append(f"  {sel}: {{cname: {sel}-{dashed}._domainkey."
                             f"{d.split('.')[0]}.onmicrosoft.com}}")
            elif z < 0.25:
                lines.append(f"  {sel}: {{revoked: true}}")
            else:
                lines.append(f"  {sel}: {{k: rsa, p: {quoted(r.choice(self.keys))}, "
                             f"h: [sha256]}}")
        facts = {"domain": d, "senders": senders, "netblocks": netblocks,
                 "selectors": selectors}
        return "\n".join(lines) + "\n", facts


def spf_ip_label(ip):
    if ip.version == 4:
        return str(ip)
    return ".".join(ip.exploded.replace(":", ""))


def query_lines(rng, facts, senders, count):
    """dnsperf lines: 30% DMARC (apex or CNAME target), 25% DKIM, 45% SPF
    macro names (own netblock, a sender's range, or a miss)."""
    out = []
    for _ in range(count):
        f = rng.choice(facts)
        d = f["domain"]
        x = rng.random()
        if x < 0.30:
            name = f"_dmarc.{d}" if rng.random() < 0.67 else f"{d}.{DMARC_ZONE}"
        elif x < 0.55:
            name = f"{rng.choice(f['selectors'])}._domainkey.{d}"
        else:
            helo = f"mail.{d}"
            y = rng.random()
            if y < 0.4 and f["netblocks"]:
                n = rng.choice(f["netblocks"])
                ip = n[rng.randrange(n.num_addresses if n.version == 4 else 1 << 16)]
            elif y < 0.7 and f["senders"] and any(senders[s]["ip4"] for s in f["senders"]):
                sid = rng.choice([s for s in f["senders"] if senders[s]["ip4"]])
                n = rng.choice(senders[sid]["ip4"])
                ip = n[rng.randrange(n.num_addresses)]
                if senders[sid]["helo"]:
                    helo = senders[sid]["helo"][0].replace("*", "o1")
            else:
                ip = ipaddress.ip_address(f"198.18.{rng.randrange(256)}.{rng.randrange(256)}")
            name = f"{spf_ip_label(ip)}._ip.{helo}._ehlo.{d}.{SPF_ZONE}"
        out.append(f"{name} TXT\n")
    return out


def random_in(rng, net):
    """A random address of `net` (at most 2**64 of it considered)."""
    span = min(net.num_addresses, 1 << 64)
    return net[rng.randrange(span)]


def throughput_query_lines(rng, facts, senders, count):
    """The throughput benchmark's mix: 80% SPF macro names, 10% DMARC, 10%
    DKIM. The SPF names spread over all domains, many IPs and HELOs, about
    a third of them IPv6 (nibble labels): the client IP is in one of the
    domain's own netblocks (35%), in a range of one of its senders (30%; a
    sender's HELO then), a miss with a sender's HELO (15%), or a miss with
    the domain's own HELO (20%)."""
    out = []
    misses_v6 = ipaddress.ip_network("2001:db8::/32")
    for _ in range(count):
        f = rng.choice(facts)
        d = f["domain"]
        x = rng.random()
        if x < 0.10:
            name = f"_dmarc.{d}" if rng.random() < 0.67 else f"{d}.{DMARC_ZONE}"
        elif x < 0.20:
            name = f"{rng.choice(f['selectors'])}._domainkey.{d}"
        else:
            helo = rng.choice([f"mail.{d}", f"mx{rng.randrange(1, 20)}.{d}",
                               f"smtp{rng.randrange(1, 1000)}.out.{d}"])
            want_v6 = rng.random() < 0.33
            y = rng.random()
            own = [n for n in f["netblocks"] if (n.version == 6) == want_v6] or f["netblocks"]
            ranged = [s for s in f["senders"] if senders[s]["ip6" if want_v6 else "ip4"]]
            helod = [s for s in f["senders"] if senders[s]["helo"]]
            if y < 0.35 and own:
                ip = random_in(rng, rng.choice(own))
            elif y < 0.65 and ranged:
                sid = rng.choice(ranged)
                ip = random_in(rng, rng.choice(senders[sid]["ip6" if want_v6 else "ip4"]))
                if senders[sid]["helo"]:
                    helo = rng.choice(senders[sid]["helo"]).replace(
                        "*", f"o{rng.randrange(1, 500)}")
            else:
                if want_v6:
                    ip = random_in(rng, misses_v6)
                else:
                    ip = ipaddress.ip_address(
                        f"198.{18 + rng.randrange(2)}.{rng.randrange(256)}.{rng.randrange(256)}")
                if y < 0.80 and helod:
                    sid = rng.choice(helod)
                    helo = rng.choice(senders[sid]["helo"]).replace(
                        "*", f"o{rng.randrange(1, 500)}")
            name = f"{spf_ip_label(ip)}._ip.{helo}._ehlo.{d}.{SPF_ZONE}"
        out.append(f"{name} TXT\n")
    return out


def main(argv):
    args = parse_args(argv)
    out = args.out
    domains_dir = os.path.join(out, "domains")
    os.makedirs(out, exist_ok=True)
    if os.path.isdir(domains_dir):
        shutil.rmtree(domains_dir)
    # dnsd's state (its compiled image) was of the files generated before.
    if os.path.isdir(os.path.join(out, "state")):
        shutil.rmtree(os.path.join(out, "state"))
    os.makedirs(domains_dir)
    keys = key_pool(args.key_pool or os.path.join(out, "dkim_keys.txt"))
    senders = catalog_senders(args.catalog)
    shutil.copyfile(args.catalog, os.path.join(out, "senders.yaml"))
    with open(os.path.join(out, "dnsd.yaml"), "w") as f:
        f.write(f"# Generated by bench/gen_config.py --domains {args.domains} "
                f"--seed {args.seed}.\n"
                'listen: ["127.0.0.1:5300"]\nthreads: 0\n'
                "tcp: {idle_timeout_ms: 10000, max_connections: 1024}\n"
                "udp_payload: 1232\n" + PROVIDER +
                "catalog: senders.yaml\ndomains: domains/\n"
                "state_dir: state/\n")
    gen = Generator(args.seed, keys, senders)
    facts = []
    for i in range(args.domains):
        text, fact = gen.domain(i)
        with open(os.path.join(domains_dir, f"{fact['domain']}.yaml"), "w") as f:
            f.write(text)
        facts.append(fact)
    if args.queries and facts:
        rng = random.Random(args.seed + 1)
        with open(args.queries, "w") as f:
            make = throughput_query_lines if args.mix == "throughput" else query_lines
            f.writelines(make(rng, facts, senders, args.query_count))
    print(f"{out}: {args.domains} domains, {gen.next_v4} IPv4 and {gen.next_v6} IPv6 "
          f"netblocks, {len(keys)} pooled keys", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
