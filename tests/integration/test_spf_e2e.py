"""The SPF macro zone end to end (policy/spf/README.md): real SPF
validators ask a real recursive resolver, which follows the customers'
include into dnsd.

Everything runs inside a network namespace that this test process makes for
itself (harness.enter_private_network), so port 53 is free and nothing leaves
the machine:

  pyspf, spfquery --/etc/resolv.conf--> unbound 127.0.0.1:53
      (qname minimisation, 0x20)
        stub "."                       --> NSD 127.0.0.1:NSD_PORT, a fake root
                                           zone with the customers' apex SPF
                                           records and the vendors' includes
        stub "_spf.provider.test." and
        the delegated _dmarc/_domainkey --> dnsd 127.0.0.1:<kernel port>

Needs root, unbound, nsd, python3-spf, spfquery (libspf2), iproute2 and
util-linux: scripts/install-deps.sh installs them. Without any of them the
suite is skipped (harness.skip), which ctest counts as skipped.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

import harness
from harness import txt_of

SYSTEM_PYTHON = "/usr/bin/python3"       # the one Debian's python3-spf imports under
NSD_PORT = 10053                         # a fresh namespace: every port is free
UNBOUND_PORT = 53
STARTUP_TIMEOUT = 20                     # seconds, for each server to answer
VALIDATOR_TIMEOUT = 40                   # seconds, for one SPF evaluation

SPF_ZONE = "_spf.provider.test"
MACRO_INCLUDE = f"v=spf1 include:%{{i}}._ip.%{{h}}._ehlo.%{{d}}.{SPF_ZONE} ~all"

# Names past 253 octets. RFC 7208 §7.3: the receiver removes labels from the
# left of the expanded name until it fits, so the IP, or part of it, is gone
# and dnsd answers from what is left (include:<d>._nspf.<zone>).
#
# The validators here fall short of §7.3 in two ways, recorded by the cases:
# pyspf 2.0.14 removes one label only (and raises NameTooLong when that is
# not enough); libspf2 1.2.10 removes none and sends the long name, which
# its resolver refuses: temperror. Neither name then reaches dnsd. So a name
# that one removed label brings under 253 checks dnsd through stock pyspf,
# and for a HELO of four 60-character labels (the IP, "_ip" and the first
# HELO label all cut away) "pyspf+7.3" is pyspf with its truncation
# completed as §7.3 says.
LONG_HELO = ".".join(c * 60 for c in "abcd")


def helo_overflowing(ip, domain, total=254):
    """A HELO that makes the expanded include exactly `total` octets long:
    just past 253, so that removing the first label of the IP is enough."""
    n = total - len(f"{ip}._ip.") - len(f"._ehlo.{domain}.{SPF_ZONE}")
    full = (n - 1) // 51                      # labels of 50 octets and a dot
    return "h" * 50 + ("." + "h" * 50) * (full - 1) + "." + "t" * (n - 51 * full)


# Customers of dnsd (config/examples, and TERMS_DOMAIN added by this test)
# and one domain that publishes the same include without ever having been
# configured in dnsd.
CUSTOMERS = ["enforce.example", "blocked.example", "monitor.example", "bigkey.example",
             "stranger.example", "terms.example", "sub.terms.example"]

# Answer the terms rule: a domain's own terms. Inside the included answer %{d} would
# be dnsd's query name, so dnsd must write in the customer's domain (or the
# subdomain asked about); %{l} only the receiver knows, so it passes through.
TERMS_DOMAIN = """\
domain: terms.example
mode: monitor
include_subdomains: true
spf:
  terms: ["a:_relays.%{d}", "exists:%{l}._senders.%{d}", "ip4:198.18.9.0/24"]
"""
# What the fake root serves for those terms, and for enforce.example's
# "exists:%{i}._spf.mta.salesforce.com" (config/examples).
TERMS_RECORDS = [
    "_relays.terms.example. A 198.18.1.1",
    "_relays.sub.terms.example. A 198.18.2.2",
    "ceo._senders.terms.example. A 127.0.0.2",
    "198.18.5.5._spf.mta.salesforce.com. A 127.0.0.2",
]

# The vendors' own SPF records, as the receivers see them. Microsoft's carries
# a range that dnsd's seed in senders.yaml does not know yet (198.51.100.0/24):
# dnsd recognises such a sender by its HELO and hands out the include (rule 5).
VENDOR_RECORDS = {
    "spf.protection.outlook.com":
        "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:198.51.100.0/24 -all",
    "amazonses.com": "v=spf1 ip4:54.240.0.0/18 ip4:199.255.192.0/22 -all",
}

# A result of include other than pass (softfail, neutral, fail) is "no match"
# for the customer's record, whose own ~all then gives softfail.
PASS, SOFTFAIL, NOT_PASS = {"pass"}, {"softfail"}, {"fail", "softfail"}
# What a validator that cannot evaluate the name at all gives (see above).
NO_TRUNCATION = {"temperror"}          # libspf2
ONE_LABEL_TRUNCATION = {"NameTooLong"}  # pyspf, an exception


def case(name, ip, domain, helo, expect, **other):
    """`expect` is what pyspf and spfquery must give; `other` overrides or
    adds validators (pyspf, spfquery, pyspf+7.3)."""
    return (name, ip, domain, helo, {"pyspf": expect, "spfquery": expect, **other})


CASES = [
    case("netblock IPv4", "192.0.2.7", "enforce.example", "mail.enforce.example", PASS),
    case("netblock IPv6", "2001:db8:10::25", "enforce.example", "mail.enforce.example", PASS),
    case("IPv4-mapped IPv6", "::ffff:192.0.2.7", "enforce.example", "mail.enforce.example", PASS),
    case("enabled sender's IP (office365)", "40.92.1.1", "enforce.example",
         "mail.enforce.example", PASS),
    case("enabled sender's HELO, range new to dnsd", "198.51.100.25", "enforce.example",
         "mail-am6eur05on2099.outbound.protection.outlook.com", PASS),
    case("enabled sender answered by include (SES)", "54.240.0.10", "bigkey.example",
         "a8-30.smtp-out.amazonses.com", PASS),
    case("sender not enabled (google IP)", "209.85.128.5", "enforce.example",
         "mail-wr1-f54.google.com", SOFTFAIL),
    case("enabled google on monitor.example", "209.85.128.5", "monitor.example",
         "mail-wr1-f54.google.com", PASS),
    case("unconfigured domain (stranger.example)", "192.0.2.7", "stranger.example",
         "mail.stranger.example", SOFTFAIL),
    case("blocked domain", "192.0.2.7", "blocked.example", "mail.blocked.example", NOT_PASS),
    case("254-octet name, IP partly cut, netblock IP", "192.0.2.7", "enforce.example",
         helo_overflowing("192.0.2.7", "enforce.example"), PASS,
         spfquery=PASS | NO_TRUNCATION),
    case("254-octet name, IP partly cut, other IP", "203.0.113.9", "enforce.example",
         helo_overflowing("203.0.113.9", "enforce.example"), SOFTFAIL,
         spfquery=SOFTFAIL | NO_TRUNCATION),
    case("4x60 HELO, IP cut away, netblock IP", "192.0.2.7", "enforce.example", LONG_HELO,
         PASS, pyspf=PASS | ONE_LABEL_TRUNCATION, spfquery=PASS | NO_TRUNCATION,
         **{"pyspf+7.3": PASS}),
    case("4x60 HELO, IP cut away, IPv6 netblock IP", "2001:db8:10::25", "enforce.example",
         LONG_HELO, PASS, pyspf=PASS | ONE_LABEL_TRUNCATION, spfquery=PASS | NO_TRUNCATION,
         **{"pyspf+7.3": PASS}),
    case("4x60 HELO, IP cut away, other IP", "203.0.113.9", "enforce.example", LONG_HELO,
         SOFTFAIL, pyspf=SOFTFAIL | ONE_LABEL_TRUNCATION,
         spfquery=SOFTFAIL | NO_TRUNCATION, **{"pyspf+7.3": SOFTFAIL}),
    case("4x60 HELO, unconfigured domain", "192.0.2.7", "stranger.example", LONG_HELO,
         SOFTFAIL, pyspf=SOFTFAIL | ONE_LABEL_TRUNCATION,
         spfquery=SOFTFAIL | NO_TRUNCATION, **{"pyspf+7.3": SOFTFAIL}),
    case("4x60 HELO, blocked domain", "192.0.2.7", "blocked.example", LONG_HELO,
         NOT_PASS, pyspf=NOT_PASS | ONE_LABEL_TRUNCATION,
         spfquery=NOT_PASS | NO_TRUNCATION, **{"pyspf+7.3": NOT_PASS}),
    case("the terms rule: exists:%{i} in enforce.example's terms", "198.18.5.5", "enforce.example",
         "mail.enforce.example", PASS),
    case("the terms rule: exists:%{i}, an IP it does not list", "198.18.5.6", "enforce.example",
         "mail.enforce.example", SOFTFAIL),
    case("the terms rule: a:_relays.%{d} is the customer's domain", "198.18.1.1", "terms.example",
         "mx.terms.example", PASS),
    case("the terms rule: %{d} is the subdomain asked about", "198.18.2.2", "sub.terms.example",
         "mx.terms.example", PASS),
    case("the terms rule: the parent's relay is not the subdomain's", "198.18.1.1", "sub.terms.example",
         "mx.terms.example", SOFTFAIL),
    case("the terms rule: %{l} is left to the receiver", "203.0.113.9", "ceo@terms.example",
         "mx.terms.example", PASS),
    case("the terms rule: %{l} of another sender", "203.0.113.9", "user@terms.example",
         "mx.terms.example", SOFTFAIL),
    case("the terms rule: an ip4 term", "198.18.9.9", "terms.example", "mx.terms.example", PASS),
    case("the terms rule: an IPv6 client, no term matches", "2001:db8:99::1", "terms.example",
         "mx.terms.example", SOFTFAIL),
]
VALIDATORS = ["pyspf", "spfquery", "pyspf+7.3"]

# argv: ip sender helo [truncate]. Prints [result, explanation]; an exception
# (pyspf lets dnspython's NameTooLong through) is printed as its class name.
PYSPF_SCRIPT = """
import json, sys, spf
if sys.argv[4:] == ["truncate"]:
    one_label = spf.query.expand
    def expand(self, s, stripdot=True):
        result = one_label(self, s, stripdot)
        while len(result) > 253 and "." in result:   # RFC 7208 section 7.3
            result = result[result.index(".") + 1:]
        return result
    spf.query.expand = expand
try:
    print(json.dumps(list(spf.check2(i=sys.argv[1], s=sys.argv[2], h=sys.argv[3]))))
except Exception as e:
    print(json.dumps([type(e).__name__, str(e)]))
"""

_work = None          # the module's temporary directory
RESULTS = {}          # case -> {"pyspf": ..., "spfquery": ...}, for the report


def setUpModule():
    global _work
    harness.require_root("a network namespace of its own")
    harness.require_tools("unbound", "unbound-checkconf", "nsd", "nsd-checkconf",
                          "nsd-checkzone", "spfquery", "kdig", "ip")
    harness.require_modules("spf")      # pyspf, run under SYSTEM_PYTHON
    _work = tempfile.TemporaryDirectory(prefix="dnsd-spf-e2e-")
    unittest.addModuleCleanup(_work.cleanup)
    resolv = os.path.join(_work.name, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.1\noptions timeout:5 attempts:2\n")
    harness.enter_private_network(resolv)
    unittest.addModuleCleanup(harness.leave_resolv_conf)


def ask(port, name, qtype="TXT", recurse=False):
    """kdig's JSON answer from 127.0.0.1:port, or None when nothing answered."""
    out = subprocess.run(
        ["kdig", "@127.0.0.1", "-p", str(port), "+json", "+retry=0", "+timeout=2",
         "+rec" if recurse else "+norec", name, qtype],
        capture_output=True, text=True, timeout=harness.CLIENT_TIMEOUT)
    if out.returncode != 0 or not out.stdout.strip().startswith("{"):
        return None
    return json.loads(out.stdout)


def wait_for_answer(what, alive, log, port, name, qtype, recurse=False):
    """Asks until `what` (a server, `alive` while it runs, `log` its output so
    far) answers name/qtype with data; bounded by STARTUP_TIMEOUT."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if not alive():
            raise AssertionError(f"{what} exited:\n{log()}")
        r = ask(port, name, qtype, recurse)
        if r is not None and r["RCODE"] == 0 and r.get("ANCOUNT", 0) > 0:
            return r
        time.sleep(0.2)
    raise AssertionError(f"{what} did not answer {name} {qtype} within "
                         f"{STARTUP_TIMEOUT}s:\n{log()}")


# ---- the configuration of each server -----------------------------------------

def root_zone():
    """The fake root that NSD serves: customers' zones, vendors' records, and
    the delegations to dnsd that a customer publishes (`dnsd records`)."""
    lines = [
        "$TTL 300",
        ". SOA ns.root.test. hostmaster.root.test. 1 3600 600 86400 60",
        ". NS ns.root.test.",
        "ns.root.test. A 127.0.0.1",
        f"{SPF_ZONE}. NS ns1.provider.test.",
        "_dmarc.provider.test. NS ns1.provider.test.",
        "ns1.provider.test. A 127.0.0.1",
    ]
    for domain in CUSTOMERS:
        lines.append(f'{domain}. TXT "{MACRO_INCLUDE}"')
        lines.append(f"{domain}. MX 10 mail.{domain}.")
        lines.append(f"mail.{domain}. A 192.0.2.25")
    for name in ("_dmarc.enforce.example", "_domainkey.enforce.example"):
        lines.append(f"{name}. NS ns1.provider.test.")
    lines.append("_dmarc.cname.example. CNAME cname.example._dmarc.provider.test.")
    for name, record in VENDOR_RECORDS.items():
        lines.append(f'{name}. TXT "{record}"')
    lines.extend(TERMS_RECORDS)
    return "\n".join(lines) + "\n"


def nsd_conf(d):
    return f"""server:
  ip-address: 127.0.0.1@{NSD_PORT}
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "{d}"
  database: ""
  zonelistfile: "{d}/zone.list"
  xfrdfile: "{d}/xfrd.state"
  xfrdir: "{d}"
  pidfile: "{d}/nsd.pid"
  logfile: "{d}/nsd.log"
  verbosity: 1
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "."
  zonefile: "{d}/root.zone"
"""


def unbound_conf(d, dnsd_port):
    stubs = "".join(
        f'stub-zone:\n  name: "{zone}."\n  stub-addr: 127.0.0.1@{dnsd_port}\n'
        for zone in (SPF_ZONE, "_dmarc.provider.test", "_dmarc.enforce.example",
                     "_domainkey.enforce.example"))
    return f"""server:
  interface: 127.0.0.1@{UNBOUND_PORT}
  do-ip6: no
  username: ""
  chroot: ""
  directory: "{d}"
  pidfile: "{d}/unbound.pid"
  logfile: ""
  use-syslog: no
  log-time-ascii: yes
  verbosity: 3
  num-threads: 1
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  qname-minimisation: yes
  # An NXDOMAIN for any ancestor of a macro name is final (RFC 8020), as it
  # is for the resolvers that implement RFC 9156 strictly: no retry with the
  # full name hides a missing empty non-terminal.
  qname-minimisation-strict: yes
  use-caps-for-id: yes
  local-zone: "test." nodefault
  local-zone: "example." nodefault
remote-control:
  control-enable: no
stub-zone:
  name: "."
  stub-addr: 127.0.0.1@{NSD_PORT}
{stubs}"""


# ---- the validators ----------------------------------------------------------------

def pyspf(ip, sender, helo, truncate=False):
    """pyspf's verdict and explanation; with `truncate`, as pyspf+7.3."""
    out = harness.run([SYSTEM_PYTHON, "-c", PYSPF_SCRIPT, ip, sender, helo,
               *(["truncate"] if truncate else [])], timeout=VALIDATOR_TIMEOUT)
    result, explanation = json.loads(out.stdout)
    return result, explanation


def spfquery(ip, sender, helo):
    """libspf2's verdict, from the Received-SPF line spfquery prints, and the output."""
    out = harness.run(["spfquery", "-ip", ip, "-sender", sender, "-helo", helo],
              timeout=VALIDATOR_TIMEOUT, check=False)
    m = re.search(r"^Received-SPF: (\w+)", out.stdout, re.MULTILINE)
    if not m:
        raise AssertionError(f"spfquery gave no verdict (exit {out.returncode}):\n"
                             f"{out.stdout}{out.stderr}")
    return m.group(1), out.stdout + out.stderr


VALIDATE = {
    "pyspf": pyspf,
    "spfquery": spfquery,
    "pyspf+7.3": lambda ip, sender, helo: pyspf(ip, sender, helo, truncate=True),
}


class SpfEndToEndTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.dir = os.path.join(_work.name, "run")
        os.makedirs(cls.dir)
        cls.daemons = []
        cls.addClassCleanup(cls._stop_all)

        # dnsd: the example configuration plus TERMS_DOMAIN (stranger.example
        # stays unconfigured on purpose).
        config = harness.copy_examples(cls.dir)
        with open(os.path.join(config, "domains", "terms.example.yaml"), "w") as f:
            f.write(TERMS_DOMAIN)
        harness.run([harness.DNSD, "check", "-c", os.path.join(config, "dnsd.yaml")])
        cls.dnsd = harness.DnsdServer(config=os.path.join(config, "dnsd.yaml"))
        cls.daemons.append(cls.dnsd)
        wait_for_answer("dnsd", cls.dnsd.alive, lambda: "".join(cls.dnsd.log),
                        cls.dnsd.port, SPF_ZONE, "SOA")

        # NSD: the fake root.
        nsd_dir = os.path.join(cls.dir, "nsd")
        os.makedirs(nsd_dir)
        with open(os.path.join(nsd_dir, "root.zone"), "w") as f:
            f.write(root_zone())
        with open(os.path.join(nsd_dir, "nsd.conf"), "w") as f:
            f.write(nsd_conf(nsd_dir))
        harness.run(["nsd-checkconf", os.path.join(nsd_dir, "nsd.conf")])
        harness.run(["nsd-checkzone", ".", os.path.join(nsd_dir, "root.zone")])
        nsd = harness.Daemon("nsd", ["nsd", "-d", "-c", os.path.join(nsd_dir, "nsd.conf")],
                     os.path.join(nsd_dir, "stdout.log"))
        cls.daemons.append(nsd)
        wait_for_answer("nsd", nsd.alive, nsd.log, NSD_PORT, ".", "SOA")

        # unbound: the receivers' resolver, on port 53 of the namespace.
        ub_dir = os.path.join(cls.dir, "unbound")
        os.makedirs(ub_dir)
        cls.unbound_conf = os.path.join(ub_dir, "unbound.conf")
        with open(cls.unbound_conf, "w") as f:
            f.write(unbound_conf(ub_dir, cls.dnsd.port))
        cls.checkconf = harness.run(["unbound-checkconf", cls.unbound_conf])
        cls.unbound = harness.Daemon("unbound", ["unbound", "-d", "-c", cls.unbound_conf],
                             os.path.join(ub_dir, "unbound.log"))
        cls.daemons.append(cls.unbound)
        wait_for_answer("unbound", cls.unbound.alive, cls.unbound.log, UNBOUND_PORT,
                        "enforce.example", "TXT", recurse=True)

    @classmethod
    def _stop_all(cls):
        for d in reversed(cls.daemons):
            try:
                d.stop()
            except Exception as e:  # keep stopping the others
                print(f"stopping {getattr(d, 'name', 'dnsd')}: {e}", file=sys.stderr)
        cls.daemons = []
        if RESULTS:
            width = max(len(c) for c in RESULTS)
            print("\n" + f"{'case':<{width}}  " + "".join(f"{v:<13}" for v in VALIDATORS),
                  file=sys.stderr)
            for case, r in RESULTS.items():
                print(f"{case:<{width}}  " + "".join(f"{r.get(v, '-'):<13}" for v in VALIDATORS),
                      file=sys.stderr)

    def resolve(self, name, qtype="TXT"):
        r = ask(UNBOUND_PORT, name, qtype, recurse=True)
        self.assertIsNotNone(r, f"unbound did not answer {name} {qtype}")
        return r

    def assertServersAlive(self):
        for d in self.daemons:
            self.assertTrue(d.alive(), f"{getattr(d, 'name', 'dnsd')} died")

    # -- the environment itself ----------------------------------------------------

    def test_resolver_sees_the_world(self):
        with open("/etc/resolv.conf") as f:
            self.assertEqual(f.read().split()[:2], ["nameserver", "127.0.0.1"])
        r = self.resolve("enforce.example")
        self.assertEqual(r["RCODE"], 0)
        self.assertEqual([txt_of(rr) for rr in r["answerRRs"] if rr["TYPE"] == 16],
                         [MACRO_INCLUDE])
        # Outside every zone of the fake world: NXDOMAIN from the fake root.
        self.assertEqual(self.resolve("192.0.2.7._spf.mta.salesforce.com")["RCODE"], 3)

    def test_macro_name_through_the_resolver(self):
        name = f"192.0.2.7._ip.mail.enforce.example._ehlo.enforce.example.{SPF_ZONE}"
        r = self.resolve(name)
        self.assertEqual(r["RCODE"], 0, r)
        self.assertEqual([txt_of(rr) for rr in r["answerRRs"]], ["v=spf1 ip4:192.0.2.7 ~all"])
        for ancestor in (f"_ehlo.enforce.example.{SPF_ZONE}",
                         f"mail.enforce.example._ehlo.enforce.example.{SPF_ZONE}",
                         f"_ip.mail.enforce.example._ehlo.enforce.example.{SPF_ZONE}"):
            r = self.resolve(ancestor)
            self.assertEqual(r["RCODE"], 0, f"{ancestor}: {r}")
            self.assertEqual(r.get("ANCOUNT", 0), 0, f"{ancestor}: {r}")

    def test_resolver_minimised_its_queries(self):
        """unbound's log (verbosity 3) names each query it sends upstream: it
        walked down the SPF zone one label at a time instead of sending the
        full macro name at once."""
        self.assertIn("no errors", self.checkconf.stdout)
        name = f"203.0.113.77._ip.mx.monitor.example._ehlo.monitor.example.{SPF_ZONE}"
        r = self.resolve(name)
        self.assertEqual(r["RCODE"], 0, r)
        self.assertEqual([txt_of(rr) for rr in r["answerRRs"]], ["v=spf1 ~all"])
        sent = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:   # the log is written asynchronously
            sent = [m.group(1).lower().rstrip(".") for m in
                    re.finditer(r"sending query: (\S+) ", self.unbound.log())]
            if name.lower() in sent:
                break
            time.sleep(0.1)
        ours = [q for q in sent if q.endswith("monitor.example." + SPF_ZONE.lower())
                or q == "example." + SPF_ZONE.lower()]
        self.assertIn(f"_ehlo.monitor.example.{SPF_ZONE}", ours, sent)
        self.assertIn(name, ours)
        # 0x20: dnsd echoed every mixed-case question, so unbound never logged
        # a "wrong 0x20-ID in reply qname" nor fell back ("Capsforid: ...").
        self.assertNotRegex(self.unbound.log().lower(), r"capsforid|0x20")

    def test_dmarc_through_the_delegations(self):
        expected = "v=DMARC1; p=reject; psd=n; np=reject; sp=quarantine"
        r = self.resolve("_dmarc.enforce.example")
        self.assertTrue(txt_of(r["answerRRs"][-1]).startswith(expected), r)
        r = self.resolve("_dmarc.cname.example")
        self.assertEqual(r["RCODE"], 0, r)
        self.assertTrue(txt_of(r["answerRRs"][-1]).startswith("v=DMARC1; p=reject"), r)
        r = self.resolve("ed2026._domainkey.enforce.example")
        self.assertTrue(txt_of(r["answerRRs"][-1]).startswith("v=DKIM1; k=ed25519"), r)

    # -- the SPF verdicts, from both validators ---------------------------------------

    def check_case(self, case, ip, domain, helo, expect):
        sender = domain if "@" in domain else f"user@{domain}"
        for validator, accepted in expect.items():
            got, detail = VALIDATE[validator](ip, sender, helo)
            RESULTS.setdefault(case, {})[validator] = got
            with self.subTest(validator=validator):
                self.assertIn(got, accepted,
                              f"{case}: {validator} -ip {ip} -sender {sender} -helo {helo}:\n"
                              f"{detail}")
        self.assertServersAlive()


def _add_case(index, case):
    name = "test_spf_%02d_%s" % (index, re.sub(r"\W+", "_", case[0].lower()).strip("_"))
    setattr(SpfEndToEndTest, name, lambda self: self.check_case(*case))


for _i, _case in enumerate(CASES):
    _add_case(_i, _case)


if __name__ == "__main__":
    harness.main()
