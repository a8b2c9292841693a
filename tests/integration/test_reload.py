"""Reloads while serving (config/README.md, "Reloading").

- 100 reloads between two versions of a domain file under queries from four
  client threads: every answer is one version or the other, exactly; none is
  lost; once a reload is logged, only the new version is served.
- A broken domain file keeps serving its last good version while the other
  domains' edits apply (reloads triggered by inotify alone).
- A broken server file or catalog rejects the reload and the running
  configuration stays.
- Every domain file rewritten with the same records (a comment added)
  keeps its compile: every answer and the configuration digest stay.
- The provider's TTL, SOA and name servers changed in the server file:
  no domain compiles again, and every answer carries the new values
  (records, SOA, NS, negative answers, SPF answers, the serials).
- Deleting a domain file removes its domain; a new file adds one.
- A restart takes what is unchanged from the compiled image, and serves
  what a start without it serves.
- A domains folder replaced as a whole (moved away and copied back, swapped
  with a new one, removed and made again, a symlink to it swapped) is
  watched again; the old one is not.
- A change of more domains than a part holds (4,096 at a few thousand
  domains), its files replaced one by one in the folder, is published in
  parts, each a generation; the same change as a new folder swapped into
  place is published whole.

Three tests are expected failures, dnsd bugs they reproduce: a SIGHUP or an
edit while dnsd is still loading (StartupTest), and a catalog change that
makes a domain's last good version lose its SPF answers.

Each test works on its own copy of config/examples in a temporary folder and
starts its own dnsd; reloads are SIGHUP unless the test says otherwise.
"""
import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import unittest
import urllib.request
from types import SimpleNamespace

import harness
from harness import sighup_reload, udp_txt, wait_for_log, write_atomic

NOERROR, NXDOMAIN, REFUSED = 0, 3, 5
RELOADS = 100
CLIENT_THREADS = 4
QUERIES_PER_THREAD = 200000     # upper bounds; the threads stop when the reloads end
CLIENT_SECONDS = 120
QUERY_TIMEOUT = 2.0             # seconds; a reply later than this counts as lost
INOTIFY_RELOAD = r"reload \(files changed\): generation (\d+)"
# The same, or the line of a reload that found every file it read again
# holding its old bytes (a folder copied back as it was) and published nothing.
INOTIFY_LOOK = r"reload \(files changed\): (?:no file changed; )?generation (\d+)"
SIGHUP_RELOAD = r"reload \(SIGHUP\): generation \d+.*"

KEYS = []                       # two RSA 2048 DKIM keys, made once per run


def setUpModule():
    KEYS.extend(harness.rsa_public_key_b64(2048) for _ in range(2))


def rua(domain):
    return f"mailto:{domain.replace('.', '-')}@reports.provider.test"


def domain_file(domain, version, key=None):
    """Version 0: monitor (p=none); version 1: enforce with p=reject; other
    numbers: enforce with p=quarantine and pct=<version>. A DKIM selector s1
    with `key` if given."""
    lines = [f"domain: {domain}"]
    if version == 0:
        lines += ["mode: monitor", "dmarc:"]
    elif version == 1:
        lines += ["mode: enforce", "dmarc:", "  p: reject"]
    else:
        lines += ["mode: enforce", "dmarc:", "  p: quarantine", f"  pct: {version}"]
    lines.append(f'  rua: ["{rua(domain)}"]')
    if key:
        lines += ["dkim:", f'  s1: {{k: rsa, p: "{key}"}}']
    return "\n".join(lines) + "\n"


def dmarc_text(domain, version):
    # pct, historic in RFC 9989, is rendered after the tags it kept.
    policy = {0: "p=none", 1: "p=reject"}.get(version, "p=quarantine")
    pct = "" if version in (0, 1) else f"; pct={version}"
    return f"v=DMARC1; {policy}; rua={rua(domain)}{pct}"


def dkim_text(key):
    return f"v=DKIM1; k=rsa; p={key}"


def read(path):
    with open(path) as f:
        return f.read()


def dmarc_names(domain):
    """Where dnsd serves a domain's DMARC record: the NS-delegated apex and
    the CNAME target in the provider's dmarc_zone."""
    return [f"_dmarc.{domain}", f"{domain}._dmarc.provider.test"]


class ReloadCase(unittest.TestCase):
    """A writable copy of the examples and a dnsd serving it."""

    def setUp(self):
        self._tmp = harness.temp_dir()
        self.examples = harness.copy_examples(self._tmp.name)
        self.domains = os.path.join(self.examples, "domains")
        self.server_file = os.path.join(self.examples, "dnsd.yaml")
        self.server = None

    def tearDown(self):
        if self.server is not None:
            self.server.stop()
        self.doCleanups()           # processes started by the test, before their files go
        self._tmp.cleanup()

    def start(self):
        # Metrics on a kernel-chosen port: the default, 127.0.0.1:9153,
        # would clash with any other dnsd running at the same time.
        self.server = harness.DnsdServer(self.server_file, extra=("--metrics", "127.0.0.1:0"))
        # Until dnsd has installed its SIGHUP handler and inotify watches, a
        # SIGHUP kills it and an edit goes unnoticed (StartupTest shows both).
        self.generation = int(harness.wait_until_watching(self.server, self.domains).group(1))
        return self.server

    def path(self, domain):
        return os.path.join(self.domains, f"{domain}.yaml")

    def assertServes(self, domain, version):
        for name in dmarc_names(domain):
            self.assertEqual(udp_txt(self.server, name), (NOERROR, [dmarc_text(domain, version)]),
                             name)

    def assertRefused(self, domain):
        self.assertEqual(udp_txt(self.server, f"_dmarc.{domain}"), (REFUSED, []))
        self.assertEqual(udp_txt(self.server, f"{domain}._dmarc.provider.test"), (NXDOMAIN, []))

    def errors_in_log(self):
        return [l for l in self.server.log if "warning:" in l or "error:" in l]


class ReloadUnderLoadTest(ReloadCase):
    DOMAIN = "reload.example"

    def test_hundred_reloads_under_queries(self):
        domain = self.DOMAIN
        write_atomic(self.path(domain), domain_file(domain, 0, KEYS[0]))
        server = self.start()
        dkim_name = f"s1._domainkey.{domain}"
        stable_name = "_dmarc.enforce.example"       # a domain no reload touches
        stable = udp_txt(server, stable_name)
        self.assertEqual(stable[0], NOERROR)
        # For each name: the text of each version.
        versions = {name: [dmarc_text(domain, 0), dmarc_text(domain, 1)]
                    for name in dmarc_names(domain)}
        versions[dkim_name] = [dkim_text(KEYS[0]), dkim_text(KEYS[1])]
        names = [*versions, stable_name]
        for name in versions:
            self.assertEqual(udp_txt(server, name), (NOERROR, [versions[name][0]]), name)

        stop = threading.Event()
        results = [[] for _ in range(CLIENT_THREADS)]   # (sent, received, name, version)
        problems = [[] for _ in range(CLIENT_THREADS)]  # (name, what)

        def client(me):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                give_up = time.monotonic() + CLIENT_SECONDS
                for i in range(QUERIES_PER_THREAD):
                    if stop.is_set() or time.monotonic() > give_up:
                        return
                    name = names[(i + me) % len(names)]
                    qid = int.from_bytes(os.urandom(2), "big")
                    sent = time.monotonic()
                    s.sendto(harness.make_query(name, 16, qid=qid, opt=(1232, 0, False)),
                             ("127.0.0.1", server.port))
                    reply = None
                    while reply is None:        # no retry: wait out this query only
                        left = sent + QUERY_TIMEOUT - time.monotonic()
                        if left <= 0:
                            break
                        s.settimeout(left)
                        try:
                            data = s.recv(65535)
                        except socket.timeout:
                            break
                        r = harness.parse_response(data)
                        if r["id"] == qid and r["qname"] == name:
                            reply = r
                    received = time.monotonic()
                    if reply is None:
                        problems[me].append((name, "timeout"))
                        continue
                    texts = [harness.txt_strings(rd) for (_, t, rd) in reply["answers"]
                             if t == 16]
                    if reply["rcode"] != NOERROR or len(texts) != 1:
                        problems[me].append((name, f"rcode {reply['rcode']}, {texts}"))
                        continue
                    if name == stable_name:
                        if (NOERROR, texts) != stable:
                            problems[me].append((name, f"changed: {texts}"))
                        continue
                    if texts[0] not in versions[name]:
                        problems[me].append((name, f"neither version: {texts[0]}"))
                        continue
                    results[me].append((sent, received, name, versions[name].index(texts[0])))

        threads = [threading.Thread(target=client, args=(i,), daemon=True)
                   for i in range(CLIENT_THREADS)]
        start = time.monotonic()
        for t in threads:
            t.start()
        # (time written, time the reload was logged, version) per reload.
        reloads = [(start, start, 0)]
        generations = []
        try:
            for k in range(1, RELOADS + 1):
                version = k % 2
                written = time.monotonic()
                write_atomic(self.path(domain), domain_file(domain, version, KEYS[version]))
                generation = sighup_reload(server)
                self.assertIsNotNone(generation, f"reload {k} rejected")
                generations.append(generation)
                reloads.append((written, time.monotonic(), version))
                time.sleep(0.02)        # let the clients see this version for a while
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=QUERY_TIMEOUT + 10)
        self.assertFalse(any(t.is_alive() for t in threads), "a client thread hung")
        end = time.monotonic()

        all_problems = [p for ps in problems for p in ps]
        answers = [r for rs in results for r in rs]
        timeouts = sum(1 for _, what in all_problems if what == "timeout")
        self.assertEqual(timeouts, 0, f"{timeouts} queries unanswered")
        self.assertEqual(all_problems, [], "wrong answers")
        self.assertGreater(len(answers), 10 * RELOADS, "too few queries to mean anything")
        self.assertEqual(generations, sorted(set(generations)), "generations must increase")
        self.assertGreater(max(sent for sent, *_ in answers), reloads[-1][1],
                           "the clients stopped before the last reload")

        # Once a reload is logged, and until the next edit, only the version
        # it loaded may be served: a query sent after the log line and
        # answered before the next write is checked.
        checked = 0
        for i, (_, seen, version) in enumerate(reloads):
            until = reloads[i + 1][0] if i + 1 < len(reloads) else end
            for sent, received, name, got in answers:
                if sent >= seen and received <= until:
                    checked += 1
                    self.assertEqual(got, version,
                                     f"{name} served version {got} after reload {i} "
                                     f"(version {version}) was logged")
        self.assertGreater(checked, RELOADS, "too few queries inside the stable windows")
        self.assertEqual({v for *_, v in answers}, {0, 1})

        # The last version written is the one served, now and after the
        # inotify reload the last write triggers has run.
        last = RELOADS % 2
        for _ in range(2):
            for name in versions:
                self.assertEqual(udp_txt(server, name), (NOERROR, [versions[name][last]]), name)
            time.sleep(0.6)         # past the watcher's 300 ms settle time
        self.assertEqual(self.errors_in_log(), [])
        self.assertTrue(server.alive())
        print(f"\n  {len(answers)} answers in {end - start:.1f} s "
              f"({checked} in stable windows), {RELOADS} reloads, 0 lost", flush=True)


class SameRecordsTest(ReloadCase):
    """Every domain file rewritten with other bytes but the same records (a
    generator's header comment, say): each is read and compiled, comes out
    the same, and keeps the compile it had; the digest and every answer
    stay. Then a real edit of one file compiles that one anew."""

    def digest(self):
        port = self.server.metrics_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
        found = re.search(r'^dnsd_config_digest_info\{digest="([0-9a-f]{16})"\} 1$', text, re.M)
        self.assertIsNotNone(found)
        return found.group(1)

    def test_same_records_keep_their_compile(self):
        a = "same.example"
        write_atomic(self.path(a), domain_file(a, 0, KEYS[0]))
        self.start()
        files = sorted(f for f in os.listdir(self.domains) if f.endswith(".yaml"))
        names = [n for f in files for n in dmarc_names(f[:-len(".yaml")])]
        names.append(f"s1._domainkey.{a}")
        before = {name: udp_txt(self.server, name) for name in names}
        digest = self.digest()

        mark = harness.log_mark(self.server)
        for f in files:
            path = os.path.join(self.domains, f)
            write_atomic(path, "# written again by the generator\n" + read(path))
        line = wait_for_log(self.server, INOTIFY_RELOAD + r".*", mark).group(0)
        n = len(files)
        self.assertIn(f" {n} files read,", line)
        self.assertIn(f" {n} domains compiled, {n} the same as before, 0 reused;", line)
        self.assertEqual({name: udp_txt(self.server, name) for name in names}, before)
        self.assertEqual(self.digest(), digest)

        mark = harness.log_mark(self.server)
        write_atomic(self.path(a), domain_file(a, 1, KEYS[0]))
        line = wait_for_log(self.server, INOTIFY_RELOAD + r".*", mark).group(0)
        self.assertIn(f" 1 domains compiled, 0 the same as before, {n - 1} reused;", line)
        self.assertServes(a, 1)
        self.assertNotEqual(self.digest(), digest)
        self.assertEqual(self.errors_in_log(), [])


class ZoneWideSettingsTest(ReloadCase):
    """provider.ttl, negative_ttl, the SOA timers, hostmaster and the name
    servers are what every zone serves alike; dnsd keeps them apart from
    each domain's compiled records. A change of them reloads without
    compiling any domain, and every answer carries them at once."""

    NAMES = [
        ("_dmarc.enforce.example", "TXT"),
        ("enforce.example._dmarc.provider.test", "TXT"),
        ("s2026._domainkey.enforce.example", "TXT"),
        ("192.0.2.7._ip.mail._ehlo.enforce.example._spf.provider.test", "TXT"),
        ("_dmarc.enforce.example", "SOA"),
        ("_dmarc.enforce.example", "NS"),
    ]

    def answers(self):
        """(name, type) -> (TTLs and data of the answer, SOA of the authority)."""
        out = {}
        for name, qtype in self.NAMES:
            r = harness.kdig(self.server, name, qtype)
            self.assertEqual(r["RCODE"], NOERROR, r)
            self.assertTrue(r.get("answerRRs"), r)
            out[(name, qtype)] = sorted((rr["TTL"], rr.get("rdata" + qtype, "")) for rr in r["answerRRs"])
        r = harness.kdig(self.server, "nx._dmarc.enforce.example", "TXT")
        auth = r.get("authorityRRs", [])
        self.assertEqual(len(auth), 1, r)
        out["negative"] = (r["RCODE"], auth[0]["TTL"], auth[0]["rdataSOA"])
        return out

    def test_ttl_soa_and_ns_reload_without_compiling(self):
        self.start()
        before = self.answers()
        for key, records in before.items():
            if key != "negative":
                self.assertEqual({ttl for ttl, _ in records}, {300}, key)
        self.assertEqual(before["negative"][1], 60)

        text = read(self.server_file)
        for old, new in [("ttl: 300", "ttl: 120"), ("negative_ttl: 60", "negative_ttl: 30"),
                         ("hostmaster.provider.test", "dnsadmin.provider.test")]:
            self.assertIn(old, text)
            text = text.replace(old, new)
        mark = harness.log_mark(self.server)
        write_atomic(self.server_file, text)
        self.assertIsNotNone(sighup_reload(self.server))
        line = wait_for_log(self.server, SIGHUP_RELOAD, mark).group(0)
        self.assertIn(" 0 domains compiled,", line)

        after = self.answers()
        for key, records in after.items():
            if key == "negative":
                continue
            self.assertEqual({ttl for ttl, _ in records}, {120}, key)
            if key[1] != "SOA":     # the same data, the new TTL
                self.assertEqual([d for _, d in records], [d for _, d in before[key]], key)
        soa_before = before[("_dmarc.enforce.example", "SOA")][0][1].split()
        soa_after = after[("_dmarc.enforce.example", "SOA")][0][1].split()
        self.assertEqual(soa_after[1], "dnsadmin.provider.test.")
        self.assertNotEqual(soa_after[2], soa_before[2])    # the serial follows the SOA
        self.assertEqual(soa_after[6], "30")
        rcode, ttl, negative_soa = after["negative"]
        self.assertEqual((rcode, ttl), (NXDOMAIN, 30))
        self.assertEqual(negative_soa.split()[2], soa_after[2])
        self.assertEqual(self.errors_in_log(), [])


class BrokenDomainFileTest(ReloadCase):
    """Edits are picked up by inotify alone here: no SIGHUP."""

    def edit_and_wait(self, domain, text):
        mark = harness.log_mark(self.server)
        write_atomic(self.path(domain), text)
        return wait_for_log(self.server, INOTIFY_RELOAD + r".*", mark).group(0)

    def test_broken_file_keeps_last_good_version(self):
        a, b = "a.example", "b.example"
        write_atomic(self.path(a), domain_file(a, 0))
        write_atomic(self.path(b), domain_file(b, 0))
        self.start()
        self.assertServes(a, 0)
        self.assertServes(b, 0)

        # Break A: an unknown mode on line 2, column 7.
        mark = harness.log_mark(self.server)
        line = self.edit_and_wait(a, f"domain: {a}\nmode: enforcee\ndmarc:\n  p: reject\n")
        self.assertIn("1 with errors (1 keep their last good version)", line)
        # Its last good version is the one compiled before: nothing compiles.
        self.assertIn(" 0 domains compiled,", line)
        wait_for_log(self.server, re.escape(self.path(a)) + r":2:7: mode: .*'enforcee'", mark,
                     timeout=1)
        self.assertServes(a, 0)
        self.assertServes(b, 0)

        # Edit B: its new record appears; A still serves its last good one.
        mark = harness.log_mark(self.server)
        line = self.edit_and_wait(b, domain_file(b, 1))
        self.assertIn("1 files read", line)
        self.assertIn("1 with errors (1 keep their last good version)", line)
        self.assertIn(" 1 domains compiled,", line)   # B alone; the rest are reused
        wait_for_log(self.server, re.escape(self.path(a)) + r":2:7: ", mark, timeout=1)
        self.assertServes(b, 1)
        self.assertServes(a, 0)

        # Fix A with a new version: it is served, and the error is gone.
        line = self.edit_and_wait(a, domain_file(a, 2))
        self.assertIn(" 0 with errors", line)
        self.assertIn(" 1 domains compiled,", line)
        self.assertServes(a, 2)
        self.assertServes(b, 1)

    def test_new_domain_that_fails_validation_is_not_served(self):
        self.start()
        mark = harness.log_mark(self.server)
        line = self.edit_and_wait("new.example", "domain: new.example\nmode: enforce\n")
        self.assertIn("1 with errors (0 keep their last good version)", line)
        wait_for_log(self.server, re.escape(self.path("new.example")) + r":\d+:\d+: ", mark,
                     timeout=1)
        self.assertRefused("new.example")

    def test_catalog_change_keeps_last_good_spf(self):
        # When a sender leaves the catalog, the domain files that enable it
        # fail validation and keep their last good version, and that version
        # is served as it was: its own netblocks, and the vanished sender's
        # ranges too (a Google IP that passed keeps passing), until the file
        # is fixed.
        d = "spf.example"
        write_atomic(self.path(d), "\n".join([
            f"domain: {d}", "mode: monitor", "spf:", "  senders: [google]",
            '  netblocks: ["192.0.2.0/24"]', "dmarc:", f'  rua: ["{rua(d)}"]', ""]))
        self.start()
        own = f"192.0.2.7._ip.mail.{d}._ehlo.{d}._spf.provider.test"
        self.assertEqual(udp_txt(self.server, own), (NOERROR, ["v=spf1 ip4:192.0.2.7 ~all"]))
        google = f"209.85.220.41._ip.mail-sor-f41.google.com._ehlo.{d}._spf.provider.test"
        google_answer = (NOERROR, ["v=spf1 ip4:209.85.220.41 ~all"])
        self.assertEqual(udp_txt(self.server, google), google_answer)

        catalog = os.path.join(self.examples, "senders.yaml")
        text = re.sub(r"\n  google:\n.*?\n\n", "\n", read(catalog), flags=re.S)
        self.assertNotIn("\n  google:", text)
        mark = harness.log_mark(self.server)
        write_atomic(catalog, text)
        line = wait_for_log(self.server, INOTIFY_RELOAD + r".*", mark).group(0)
        self.assertIn("with errors", line)
        wait_for_log(self.server, re.escape(self.path(d)) + r":4:\d+: unknown sender 'google'",
                     mark, timeout=1)
        self.assertServes(d, 0)
        self.assertEqual(udp_txt(self.server, own), (NOERROR, ["v=spf1 ip4:192.0.2.7 ~all"]))
        self.assertEqual(udp_txt(self.server, google), google_answer)

        # Fixed by dropping the sender: now the answer follows the file.
        mark = harness.log_mark(self.server)
        write_atomic(self.path(d), "\n".join([
            f"domain: {d}", "mode: monitor", "spf:", "  senders: []",
            '  netblocks: ["192.0.2.0/24"]', "dmarc:", f'  rua: ["{rua(d)}"]', ""]))
        # The reload line names what it changed: the audit trail.
        wait_for_log(self.server, INOTIFY_RELOAD + r".*; changed spf\.example$", mark)
        self.assertEqual(udp_txt(self.server, google), (NOERROR, ["v=spf1 ~all"]))


class DropGuardTest(ReloadCase):
    """A push that empties or removes the domains folder, or drops more than
    guard.max_drop_percent of the domains at once, is not published: the
    answers stay, the log, the status page and the metrics say why, and
    `dnsd serve` does not start on it; `dnsd allow-drop` lets exactly that
    set through."""

    def http(self, path):
        port = self.server.metrics_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.read().decode()

    def guarded_reloads(self):
        m = re.search(r'^dnsd_config_reloads_total\{result="guarded"\} (\d+)',
                      self.http("/metrics"), re.M)
        return int(m.group(1))

    def assertStillServes(self):
        self.assertEqual(udp_txt(self.server, "_dmarc.enforce.example")[0], NOERROR)
        self.assertEqual(udp_txt(self.server, "_dmarc.monitor.example")[0], NOERROR)

    def check_guarded(self, break_folder):
        self.start()
        self.assertEqual(self.guarded_reloads(), 0)
        mark = harness.log_mark(self.server)
        break_folder()
        self.assertIsNone(sighup_reload(self.server))
        wait_for_log(self.server, r"no domain to serve: .* \(6 domains keep serving\)", mark)
        wait_for_log(self.server, r"reload \(SIGHUP\) rejected", mark)
        self.assertStillServes()
        self.assertEqual(self.guarded_reloads(), 1)
        self.assertIn("no domain to serve", self.http("/"))

    def test_an_emptied_folder_is_not_published(self):
        def empty():
            for name in os.listdir(self.domains):
                os.rename(os.path.join(self.domains, name), os.path.join(self.examples, name))
        self.check_guarded(empty)

        # On purpose: allow-drop names the empty set, and the reload it
        # triggers (the marker is written beside the server file) publishes it.
        mark = harness.log_mark(self.server)
        out = subprocess.run([harness.DNSD, "allow-drop", "-c", self.server_file],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("may publish these 0 domains", out.stdout)
        wait_for_log(self.server, r"reload \([^)]*\): generation \d+, 0 domains", mark)
        self.assertEqual(udp_txt(self.server, "_dmarc.enforce.example")[0], REFUSED)

    def test_a_removed_folder_is_not_published(self):
        self.check_guarded(lambda: os.rename(self.domains, self.domains + ".gone"))

    def test_a_large_drop_is_not_published(self):
        for i in range(40):
            write_atomic(self.path(f"extra{i:02d}.example"), domain_file(f"extra{i:02d}.example", 0))
        self.start()
        mark = harness.log_mark(self.server)
        for i in range(12):                         # 12 of 46: over 10 domains and 10%
            os.remove(self.path(f"extra{i:02d}.example"))
        self.assertIsNone(sighup_reload(self.server))
        wait_for_log(self.server, r"would stop serving 12 of 46 domains \(26%: extra00.example",
                     mark)
        self.assertServes("extra00.example", 0)
        self.assertEqual(self.guarded_reloads(), 1)

    def test_serve_and_check_refuse_an_empty_folder(self):
        for name in os.listdir(self.domains):
            os.remove(os.path.join(self.domains, name))
        out = subprocess.run([harness.DNSD, "check", "-c", self.server_file],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 1)
        self.assertIn("no domain to serve", out.stdout)
        out = subprocess.run([harness.DNSD, "serve", "-c", self.server_file, "--allow-root",
                              "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0"],
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("no domain to serve", out.stderr)


class RejectedReloadTest(ReloadCase):
    def check_rejected(self, broken_file, broken_text, error_pattern):
        a = "a.example"
        write_atomic(self.path(a), domain_file(a, 0))
        server = self.start()
        self.assertServes(a, 0)
        before = udp_txt(server, "_dmarc.enforce.example")

        good_text = read(broken_file)
        write_atomic(broken_file, broken_text)
        write_atomic(self.path(a), domain_file(a, 1))     # must not apply either
        mark = harness.log_mark(server)
        self.assertIsNone(sighup_reload(server))
        wait_for_log(server, rf"reload \(SIGHUP\) rejected: generation {self.generation} "
                     "keeps serving", mark, timeout=1)
        wait_for_log(server, re.escape(broken_file) + error_pattern, mark, timeout=1)
        self.assertServes(a, 0)
        self.assertEqual(udp_txt(server, "_dmarc.enforce.example"), before)
        time.sleep(0.6)     # the watcher's reload of the same files is rejected too
        self.assertServes(a, 0)
        self.assertTrue(server.alive())

        # Fixed: the next reload applies everything that changed meanwhile.
        write_atomic(broken_file, good_text)
        self.assertIsNotNone(sighup_reload(server))
        self.assertServes(a, 1)
        self.assertEqual(udp_txt(server, "_dmarc.enforce.example"), before)

    def test_broken_server_file_rejects_reload(self):
        text = read(self.server_file).replace("ttl: 300", "ttl: 0")
        self.check_rejected(self.server_file, text, r":\d+:\d+: provider\.ttl")

    def test_server_file_syntax_error_rejects_reload(self):
        self.check_rejected(self.server_file, "provider: [\n", r":\d+:\d+: YAML syntax error")

    def test_broken_catalog_rejects_reload(self):
        catalog = os.path.join(self.examples, "senders.yaml")
        self.check_rejected(catalog, "senders:\n  foo: [\n", r":3:1: YAML syntax error")


class AddRemoveDomainTest(ReloadCase):
    def test_deleted_file_removes_domain_and_new_file_adds_one(self):
        gone, new = "gone.example", "new.example"
        write_atomic(self.path(gone), domain_file(gone, 1, KEYS[0]))
        server = self.start()
        self.assertServes(gone, 1)
        self.assertEqual(udp_txt(server, f"s1._domainkey.{gone}"),
                         (NOERROR, [dkim_text(KEYS[0])]))
        self.assertRefused(new)

        os.unlink(self.path(gone))
        write_atomic(self.path(new), domain_file(new, 0, KEYS[1]))
        self.assertIsNotNone(sighup_reload(server))
        self.assertRefused(gone)
        self.assertEqual(udp_txt(server, f"s1._domainkey.{gone}"), (REFUSED, []))
        self.assertServes(new, 0)
        self.assertEqual(udp_txt(server, f"s1._domainkey.{new}"),
                         (NOERROR, [dkim_text(KEYS[1])]))
        # The other domains are untouched.
        self.assertEqual(udp_txt(server, "_dmarc.monitor.example")[0], NOERROR)

    def test_file_renamed_to_a_hidden_name_is_skipped(self):
        d = "hidden.example"
        write_atomic(self.path(d), domain_file(d, 0))
        server = self.start()
        self.assertServes(d, 0)
        os.rename(self.path(d), os.path.join(self.domains, f".{d}.yaml.swp"))
        self.assertIsNotNone(sighup_reload(server))
        self.assertRefused(d)


class RestartFromImageTest(ReloadCase):
    """A restart from the compiled image (config/compiled_image.h): the
    stop writes it to state_dir, the next start takes every file unchanged
    since (without reading it) and its compile, and reads and compiles the
    rest; what it serves is what a start without the image serves, answer
    for answer and digest for digest. A damaged image is not used."""

    IMAGE = re.compile(r"compiled image: (\d+) domain files taken as read, (\d+) compiled "
                       r"domains taken; (\d+) compiled afresh")
    # The image's domains linked while the files were listed (config/image_link.h).
    LINKED = "; linked while the files were listed"

    def setUp(self):
        super().setUp()
        with open(self.server_file, "a") as f:
            f.write("state_dir: state\n")
        self.image = os.path.join(self.examples, "state", "compiled.image")

    def answers(self, names):
        return {name: udp_txt(self.server, name) for name in names}

    def stop(self):
        self.assertEqual(self.server.stop(), 0)
        self.assertTrue(any("wrote compiled image" in l for l in self.server.log),
                        "".join(self.server.log))
        self.server = None

    def test_restart_takes_what_is_unchanged(self):
        self.start()
        files = sorted(f[:-len(".yaml")] for f in os.listdir(self.domains) if f.endswith(".yaml"))
        n = len(files)
        self.assertFalse(any(self.IMAGE.search(l) for l in self.server.log))
        self.stop()
        self.assertTrue(os.path.exists(self.image))

        # Unchanged: every file taken from the image, nothing compiled.
        self.start()
        taken = wait_for_log(self.server, self.IMAGE.pattern)
        self.assertEqual(taken.groups(), (str(n), str(n), "0"))
        self.assertTrue(taken.string.rstrip().endswith(self.LINKED), taken.string)
        names = [x for d in files for x in dmarc_names(d)] + ["s1._domainkey.enforce.example"]
        unchanged = self.answers(names)
        self.assertEqual(unchanged[dmarc_names("enforce.example")[0]][0], NOERROR)
        self.stop()

        # One file edited, one removed, one added while dnsd was down.
        edited, removed = files[0], files[1]
        write_atomic(self.path(edited), domain_file(edited, 1, KEYS[0]))
        os.remove(self.path(removed))
        write_atomic(self.path("added.example"), domain_file("added.example", 0))
        self.start()
        taken = wait_for_log(self.server, self.IMAGE.pattern)
        self.assertEqual(taken.groups(), (str(n - 2), str(n - 2), "2"))
        self.assertTrue(taken.string.rstrip().endswith(self.LINKED), taken.string)
        self.assertServes(edited, 1)
        self.assertServes("added.example", 0)
        self.assertRefused(removed)
        after = self.answers(names + dmarc_names("added.example"))
        self.stop()

        # The same files without the image: the same answers.
        os.remove(self.image)
        self.start()
        self.assertFalse(any(self.IMAGE.search(l) for l in self.server.log))
        self.assertEqual(self.answers(names + dmarc_names("added.example")), after)
        changed = set(dmarc_names(edited) + dmarc_names(removed))
        for name in names:
            if name not in changed:
                self.assertEqual(after[name], unchanged[name], name)
        self.stop()

        # Every file but one edited while dnsd was down: each is read and
        # compiled, under read versions of this run that none of the image's
        # compiles has (config/domain_file.h, ReserveReadVersions); none
        # serves its old compile.
        self.start()
        self.stop()
        left = sorted(f[:-len(".yaml")] for f in os.listdir(self.domains) if f.endswith(".yaml"))
        kept, left = left[-1], left[:-1]
        for d in left:
            write_atomic(self.path(d), domain_file(d, 1, KEYS[1]))
        self.start()
        taken = wait_for_log(self.server, self.IMAGE.pattern)
        self.assertEqual(taken.groups(), ("1", "1", str(len(left))))
        for d in left:
            self.assertServes(d, 1)
        self.stop()

        # Cut short, the image is not used; the start reads every file.
        with open(self.image, "r+b") as f:
            f.truncate(os.path.getsize(self.image) // 2)
        self.start()
        wait_for_log(self.server, r"compiled image not used: .*cut short")
        for d in left:
            self.assertServes(d, 1)
        self.assertEqual(self.errors_in_log(), [])


class ReplacedFolderTest(ReloadCase):
    """The watcher follows the domains folder by its path, not its inode
    (dnsd/control/config_watcher.h): once the folder is replaced, edits to
    the new one are picked up by inotify alone, and edits to the old one
    cause no reload at all."""
    DOMAIN = "moved.example"

    def setUp(self):
        super().setUp()
        self.old = self.domains + ".old"
        write_atomic(self.path(self.DOMAIN), domain_file(self.DOMAIN, 0))
        self.layout()
        self.start()
        self.assertServes(self.DOMAIN, 0)

    def layout(self):
        """How the folders are laid out before dnsd starts."""

    def replaced(self, replace):
        """Runs `replace()` and waits for the reload its own events cause,
        so that the edits below are not picked up by that one."""
        mark = harness.log_mark(self.server)
        replace()
        wait_for_log(self.server, INOTIFY_LOOK, mark)
        time.sleep(0.5)     # past the settle time of any event still coming
        self.assertServes(self.DOMAIN, 0)

    def wait_until_log_is_quiet(self, quiet=1.0, timeout=10.0):
        """Until dnsd has logged nothing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        seen, since = len(self.server.log), time.monotonic()
        while time.monotonic() - since < quiet:
            self.assertLess(time.monotonic(), deadline, "dnsd's log never went quiet")
            time.sleep(0.1)
            if len(self.server.log) != seen:
                seen, since = len(self.server.log), time.monotonic()

    def check_follows_the_path(self):
        d = self.DOMAIN
        mark = harness.log_mark(self.server)
        write_atomic(self.path(d), domain_file(d, 1))
        deadline = time.monotonic() + 5
        while udp_txt(self.server, f"_dmarc.{d}") != (NOERROR, [dmarc_text(d, 1)]):
            self.assertTrue(time.monotonic() < deadline,
                            "an edit to the new domains folder is not served 5 s later")
            time.sleep(0.1)
        self.assertServes(d, 1)
        # dnsd logs a reload after it publishes it: wait for that line and
        # for the log to go quiet, or a line could land after the mark below
        # and pass for a reload the old folder caused (seen once in CI).
        wait_for_log(self.server, r"reload \(files changed\): generation", mark)
        self.wait_until_log_is_quiet()

        mark = harness.log_mark(self.server)
        write_atomic(os.path.join(self.old, f"{d}.yaml"), domain_file(d, 2))
        with open(os.path.join(self.old, "other.example.yaml"), "w") as f:
            f.write(domain_file("other.example", 0))
        time.sleep(1.5)     # five times the settle time
        reloads = [l for l in self.server.log[mark:] if "reload (files changed)" in l]
        self.assertEqual(reloads, [], "edits to the old folder caused a reload")
        self.assertServes(d, 1)
        self.assertRefused("other.example")

    def test_folder_moved_away_and_copied_back(self):
        # `mv domains domains.old && cp -r domains.old domains`
        def replace():
            os.rename(self.domains, self.old)
            shutil.copytree(self.old, self.domains)
        self.replaced(replace)
        self.check_follows_the_path()

    def test_new_folder_swapped_into_place(self):
        # A complete new folder takes the old one's name in one step
        # (renameat2 RENAME_EXCHANGE, as deploy tools that swap folders
        # atomically do); the old one ends up under the staging name.
        staging = os.path.join(self.examples, ".domains.new")
        shutil.copytree(self.domains, staging)
        def replace():
            rename_exchange(staging, self.domains)
            os.rename(staging, self.old)    # the old folder, out of the way
        self.replaced(replace)
        self.check_follows_the_path()

    def test_folder_removed_and_made_again(self):
        # rm -r domains && mkdir domains && (files written one by one)
        def replace():
            shutil.copytree(self.domains, self.old)
            shutil.rmtree(self.domains)
            os.mkdir(self.domains)
            for name in os.listdir(self.old):
                shutil.copy(os.path.join(self.old, name), self.domains)
        self.replaced(replace)
        self.check_follows_the_path()


class SymlinkedFolderTest(ReplacedFolderTest):
    """`domains` is a symlink to the folder, and a new folder is published
    by pointing a new symlink at it and renaming that over the old one (as
    Kubernetes does for a ConfigMap's `..data`, and deploy tools for a
    release folder)."""

    def layout(self):
        os.rename(self.domains, self.domains + ".v1")
        os.symlink("domains.v1", self.domains)
        self.old = self.domains + ".v1"

    def test_symlink_swapped_to_a_new_folder(self):
        shutil.copytree(self.domains + ".v1", self.domains + ".v2")
        link = os.path.join(self.examples, ".domains.link")

        def replace():
            os.symlink("domains.v2", link)
            os.replace(link, self.domains)
        self.replaced(replace)
        self.check_follows_the_path()

    # The base class's replacements take `domains` for a folder of its own.
    test_folder_moved_away_and_copied_back = None
    test_new_folder_swapped_into_place = None
    test_folder_removed_and_made_again = None


class LargeChangeTest(ReloadCase):
    """A reload that changes more domains than a part holds
    (config/load_and_compile.h, PartSize: 4,096 at this size) goes out in
    parts when the files changed one by one in the folder, and whole when
    the folder was swapped: the swap promises every file of it at once."""
    COUNT = 4200

    def setUp(self):
        super().setUp()
        # One batch of the watcher for all the renames below, however slow
        # the machine: a pause longer than the settle time would split it.
        with open(self.server_file, "a") as f:
            f.write("reload: {settle_ms: 1500}\n")
        self.names = [f"p{i:04d}.example" for i in range(self.COUNT)]
        self.written(self.domains, self.names, 0)
        self.start()
        self.assertServes(self.names[0], 0)

    @staticmethod
    def written(folder, names, version):
        """Each domain's file, at `version`, written in `folder`."""
        for name in names:
            with open(os.path.join(folder, f"{name}.yaml"), "w") as f:
                f.write(domain_file(name, version))

    def staged(self, folder, version):
        """Every domain file of the folder, ours at `version`, in `folder`."""
        shutil.copytree(self.domains, folder)
        self.written(folder, self.names, version)

    def renamed_in(self, folder, names):
        """Moves each domain's file from `folder` into the domains folder,
        one rename at a time, as a deploy tool writing file by file does."""
        for name in names:
            os.rename(os.path.join(folder, f"{name}.yaml"), self.path(name))

    def assertServesAll(self, version):
        for name in self.names[::97] + self.names[-1:]:
            self.assertServes(name, version)

    def test_files_replaced_one_by_one_go_out_in_parts(self):
        staging = os.path.join(self.examples, "staging")
        self.staged(staging, 1)
        mark = harness.log_mark(self.server)
        self.renamed_in(staging, self.names)
        done = wait_for_log(self.server, r"reload \(files changed\): generation (\d+), "
                            r".* in (\d+) parts", mark, timeout=120)
        parts = [l for l in self.server.log[mark:] if "changed domains as changed" in l]
        self.assertEqual(len(parts), int(done.group(2)) - 1, "".join(parts))
        self.assertGreaterEqual(len(parts), 1)
        self.assertIn(f"generation {self.generation + 1} serves 4096 of {self.COUNT} changed "
                      "domains as changed", parts[0])
        self.assertEqual(int(done.group(1)), self.generation + len(parts) + 1)
        self.assertServesAll(1)
        # (Version 1 warns of a p=reject with nothing listed: a warning.)
        self.assertEqual([l for l in self.server.log if "error:" in l], [])

    def test_added_files_are_counted_part_by_part(self):
        # The removed go first, then the changed, then the added: the first
        # part here adds 4,096 domains, and serves that many more.
        added = [f"q{i:04d}.example" for i in range(self.COUNT)]
        served = len([f for f in os.listdir(self.domains) if f.endswith(".yaml")])
        staging = os.path.join(self.examples, "staging")
        os.mkdir(staging)
        self.written(staging, added, 1)
        mark = harness.log_mark(self.server)
        self.renamed_in(staging, added)
        done = wait_for_log(self.server, r"reload \(files changed\): generation \d+, "
                            r"(\d+) domains;.* in \d+ parts", mark, timeout=120)
        parts = [l for l in self.server.log[mark:] if "changed domains as changed" in l]
        self.assertEqual(len(parts), 1, "".join(parts))
        self.assertIn(f"serves 4096 of {self.COUNT} changed domains as changed, the rest as "
                      f"they were; {served + 4096} domains;", parts[0])
        self.assertEqual(int(done.group(1)), served + self.COUNT)
        self.assertServes(added[0], 1)
        self.assertServes(added[-1], 1)

    def test_a_swapped_folder_goes_out_whole(self):
        staging = os.path.join(self.examples, ".domains.new")
        self.staged(staging, 1)
        mark = harness.log_mark(self.server)
        rename_exchange(staging, self.domains)
        done = wait_for_log(self.server, r"reload \(files changed\): generation (\d+), .*",
                            mark, timeout=120)
        self.assertNotIn(" parts", done.group(0))
        self.assertEqual(int(done.group(1)), self.generation + 1)
        self.assertEqual([l for l in self.server.log[mark:] if "as changed" in l], [])
        self.assertServesAll(1)


def rename_exchange(a, b):
    """Swaps two paths atomically with renameat2(RENAME_EXCHANGE); skips
    where the file system or C library cannot."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "renameat2"):
        harness.skip("the C library has no renameat2")
    at_fdcwd, rename_exchange_flag = -100, 2
    if libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b),
                      rename_exchange_flag) != 0:
        err = ctypes.get_errno()
        if err in (errno.EINVAL, errno.ENOSYS):
            harness.skip(f"renameat2(RENAME_EXCHANGE): {os.strerror(err)} on this file system")
        raise OSError(err, os.strerror(err))


class StartupTest(ReloadCase):
    """What happens while dnsd is still reading its configuration (seconds
    here, ~70 s at 100,000 domains) and before it installs its SIGHUP
    handler and inotify watches, both of which it does only after it has
    started listening (dnsd/cli/serve.cc, RunControlLoop)."""
    # Enough to keep the first load busy for a while: 4,000 files once
    # took seconds, and now load within 0.1 s on a quiet machine.
    FILES = 16000
    SIGNAL_AFTER = 0.05     # seconds after dnsd says it has begun loading

    def many_domains(self):
        for i in range(self.FILES):
            d = f"d{i:05d}.example"
            with open(self.path(d), "w") as f:
                f.write(domain_file(d, i % 2, KEYS[i % 2]))

    def spawn(self):
        """dnsd without waiting for it to listen; returns (process, log lines)."""
        proc = subprocess.Popen(
            [harness.DNSD, "serve", "-c", self.server_file, "--listen", "127.0.0.1:0",
             "--metrics", "127.0.0.1:0", "--threads", "2", *harness.ALLOW_ROOT],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
        reader.start()
        self.addCleanup(self.end, proc, reader)
        return proc, lines

    @staticmethod
    def end(proc, reader):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        reader.join(timeout=5)
        proc.stderr.close()

    @staticmethod
    def wait_listening(proc, lines, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            for line in list(lines):
                m = re.search(r"listening on 127\.0\.0\.1:(\d+) ", line)
                if m:
                    return int(m.group(1))
            time.sleep(0.02)
        return None

    def wait_loading(self, proc, lines, timeout=30):
        """Waits for dnsd's first log line: before it, the process may not
        have reached main() (slow under ASan on a busy machine), and no
        program can ignore a signal before then."""
        deadline = time.monotonic() + timeout
        while not any("start: loading" in l for l in list(lines)):
            self.assertIsNone(proc.poll(), "dnsd exited before loading")
            self.assertLess(time.monotonic(), deadline, "dnsd did not begin loading")
            time.sleep(0.01)
        time.sleep(self.SIGNAL_AFTER)

    def still_loading(self, lines):
        if any("listening on" in l for l in lines):
            harness.skip(f"the load of {self.FILES} files ended within {self.SIGNAL_AFTER} s; "
                          "raise FILES")

    def test_sighup_while_loading_does_not_kill_dnsd(self):
        # SIGHUP's default action would end the process; dnsd ignores it
        # until its control loop handles it.
        self.many_domains()
        proc, lines = self.spawn()
        self.wait_loading(proc, lines)
        self.still_loading(lines)
        proc.send_signal(signal.SIGHUP)
        port = self.wait_listening(proc, lines)
        self.assertIsNotNone(port, f"dnsd died of a SIGHUP sent while it was loading "
                                   f"(exit status {proc.poll()})")
        self.assertEqual(udp_txt(SimpleNamespace(port=port), "_dmarc.d00001.example"),
                         (NOERROR, [dmarc_text("d00001.example", 1)]))

    def test_edit_while_loading_is_applied(self):
        # The first load has read the file before the edit, and the watch
        # that would see the edit does not exist yet; dnsd's catch-up reload
        # after the start finds it. Without it, the old version
        # is served until some later change triggers a reload.
        self.many_domains()
        first = "aaa.example"           # the first file the load reads
        write_atomic(self.path(first), domain_file(first, 0))
        proc, lines = self.spawn()
        self.wait_loading(proc, lines)
        self.still_loading(lines)
        write_atomic(self.path(first), domain_file(first, 1))
        port = self.wait_listening(proc, lines)
        self.assertIsNotNone(port, "dnsd did not start")
        server = SimpleNamespace(port=port)
        deadline = time.monotonic() + 5
        while udp_txt(server, f"_dmarc.{first}") != (NOERROR, [dmarc_text(first, 1)]):
            self.assertLess(time.monotonic(), deadline,
                            "an edit made while dnsd was loading is not served 5 s after "
                            "the start")
            time.sleep(0.1)


if __name__ == "__main__":
    harness.main()
