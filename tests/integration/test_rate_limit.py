"""Response rate limiting (issue 8): a UDP flood from one source is cut to
the configured rate, with every second limited answer slipped (TC=1, no
records, so a resolver retries over TCP) and the others dropped; a second
source in the same run gets every answer; an allow-listed source is never
limited; TCP from the flooding source is answered; /metrics counts exactly
what the client saw.

The sources are loopback addresses (127.0.0.2 floods, 127.0.0.3 is a
bystander, 127.0.0.4 is allow-listed). Loopback is on the default
allow-list, so the test configures its own (`allow: [127.0.0.4/32]`) and
/32 prefixes, which puts the three in buckets of their own."""
import os
import re
import select
import shutil
import socket
import struct
import tempfile
import threading
import time
import unittest
import urllib.request

import harness

RATE = 200
SLIP = 2
FLOOD_SECONDS = 3.0
FLOOD_MAX = 60000           # queries; the flood stops at whichever bound comes first
CHUNK = 50                  # queries sent between two drains of the replies
PACE = 10000                # queries per second the flood aims at
QNAME = "_dmarc.enforce.example"

FLOODER, BYSTANDER, ALLOWED = "127.0.0.2", "127.0.0.3", "127.0.0.4"


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        return r.read().decode()


def sample(text, name, **labels):
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        m = re.match(r"([a-z_]+)(?:\{([^}]*)\})? (\S+)$", line)
        if m and m.group(1) == name and ",".join(sorted((m.group(2) or "").split(","))).strip(",") == want:
            return float(m.group(3))
    raise KeyError(f"{name}{labels} not in the scrape")


def udp_socket(source):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((source, 0))
    try:  # root may grow the buffer past rmem_max: no reply lost to a full buffer
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setblocking(False)
    return s


class Tally:
    """Replies to a flood: whole answers and slipped (TC) ones, checked."""

    def __init__(self, test):
        self.test, self.answered, self.slipped, self.bad = test, 0, 0, []

    def take(self, reply):
        h = harness.parse_header(reply)
        if h["qr"] != 1 or h["qd"] != 1 or h["rcode"] != 0:
            self.bad.append(h)
        elif h["tc"]:
            # Slipped: question and OPT only.
            if (h["an"], h["ns"], h["ar"]) != (0, 0, 1):
                self.bad.append(h)
            self.slipped += 1
        else:
            if h["an"] < 1:
                self.bad.append(h)
            self.answered += 1

    def drain(self, sock, wait=0.0):
        while True:
            if wait and not select.select([sock], [], [], wait)[0]:
                return
            try:
                reply = sock.recv(65535)
            except BlockingIOError:
                if not wait:
                    return
                continue
            self.take(reply)


def flood(server, source, seconds, max_queries, tally):
    """Sends TXT queries from `source` at about PACE/s until `seconds` or
    `max_queries`; returns (sent, duration)."""
    sock = udp_socket(source)
    query = harness.make_query(QNAME, 16, qid=0, opt=(1232, 0, False))
    target = ("127.0.0.1", server.port)
    sent = 0
    start = time.monotonic()
    try:
        while sent < max_queries and time.monotonic() - start < seconds:
            for _ in range(CHUNK):
                sock.sendto(struct.pack("!H", sent & 0xFFFF) + query[2:], target)
                sent += 1
            tally.drain(sock)
            ahead = start + sent / PACE - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        duration = time.monotonic() - start
        tally.drain(sock, wait=1.0)  # the last replies
    finally:
        sock.close()
    return sent, duration


def tcp_queries(server, source, n):
    """n TXT queries over one TCP connection from `source`; the RCODEs and
    TC bits of the answers."""
    results = []
    with socket.create_connection(("127.0.0.1", server.port), timeout=harness.CLIENT_TIMEOUT,
                                  source_address=(source, 0)) as s:
        for i in range(n):
            q = harness.make_query(QNAME, 16, qid=i)
            s.sendall(struct.pack("!H", len(q)) + q)
            h = harness.parse_header(harness.tcp_read_message(s))
            results.append((h["id"] == i, h["rcode"], h["tc"], h["an"]))
    return results


class RateLimitTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.mkdtemp(prefix="dnsd-rrl-")
        self.addCleanup(shutil.rmtree, tmp, True)
        self.examples = harness.copy_examples(tmp)

    def start(self, rate_limit):
        """dnsd on the examples, with their `rate_limit:` block replaced."""
        path = os.path.join(self.examples, "dnsd.yaml")
        with open(path) as f:
            text = f.read()
        text = re.sub(r"^rate_limit:.*\n(?:[ #].*\n|\n)*", "", text, flags=re.M)
        self.assertNotRegex(text, r"(?m)^rate_limit:")
        with open(path, "w") as f:
            f.write(text + "\n" + rate_limit)
        server = harness.DnsdServer(config=path)
        self.addCleanup(server.stop)
        return server, server.metrics_port()

    def test_flood_is_cut_to_the_rate(self):
        server, port = self.start(
            f"rate_limit: {{responses_per_second: {RATE}, slip: {SLIP}, ipv4_prefix: 32,"
            f" allow: [{ALLOWED}/32]}}\n")
        before = scrape(port)
        self.assertEqual(sample(before, "dnsd_rrl_enabled"), 1)

        # A bystander asks once every 20 ms during the whole flood, and the
        # flooding source asks over TCP meanwhile.
        bystander, tcp, stop = [], [], threading.Event()

        def ask_as_bystander():
            while not stop.is_set() and len(bystander) < 500:
                bystander.append(self.ask(server, BYSTANDER, len(bystander)))
                time.sleep(0.02)

        def ask_over_tcp():
            time.sleep(0.5)  # well into the flood: the UDP bucket is empty
            tcp.extend(tcp_queries(server, FLOODER, 50))

        threads = [threading.Thread(target=ask_as_bystander, daemon=True),
                   threading.Thread(target=ask_over_tcp, daemon=True)]
        for t in threads:
            t.start()
        tally = Tally(self)
        sent, duration = flood(server, FLOODER, FLOOD_SECONDS, FLOOD_MAX, tally)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        self.assertFalse(any(t.is_alive() for t in threads), "a client thread hung")
        after = scrape(port)

        lost = sent - tally.answered - tally.slipped
        print(f"\nflood from {FLOODER}: {sent} queries in {duration:.2f} s "
              f"({sent / duration:.0f}/s); {tally.answered} answered "
              f"({tally.answered / duration:.0f}/s), {tally.slipped} TC, {lost} dropped; "
              f"limit {RATE}/s, slip {SLIP}", flush=True)

        self.assertEqual(tally.bad, [], "malformed or unexpected replies")
        # The rate: one second's burst, then RATE per second (the server's
        # window is at most the client's plus the final drain).
        self.assertLessEqual(tally.answered, RATE + RATE * (duration + 1.0))
        self.assertGreaterEqual(tally.answered, RATE * duration * 0.9)
        self.assertGreater(sent, 10 * RATE * duration, "the flood was not a flood")
        # Every second limited answer slipped (per worker thread: +-1 each).
        limited = sent - tally.answered
        self.assertLessEqual(abs(tally.slipped - limited // SLIP), 2)

        # The bystander got every answer, whole.
        self.assertGreater(len(bystander), 50)
        self.assertEqual([b for b in bystander if b != "answered"], [])
        # TCP from the flooding source: every answer, whole.
        self.assertEqual(len(tcp), 50)
        self.assertEqual([r for r in tcp if r != (True, 0, 0, r[3]) or r[3] < 1], [])

        # /metrics counts what the client saw, exactly.
        def delta(name, **labels):
            return sample(after, name, **labels) - sample(before, name, **labels)
        self.assertEqual(delta("dnsd_rrl_limited_responses_total", action="slipped"),
                         tally.slipped)
        self.assertEqual(delta("dnsd_rrl_limited_responses_total", action="dropped"), lost)
        # Dropped answers are queries without responses; slipped ones are
        # responses, not truncations for size.
        self.assertEqual(delta("dnsd_queries_total", transport="udp"), sent + len(bystander))
        self.assertEqual(delta("dnsd_responses_total", transport="udp", zone="dmarc",
                               rcode="NOERROR"),
                         tally.answered + tally.slipped + len(bystander))
        self.assertEqual(delta("dnsd_responses_truncated_total"), 0)

        # The allow-listed source, right after: never limited.
        tally = Tally(self)
        sent, duration = flood(server, ALLOWED, 1.0, 5 * RATE, tally)
        self.assertEqual((tally.answered, tally.slipped, tally.bad), (sent, 0, []))
        self.assertEqual(sent, 5 * RATE)

    def ask(self, server, source, qid):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((source, 0))
            s.settimeout(2.0)
            s.sendto(harness.make_query(QNAME, 16, qid=qid, opt=(1232, 0, False)),
                     ("127.0.0.1", server.port))
            try:
                h = harness.parse_header(s.recv(65535))
            except socket.timeout:
                return "timeout"
        if h["id"] != qid or h["rcode"] != 0:
            return f"bad reply {h}"
        return "slipped" if h["tc"] else "answered"

    def test_disabled(self):
        server, port = self.start("rate_limit: {enabled: false, responses_per_second: 10,"
                                  " allow: []}\n")
        self.assertEqual(sample(scrape(port), "dnsd_rrl_enabled"), 0)
        tally = Tally(self)
        sent, _ = flood(server, FLOODER, 2.0, 1000, tally)
        self.assertEqual((tally.answered, tally.slipped, tally.bad), (sent, 0, []))
        self.assertEqual(sample(scrape(port), "dnsd_rrl_limited_responses_total",
                                action="dropped"), 0)

    def test_loopback_is_allowed_by_default(self):
        server, port = self.start("rate_limit: {responses_per_second: 10}\n")
        tally = Tally(self)
        sent, _ = flood(server, FLOODER, 2.0, 1000, tally)
        self.assertEqual((tally.answered, tally.slipped, tally.bad), (sent, 0, []))
        self.assertEqual(sample(scrape(port), "dnsd_rrl_enabled"), 1)


if __name__ == "__main__":
    harness.main()
