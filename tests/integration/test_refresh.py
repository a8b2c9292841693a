"""The catalog refresher against a real authoritative server (policy/spf/README.md,"Sending-service catalog"): NSD serves fake vendor zones on a loopback port
and dnsd's resolver setting points straight at it (NSD answers its
authoritative data to queries with RD set, as a recursive resolver would
answer them).

  dnsd (refresher, ldns) --RD--> NSD 127.0.0.1:<free port>, zone vendor.test

Every record has a TTL of 2 s and the refresh floor is 1 s, so a changed
record must be in dnsd's answers about 2 s after NSD serves it. Covered: a
change reaches the answers within its TTL; an outage keeps the last good
ranges; a restart with no resolver reachable serves the persisted ranges
(and a corrupt state file is ignored); a looping or over-limit vendor record
is reported and keeps the last good ranges. Every wait is bounded.

Needs nsd and kdig: scripts/install-deps.sh installs them.
"""
import os
import re
import signal
import subprocess
import time
import unittest
import urllib.request

import yaml

import harness

TTL = 2                 # of every vendor record
WAIT = 15               # seconds, the most any one condition may take
SPF_ZONE = "_spf.provider.test"
NSPF = f"example.com._nspf.{SPF_ZONE}"

# The vendor's records as NSD serves them at first: an include chain with a,
# mx and both address families. What a receiver accepts as pass:
#   192.0.2.0/25 (ip4), 203.0.113.16/28 (a/28), 198.51.100.4/30 (mx/30),
#   2001:db8:b::/48 (ip6).
VENDOR = {
    "spf.vendor.test.": ['TXT "v=spf1 include:_a.vendor.test include:_b.vendor.test -all"'],
    "_a.vendor.test.": ['TXT "v=spf1 ip4:192.0.2.0/25 a:out.vendor.test/28 -all"'],
    "out.vendor.test.": ["A 203.0.113.20"],
    "_b.vendor.test.": ['TXT "v=spf1 ip6:2001:db8:b::/48 mx/30 ~all"', "MX 10 mx.vendor.test."],
    "mx.vendor.test.": ["A 198.51.100.5"],
}
REFRESHED = ("v=spf1 ip4:192.0.2.0/25 ip4:198.51.100.4/30 ip4:203.0.113.16/28 "
             "ip6:2001:db8:b::/48 ip4:198.18.1.0/24 ~all")
SEED = "v=spf1 ip4:198.18.0.0/24 ip4:198.18.1.0/24 ~all"

DNSD_YAML = """
provider:
  nameservers: [ns1.provider.test]
  hostmaster: hostmaster.provider.test
  spf_zone: _spf.provider.test
  dmarc_zone: _dmarc.provider.test
  report_domain: reports.provider.test
catalog: senders.yaml
domains: domains/
resolver: {{servers: ["127.0.0.1:{port}"], timeout_ms: 300}}
refresh: {{min_interval_s: 1, max_interval_s: 30, retry_initial_s: 1, retry_max_s: 2}}
state_dir: {state}
"""

# `missing` names an include that does not exist: every refresh of it is
# rejected and it keeps its seed.
SENDERS_YAML = """
senders:
  vendor:
    name: Vendor
    include: spf.vendor.test
    ranges: {as_of: 2026-01-01, from: spf.vendor.test, ip4: [198.18.0.0/24]}
  missing:
    name: Missing
    include: none.vendor.test
    ranges: {ip4: [198.18.1.0/24]}
"""

DOMAIN_YAML = """
domain: example.com
mode: monitor
spf:
  senders: [vendor, missing]
"""


def run(argv, timeout=harness.CLIENT_TIMEOUT):
    out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {out.returncode}:\n"
                             f"{out.stdout}{out.stderr}")
    return out


def wait_until(what, check, timeout=WAIT, server=None):
    """Calls `check` until it returns something true; returns that. On
    failure, the message ends with `server`'s last log lines."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            log = "".join(server.log[-30:]) if server is not None else ""
            raise AssertionError(f"not within {timeout} s: {what}\n{log}")
        time.sleep(0.05)


# ---- NSD, the vendors' name server ---------------------------------------------

class Nsd:
    """NSD serving vendor.test on 127.0.0.1:port from a zone file this test
    rewrites; stopped by its PID (its process group: NSD forks)."""

    def __init__(self, folder, port, records):
        self.dir, self.port, self.serial = folder, port, 1
        os.makedirs(folder, exist_ok=True)
        self.zone_file = os.path.join(folder, "vendor.test.zone")
        self.conf = os.path.join(folder, "nsd.conf")
        with open(self.conf, "w") as f:
            f.write(f"""server:
  ip-address: 127.0.0.1@{port}
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "{folder}"
  database: ""
  zonelistfile: "{folder}/zone.list"
  xfrdfile: "{folder}/xfrd.state"
  xfrdir: "{folder}"
  pidfile: "{folder}/nsd.pid"
  logfile: "{folder}/nsd.log"
  verbosity: 1
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "vendor.test"
  zonefile: "{self.zone_file}"
""")
        run(["nsd-checkconf", self.conf])
        self.write(records)
        self.proc = None
        self.start()

    def write(self, records):
        lines = [f"$TTL {TTL}",
                 f"vendor.test. SOA ns.vendor.test. h.vendor.test. {self.serial} 3600 600 86400 1",
                 "vendor.test. NS ns.vendor.test.", "ns.vendor.test. A 127.0.0.1"]
        for name, rrs in records.items():
            lines += [f"{name} {rr}" for rr in rrs]
        with open(self.zone_file, "w") as f:
            f.write("\n".join(lines) + "\n")
        run(["nsd-checkzone", "vendor.test", self.zone_file])
        # NSD reloads a zone file on SIGHUP only if its mtime changed.
        stamp = time.time() + self.serial
        os.utime(self.zone_file, (stamp, stamp))
        self.serial += 1

    def start(self):
        self.log = open(os.path.join(self.dir, "stdout.log"), "ab")
        self.proc = subprocess.Popen(["nsd", "-d", "-c", self.conf], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_until("NSD answers", lambda: self.txt("spf.vendor.test") is not None)

    def stop(self):
        if self.proc is None:
            return
        harness.terminate(self.proc)
        try:  # NSD's children go with their leader's group
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc = None
        self.log.close()

    def change(self, records, name, text):
        """Serves `records`, and returns once NSD answers `name` with `text`."""
        self.write(records)
        self.proc.send_signal(signal.SIGHUP)
        wait_until(f"NSD serves the new {name}", lambda: self.txt(name) == text)
        return time.monotonic()

    def txt(self, name):
        """NSD's TXT answer for `name` (strings joined), or None."""
        out = subprocess.run(["kdig", "@127.0.0.1", "-p", str(self.port), "+short", "+retry=0",
                              "+timeout=1", name, "TXT"],
                             capture_output=True, text=True, timeout=harness.CLIENT_TIMEOUT)
        if out.returncode != 0 or not out.stdout.strip():
            return None
        return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', out.stdout))


# ---- dnsd ------------------------------------------------------------------------

def write_config(folder, nsd_port, state_dir):
    os.makedirs(os.path.join(folder, "domains"), exist_ok=True)
    with open(os.path.join(folder, "dnsd.yaml"), "w") as f:
        f.write(DNSD_YAML.format(port=nsd_port, state=state_dir))
    with open(os.path.join(folder, "senders.yaml"), "w") as f:
        f.write(SENDERS_YAML)
    with open(os.path.join(folder, "domains", "example.com.yaml"), "w") as f:
        f.write(DOMAIN_YAML)
    config = os.path.join(folder, "dnsd.yaml")
    run([harness.DNSD, "check", "-c", config])
    return config


def metrics_port(server):
    m = harness.wait_for_log(server, r"metrics on port (\d+)")
    return int(m.group(1))


def scrape(server, path="/metrics"):
    url = f"http://127.0.0.1:{metrics_port(server)}{path}"
    with urllib.request.urlopen(url, timeout=harness.CLIENT_TIMEOUT) as r:
        return r.read().decode()


def sample(text, name, **labels):
    """One sample's value, or None if it is absent."""
    want = sorted(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        m = re.match(r"([a-z_]+)(?:\{([^}]*)\})? (\S+)$", line)
        if m and m.group(1) == name and sorted(filter(None, (m.group(2) or "").split(","))) == want:
            return float(m.group(3))
    return None


def nspf(server):
    """The text of example.com's macro-free record: every range in use."""
    rcode, texts = harness.udp_txt(server, NSPF)
    assert rcode == 0 and len(texts) == 1, (rcode, texts)
    return texts[0]


def macro_answer(server, ip):
    """dnsd's answer to the include a receiver sends for mail from `ip`."""
    rcode, texts = harness.udp_txt(server, f"{ip}._ip.mail.example.com._ehlo.example.com.{SPF_ZONE}")
    assert rcode == 0 and len(texts) == 1, (rcode, texts)
    return texts[0]


def passes(server, ip):
    return macro_answer(server, ip) == f"v=spf1 ip4:{ip} ~all"


class RefreshTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        harness.require_tools("nsd", "nsd-checkconf", "nsd-checkzone", "kdig")

    def setUp(self):
        self.tmp = harness.temp_dir()
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name
        self.state_dir = os.path.join(self.dir, "state")
        self.state_file = os.path.join(self.state_dir, "catalog-ranges.yaml")
        self.nsd = Nsd(os.path.join(self.dir, "nsd"), harness.free_tcp_port(), VENDOR)
        self.addCleanup(self.nsd.stop)
        self.config = write_config(os.path.join(self.dir, "etc"), self.nsd.port, self.state_dir)

    def start_dnsd(self):
        server = harness.DnsdServer(config=self.config)
        self.addCleanup(server.stop)
        return server

    def wait_refreshed(self, server):
        wait_until("the vendor's ranges are in the answers", lambda: nspf(server) == REFRESHED,
                   server=server)

    def saved(self):
        with open(self.state_file) as f:
            return yaml.safe_load(f)

    def test_changed_record_reaches_the_answers_within_its_ttl(self):
        server = self.start_dnsd()
        self.wait_refreshed(server)
        self.assertTrue(passes(server, "192.0.2.77"))
        self.assertTrue(passes(server, "203.0.113.29"))     # a:out.vendor.test/28
        self.assertTrue(passes(server, "198.51.100.7"))     # mx/30
        self.assertFalse(passes(server, "198.18.0.5"))      # the seed is replaced
        self.assertTrue(passes(server, "198.18.1.5"))       # `missing` keeps its seed
        harness.wait_for_log(server, r"catalog refresh: vendor \(spf\.vendor\.test\): 4 ranges, "
                                     r"replacing 1 seed ones")
        harness.wait_for_log(server, r"reload \(catalog refresh\): generation \d+")

        changed = dict(VENDOR)
        changed["_a.vendor.test."] = ['TXT "v=spf1 ip4:192.0.2.128/25 a:out.vendor.test/28 -all"']
        served = self.nsd.change(changed, "_a.vendor.test",
                                 "v=spf1 ip4:192.0.2.128/25 a:out.vendor.test/28 -all")
        wait_until("the changed range is answered", lambda: passes(server, "192.0.2.200"),
                   server=server)
        took = time.monotonic() - served
        print(f"\nchanged record in dnsd's answers {took:.2f} s after NSD served it "
              f"(TTL {TTL} s)", flush=True)
        self.assertLessEqual(took, TTL + 1.0)  # the TTL, plus look-ups and a compile
        self.assertFalse(passes(server, "192.0.2.77"))
        self.assertIn("ip4:192.0.2.128/25", nspf(server))

        text = scrape(server)
        self.assertGreaterEqual(sample(text, "dnsd_catalog_refresh_total", sender="vendor",
                                       result="ok"), 2)
        self.assertEqual(sample(text, "dnsd_catalog_refresh_total", sender="vendor",
                                result="failed"), 0)
        self.assertEqual(sample(text, "dnsd_catalog_ranges", sender="vendor"), 4)
        self.assertEqual(sample(text, "dnsd_catalog_ranges", sender="missing"), 1)
        self.assertGreaterEqual(sample(text, "dnsd_catalog_refresh_total", sender="missing",
                                       result="rejected"), 1)
        stamp = sample(text, "dnsd_catalog_last_refresh_success_timestamp_seconds",
                       sender="vendor")
        self.assertLess(abs(time.time() - stamp), 5)
        # Never refreshed: the series is there from the start, at 0, so
        # the DnsdCatalogRefreshStale alert fires for it too.
        self.assertEqual(sample(text, "dnsd_catalog_last_refresh_success_timestamp_seconds",
                                sender="missing"), 0)
        page = scrape(server, "/")
        self.assertRegex(page, r"catalog refresh: on \(resolvers 127\.0\.0\.1:\d+; every 1 to 30 s\)")
        self.assertRegex(page, r"vendor +4 ranges \(refreshed\), refreshed \d+ s ago, next in \d+ s")
        self.assertRegex(page, r"missing +1 ranges \(seed\), never refreshed.*last error: "
                               r"none\.vendor\.test has no SPF record")
        # Last, so that without promtool everything above has run: then
        # this test is a skip, not a silent pass.
        harness.require_tools("promtool")
        lint = subprocess.run(["promtool", "check", "metrics"], input=text,
                              capture_output=True, text=True, timeout=30)
        self.assertEqual([l for l in (lint.stdout + lint.stderr).splitlines()
                          if l.startswith("dnsd_catalog")], [])

    def test_outage_keeps_the_last_good_ranges(self):
        server = self.start_dnsd()
        self.wait_refreshed(server)
        mark = harness.log_mark(server)
        self.nsd.stop()
        harness.wait_for_log(server, r"catalog refresh: vendor \(spf\.vendor\.test\) failed: "
                                     r".*keeping its 4 last good ranges; retry in \d+ s", mark)
        wait_until("three failed refreshes", lambda: (sample(
            scrape(server), "dnsd_catalog_refresh_total", sender="vendor", result="failed")
            or 0) >= 3)
        self.assertEqual(nspf(server), REFRESHED)
        self.assertTrue(passes(server, "192.0.2.77"))
        self.assertFalse(passes(server, "198.18.0.5"))
        self.assertEqual(sample(scrape(server), "dnsd_catalog_ranges", sender="vendor"), 4)
        # The vendor is back, with a new range: picked up on the next retry.
        changed = dict(VENDOR)
        changed["_a.vendor.test."] = ['TXT "v=spf1 ip4:192.0.2.0/24 a:out.vendor.test/28 -all"']
        self.nsd.write(changed)
        self.nsd.start()
        wait_until("the new range after the outage", lambda: passes(server, "192.0.2.200"),
                   server=server)

    def test_restart_without_a_resolver_serves_the_saved_ranges(self):
        first = self.start_dnsd()
        self.wait_refreshed(first)
        wait_until("the state file", lambda: os.path.exists(self.state_file))
        self.assertEqual(first.stop(), 0)
        saved = self.saved()
        self.assertEqual(saved["version"], 1)
        self.assertEqual(saved["senders"]["vendor"]["include"], "spf.vendor.test")
        self.assertEqual(saved["senders"]["vendor"]["prefixes"],
                         ["192.0.2.0/25", "198.51.100.4/30", "203.0.113.16/28",
                          "2001:db8:b::/48"])
        self.assertNotIn("missing", saved["senders"])
        # The ranges, and the compiled image the stop wrote (config/compiled_image.h).
        self.assertEqual(sorted(os.listdir(self.state_dir)),
                         ["catalog-ranges.yaml", "compiled.image"])

        self.nsd.stop()  # no resolver reachable from here on
        second = self.start_dnsd()
        harness.wait_for_log(second, r"catalog refresh: 1 senders' last good ranges loaded")
        # Compiled with the same ranges: every domain comes from the image.
        harness.wait_for_log(second, r"compiled image: 1 domain files taken as read, 1 compiled "
                                     r"domains taken; 0 compiled afresh")
        # The very first answers are the saved ranges, not the seed.
        self.assertEqual(nspf(second), REFRESHED)
        self.assertTrue(passes(second, "192.0.2.77"))
        self.assertFalse(passes(second, "198.18.0.5"))
        stamp = sample(scrape(second), "dnsd_catalog_last_refresh_success_timestamp_seconds",
                       sender="vendor")
        self.assertEqual(stamp, saved["senders"]["vendor"]["refreshed"])
        # Saved ranges are good for their TTL: once it has run out, dnsd asks,
        # fails, and keeps them.
        harness.wait_for_log(second, r"catalog refresh: vendor \(spf\.vendor\.test\) failed: .*"
                                     r"keeping its 4 last good ranges")
        self.assertEqual(nspf(second), REFRESHED)
        self.assertEqual(second.stop(), 0)
        self.assertEqual(self.saved(), saved)  # failures change nothing on disk
        # `dnsd explain` answers as the server does: from the saved ranges.
        out = run([harness.DNSD, "explain", "-c", self.config, "--ip", "192.0.2.77", "--helo",
                   "mail.example.com", "--domain", "example.com"]).stdout
        self.assertIn('"v=spf1 ip4:192.0.2.77 ~all"', out)
        self.assertIn("sender vendor", out)

        with open(self.state_file, "w") as f:
            f.write("version: 1\nsenders: {vendor: [\x00garbage\n")
        third = self.start_dnsd()
        harness.wait_for_log(third, r"catalog refresh: ignoring the state file: .*; starting "
                                    r"from the seed ranges")
        # The image's domain was compiled with the refreshed ranges: with the
        # seed's it is compiled afresh, its file read again.
        harness.wait_for_log(third, r"compiled image: 1 domain files taken as read, 0 compiled "
                                    r"domains taken; 1 compiled afresh")
        self.assertEqual(nspf(third), SEED)

    def test_loop_and_over_limit_records_are_rejected(self):
        server = self.start_dnsd()
        self.wait_refreshed(server)
        before = self.saved()["senders"]["vendor"]["prefixes"]

        looping = dict(VENDOR)
        looping["_b.vendor.test."] = ['TXT "v=spf1 ip6:2001:db8:c::/48 include:spf.vendor.test"']
        mark = harness.log_mark(server)
        self.nsd.change(looping, "_b.vendor.test",
                        "v=spf1 ip6:2001:db8:c::/48 include:spf.vendor.test")
        harness.wait_for_log(server, r"catalog refresh: vendor \(spf\.vendor\.test\) rejected: "
                                     r"loop: spf\.vendor\.test -> _b\.vendor\.test -> "
                                     r"spf\.vendor\.test .*keeping its 4 last good ranges", mark)

        # Eleven DNS-querying terms: the include and ten chained includes.
        chain = dict(VENDOR)
        chain["spf.vendor.test."] = ['TXT "v=spf1 include:l1.vendor.test -all"']
        for i in range(1, 10):
            chain[f"l{i}.vendor.test."] = [f'TXT "v=spf1 include:l{i + 1}.vendor.test -all"']
        chain["l10.vendor.test."] = ['TXT "v=spf1 ip4:10.0.0.0/8 -all"']
        mark = harness.log_mark(server)
        self.nsd.change(chain, "spf.vendor.test", "v=spf1 include:l1.vendor.test -all")
        harness.wait_for_log(server, r"catalog refresh: vendor \(spf\.vendor\.test\) rejected: "
                                     r"more than 10 DNS-querying terms .*keeping its 4 last good "
                                     r"ranges", mark)

        text = scrape(server)
        self.assertGreaterEqual(sample(text, "dnsd_catalog_refresh_total", sender="vendor",
                                       result="rejected"), 2)
        self.assertEqual(sample(text, "dnsd_catalog_ranges", sender="vendor"), 4)
        self.assertEqual(nspf(server), REFRESHED)
        self.assertFalse(passes(server, "10.1.2.3"))
        self.assertTrue(passes(server, "192.0.2.77"))
        self.assertEqual(self.saved()["senders"]["vendor"]["prefixes"], before)
        self.assertRegex(scrape(server, "/"), r"vendor .*last error: more than 10 DNS-querying")

        # Back within the limit (nine chained includes): accepted again.
        chain["l9.vendor.test."] = ['TXT "v=spf1 ip4:10.0.0.0/8 -all"']
        del chain["l10.vendor.test."]
        self.nsd.change(chain, "l9.vendor.test", "v=spf1 ip4:10.0.0.0/8 -all")
        wait_until("the fixed record is answered", lambda: passes(server, "10.1.2.3"),
                   server=server)


if __name__ == "__main__":
    harness.main()
