"""`dnsd records` against the running server, for every example domain.

Every line of the "Served by dnsd" part is what dnsd answers, record for
record: for each owner and type, the answer RRset over UDP (EDNS(0)) and
over TCP holds exactly the lines printed there, compared as TTL, type and
rdata octets (ldns-read-zone turns each line into RFC 3597 generic rdata,
kdig shows each answer's rdata in hex); a wildcard line is asked at random
names below it and must be synthesised with the queried owner.

In each zone of the newer families (_bimi, _smtp._tls, _mta-sts of a
domain; the provider's DKIM, TLS-RPT and MTA-STS CNAME target zones), a
name that does not exist is NXDOMAIN and another type at a name that does
is NODATA, each with the zone's SOA in the authority section, owned by the
zone apex (RFC 2308).

The "Publish" part: every NS delegation names a zone dnsd serves, with the
provider's name servers; every CNAME target answers the same TXT as the
name it replaces.
"""
import collections
import glob
import os
import subprocess
import unittest

import yaml

import harness
from harness import kdig

SOA, NS, CNAME, TXT, AAAA = 6, 2, 5, 16, 28
NOERROR, NXDOMAIN = 0, 3

# Served owners under a customer domain, by family, for the newer ones.
FAMILY_ZONES = {"bimi": "_bimi", "tls_rpt": "_smtp._tls", "mta_sts": "_mta-sts"}
# The provider's CNAME target zones, by server-file key.
PROVIDER_ZONE_KEYS = ("dkim_zone", "tls_rpt_zone", "mta_sts_zone")


def setUpModule():
    harness.require_tools("kdig", "ldns-read-zone")


def random_label():
    return "r" + os.urandom(6).hex()


def absolute(name):
    return name.lower().rstrip(".") + "."


def records(config, domain):
    """`dnsd records`: (publish lines, served lines), comments and blank lines left out."""
    out = subprocess.run([harness.DNSD, "records", "-c", config, domain],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0 or out.stderr:
        raise AssertionError(f"dnsd records {domain}: exit {out.returncode}\n{out.stderr}")
    publish, served = out.stdout.split("\n; Served by dnsd:\n")
    def lines(text):
        return [l for l in text.splitlines() if l.strip() and not l.startswith(";")]
    return lines(publish), lines(served)


def generic_rrs(lines, tmp):
    """Zone-file lines as ldns reads them: [(owner, ttl, type, rdata hex)].
    One ldns-read-zone per owner, since it keeps a single SOA per zone
    file; `-U A` prints every other type as RFC 3597 `\\# length hex`."""
    by_owner = collections.defaultdict(list)
    for line in lines:
        by_owner[line.split()[0]].append(line)
    out = []
    for n, (owner, owned) in enumerate(sorted(by_owner.items())):
        path = os.path.join(tmp, f"owner{n}.zone")
        with open(path, "w") as f:
            f.write("\n".join(owned) + "\n")
        read = subprocess.run(["ldns-read-zone", "-U", "A", path], capture_output=True,
                              text=True, timeout=30)
        if read.returncode != 0:
            raise AssertionError(f"ldns-read-zone rejects:\n{''.join(owned)}\n{read.stderr}")
        parsed = []
        for line in read.stdout.splitlines():
            name, ttl, klass, rtype, generic, length, *hexdata = line.split()
            if klass != "IN" or not rtype.startswith("TYPE") or generic != "\\#":
                raise AssertionError(f"ldns-read-zone printed an unexpected line: {line}")
            data = "".join(hexdata).lower()
            if len(data) != 2 * int(length):
                raise AssertionError(f"rdata length does not match: {line}")
            parsed.append((absolute(name), int(ttl), int(rtype[4:]), data))
        if len(parsed) != len(owned):
            raise AssertionError(f"ldns-read-zone read {len(parsed)} of {len(owned)} lines:\n"
                                 + "\n".join(owned))
        out += parsed
    return out


def answer_set(response):
    """The answer section as a sorted list of (owner, ttl, type, rdata hex)."""
    return sorted((absolute(rr["NAME"]), rr["TTL"], rr["TYPE"], rr["RDATAHEX"].lower())
                  for rr in response.get("answerRRs", []))


def without_owner(response):
    """The answer section as a sorted list of (ttl, type, rdata hex)."""
    return [(ttl, t, data) for _, ttl, t, data in answer_set(response)]


class RecordsServedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        tmp = harness.temp_dir()
        cls.addClassCleanup(tmp.cleanup)
        cls.tmp = tmp
        examples = harness.copy_examples(tmp.name)
        cls.config = os.path.join(examples, "dnsd.yaml")
        with open(cls.config) as f:
            cls.provider = yaml.safe_load(f)["provider"]
        cls.negative_ttl = min(cls.provider["ttl"], cls.provider["negative_ttl"])
        cls.domains = []
        for path in sorted(glob.glob(os.path.join(examples, "domains", "*.yaml"))):
            with open(path) as f:
                cls.domains.append(yaml.safe_load(f)["domain"])
        # Per domain: the publish lines, and the served RRsets by (owner, type).
        cls.publish, cls.served = {}, {}
        for domain in cls.domains:
            publish, served = records(cls.config, domain)
            cls.publish[domain] = publish
            rrsets = collections.defaultdict(list)
            for owner, ttl, rtype, data in generic_rrs(served, cls.tmp.name):
                rrsets[(owner, rtype)].append((owner, ttl, rtype, data))
            cls.served[domain] = {key: sorted(rrs) for key, rrs in rrsets.items()}
        cls.server = harness.DnsdServer(config=cls.config)
        cls.addClassCleanup(cls.server.stop)

    def ask(self, name, rtype, tcp=False):
        transport = ("+tcp",) if tcp else ("+bufsize=1232",)
        r = kdig(self.server, name, f"TYPE{rtype}", *transport)
        self.assertEqual((r["QR"], r["AA"], r["TC"], r["RA"]), (1, 1, 0, 0), r)
        return r

    def assertNegative(self, r, rcode, apex, soa_rdata):
        """`r` is NXDOMAIN or NODATA with the zone's SOA, owned by `apex`."""
        self.assertEqual(r["RCODE"], rcode, r)
        self.assertEqual(r["ANCOUNT"], 0, r)
        authority = [(absolute(rr["NAME"]), rr["TTL"], rr["TYPE"], rr["RDATAHEX"].lower())
                     for rr in r.get("authorityRRs", [])]
        self.assertEqual(authority, [(absolute(apex), self.negative_ttl, SOA, soa_rdata)], r)

    def apexes(self, domain):
        """The zones of `domain` in its served part: {apex: SOA rdata}."""
        return {owner: rrs[0][3] for (owner, rtype), rrs in self.served[domain].items()
                if rtype == SOA}

    # ---- the served part, record for record -----------------------------------

    def check_every_served_rrset(self, tcp):
        asked = 0
        for domain in self.domains:
            served = self.served[domain]
            self.assertIn((absolute(f"_dmarc.{domain}"), SOA), served, domain)
            for (owner, rtype), expected in sorted(served.items()):
                names = [owner]
                if owner.startswith("*."):
                    # Synthesised at any name below, owned by the name asked.
                    below = owner[2:]
                    names = [f"{random_label()}.{below}",
                             f"{random_label()}.{random_label()}.{below}"]
                for name in names:
                    with self.subTest(domain=domain, name=name, type=rtype, tcp=tcp):
                        r = self.ask(name, rtype, tcp)
                        self.assertEqual(r["RCODE"], NOERROR, r)
                        self.assertEqual(
                            answer_set(r),
                            sorted((name, ttl, t, data) for _, ttl, t, data in expected))
                        asked += 1
        # Every domain, more than a handful of names each.
        self.assertGreater(asked, 10 * len(self.domains))

    def test_every_served_rrset_over_udp(self):
        self.check_every_served_rrset(tcp=False)

    def test_every_served_rrset_over_tcp(self):
        self.check_every_served_rrset(tcp=True)

    def test_served_part_covers_what_needs_care(self):
        """The RRsets above include one too big for 512 octets (the 4096-bit
        key), a wildcard (the blocked domain's DKIM), CNAMEs, and the provider's
        CNAME target zones of every family."""
        everything = [rr for d in self.domains for rrs in self.served[d].values() for rr in rrs]
        self.assertTrue(any(t == TXT and len(data) // 2 > 512 for _, _, t, data in everything))
        self.assertTrue(any(owner.startswith("*.") for owner, _, _, _ in everything))
        self.assertTrue(any(t == CNAME for _, _, t, _ in everything))
        for key in PROVIDER_ZONE_KEYS + ("dmarc_zone",):
            zone = absolute(self.provider[key])
            with self.subTest(zone=zone):
                self.assertTrue(any(owner.endswith("." + zone) for owner, _, _, _ in everything))

    # ---- negative answers in the newer zones ------------------------------------

    def test_family_zones_nxdomain_and_nodata_with_soa(self):
        seen = set()
        for domain in self.domains:
            for family, prefix in FAMILY_ZONES.items():
                apex = absolute(f"{prefix}.{domain}")
                soa = self.apexes(domain).get(apex)
                if soa is None:
                    continue
                seen.add(family)
                with self.subTest(zone=apex, answer="NXDOMAIN"):
                    r = self.ask(f"{random_label()}.{apex}", TXT)
                    self.assertNegative(r, NXDOMAIN, apex, soa)
                # Another type at a name with records: the deepest one served
                # in this zone (a BIMI selector; the TXT at the apex otherwise).
                owners = sorted({o for (o, _) in self.served[domain]
                                 if o == apex or o.endswith("." + apex)}, key=len)
                name = owners[-1]
                self.assertNotIn((name, AAAA), self.served[domain])
                with self.subTest(zone=apex, name=name, answer="NODATA"):
                    self.assertNegative(self.ask(name, AAAA), NOERROR, apex, soa)
        self.assertEqual(seen, set(FAMILY_ZONES), "the examples should serve every family")

    def test_provider_target_zones_nxdomain_and_nodata_with_soa(self):
        for key in PROVIDER_ZONE_KEYS:
            apex = absolute(self.provider[key])
            with self.subTest(zone=apex):
                r = self.ask(apex, SOA)
                self.assertEqual(r["RCODE"], NOERROR, r)
                answer = answer_set(r)
                self.assertEqual([(o, t) for o, _, t, _ in answer], [(apex, SOA)], r)
                soa = answer[0][3]
                r = self.ask(f"not-a-customer-{random_label()}.example.{apex}", TXT)
                self.assertNegative(r, NXDOMAIN, apex, soa)
                # Every name `dnsd records` lists in this zone: NODATA for AAAA,
                # except at a CNAME (a vendor's DKIM key), which answers any type.
                names = sorted({o for d in self.domains for (o, _) in self.served[d]
                                if o.endswith("." + apex)})
                self.assertTrue(names, f"no example domain has a name in {apex}")
                for name in names:
                    if any((name, CNAME) in self.served[d] for d in self.domains):
                        continue
                    self.assertNegative(self.ask(name, AAAA), NOERROR, apex, soa)
                # A DKIM target's domain part is an empty non-terminal: NODATA,
                # never NXDOMAIN, or resolvers would stop below it (RFC 8020).
                for name in names:
                    parent = name.split(".", 1)[1]
                    if parent != apex and not any(o == parent for d in self.domains
                                                  for (o, _) in self.served[d]):
                        self.assertNegative(self.ask(parent, TXT), NOERROR, apex, soa)

    # ---- the publish part -------------------------------------------------------

    def published(self, rtype):
        """[(domain, owner, [targets])] for the `rtype` lines of every publish part."""
        out = collections.defaultdict(list)
        for domain in self.domains:
            for line in self.publish[domain]:
                owner, ttl, klass, t, value = line.split(None, 4)
                if t == rtype:
                    out[(domain, absolute(owner))].append(absolute(value))
        return [(d, o, sorted(v)) for (d, o), v in sorted(out.items())]

    def test_cname_targets_answer_the_same_txt_as_the_delegated_name(self):
        kinds = set()
        for domain, owner, targets in self.published("CNAME"):
            self.assertEqual(len(targets), 1, owner)
            target = targets[0]
            kinds.add(owner.split(".", 1)[0] if owner.startswith("_") else "_domainkey")
            with self.subTest(owner=owner, target=target):
                # The target is a name dnsd says it serves, as TXT.
                self.assertIn((target, TXT), self.served[domain])
                at_target = self.ask(target, TXT)
                at_owner = self.ask(owner, TXT)
                self.assertEqual(at_target["RCODE"], NOERROR, at_target)
                self.assertEqual(at_owner["RCODE"], NOERROR, at_owner)
                txt = without_owner(at_target)
                self.assertTrue(txt, at_target)
                self.assertEqual({t for _, t, _ in txt}, {TXT}, at_target)
                self.assertEqual(without_owner(at_owner), txt)
        # DMARC, DKIM (a CNAME per selector), TLS-RPT and MTA-STS.
        self.assertEqual(kinds, {"_dmarc", "_domainkey", "_smtp", "_mta-sts"})

    def test_ns_delegations_are_zones_dnsd_serves(self):
        nameservers = sorted(absolute(n) for n in self.provider["nameservers"])
        kinds = set()
        for domain, owner, targets in self.published("NS"):
            kinds.add(owner.split(".", 1)[0])
            with self.subTest(owner=owner):
                self.assertEqual(targets, nameservers)
                self.assertIn(owner, self.apexes(domain))
                r = self.ask(owner, NS)
                self.assertEqual(sorted(rr["rdataNS"].lower() for rr in r["answerRRs"]),
                                 nameservers)
        self.assertEqual(kinds, {"_dmarc", "_domainkey", "_bimi", "_smtp", "_mta-sts"})


if __name__ == "__main__":
    harness.main()
