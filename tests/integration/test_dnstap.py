"""dnstap output: a real collector (fstrm_capture) receives the stream while
kdig queries dnsd, and dnstap-ldns decodes it. Every answer appears exactly
once, with its name, rcode, transport and client address as configured;
the zone filter and the 1-in-N sampler select exactly what they say; a
collector that goes away costs dropped messages, never an answer, and one
that comes back gets the stream again."""
import os
import re
import subprocess
import time
import unittest
import urllib.request

import harness
from harness import kdig

SPF = "._ip.mail._ehlo.enforce.example._spf.provider.test"
SPF_NAMES = [f"192.0.2.{i}{SPF}" for i in (7, 8, 9)]
DMARC = "_dmarc.enforce.example"
REFUSED = "example.org"
LOOP_TIMEOUT = 15


def setUpModule():
    harness.require_tools("kdig", "fstrm_capture", "dnstap-ldns", "ss")
    harness.require_modules("yaml")


class Collector:
    """fstrm_capture on a Unix socket (or, with `tcp_port`, on that
    loopback TCP port), writing one file; stopped by PID."""

    def __init__(self, socket_path, out_path, tcp_port=None):
        self.out = out_path
        self.socket_path = socket_path
        self.tcp_port = tcp_port
        if tcp_port is None:
            if os.path.exists(socket_path):
                os.unlink(socket_path)
            where = ["-u", socket_path]
        else:
            where = ["-a", "127.0.0.1", "-p", str(tcp_port)]
        self.proc = subprocess.Popen(
            ["fstrm_capture", "-t", "protobuf:dnstap.Dnstap", *where, "-w", out_path],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + LOOP_TIMEOUT
        while not self._listening(socket_path, tcp_port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise AssertionError("fstrm_capture did not open its socket")
            time.sleep(0.01)

    @staticmethod
    def _listening(socket_path, tcp_port):
        if tcp_port is None:
            return os.path.exists(socket_path)
        with open("/proc/net/tcp") as f:  # LISTEN (0A) on 127.0.0.1:port
            return any(f":{tcp_port:04X} " in line and line.split()[3] == "0A"
                       for line in f.readlines()[1:])

    def _queued(self):
        """Octets written to the collector that it has not read yet (ss(8))."""
        if self.tcp_port is None:
            out = subprocess.run(["ss", "-Hxn"], capture_output=True, text=True,
                                 timeout=harness.CLIENT_TIMEOUT, check=True).stdout
            # Netid State Recv-Q Send-Q Local ...: the collector's end has the path.
            return sum(int(f[2]) for f in (l.split() for l in out.splitlines())
                       if len(f) > 4 and f[4] == self.socket_path)
        out = subprocess.run(["ss", "-Htn"], capture_output=True, text=True,
                             timeout=harness.CLIENT_TIMEOUT, check=True).stdout
        # State Recv-Q Send-Q Local Peer: both ends, data in flight either way.
        end = f"127.0.0.1:{self.tcp_port}"
        return sum(int(f[1]) + int(f[2]) for f in (l.split() for l in out.splitlines())
                   if len(f) > 4 and end in (f[3], f[4]))

    def wait_read(self):
        """Waits until the collector has read everything sent to it:
        fstrm_capture stops at SIGTERM without reading what is queued."""
        deadline = time.monotonic() + LOOP_TIMEOUT
        while self._queued() > 0:
            if time.monotonic() > deadline:
                raise AssertionError("the collector did not read what dnsd wrote")
            time.sleep(0.02)

    def stop(self):
        """Stops it (it closes its file on SIGTERM); returns its stderr."""
        harness.terminate(self.proc)
        return self.proc.stderr.read()


def decode(path):
    """The messages in a capture file, as dnstap-ldns -y prints them, each
    with the name and rcode of its DNS message pulled out."""
    import yaml
    out = subprocess.run(["dnstap-ldns", "-y", "-r", path], capture_output=True, text=True,
                         timeout=harness.CLIENT_TIMEOUT, check=True).stdout
    messages = []
    for doc in yaml.safe_load_all(out):
        if not doc:
            continue
        m = doc["message"]
        text = m.get("response_message") or m["query_message"]
        m["name"] = re.search(r";; QUESTION SECTION:\n;(\S+)\.\s", text).group(1)
        m["rcode"] = re.search(r"rcode: (\w+)", text).group(1)
        messages.append(m)
    return messages


def metric(server, name, **labels):
    with urllib.request.urlopen(f"http://127.0.0.1:{server.metrics_port()}/metrics",
                                timeout=10) as r:
        text = r.read().decode()
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name) + (r"\{" + re.escape(want) + r"\}" if want else "") + r" (\S+)$"
    for line in text.splitlines():
        m = re.match(pattern, line)
        if m:
            return float(m.group(1))
    return 0.0


def wait_metric(server, name, at_least, **labels):
    deadline = time.monotonic() + LOOP_TIMEOUT
    while True:
        value = metric(server, name, **labels)
        if value >= at_least:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{name}{labels} stayed at {value}, expected {at_least}")
        time.sleep(0.05)


class DnstapTest(unittest.TestCase):
    def setUp(self):
        self.tmp = harness.temp_dir()
        self.dir = self.tmp.name
        self.socket = os.path.join(self.dir, "tap.sock")
        self.collector = None
        self.server = None

    def tearDown(self):
        if self.server is not None:
            self.server.stop()
        if self.collector is not None:
            self.collector.stop()
        self.tmp.cleanup()

    def start(self, dnstap_yaml, capture="tap.fstrm", tcp_port=None):
        examples = harness.copy_examples(self.dir)
        config = self.config = os.path.join(examples, "dnsd.yaml")
        where = f"socket: {self.socket}" if tcp_port is None else f"tcp: 127.0.0.1:{tcp_port}"
        with open(config, "a") as f:
            f.write(f"dnstap:\n  {where}\n{dnstap_yaml}")
        self.collector = Collector(self.socket, os.path.join(self.dir, capture), tcp_port)
        # One worker: the sampler counts per worker, so its counts are exact.
        self.server = harness.DnsdServer(config=config, threads=1)
        wait_metric(self.server, "dnsd_dnstap_connected", 1)

    def capture(self, expected_written):
        """Waits until dnsd wrote `expected_written` messages, stops the
        collector, and decodes what it received."""
        wait_metric(self.server, "dnsd_dnstap_messages_total", expected_written, result="written")
        self.collector.wait_read()
        self.collector.stop()
        return decode(self.collector.out)

    def send_known_set(self):
        """Seven queries: three SPF macro names (one over TCP), a DMARC
        name (also over IPv6), a name outside every zone (REFUSED, also over
        TCP)."""
        for name in SPF_NAMES[:2]:
            kdig(self.server, name, "TXT")
        kdig(self.server, SPF_NAMES[2], "TXT", "+tcp")
        kdig(self.server, DMARC, "TXT")
        kdig(self.server, DMARC, "TXT", v6=True)
        kdig(self.server, REFUSED, "TXT")
        kdig(self.server, REFUSED, "TXT", "+tcp")

    def test_every_answer_once_with_name_rcode_and_address(self):
        self.start("")
        self.send_known_set()
        messages = self.capture(7)
        got = sorted((m["name"], m["rcode"], m["socket_protocol"], m["query_address"])
                     for m in messages)
        self.assertEqual(got, sorted([
            (SPF_NAMES[0], "NOERROR", "UDP", "127.0.0.1"),
            (SPF_NAMES[1], "NOERROR", "UDP", "127.0.0.1"),
            (SPF_NAMES[2], "NOERROR", "TCP", "127.0.0.1"),
            (DMARC, "NOERROR", "UDP", "127.0.0.1"),
            (DMARC, "NOERROR", "UDP", "::1"),
            (REFUSED, "REFUSED", "UDP", "127.0.0.1"),
            (REFUSED, "REFUSED", "TCP", "127.0.0.1"),
        ]))
        for m in messages:
            self.assertEqual(m["type"], "AUTH_RESPONSE")
            self.assertEqual(m["response_address"], m["query_address"])  # loopback to itself
            self.assertIn(m["response_port"], (self.server.port, self.server.port6))
            self.assertGreater(m["query_port"], 0)
            self.assertIn("query_message", m)
            self.assertLessEqual(m["query_time"], m["response_time"])
        # The SPF answer carries the record for that one IP.
        spf7 = next(m for m in messages if m["name"] == SPF_NAMES[0])
        self.assertIn("ip4:192.0.2.7", spf7["response_message"])
        self.assertEqual(metric(self.server, "dnsd_dnstap_messages_total", result="dropped"), 0)

    def test_tcp_collector(self):
        self.start("", tcp_port=harness.free_tcp_port())
        kdig(self.server, DMARC, "TXT")
        kdig(self.server, SPF_NAMES[0], "TXT", "+tcp")
        messages = self.capture(2)
        self.assertEqual(sorted(m["name"] for m in messages), sorted([DMARC, SPF_NAMES[0]]))

    def test_query_and_response_messages(self):
        self.start("  messages: query+response\n")
        kdig(self.server, DMARC, "TXT")
        kdig(self.server, REFUSED, "TXT", "+tcp")
        messages = self.capture(4)
        got = sorted((m["type"], m["name"], m["socket_protocol"]) for m in messages)
        self.assertEqual(got, [("AUTH_QUERY", DMARC, "UDP"), ("AUTH_QUERY", REFUSED, "TCP"),
                               ("AUTH_RESPONSE", DMARC, "UDP"), ("AUTH_RESPONSE", REFUSED, "TCP")])
        for m in messages:
            if m["type"] == "AUTH_QUERY":
                self.assertNotIn("response_message", m)

    def test_client_address_prefix_is_truncated(self):
        # rate_limit's prefixes: /24 for IPv4 and /56 for IPv6.
        self.start("  client_address: prefix\n")
        kdig(self.server, DMARC, "TXT")
        kdig(self.server, DMARC, "TXT", v6=True)
        messages = self.capture(2)
        self.assertEqual(sorted(m["query_address"] for m in messages), ["127.0.0.0", "::"])
        for m in messages:
            self.assertNotIn("query_port", m)  # a port would single the client out again

    def test_client_address_none_is_absent(self):
        self.start("  client_address: none\n")
        kdig(self.server, DMARC, "TXT")
        kdig(self.server, REFUSED, "TXT", "+tcp")
        messages = self.capture(2)
        self.assertEqual(len(messages), 2)
        for m in messages:
            self.assertNotIn("query_address", m)
            self.assertNotIn("query_port", m)
            self.assertIn("response_address", m)

    def test_zones_spf_logs_only_the_spf_zone(self):
        self.start("  zones: spf\n")
        self.send_known_set()
        # Answers outside the SPF zone are not messages at all: a marker
        # SPF query after them proves they had their chance.
        kdig(self.server, f"192.0.2.99{SPF}", "TXT")
        messages = self.capture(4)
        self.assertEqual(sorted(m["name"] for m in messages),
                         sorted(SPF_NAMES + [f"192.0.2.99{SPF}"]))
        self.assertEqual(metric(self.server, "dnsd_dnstap_messages_total", result="written"), 4)

    def test_sample_is_one_in_n_exactly(self):
        self.start("  sample: 3\n")
        names = [f"192.0.2.{i}{SPF}" for i in range(1, 11)]
        for name in names:
            kdig(self.server, name, "TXT")
        messages = self.capture(4)
        # A counter: the 1st, 4th, 7th and 10th.
        self.assertEqual([m["name"] for m in messages], [names[i] for i in (0, 3, 6, 9)])
        self.assertEqual(metric(self.server, "dnsd_dnstap_messages_total", result="written"), 4)

    def test_collector_restart_drops_then_reconnects(self):
        self.start("")
        for i in range(5):
            kdig(self.server, f"198.51.100.{i}{SPF}", "TXT")
        first = self.capture(5)  # stops the collector
        self.assertEqual(len(first), 5)
        # The collector is gone: every query is still answered.
        for i in range(20):
            answer = kdig(self.server, f"203.0.113.{i}{SPF}", "TXT")
            self.assertEqual(answer["RCODE"], 0, answer)
        dropped = wait_metric(self.server, "dnsd_dnstap_messages_total", 1, result="dropped")
        self.assertGreater(dropped, 0)
        self.assertEqual(metric(self.server, "dnsd_dnstap_connected"), 0)
        # Back again: dnsd reconnects (backoff at most 2 s) and writes new answers.
        written = metric(self.server, "dnsd_dnstap_messages_total", result="written")
        self.collector = Collector(self.socket, os.path.join(self.dir, "second.fstrm"))
        wait_metric(self.server, "dnsd_dnstap_connected", 1)
        for i in range(5):
            kdig(self.server, f"192.0.2.{100 + i}{SPF}", "TXT")
        second = self.capture(written + 5)
        self.assertEqual(sorted(m["name"] for m in second),
                         sorted(f"192.0.2.{100 + i}{SPF}" for i in range(5)))
        self.assertTrue(self.server.alive())

    def test_a_reload_warns_that_dnstap_is_restart_only(self):
        self.start("")
        with open(self.config) as f:
            text = f.read()
        harness.write_atomic(self.config, text + "  sample: 2\n")
        mark = harness.log_mark(self.server)
        harness.sighup_reload(self.server)
        harness.wait_for_log(self.server, r"dnstap changed, but it is read only at start", mark)
        # The running stream is unchanged: still every answer.
        for _ in range(2):
            kdig(self.server, DMARC, "TXT")
        self.assertEqual(len(self.capture(2)), 2)


class DnstapCheckTest(unittest.TestCase):
    def test_check_reports_each_mistake_with_its_position(self):
        with harness.temp_dir() as tmp:
            config = os.path.join(harness.copy_examples(tmp), "dnsd.yaml")
            with open(config) as f:
                lines = f.read().count("\n")
            with open(config, "a") as f:
                f.write("dnstap:\n  socket: /run/dnsd/dnstap.sock\n  tcp: 127.0.0.1:6000\n"
                        "  client_address: partial\n  sample: 0\n")
            out = subprocess.run([harness.DNSD, "check", "-c", config], capture_output=True,
                                 text=True, timeout=harness.CLIENT_TIMEOUT)
            self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
            text = out.stdout + out.stderr
            self.assertIn(f"{config}:{lines + 3}:8: dnstap.tcp: give either socket or tcp", text)
            self.assertIn(f"{config}:{lines + 4}:19: dnstap.client_address:", text)
            self.assertIn(f"{config}:{lines + 5}:11: dnstap.sample: expected an integer from 1",
                          text)


if __name__ == "__main__":
    harness.main()
