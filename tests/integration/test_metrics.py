"""/metrics and the status page: exact counters after known queries,
promtool's lint, and a real Prometheus server scraping dnsd."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import json

import harness
from harness import kdig


def scrape(port, path="/metrics"):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.read().decode()


def sample(text, name, **labels):
    """The value of one sample, or 0 if absent."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"([a-z_]+)(\{[^}]*\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        got = ",".join(sorted((m.group(2) or "{}")[1:-1].split(","))) if m.group(2) else ""
        if got == want:
            return float(m.group(3))
    return 0.0


def metrics_port(server):
    """The port the server's log says its metrics listen on."""
    deadline = time.monotonic() + 10
    while not any("metrics on port" in l for l in server.log):
        if time.monotonic() > deadline:
            raise RuntimeError("no metrics port in the log")
        time.sleep(0.05)
    line = next(l for l in server.log if "metrics on port" in l)
    return int(re.search(r"metrics on port (\d+)", line).group(1))


def setUpModule():
    harness.require_tools("kdig")


class MetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.DnsdServer(extra=("--metrics", "127.0.0.1:0"))
        cls.port = metrics_port(cls.server)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_counters_are_exact(self):
        before = scrape(self.port)
        for _ in range(5):
            kdig(self.server, "_dmarc.enforce.example", "TXT")
        for _ in range(3):
            kdig(self.server, "nosuch._domainkey.enforce.example", "TXT", "+tcp")
        for _ in range(2):
            kdig(self.server, "example.org", "TXT")
        for _ in range(4):
            kdig(self.server, "192.0.2.7._ip.mail._ehlo.enforce.example._spf.provider.test", "TXT")
        kdig(self.server, "1.1.1.1._ip.x._ehlo.stranger.example._spf.provider.test", "TXT")
        for _ in range(2):
            kdig(self.server, "40.92.0.9._ip.x._ehlo.enforce.example._spf.provider.test", "TXT")
        for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.3"):
            kdig(self.server, f"{ip}._ip.x._ehlo.enforce.example._spf.provider.test", "TXT")
        self.assertIsNone(harness.udp_exchange(self.server, b"\x01\x02\x03\x04\x05", timeout=0.5))
        after = scrape(self.port)

        def delta(name, **labels):
            return sample(after, name, **labels) - sample(before, name, **labels)

        self.assertEqual(delta("dnsd_responses_total", transport="udp", zone="dmarc",
                               rcode="NOERROR"), 5)
        self.assertEqual(delta("dnsd_responses_total", transport="tcp", zone="domainkey",
                               rcode="NXDOMAIN"), 3)
        self.assertEqual(delta("dnsd_responses_total", transport="udp", zone="none",
                               rcode="REFUSED"), 2)
        self.assertEqual(delta("dnsd_responses_total", transport="udp", zone="spf",
                               rcode="NOERROR"), 5 + 6)
        self.assertEqual(delta("dnsd_spf_answers_total", rule="netblock"), 4)
        self.assertEqual(delta("dnsd_spf_answers_total", rule="unknown_domain"), 1)
        # Sender visibility: per configured domain, by rule and by sender.
        self.assertEqual(delta("dnsd_spf_domain_answers_total", domain="enforce.example",
                               rule="netblock"), 4)
        self.assertEqual(delta("dnsd_spf_domain_answers_total", domain="enforce.example",
                               rule="sender_range"), 2)
        # enforce.example's own terms (the terms rule) answer IPs nothing else covers.
        self.assertEqual(delta("dnsd_spf_domain_answers_total", domain="enforce.example",
                               rule="terms"), 4)
        self.assertEqual(delta("dnsd_spf_domain_sender_answers_total", domain="enforce.example",
                               sender="office365"), 2)
        # Three distinct unidentified IPs; a HyperLogLog estimate, so a
        # register shared by two of them may read one less.
        self.assertIn(sample(after, "dnsd_spf_domain_unidentified_ips",
                             domain="enforce.example"), (2, 3))
        self.assertNotIn('domain="stranger.example"', after)  # not configured
        # UDP: 5 DMARC + 2 refused + 4 netblock + 1 unknown domain + 6 more
        # SPF + 1 garbage.
        self.assertEqual(delta("dnsd_queries_total", transport="udp"), 5 + 2 + 4 + 1 + 6 + 1)
        self.assertEqual(delta("dnsd_queries_total", transport="tcp"), 3)
        self.assertEqual(delta("dnsd_queries_dropped_total", transport="udp"), 1)
        self.assertEqual(delta("dnsd_tcp_connections_total", event="accepted"), 3)
        self.assertEqual(delta("dnsd_query_processing_seconds_count"), 19 + 3)
        self.assertEqual(sample(after, "dnsd_config_generation"), 1)
        self.assertEqual(sample(after, "dnsd_config_domains"), 6)
        self.assertEqual(sample(after, "dnsd_build_info", version=re.search(
            r'dnsd_build_info\{version="([^"]+)"', after).group(1)), 1)

    def test_promtool_accepts_a_real_scrape(self):
        harness.require_tools("promtool")
        kdig(self.server, "_dmarc.enforce.example", "TXT")
        text = scrape(self.port)
        out = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                             text=True, timeout=30)
        # Only dnsd's own metrics are exported; promtool's remarks on them count.
        problems = [l for l in (out.stdout + out.stderr).splitlines() if l.startswith("dnsd_")]
        self.assertEqual(problems, [], out.stdout + out.stderr)

    def test_memory_is_exported(self):
        text = scrape(self.port)
        for name in ("process_resident_memory_bytes", "dnsd_heap_allocated_bytes",
                     "dnsd_heap_free_bytes"):
            self.assertRegex(text, rf"(?m)^# TYPE {name} gauge$")
            self.assertRegex(text, rf"(?m)^{name} \d")
        # A serving dnsd holds at least its code, its threads' stacks and its
        # snapshot. (The heap's figures depend on the allocator; a sanitizer
        # build's own does not report them: memory_release_test pins them.)
        self.assertGreater(sample(text, "process_resident_memory_bytes"), 1 << 20)

    def test_status_page(self):
        page = scrape(self.port, "/")
        self.assertRegex(page, r"^dnsd \d+\.\d+\.\d+")
        self.assertIn("generation:     1", page)
        self.assertIn("configuration errors: 0", page)

    def test_prometheus_server_reads_a_counter_back(self):
        harness.require_tools("prometheus")
        for _ in range(7):
            kdig(self.server, "_dmarc.monitor.example", "TXT")
        with tempfile.TemporaryDirectory(prefix="dnsd-prom-") as tmp:
            config = os.path.join(tmp, "prometheus.yml")
            with open(config, "w") as f:
                f.write("global: {scrape_interval: 1s}\n"
                        "scrape_configs:\n"
                        "  - job_name: dnsd\n"
                        f"    static_configs: [{{targets: ['127.0.0.1:{self.port}']}}]\n")
            web = harness.free_tcp_port()
            prom = subprocess.Popen(
                ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp}/data",
                 f"--web.listen-address=127.0.0.1:{web}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                query = urllib.parse.quote(
                    'sum(dnsd_responses_total{zone="dmarc",rcode="NOERROR"})')
                value = None
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        with urllib.request.urlopen(
                                f"http://127.0.0.1:{web}/api/v1/query?query={query}",
                                timeout=5) as r:
                            result = json.load(r)["data"]["result"]
                        if result:
                            value = float(result[0]["value"][1])
                            break
                    except OSError:
                        pass
                    time.sleep(0.5)
                self.assertIsNotNone(value, "Prometheus never returned the counter")
                self.assertGreaterEqual(value, 7)
            finally:
                prom.send_signal(signal.SIGTERM)
                try:
                    prom.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    prom.kill()
                    prom.wait(timeout=5)



class VisibilityCapTest(unittest.TestCase):
    """metrics.top_domains bounds the label set: only the busiest domains are
    named, the rest are summed as "_other"."""

    def test_only_the_top_domains_get_labels(self):
        with harness.temp_dir() as tmp:
            examples = harness.copy_examples(tmp)
            path = os.path.join(examples, "dnsd.yaml")
            with open(path, "a") as f:
                f.write("metrics: {top_domains: 1}\n")
            server = harness.DnsdServer(config=path, extra=("--metrics", "127.0.0.1:0"))
            try:
                port = metrics_port(server)
                for _ in range(3):
                    kdig(server, "192.0.2.7._ip.x._ehlo.enforce.example._spf.provider.test", "TXT")
                kdig(server, "192.0.2.7._ip.x._ehlo.monitor.example._spf.provider.test", "TXT")
                text = scrape(port)
            finally:
                server.stop()
        domains = set(re.findall(r'dnsd_spf_domain_answers_total\{domain="([^"]+)"', text))
        self.assertEqual(domains, {"enforce.example", "_other"})
        self.assertEqual(sample(text, "dnsd_spf_domain_answers_total", domain="enforce.example",
                                rule="netblock"), 3)
        self.assertEqual(sample(text, "dnsd_spf_domain_answers_total", domain="_other",
                                rule="default"), 1)


class SlowClientTest(unittest.TestCase):
    """Clients that connect to the metrics port and never finish their
    request (slowloris, a stuck proxy, a port scanner) must not take /metrics
    and / offline: the endpoint's event-driven server (dnsd/http/) holds each
    for a socket and a timer, and closes it when its head timeout (5 s)
    passes. Each slow client comes from an address of its own (127.0.0.2
    and up), so the per-client cap does not simply refuse them."""
    SLOW_CLIENTS = 50
    ANSWER_WITHIN = 1.0         # seconds, for /metrics and / while they hold on
    DROPPED_WITHIN = 15.0       # seconds; the request timeout is 5 s

    def test_metrics_answer_while_slow_clients_hold_connections(self):
        server = harness.DnsdServer(extra=("--metrics", "127.0.0.1:0"))
        slow = []
        try:
            port = metrics_port(server)
            scrape(port)
            for i in range(self.SLOW_CLIENTS):
                c = socket.create_connection(("127.0.0.1", port), timeout=harness.CLIENT_TIMEOUT,
                                             source_address=(f"127.0.0.{2 + i}", 0))
                c.sendall(b"GET /metr")     # a partial request line, then nothing
                slow.append(c)
            time.sleep(0.5)                 # let dnsd take them all up
            for round_ in range(3):
                for path in ("/metrics", "/"):
                    start = time.monotonic()
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}",
                                                    timeout=self.ANSWER_WITHIN) as r:
                            body = r.read().decode()
                    except OSError as e:    # a timeout, or the connection refused
                        self.fail(f"{path} did not answer within {self.ANSWER_WITHIN} s "
                                  f"while {self.SLOW_CLIENTS} slow clients held connections "
                                  f"(round {round_}): {e}")
                    self.assertLess(time.monotonic() - start, self.ANSWER_WITHIN, path)
                    self.assertIn("dnsd_queries_total" if path == "/metrics" else "generation",
                                  body)
                    if path == "/metrics":  # they are held, not refused
                        self.assertGreaterEqual(
                            sample(body, "dnsd_metrics_http_connections_open"),
                            self.SLOW_CLIENTS + 1, body)
                        for event in ("refused_client_limit", "refused_over_limit"):
                            self.assertEqual(sample(body, "dnsd_metrics_http_connections_total",
                                                    event=event), 0, event)
                time.sleep(0.5)
            # The request timeout ends every stalled connection: dnsd closes
            # it (after an error status, if any).
            deadline = time.monotonic() + self.DROPPED_WITHIN
            for c in slow:
                c.settimeout(max(0.1, deadline - time.monotonic()))
                try:
                    while c.recv(4096):
                        pass
                except socket.timeout:
                    self.fail(f"a stalled connection was still open {self.DROPPED_WITHIN} s "
                              "after its partial request")
                except ConnectionResetError:
                    pass
            self.assertTrue(server.alive())
        finally:
            for c in slow:
                c.close()
            server.stop()


class RestartTest(unittest.TestCase):
    """A dnsd started right after another stopped binds the same metrics port,
    even with connections the first one left behind (TIME_WAIT after scrapes,
    stalled clients still open): dnsd/http binds with SO_REUSEADDR. And one
    started while the other is still stopping does too (issue 16): under
    civetweb, which served the port before dnsd/http, the listener noticed a
    stop only after its current 2 s wait for a connection, so the stopping
    dnsd held the port that long."""

    def start(self, port):
        return harness.DnsdServer(extra=("--metrics", f"127.0.0.1:{port}"))

    def test_restart_on_the_same_metrics_port(self):
        port = harness.free_tcp_port()
        first = self.start(port)
        stalled = []
        try:
            self.assertEqual(metrics_port(first), port)
            for _ in range(5):
                scrape(port)
            for _ in range(3):
                c = socket.create_connection(("127.0.0.1", port), timeout=harness.CLIENT_TIMEOUT)
                c.sendall(b"GET /")
                stalled.append(c)
        finally:
            first.stop()
        try:
            second = self.start(port)       # at once: well within 2 s of the stop
        except RuntimeError as e:
            self.fail(f"a restart on metrics port {port} failed: {e}")
        finally:
            for c in stalled:
                c.close()
        try:
            self.assertEqual(metrics_port(second), port)
            self.assertIn("dnsd_queries_total", scrape(port))
        finally:
            second.stop()

    def test_restart_while_the_first_is_still_stopping(self):
        harness.require_tools("ss")
        port = harness.free_tcp_port()
        first = self.start(port)
        held = []
        try:
            self.assertEqual(metrics_port(first), port)
            for _ in range(3):
                # "Connection: close": dnsd answers and closes first, so the
                # TIME_WAIT is on the server's side of the port.
                c = socket.create_connection(("127.0.0.1", port), timeout=harness.CLIENT_TIMEOUT)
                c.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                while c.recv(65536):
                    pass
                c.close()
            # A stalled client and a half-sent request are open when SIGTERM
            # comes (under civetweb they kept its workers, and so the first
            # process, busy, and restarted its listener's 2 s wait).
            for request in (b"", b"GET /metrics HTTP/1.1\r\nHost: x\r\n"):
                c = socket.create_connection(("127.0.0.1", port), timeout=harness.CLIENT_TIMEOUT)
                c.sendall(request)
                held.append(c)
            time.sleep(0.1)
            ss = subprocess.run(["ss", "-Htan", "state", "time-wait", f"sport = :{port}"],
                                capture_output=True, text=True, timeout=10).stdout
            self.assertEqual(len(ss.splitlines()), 3, "each scrape should have left a TIME_WAIT "
                             f"on the server's side of the port:\n{ss}")
            first.proc.send_signal(signal.SIGTERM)
            time.sleep(0.3)   # well within 2 s; the first need not have exited
            # Started directly, not by DnsdServer, which would try again.
            second = subprocess.Popen(
                [harness.DNSD, "serve", "-c", os.path.join(harness.EXAMPLES, "dnsd.yaml"),
                 "--listen", "127.0.0.1:0", "--metrics", f"127.0.0.1:{port}",
                 *harness.ALLOW_ROOT], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True)
            try:
                log = []
                deadline = time.monotonic() + 30
                for line in second.stderr:
                    log.append(line)
                    if "metrics on port" in line or " error: " in line or \
                            time.monotonic() > deadline:
                        break
                self.assertIn(f"metrics on port {port}", "".join(log))
                self.assertIn("dnsd_queries_total", scrape(port))
            finally:
                second.send_signal(signal.SIGTERM)
                second.communicate(timeout=30)
        finally:
            for c in held:
                c.close()
            first.stop()


class ClientCapTest(unittest.TestCase):
    """One client address gets at most metrics.max_connections_per_client
    connections (issue 16): one more is closed at once, the ones it holds
    are not disturbed, and /metrics answers another client meanwhile."""
    CAP = 3
    CLOSED_WITHIN = 1.0   # seconds for the extra connection to be closed

    def setUp(self):
        self.work = tempfile.TemporaryDirectory()
        with open(os.path.join(harness.EXAMPLES, "dnsd.yaml")) as f:
            text = f.read()
        text = text.replace("catalog: senders.yaml",
                            f"catalog: {os.path.join(harness.EXAMPLES, 'senders.yaml')}")
        text = text.replace("domains: domains/",
                            f"domains: {os.path.join(harness.EXAMPLES, 'domains')}/")
        self.config = os.path.join(self.work.name, "dnsd.yaml")
        with open(self.config, "w") as f:
            f.write(text + f"metrics:\n  max_connections_per_client: {self.CAP}\n")

    def tearDown(self):
        self.work.cleanup()

    def connect(self, port):
        return socket.create_connection(("127.0.0.1", port), timeout=harness.CLIENT_TIMEOUT,
                                        source_address=("127.0.0.7", 0))

    def test_one_client_past_its_cap_is_closed_at_once(self):
        server = harness.DnsdServer(config=self.config, extra=("--metrics", "127.0.0.1:0"))
        held = []
        try:
            port = metrics_port(server)
            for _ in range(self.CAP):
                c = self.connect(port)
                c.sendall(b"GET /metr")     # a partial request line, then nothing
                held.append(c)
            time.sleep(0.3)                 # let dnsd take them up
            extra = self.connect(port)
            extra.settimeout(self.CLOSED_WITHIN)
            start = time.monotonic()
            try:
                self.assertEqual(extra.recv(4096), b"", "the extra connection got an answer")
            except socket.timeout:
                self.fail(f"connection {self.CAP + 1} from one client was still open after "
                          f"{self.CLOSED_WITHIN} s")
            except ConnectionResetError:
                pass
            finally:
                extra.close()
            self.assertLess(time.monotonic() - start, self.CLOSED_WITHIN)
            # Another client (127.0.0.1) is served meanwhile...
            start = time.monotonic()
            text = scrape(port)
            self.assertLess(time.monotonic() - start, 1.0)
            self.assertEqual(sample(text, "dnsd_metrics_http_connections_total",
                                    event="refused_client_limit"), 1, text)
            # ... and the connections the client holds still work.
            held[0].sendall(b"ics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := held[0].recv(65536):
                answer += chunk
            self.assertTrue(answer.startswith(b"HTTP/1.1 200 "), answer[:100])
            self.assertIn(b"text/plain; version=0.0.4", answer)
            self.assertIn(b"dnsd_queries_total", answer)
            self.assertTrue(server.alive())
        finally:
            for c in held:
                c.close()
            server.stop()


class RoutesTest(unittest.TestCase):
    """Other paths are 404, other methods 405; HEAD gets the fields alone."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.DnsdServer(extra=("--metrics", "127.0.0.1:0"))
        cls.port = metrics_port(cls.server)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def request(self, method, path):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def test_routes(self):
        status, headers, body = self.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        status, headers, body = self.request("HEAD", "/metrics")
        self.assertEqual((status, body), (200, b""))
        self.assertGreater(int(headers["Content-Length"]), 0)
        self.assertEqual(self.request("GET", "/nope")[0], 404)
        self.assertEqual(self.request("GET", "/metrics/x")[0], 404)
        status, headers, _ = self.request("POST", "/metrics")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "GET, HEAD")


if __name__ == "__main__":
    harness.main()
