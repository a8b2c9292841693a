"""The protocol behaviour README.md describes ("What dnsd serves") and the
DMARC and DKIM zones, checked against the real binary with kdig, dig and raw sockets."""
import glob
import json
import os
import random
import re
import socket
import struct
import subprocess
import time
import unittest
import urllib.request

import yaml

import harness
from harness import kdig, txt_of

SOA, NS, CNAME, TXT, AAAA = 6, 2, 5, 16, 28
NOERROR, FORMERR, NXDOMAIN, NOTIMP, REFUSED, BADVERS = 0, 1, 3, 4, 5, 16


def example_domains():
    """The example domain files, parsed independently of dnsd."""
    out = {}
    for path in sorted(glob.glob(os.path.join(harness.EXAMPLES, "domains", "*.yaml"))):
        with open(path) as f:
            doc = yaml.safe_load(f)
        out[doc["domain"]] = doc
    return out


def setUpModule():
    harness.require_tools("kdig", "dig")


class ProtocolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.DnsdServer()
        cls.domains = example_domains()
        with open(os.path.join(harness.EXAMPLES, "dnsd.yaml")) as f:
            cls.provider = yaml.safe_load(f)["provider"]

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assertAnswered(self, r, rcode=NOERROR, aa=1):
        self.assertEqual(r["RCODE"], rcode, r)
        self.assertEqual(r["QR"], 1)
        self.assertEqual(r["AA"], aa)
        self.assertEqual(r["RA"], 0)

    def assertNegative(self, r, rcode, apex):
        self.assertAnswered(r, rcode)
        self.assertEqual(r["ANCOUNT"], 0)
        auth = r.get("authorityRRs", [])
        self.assertEqual(len(auth), 1, r)
        self.assertEqual(auth[0]["TYPE"], SOA)
        self.assertEqual(auth[0]["NAME"], apex)
        self.assertEqual(auth[0]["TTL"], min(self.provider["ttl"], self.provider["negative_ttl"]))

    def dmarc_txt(self, name):
        r = kdig(self.server, name, "TXT")
        self.assertAnswered(r)
        self.assertEqual(len(r["answerRRs"]), 1, r)
        return txt_of(r["answerRRs"][0])

    # ---- DMARC ----------------------------------------------------------------

    def test_dmarc_at_apex_and_cname_target(self):
        self.assertGreaterEqual(len(self.domains), 6)
        for domain, doc in self.domains.items():
            with self.subTest(domain=domain):
                at_apex = self.dmarc_txt(f"_dmarc.{domain}")
                self.assertTrue(at_apex.startswith("v=DMARC1; p="), at_apex)
                mode = doc.get("mode", "monitor")
                expected_p = {"monitor": "none", "blocked": "reject"}.get(
                    mode, doc.get("dmarc", {}).get("p"))
                self.assertIn(f"p={expected_p}", at_apex.split("; "))
                target = self.dmarc_txt(f"{domain}.{self.provider['dmarc_zone']}")
                self.assertEqual(at_apex, target)

    def test_dmarc_apex_has_soa_and_ns(self):
        domain = next(iter(self.domains))
        r = kdig(self.server, f"_dmarc.{domain}", "SOA")
        self.assertAnswered(r)
        self.assertEqual(r["answerRRs"][0]["TYPE"], SOA)
        r = kdig(self.server, f"_dmarc.{domain}", "NS")
        self.assertAnswered(r)
        names = sorted(rr["rdataNS"] for rr in r["answerRRs"])
        self.assertEqual(names, sorted(n.rstrip(".") + "." for n in self.provider["nameservers"]))

    def test_blocked_domain_is_locked_down(self):
        blocked = [d for d, doc in self.domains.items() if doc.get("mode") == "blocked"]
        self.assertTrue(blocked)
        for domain in blocked:
            txt = self.dmarc_txt(f"_dmarc.{domain}")
            for tag in ("p=reject", "sp=reject", "adkim=s", "aspf=s"):
                self.assertIn(tag, txt.split("; "))
            for selector in ("s1", "google", "any.deep.selector"):
                r = kdig(self.server, f"{selector}._domainkey.{domain}", "TXT")
                self.assertAnswered(r)
                self.assertEqual(txt_of(r["answerRRs"][0]), "v=DKIM1; p=")

    def test_report_authorisation(self):
        zone = f"_report._dmarc.{self.provider['report_domain']}"
        report_domain = self.provider["report_domain"]
        seen_yes = seen_no = False
        for domain, doc in self.domains.items():
            uris = doc.get("dmarc", {}).get("rua", []) + doc.get("dmarc", {}).get("ruf", [])
            ours = any(u.split("@")[-1].split("!")[0].lower().endswith(report_domain)
                       for u in uris)
            r = kdig(self.server, f"{domain}.{zone}", "TXT")
            with self.subTest(domain=domain, ours=ours):
                if ours:
                    seen_yes = True
                    self.assertAnswered(r)
                    self.assertEqual(txt_of(r["answerRRs"][0]), "v=DMARC1")
                else:
                    seen_no = True
                    self.assertNegative(r, NXDOMAIN, zone + ".")
        self.assertTrue(seen_yes and seen_no, "examples should cover both cases")
        r = kdig(self.server, f"not-a-customer.example.{zone}", "TXT")
        self.assertNegative(r, NXDOMAIN, zone + ".")

    # ---- DKIM -----------------------------------------------------------------

    def test_dkim_for_every_example(self):
        count = 0
        for domain, doc in self.domains.items():
            if doc.get("mode") == "blocked":
                continue
            for selector, key in (doc.get("dkim") or {}).items():
                name = f"{selector}._domainkey.{domain}"
                with self.subTest(name=name):
                    count += 1
                    if "cname" in key:
                        r = kdig(self.server, name, "TXT")
                        self.assertAnswered(r)
                        rr = r["answerRRs"][0]
                        self.assertEqual(rr["TYPE"], CNAME)
                        self.assertEqual(rr["rdataCNAME"].lower(),
                                         key["cname"].lower().rstrip(".") + ".")
                        continue
                    r = kdig(self.server, name, "TXT", "+bufsize=1232")
                    self.assertAnswered(r)
                    txt = txt_of(r["answerRRs"][0])
                    if key.get("revoked"):
                        self.assertEqual(txt, "v=DKIM1; p=")
                    else:
                        tags = dict(t.split("=", 1) for t in txt.split("; "))
                        self.assertEqual(tags["v"], "DKIM1")
                        self.assertEqual(tags["k"], key.get("k", "rsa"))
                        self.assertEqual(tags["p"], "".join(key["p"].split()))
        self.assertGreaterEqual(count, 6)

    def big_key_name(self):
        for domain, doc in self.domains.items():
            for selector, key in (doc.get("dkim") or {}).items():
                if "p" in key and len("".join(key["p"].split())) > 700:
                    return f"{selector}._domainkey.{domain}"
        self.fail("the examples have no 4096-bit key")

    def test_4096_bit_key_over_udp_with_edns(self):
        r = kdig(self.server, self.big_key_name(), "TXT", "+bufsize=1232")
        self.assertAnswered(r)
        self.assertEqual(r["TC"], 0)
        txt = txt_of(r["answerRRs"][0])
        self.assertGreater(len(txt), 700)
        # Split into character-strings of at most 255 octets.
        strings = r["answerRRs"][0]["rdataTXT"].split('" "')
        self.assertGreaterEqual(len(strings), 3)

    def test_4096_bit_key_over_udp_without_edns_is_truncated(self):
        r = kdig(self.server, self.big_key_name(), "TXT", "+noedns", "+ignore")
        self.assertEqual(r["TC"], 1)
        self.assertEqual(r["ANCOUNT"], 0)
        self.assertEqual(r["RCODE"], NOERROR)

    def test_4096_bit_key_over_tcp(self):
        r = kdig(self.server, self.big_key_name(), "TXT", "+tcp", "+noedns")
        self.assertAnswered(r)
        self.assertEqual(r["TC"], 0)
        self.assertGreater(len(txt_of(r["answerRRs"][0])), 700)

    def test_truncated_answer_retried_over_tcp_by_dig(self):
        out = subprocess.run(["dig", "@127.0.0.1", "-p", str(self.server.port), "+noedns",
                              "+norec", "+tries=1", "+time=3", self.big_key_name(), "TXT"],
                             capture_output=True, text=True, timeout=15)
        self.assertIn("Truncated, retrying in TCP mode", out.stdout)
        self.assertIn("status: NOERROR", out.stdout)
        self.assertIn("ANSWER: 1", out.stdout)

    # ---- negative answers, refusals, errors -----------------------------------

    def test_nodata_with_soa(self):
        domain = next(iter(self.domains))
        r = kdig(self.server, f"_dmarc.{domain}", "AAAA")
        self.assertNegative(r, NOERROR, f"_dmarc.{domain}.")

    def test_nxdomain_with_soa(self):
        domain = next(iter(self.domains))
        r = kdig(self.server, f"no-such-selector._domainkey.{domain}", "TXT")
        self.assertNegative(r, NXDOMAIN, f"_domainkey.{domain}.")

    def test_refused_outside_zones(self):
        for name in ("example.org", "enforce.example", "_spf1.provider.test"):
            r = kdig(self.server, name, "TXT")
            self.assertEqual(r["RCODE"], REFUSED, name)
            self.assertEqual(r["AA"], 0)

    def test_axfr_and_ixfr_refused(self):
        domain = next(iter(self.domains))
        for qtype in (252, 251):
            with harness.tcp_connect(self.server) as s:
                q = harness.make_query(f"_dmarc.{domain}", qtype=qtype)
                s.sendall(struct.pack("!H", len(q)) + q)
                h = harness.parse_header(harness.tcp_read_message(s))
                self.assertEqual(h["rcode"], REFUSED, qtype)

    def test_ixfr_with_its_soa_is_refused(self):
        # RFC 1995 §3: `IXFR=<serial>` sends that serial's SOA in AUTHORITY.
        # REFUSED like AXFR, not FORMERR for the authority record.
        domain = next(iter(self.domains))
        out = subprocess.run(
            ["kdig", "@127.0.0.1", "-p", str(self.server.port), "+json", "+retry=0",
             "+timeout=3", f"_dmarc.{domain}", "IXFR=2024010101"],
            capture_output=True, text=True, timeout=harness.CLIENT_TIMEOUT)
        replies = json.loads(out.stdout)
        reply = replies[0] if isinstance(replies, list) else replies
        self.assertEqual((reply["QTYPE"], reply["RCODE"], reply["AA"]), (251, REFUSED, 0),
                         out.stdout)
        out = subprocess.run(
            ["kdig", "@127.0.0.1", "-p", str(self.server.port), "+retry=0", "+timeout=3",
             f"_dmarc.{domain}", "IXFR=2024010101"],
            capture_output=True, text=True, timeout=harness.CLIENT_TIMEOUT)
        self.assertIn("server replied with error 'REFUSED'", out.stderr)
        # The same by hand, so the test does not rest on how kdig builds it:
        # the SOA owned by a pointer to the question name.
        q = harness.make_query(f"_dmarc.{domain}", qtype=251)
        soa_rdata = b"\xc0\x0c\xc0\x0c" + struct.pack("!IIIII", 2024010101, 3600, 600, 1209600, 60)
        q = q[:8] + struct.pack("!H", 1) + q[10:] + \
            struct.pack("!HHHIH", 0xC00C, SOA, 1, 0, len(soa_rdata)) + soa_rdata
        with harness.tcp_connect(self.server) as s:
            s.sendall(struct.pack("!H", len(q)) + q)
            h = harness.parse_header(harness.tcp_read_message(s))
        self.assertEqual((h["rcode"], h["qd"], h["ns"]), (REFUSED, 1, 0))

    def test_no_identity_without_the_key(self):
        # The examples set no `identity`: no NSID, and CHAOS id.server and
        # hostname.bind are REFUSED like every other CHAOS name.
        domain = next(iter(self.domains))
        out = subprocess.run(
            ["kdig", "@127.0.0.1", "-p", str(self.server.port), "+nsid", "+norec",
             f"_dmarc.{domain}", "TXT"],
            capture_output=True, text=True, timeout=harness.CLIENT_TIMEOUT)
        self.assertIn("status: NOERROR", out.stdout)
        self.assertNotIn("NSID", out.stdout)
        for name in ("id.server", "hostname.bind", "version.bind"):
            r = kdig(self.server, "CH", "TXT", name)
            self.assertEqual((r["RCODE"], r["ANCOUNT"]), (REFUSED, 0), name)

    def test_badvers(self):
        domain = next(iter(self.domains))
        r = kdig(self.server, f"_dmarc.{domain}", "TXT", "+edns=1")
        self.assertEqual(harness.extended_rcode(r), BADVERS, r)
        opt = r["additionalRRs"][0]
        self.assertEqual((opt["TYPE"], (opt["TTL"] >> 16) & 0xFF), (41, 0))  # our version: 0
        self.assertEqual(r["ANCOUNT"], 0)

    def test_notimp_for_other_opcodes(self):
        domain = next(iter(self.domains))
        for opcode in (1, 2, 4, 5):
            reply = harness.udp_exchange(
                self.server, harness.make_query(f"_dmarc.{domain}", flags=opcode << 11))
            self.assertIsNotNone(reply, opcode)
            h = harness.parse_header(reply)
            self.assertEqual((h["qr"], h["rcode"]), (1, NOTIMP), opcode)

    def test_formerr_for_two_questions(self):
        domain = next(iter(self.domains))
        second = harness.encode_name(f"_dmarc.{domain}") + struct.pack("!HH", TXT, 1)
        reply = harness.udp_exchange(
            self.server, harness.make_query(f"_dmarc.{domain}", qdcount=2, extra_question=second))
        self.assertIsNotNone(reply)
        self.assertEqual(harness.parse_header(reply)["rcode"], FORMERR)

    def test_garbage_gets_no_reply_and_server_keeps_answering(self):
        rng = random.Random(5300)
        for _ in range(5):
            junk = bytes(rng.randrange(256) for _ in range(5))
            self.assertIsNone(harness.udp_exchange(self.server, junk, timeout=0.5))
        domain = next(iter(self.domains))
        self.assertTrue(self.dmarc_txt(f"_dmarc.{domain}").startswith("v=DMARC1"))
        self.assertTrue(self.server.alive())

    def test_response_is_not_answered(self):
        domain = next(iter(self.domains))
        q = harness.make_query(f"_dmarc.{domain}", flags=0x8000)
        self.assertIsNone(harness.udp_exchange(self.server, q, timeout=0.5))

    def test_question_case_is_echoed(self):
        domain = next(iter(self.domains))
        name = "".join(c.upper() if i % 2 else c.lower()
                       for i, c in enumerate(f"_dmarc.{domain}"))
        query = harness.make_query(name, qid=0xBEEF)
        reply = harness.udp_exchange(self.server, query)
        question = query[12:]
        self.assertEqual(reply[12:12 + len(question)], question)
        h = harness.parse_header(reply)
        self.assertEqual((h["id"], h["rcode"], h["aa"], h["an"]), (0xBEEF, NOERROR, 1, 1))

    def test_any_is_minimal(self):
        domain = next(iter(self.domains))
        r = kdig(self.server, f"_dmarc.{domain}", "ANY")
        self.assertAnswered(r)
        self.assertEqual(len(r["answerRRs"]), 1)
        self.assertEqual(r["answerRRs"][0]["TYPE"], TXT)

    def test_edns_echoed_with_our_payload_and_do_bit(self):
        domain = next(iter(self.domains))
        reply = harness.udp_exchange(
            self.server, harness.make_query(f"_dmarc.{domain}", opt=(4096, 0, True)))
        h = harness.parse_header(reply)
        self.assertEqual(h["ar"], 1)
        opt = reply[-11:]
        self.assertEqual(opt[0], 0)
        rtype, payload, ext, version, flags, rdlen = struct.unpack("!HHBBHH", opt[1:])
        self.assertEqual((rtype, payload, ext, version, flags, rdlen), (41, 1232, 0, 0, 0x8000, 0))

    def test_ipv6(self):
        domain = next(iter(self.domains))
        r = kdig(self.server, f"_dmarc.{domain}", "TXT", v6=True)
        self.assertAnswered(r)
        r = kdig(self.server, f"_dmarc.{domain}", "TXT", "+tcp", v6=True)
        self.assertAnswered(r)

    # ---- TCP ------------------------------------------------------------------

    def test_three_pipelined_queries_on_one_connection(self):
        names = [f"_dmarc.{d}" for d in list(self.domains)[:3]]
        queries = [harness.make_query(n, qid=100 + i) for i, n in enumerate(names)]
        with harness.tcp_connect(self.server) as s:
            s.sendall(b"".join(struct.pack("!H", len(q)) + q for q in queries))
            ids = []
            for _ in queries:
                reply = harness.tcp_read_message(s)
                h = harness.parse_header(reply)
                self.assertEqual((h["rcode"], h["an"]), (NOERROR, 1))
                ids.append(h["id"])
        self.assertEqual(sorted(ids), [100, 101, 102])

    def test_kdig_keepopen_several_queries(self):
        domain = next(iter(self.domains))
        out = subprocess.run(
            ["kdig", "@127.0.0.1", "-p", str(self.server.port), "+tcp", "+keepopen", "+norec",
             f"_dmarc.{domain}", "TXT", f"_dmarc.{domain}", "SOA", f"_dmarc.{domain}", "NS"],
            capture_output=True, text=True, timeout=15)
        self.assertEqual(out.stdout.count("status: NOERROR"), 3, out.stdout)


class IdentityTest(unittest.TestCase):
    """The server file's `identity`: NSID (RFC 5001) and CHAOS TXT id.server
    and hostname.bind, asked by kdig; it follows a reload."""

    IDENTITY = "ns1.provider.test (integration)"

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.temp_dir()
        examples = harness.copy_examples(cls.tmp.name)
        cls.path = os.path.join(examples, "dnsd.yaml")
        cls.write_identity(cls.IDENTITY)
        cls.server = harness.DnsdServer(config=cls.path)
        cls.domain = next(iter(example_domains()))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    @classmethod
    def write_identity(cls, identity):
        with open(cls.path) as f:
            doc = yaml.safe_load(f)
        doc["identity"] = identity
        harness.write_atomic(cls.path, yaml.safe_dump(doc))

    def nsid_of(self, *args):
        """The NSID kdig prints for a query with +nsid (text form), or None."""
        out = subprocess.run(
            ["kdig", "@127.0.0.1", "-p", str(self.server.port), "+nsid", "+norec",
             "+retry=0", "+timeout=3", *args],
            capture_output=True, text=True, timeout=harness.CLIENT_TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        for line in out.stdout.splitlines():
            if line.startswith(";; NSID:"):
                # ";; NSID: 6E7331... "ns1..."": the quoted text at the end.
                return line.split('"', 1)[1].rsplit('"', 1)[0]
        return None

    def test_kdig_nsid(self):
        self.assertEqual(self.nsid_of(f"_dmarc.{self.domain}", "TXT"), self.IDENTITY)
        self.assertEqual(self.nsid_of("+tcp", f"_dmarc.{self.domain}", "TXT"), self.IDENTITY)
        # On a REFUSED answer too.
        self.assertEqual(self.nsid_of("example.org", "TXT"), self.IDENTITY)

    def test_chaos_id_server_and_hostname_bind(self):
        for name in ("id.server", "hostname.bind", "ID.SERVER"):
            for extra in ((), ("+tcp",)):
                r = kdig(self.server, *extra, "CH", "TXT", name)
                self.assertEqual((r["RCODE"], r["AA"], r["ANCOUNT"]), (NOERROR, 1, 1), r)
                rr = r["answerRRs"][0]
                self.assertEqual((rr["TYPE"], rr["CLASS"], rr["TTL"]), (TXT, 3, 0), rr)
                self.assertEqual(rr["NAME"].lower(), name.lower() + ".")
                self.assertEqual(txt_of(rr), self.IDENTITY)
        # Other CHAOS names stay REFUSED.
        r = kdig(self.server, "CH", "TXT", "version.bind")
        self.assertEqual((r["RCODE"], r["ANCOUNT"]), (REFUSED, 0))

    def test_identity_follows_a_reload(self):
        try:
            self.write_identity("ns1 after reload")
            harness.sighup_reload(self.server)
            r = kdig(self.server, "CH", "TXT", "id.server")
            self.assertEqual(txt_of(r["answerRRs"][0]), "ns1 after reload")
            self.assertEqual(self.nsid_of(f"_dmarc.{self.domain}", "TXT"), "ns1 after reload")
        finally:
            self.write_identity(self.IDENTITY)
            harness.sighup_reload(self.server)


class TcpLimitsTest(unittest.TestCase):
    """Idle timeout and connection limit, on a copy of the examples with small limits."""

    def setUp(self):
        self.tmp = harness.temp_dir()
        examples = harness.copy_examples(self.tmp.name)
        path = os.path.join(examples, "dnsd.yaml")
        with open(path) as f:
            doc = yaml.safe_load(f)
        doc["tcp"] = {"idle_timeout_ms": 500, "max_connections": 2}
        with open(path, "w") as f:
            yaml.safe_dump(doc, f)
        self.server = harness.DnsdServer(config=path, threads=1)
        self.domain = next(iter(example_domains()))

    def tearDown(self):
        self.server.stop()
        self.tmp.cleanup()

    def test_idle_connection_is_closed(self):
        with harness.tcp_connect(self.server) as s:
            start = time.monotonic()
            s.settimeout(5)
            self.assertEqual(s.recv(1), b"")  # EOF from the server
            self.assertLess(time.monotonic() - start, 3)

    def test_slow_sender_does_not_keep_connection(self):
        # A byte every 100 ms never completes a query within the idle timeout.
        with harness.tcp_connect(self.server) as s:
            q = harness.make_query(f"_dmarc.{self.domain}")
            framed = struct.pack("!H", len(q)) + q
            try:
                for b in framed[:20]:
                    s.sendall(bytes([b]))
                    time.sleep(0.1)
            except OSError:
                pass  # already closed: what we want
            s.settimeout(3)
            try:
                data = s.recv(2)
            except socket.timeout:
                self.fail("connection still open after the idle timeout")
            except ConnectionResetError:
                data = b""
            self.assertEqual(data, b"")

    def seconds_until_closed(self, s, frame, seconds=3.0):
        """Sends `frame` every 100 ms for up to `seconds`; returns how long
        it took the server to close the connection, or None if it did not."""
        start = time.monotonic()
        s.settimeout(0.1)
        while time.monotonic() - start < seconds:
            try:
                s.sendall(frame)
                if s.recv(2) == b"":
                    return time.monotonic() - start
            except socket.timeout:
                continue
            except OSError:  # reset or broken pipe: closed
                return time.monotonic() - start
        return None

    def test_empty_frames_do_not_keep_connection(self):
        # A zero-length frame every 100 ms: it gets no answer, so it must not
        # restart the idle timer (500 ms); the server closes while the
        # client is still sending.
        with harness.tcp_connect(self.server) as s:
            closed = self.seconds_until_closed(s, b"\0\0")
        self.assertIsNotNone(closed, "still open after 3 s of empty frames")
        self.assertLess(closed, 1.5)

    def test_unanswered_messages_do_not_keep_connection(self):
        # Responses (QR=1) and runts are dropped by the gate: no answer, no
        # restart of the idle timer.
        q = harness.make_query(f"_dmarc.{self.domain}", flags=0x8000)
        with harness.tcp_connect(self.server) as s:
            closed = self.seconds_until_closed(s, struct.pack("!H", len(q)) + q + b"\0\3abc")
        self.assertIsNotNone(closed, "still open after 3 s of unanswerable messages")
        self.assertLess(closed, 1.5)

    def test_answered_queries_keep_connection(self):
        # A query every 200 ms for 1.5 s (three idle timeouts): each answer
        # restarts the timer, so the connection stays.
        q = harness.make_query(f"_dmarc.{self.domain}")
        with harness.tcp_connect(self.server) as s:
            deadline = time.monotonic() + 1.5
            while time.monotonic() < deadline:
                s.sendall(struct.pack("!H", len(q)) + q)
                self.assertEqual(harness.parse_header(harness.tcp_read_message(s))["rcode"],
                                 NOERROR)
                time.sleep(0.2)
            s.sendall(struct.pack("!H", len(q)) + q)
            self.assertEqual(harness.parse_header(harness.tcp_read_message(s))["rcode"], NOERROR)

    def test_long_frames_are_read_whole(self):
        # Queries padded (RFC 7830 option 12) past the first 514-octet read
        # buffer, up to the largest message, pipelined with a small one: the
        # buffer grows for them and each gets its answer, in order.
        small = harness.make_query(f"_dmarc.{self.domain}", qid=1)
        frames = b""
        for i, padding in enumerate((600, 4000, 65535 - 60)):
            base = harness.make_query(f"_dmarc.{self.domain}", qid=100 + i)
            header, question = base[:12], base[12:]
            pad = padding - len(base) - 11 - 4
            opt = b"\0" + struct.pack("!HHBBHH", 41, 1232, 0, 0, 0, 4 + pad) + \
                struct.pack("!HH", 12, pad) + bytes(pad)
            msg = header[:10] + struct.pack("!H", 1) + question + opt
            self.assertLessEqual(len(msg), 65535)
            frames += struct.pack("!H", len(msg)) + msg
        frames += struct.pack("!H", len(small)) + small
        with harness.tcp_connect(self.server) as s:
            s.sendall(frames)
            ids = []
            for _ in range(4):
                h = harness.parse_header(harness.tcp_read_message(s))
                self.assertEqual((h["rcode"], h["an"]), (NOERROR, 1))
                ids.append(h["id"])
            self.assertEqual(ids, [100, 101, 102, 1])

    def test_connections_over_the_limit_are_closed(self):
        a = harness.tcp_connect(self.server)
        b = harness.tcp_connect(self.server)
        try:
            time.sleep(0.1)
            with harness.tcp_connect(self.server) as c:
                c.settimeout(2)
                self.assertEqual(c.recv(1), b"")
            # The first two still work.
            for s in (a, b):
                q = harness.make_query(f"_dmarc.{self.domain}")
                s.sendall(struct.pack("!H", len(q)) + q)
                self.assertEqual(harness.parse_header(harness.tcp_read_message(s))["rcode"],
                                 NOERROR)
        finally:
            a.close()
            b.close()


class TcpPrefixLimitTest(unittest.TestCase):
    """`tcp.max_connections_per_prefix`: one prefix cannot take every
    connection; what is refused is counted in the metrics."""

    def setUp(self):
        self.tmp = harness.temp_dir()
        examples = harness.copy_examples(self.tmp.name)
        path = os.path.join(examples, "dnsd.yaml")
        with open(path) as f:
            doc = yaml.safe_load(f)
        doc["tcp"] = {"idle_timeout_ms": 5000, "max_connections": 10,
                      "max_connections_per_prefix": 2}
        with open(path, "w") as f:
            yaml.safe_dump(doc, f)
        self.server = harness.DnsdServer(config=path, threads=2)
        self.domain = next(iter(example_domains()))

    def tearDown(self):
        self.server.stop()
        self.tmp.cleanup()

    def answered(self, s):
        q = harness.make_query(f"_dmarc.{self.domain}")
        s.sendall(struct.pack("!H", len(q)) + q)
        return harness.parse_header(harness.tcp_read_message(s))["rcode"] == NOERROR

    def test_third_connection_from_one_prefix_is_closed(self):
        a = harness.tcp_connect(self.server)
        b = harness.tcp_connect(self.server)
        six = socket.create_connection(("::1", self.server.port6), timeout=harness.CLIENT_TIMEOUT)
        try:
            self.assertTrue(self.answered(a))
            self.assertTrue(self.answered(b))
            with harness.tcp_connect(self.server) as c:
                c.settimeout(2)
                try:
                    self.assertEqual(c.recv(1), b"")
                except ConnectionResetError:
                    pass
            # ::1 is another prefix: it still gets in, and the first two work.
            self.assertTrue(self.answered(six))
            self.assertTrue(self.answered(a))
            # A place freed is a place to take.
            b.close()
            time.sleep(0.2)
            with harness.tcp_connect(self.server) as d:
                self.assertTrue(self.answered(d))
        finally:
            for s in (a, b, six):
                s.close()
        port = self.server.metrics_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            text = r.read().decode()
        counts = dict(re.findall(r'dnsd_tcp_connections_total\{event="([a-z_]+)"\} (\S+)', text))
        self.assertEqual(float(counts["refused_prefix_limit"]), 1, text)
        self.assertEqual(float(counts["refused_over_limit"]), 0, text)
        self.assertEqual(float(counts["accepted"]), 4, text)


class TcpMemoryTest(unittest.TestCase):
    """An idle TCP connection costs a few KiB (a 514-octet read buffer), not
    the 128 KiB it once did (bench/tcp_idle_rss.py measures it at 1,000)."""

    CONNECTIONS = 300

    def setUp(self):
        self.tmp = harness.temp_dir()
        examples = harness.copy_examples(self.tmp.name)
        path = os.path.join(examples, "dnsd.yaml")
        with open(path) as f:
            doc = yaml.safe_load(f)
        doc["tcp"] = {"idle_timeout_ms": 60000, "max_connections": self.CONNECTIONS + 50,
                      "max_connections_per_prefix": self.CONNECTIONS + 50}
        with open(path, "w") as f:
            yaml.safe_dump(doc, f)
        self.server = harness.DnsdServer(config=path, threads=1)
        self.domain = next(iter(example_domains()))

    def tearDown(self):
        self.server.stop()
        self.tmp.cleanup()

    def open_now(self, port):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            m = re.search(r"^dnsd_tcp_connections_open (\S+)$", r.read().decode(), re.M)
        return int(float(m.group(1)))

    def test_idle_connections_cost_a_few_kib(self):
        port = self.server.metrics_port()
        # What every connection shares (the worker's response buffer, Asio's
        # handler memory) is paid before the first reading.
        q = harness.make_query(f"_dmarc.{self.domain}")
        for _ in range(4):
            with harness.tcp_connect(self.server) as s:
                s.sendall(struct.pack("!H", len(q)) + q)
                harness.tcp_read_message(s)
        time.sleep(0.3)
        before = harness.rss_kib(self.server.proc.pid)
        socks = [harness.tcp_connect(self.server) for _ in range(self.CONNECTIONS)]
        try:
            deadline = time.monotonic() + 10
            while self.open_now(port) < self.CONNECTIONS and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(self.open_now(port), self.CONNECTIONS)
            per_connection = (harness.rss_kib(self.server.proc.pid) - before) / self.CONNECTIONS
            self.assertLess(per_connection, 16, f"{per_connection:.1f} KiB per idle connection")
        finally:
            for s in socks:
                s.close()


class DescriptorLimitTest(unittest.TestCase):
    """`dnsd serve` checks tcp.max_connections against RLIMIT_NOFILE."""

    def setUp(self):
        harness.require_tools("prlimit")
        self.tmp = harness.temp_dir()
        examples = harness.copy_examples(self.tmp.name)
        self.path = os.path.join(examples, "dnsd.yaml")
        with open(self.path) as f:
            doc = yaml.safe_load(f)
        doc["tcp"] = {"max_connections": 1024}
        with open(self.path, "w") as f:
            yaml.safe_dump(doc, f)

    def tearDown(self):
        self.tmp.cleanup()

    def test_refuses_to_start_over_the_hard_limit(self):
        out = subprocess.run(
            ["prlimit", "--nofile=256:512", "--", harness.DNSD, "serve", "-c", self.path,
             "--listen", "127.0.0.1:0", "--threads", "1", "--metrics", "127.0.0.1:0",
             *harness.ALLOW_ROOT],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertRegex(out.stderr, r"not starting: dnsd needs 1160 open files \(1024 for "
                         r"tcp.max_connections, 2 listening sockets, 134 for files, event "
                         r"loops, metrics and reloads\), but the open-file limit \(RLIMIT_NOFILE\) "
                         r"is 256 with a hard limit of 512")
        self.assertNotIn("listening on", out.stderr)

    def test_raises_the_soft_limit_within_the_hard_one(self):
        server = harness.DnsdServer(config=self.path, threads=1, prefix=("prlimit", "--nofile=256:4096", "--"))
        try:
            harness.wait_for_log(server, r"raised the open-file limit \(RLIMIT_NOFILE\) from 256 "
                                 r"to 1162 \(hard limit 4096\)")
            with open(f"/proc/{server.proc.pid}/limits") as f:
                line = next(l for l in f if l.startswith("Max open files"))
            self.assertEqual(line.split()[3:5], ["1162", "4096"], line)
        finally:
            server.stop()


if __name__ == "__main__":
    harness.main()
