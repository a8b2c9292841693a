"""MTA-STS end to end (dnsd/mta_sts/README.md): a real MTA-STS client
fetches a customer's policy over HTTPS from Caddy, configured from
deploy/caddy/Caddyfile, which gets its certificate on demand from an ACME
CA (pebble) after asking dnsd, and proxies the request to dnsd's policy host.

Everything runs in a network namespace this test process makes for itself
(harness.enter_private_network), so ports 53, 80 and 443 are free and
nothing leaves the machine:

  mta-sts-query, curl --/etc/resolv.conf--> unbound 127.0.0.1:53 (stub "." -->)
      NSD 127.0.0.1:NSD_PORT, a fake root holding the customer's zone:
          mta-sts.customer.test CNAME mta-sts.provider.test (A 127.0.0.1)
          _mta-sts.customer.test NS ns1.provider.test (A 127.0.0.2) --> dnsd 127.0.0.2:53
  mta-sts-query --HTTPS--> Caddy :443 --ask--> dnsd 127.0.0.1:8461/tls-ask
                                      --ACME--> pebble :14000 --HTTP-01--> Caddy :80
                           Caddy --proxy--> dnsd 127.0.0.1:8461/.well-known/mta-sts.txt

Validation is real: pebble resolves mta-sts.customer.test through unbound
(-dnsserver) and fetches the HTTP-01 token from Caddy on port 80
(PEBBLE_VA_NOSLEEP only skips pebble's artificial delay).

Needs root, caddy, pebble, mta-sts-query (postfix-mta-sts-resolver), curl,
openssl, unbound, nsd, kdig and iproute2 (scripts/install-deps.sh).
"""
import ast
import glob
import hashlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import harness

NSD_PORT = 10053
DNSD_NS = "127.0.0.2"         # ns1.provider.test: where _mta-sts.customer.test is delegated
POLICY_PORT = 8461            # dnsd's default mta_sts.http_listen, as in the Caddyfile
PEBBLE_DIR = "https://localhost:14000/dir"
STARTUP_TIMEOUT = 30          # seconds, for each server to come up
CERT_TIMEOUT = 90             # seconds, for the first certificate

CUSTOMER = "customer.test"
STRANGER = "stranger.test"    # publishes MTA-STS records, but dnsd has no policy for it

POLICY_ENFORCE = """\
domain: customer.test
mta_sts:
  mode: enforce
  mx: [mx1.customer.test, "*.mail.customer.test"]
  max_age: 86400
"""
POLICY_TESTING = """\
domain: customer.test
mta_sts:
  mode: testing
  mx: [mx2.customer.test]
  max_age: 3600
"""
POLICY_NONE = """\
domain: customer.test
mta_sts:
  mode: none
  max_age: 86400
"""

_work = None
FIGURES = {}


def setUpModule():
    global _work
    harness.require_root("a network namespace of its own")
    harness.require_tools("caddy", "pebble", "mta-sts-query", "curl", "openssl", "unbound",
                          "unbound-checkconf", "nsd", "nsd-checkconf", "nsd-checkzone", "kdig",
                          "ip")
    _work = tempfile.TemporaryDirectory(prefix="dnsd-mta-sts-")
    unittest.addModuleCleanup(_work.cleanup)
    resolv = os.path.join(_work.name, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.1\noptions timeout:5 attempts:2\n")
    harness.enter_private_network(resolv)
    unittest.addModuleCleanup(harness.leave_resolv_conf)


def wait_until(what, ready, alive, log, timeout=STARTUP_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise AssertionError(f"{what} exited:\n{log()[-4000:]}")
        if ready():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} not ready within {timeout}s:\n{log()[-4000:]}")


def dig_txt(server, port, name, recurse):
    out = harness.run(["kdig", f"@{server}", "-p", str(port), "+short", "+retry=0", "+timeout=2",
               "+rec" if recurse else "+norec", name, "TXT"], check=False)
    return [line.strip().strip('"') for line in out.stdout.splitlines() if line.strip()]


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def root_zone():
    return "\n".join([
        "$TTL 60",
        ". SOA ns.root.test. hostmaster.root.test. 1 3600 600 86400 60",
        ". NS ns.root.test.",
        "ns.root.test. A 127.0.0.1",
        # The provider: its HTTPS host (Caddy) and its name server (dnsd).
        "mta-sts.provider.test. A 127.0.0.1",
        f"ns1.provider.test. A {DNSD_NS}",
        # What the customer publishes (docs/operator-guide.md, "MTA-STS policy host").
        f"{CUSTOMER}. MX 10 mx1.{CUSTOMER}.",
        f"mta-sts.{CUSTOMER}. CNAME mta-sts.provider.test.",
        f"_mta-sts.{CUSTOMER}. NS ns1.provider.test.",
        # A domain that points at the provider without being configured there.
        f"mta-sts.{STRANGER}. CNAME mta-sts.provider.test.",
        f'_mta-sts.{STRANGER}. TXT "v=STSv1; id=stranger1"',
    ]) + "\n"


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
remote-control:
  control-enable: no
zone:
  name: "."
  zonefile: "{d}/root.zone"
"""


def unbound_conf(d):
    # Answers are cached for at most a second, so that a reload's new
    # _mta-sts id reaches the client without flushing anything.
    return f"""server:
  interface: 127.0.0.1@53
  do-ip6: no
  username: ""
  chroot: ""
  directory: "{d}"
  pidfile: "{d}/unbound.pid"
  logfile: ""
  use-syslog: no
  verbosity: 1
  num-threads: 1
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  local-zone: "test." nodefault
  cache-max-ttl: 1
  cache-max-negative-ttl: 1
stub-zone:
  name: "."
  stub-addr: 127.0.0.1@{NSD_PORT}
"""


def make_pebble_https_cert(d):
    """pebble's own HTTPS certificate (the ACME directory and management
    endpoint), from a CA made here: Debian's pebble ships none."""
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    key, csr, cert = (os.path.join(d, n) for n in ("key.pem", "cert.csr", "cert.pem"))
    harness.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key,
         "-out", ca, "-days", "2", "-subj", "/CN=dnsd test pebble HTTPS CA"])
    harness.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
         "-subj", "/CN=localhost"])
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    harness.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
         "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext])
    return ca, cert, key


def caddyfile(d, pebble_ca):
    """deploy/caddy/Caddyfile with pebble as the CA and storage in `d`:
    the global options block gets three lines more, nothing else changes."""
    with open(os.path.join(harness.SOURCE_DIR, "deploy", "caddy", "Caddyfile")) as f:
        text = f.read()
    assert f"ask http://127.0.0.1:{POLICY_PORT}/tls-ask" in text
    extra = (f"\tacme_ca {PEBBLE_DIR}\n\tacme_ca_root {pebble_ca}\n"
             f"\tstorage file_system {{\n\t\troot {d}/storage\n\t}}\n")
    text, n = re.subn(r"^\{\n", "{\n" + extra, text, count=1, flags=re.M)
    assert n == 1, "no global options block in deploy/caddy/Caddyfile"
    return text


def parse_query_output(stdout):
    """mta-sts-query prints `(<STSFetchResult.VALID: 1>, ('id', {...}))`."""
    m = re.search(r"^\(<STSFetchResult\.(\w+): \d+>, (.*)\)\s*$", stdout.strip(), re.S)
    if not m:
        raise AssertionError(f"unexpected mta-sts-query output: {stdout!r}")
    return m.group(1), ast.literal_eval(m.group(2))


class MtaStsHttpsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = _work.name
        cls.daemons = []
        cls.addClassCleanup(cls._stop_all)

        # dnsd: one customer with a policy; DNS on 127.0.0.2:53 as the
        # delegation says, the policy host on its default port.
        config = os.path.join(cls.dir, "dnsd")
        os.makedirs(os.path.join(config, "domains"))
        examples = os.path.join(harness.SOURCE_DIR, "config", "examples")
        with open(os.path.join(examples, "dnsd.yaml")) as f:
            server_file = f.read()
        with open(os.path.join(config, "dnsd.yaml"), "w") as f:
            f.write(server_file + f"mta_sts:\n  http_listen: 127.0.0.1:{POLICY_PORT}\n")
        with open(os.path.join(examples, "senders.yaml")) as f, \
                open(os.path.join(config, "senders.yaml"), "w") as out:
            out.write(f.read())
        cls.domain_file = os.path.join(config, "domains", f"{CUSTOMER}.yaml")
        harness.write_atomic(cls.domain_file, POLICY_ENFORCE)
        harness.run([harness.DNSD, "check", "-c", os.path.join(config, "dnsd.yaml")])
        cls.dnsd = harness.DnsdServer(config=os.path.join(config, "dnsd.yaml"),
                                      extra=("--listen", f"{DNSD_NS}:53"))
        cls.daemons.append(cls.dnsd)
        dnsd_log = lambda: "".join(cls.dnsd.log)
        harness.wait_for_log(cls.dnsd, rf"MTA-STS policy host \(http\) on port {POLICY_PORT}")
        wait_until("dnsd", lambda: dig_txt(DNSD_NS, 53, f"_mta-sts.{CUSTOMER}", False),
                   cls.dnsd.alive, dnsd_log)

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
        wait_until("nsd", lambda: dig_txt("127.0.0.1", NSD_PORT, f"_mta-sts.{STRANGER}", False),
                   nsd.alive, nsd.log)

        ub_dir = os.path.join(cls.dir, "unbound")
        os.makedirs(ub_dir)
        conf = os.path.join(ub_dir, "unbound.conf")
        with open(conf, "w") as f:
            f.write(unbound_conf(ub_dir))
        harness.run(["unbound-checkconf", conf])
        unbound = harness.Daemon("unbound", ["unbound", "-d", "-c", conf],
                         os.path.join(ub_dir, "unbound.log"))
        cls.daemons.append(unbound)
        wait_until("unbound", lambda: dig_txt("127.0.0.1", 53, f"_mta-sts.{CUSTOMER}", True),
                   unbound.alive, unbound.log)

        # pebble, the ACME CA: validates through the lab's resolver.
        pebble_dir = os.path.join(cls.dir, "pebble")
        os.makedirs(pebble_dir)
        cls.pebble_https_ca, cert, key = make_pebble_https_cert(pebble_dir)
        pebble_conf = os.path.join(pebble_dir, "pebble-config.json")
        with open(pebble_conf, "w") as f:
            f.write(f'{{"pebble": {{"listenAddress": "127.0.0.1:14000",'
                    f' "managementListenAddress": "127.0.0.1:15000",'
                    f' "certificate": "{cert}", "privateKey": "{key}",'
                    f' "httpPort": 80, "tlsPort": 443, "ocspResponderURL": "",'
                    f' "externalAccountBindingRequired": false}}}}\n')
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1", PEBBLE_WFE_NONCEREJECT="0")
        cls.pebble = harness.Daemon("pebble", ["pebble", "-config", pebble_conf,
                                       "-dnsserver", "127.0.0.1:53"],
                            os.path.join(pebble_dir, "pebble.log"), env=env)
        cls.daemons.append(cls.pebble)
        wait_until("pebble", lambda: port_open(14000) and port_open(15000),
                   cls.pebble.alive, cls.pebble.log)
        # The root pebble signs with (new at every start), for the clients.
        cls.pebble_root = os.path.join(pebble_dir, "root.pem")
        harness.run(["curl", "-sS", "--fail", "--cacert", cls.pebble_https_ca, "-o", cls.pebble_root,
             "https://localhost:15000/roots/0"])

        # Caddy, started by hand with the deploy Caddyfile.
        caddy_dir = os.path.join(cls.dir, "caddy")
        os.makedirs(caddy_dir)
        cls.caddy_storage = os.path.join(caddy_dir, "storage")
        cf = os.path.join(caddy_dir, "Caddyfile")
        with open(cf, "w") as f:
            f.write(caddyfile(caddy_dir, cls.pebble_https_ca))
        caddy_env = dict(os.environ, HOME=caddy_dir, XDG_DATA_HOME=caddy_dir,
                         XDG_CONFIG_HOME=caddy_dir)
        harness.run(["caddy", "validate", "--adapter", "caddyfile", "--config", cf], env=caddy_env)
        cls.caddy = harness.Daemon("caddy", ["caddy", "run", "--adapter", "caddyfile", "--config", cf],
                           os.path.join(caddy_dir, "caddy.log"), env=caddy_env)
        cls.daemons.append(cls.caddy)
        wait_until("caddy", lambda: port_open(443) and port_open(80),
                   cls.caddy.alive, cls.caddy.log)
        cls.client_env = dict(os.environ, SSL_CERT_FILE=cls.pebble_root)

    @classmethod
    def _stop_all(cls):
        for d in reversed(cls.daemons):
            try:
                d.stop()
            except Exception as e:
                print(f"stopping {getattr(d, 'name', 'dnsd')}: {e}", file=sys.stderr)
        cls.daemons = []
        for name, value in FIGURES.items():
            print(f"{name}: {value}", file=sys.stderr)

    # ---- helpers ---------------------------------------------------------

    def query(self, domain, known_id=None):
        """mta-sts-query's verdict for `domain`: (result name, payload)."""
        argv = ["mta-sts-query", domain] + ([known_id] if known_id else [])
        out = harness.run(argv, timeout=60, env=self.client_env)
        return parse_query_output(out.stdout)

    def txt_id(self, domain):
        """The id of _mta-sts.<domain> as the lab's resolver answers it."""
        records = dig_txt("127.0.0.1", 53, f"_mta-sts.{domain}", True)
        self.assertEqual(len(records), 1, records)
        m = re.fullmatch(r"v=STSv1; id=(\w+)", records[0])
        self.assertIsNotNone(m, records)
        return m.group(1)

    def curl(self, *args, url, timeout=30):
        """curl's status, content type, redirect target and body."""
        # Bytes, not text: the policy's CRLF line ends are part of what is checked.
        out = subprocess.run(["curl", "-sS", "--max-time", str(timeout), "--cacert",
                              self.pebble_root, "-o", "-", "-w",
                              "\n%{http_code} %{content_type} [%{redirect_url}]", *args, url],
                             capture_output=True, timeout=timeout + 10)
        body, _, meta = out.stdout.decode().rpartition("\n")
        m = re.fullmatch(r"(\d+) (\S*) \[(.*)\]", meta)
        self.assertIsNotNone(m, out.stdout + out.stderr)
        return int(m.group(1)), m.group(2), m.group(3), body

    def metric(self, name):
        port = self.dnsd.metrics_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
        m = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
        self.assertIsNotNone(m, name)
        return float(m.group(1))

    def certificates(self):
        """Names Caddy holds certificates for, from its storage folder."""
        return {os.path.basename(os.path.dirname(p)) for p in
                glob.glob(os.path.join(self.caddy_storage, "certificates", "*", "*", "*.crt"))}

    def reload_with(self, text):
        """Edits the customer's file and reloads; returns once the lab's
        resolver, whose cache keeps answers for a second, has the new id."""
        before = self.txt_id(CUSTOMER)
        harness.write_atomic(self.domain_file, text)
        self.assertIsNotNone(harness.sighup_reload(self.dnsd))
        deadline = time.monotonic() + 10
        while self.txt_id(CUSTOMER) == before:
            self.assertLess(time.monotonic(), deadline, "the resolver kept the old id")
            time.sleep(0.2)

    def assertPolicyMatchesId(self, domain, policy_text, announced_id):
        # RFC 8461 §3.1 lets the id be anything; dnsd's is a digest of the
        # policy file, so a fetched file and the announced id are of one policy.
        self.assertEqual(hashlib.sha256(policy_text.encode()).hexdigest()[:32], announced_id)

    # ---- the scenario, in order -------------------------------------------

    def test_1_first_fetch_gets_a_certificate_on_demand(self):
        self.assertEqual(self.certificates(), set())
        start = time.monotonic()
        status, ctype, redirect, body = self.curl(
            url=f"https://mta-sts.{CUSTOMER}/.well-known/mta-sts.txt", timeout=CERT_TIMEOUT)
        elapsed = time.monotonic() - start
        FIGURES["first certificate (first TLS connection to the policy, curl)"] = f"{elapsed:.2f} s"
        print(f"\nfirst certificate: {elapsed:.2f} s from the first TLS connection to the "
              f"policy", file=sys.stderr)
        self.assertEqual(status, 200, self.caddy.log()[-3000:] + self.pebble.log()[-2000:])
        self.assertEqual(ctype, "text/plain")
        self.assertEqual(redirect, "")
        self.assertEqual(body, "version: STSv1\r\nmode: enforce\r\nmx: mx1.customer.test\r\n"
                               "mx: *.mail.customer.test\r\nmax_age: 86400\r\n")
        self.assertIn(f"mta-sts.{CUSTOMER}", self.certificates())
        # pebble really validated, by whichever challenge Caddy chose:
        # HTTP-01 (pebble fetches the token from Caddy's port 80) or
        # TLS-ALPN-01 (a handshake with Caddy's port 443), at the address
        # the customer's CNAME leads to through the lab's resolver.
        log = self.pebble.log()
        self.assertRegex(log, r"Identifier:acme\.Identifier\{Type:\"dns\", "
                              rf"Value:\"mta-sts\.{re.escape(CUSTOMER)}\"\}}")
        self.assertRegex(log, r"set VALID by completed challenge")
        solved = re.search(r'"challenge_type":"([a-z0-9-]+)"', self.caddy.log())
        self.assertIsNotNone(solved, self.caddy.log()[-3000:])
        self.assertIn(solved.group(1), ("http-01", "tls-alpn-01"))
        FIGURES["challenge"] = solved.group(1)
        self.assertRegex(log, r"Issued certificate serial")
        self.assertGreaterEqual(self.metric('dnsd_mta_sts_tls_ask_total{decision="allow"}'), 1)

    def test_2_client_validates_the_policy(self):
        result, (policy_id, policy) = self.query(CUSTOMER)
        self.assertEqual(result, "VALID")
        self.assertEqual(policy["mode"], "enforce")
        self.assertEqual(policy["mx"], ["mx1.customer.test", "*.mail.customer.test"])
        self.assertEqual(policy["max_age"], 86400)
        self.assertEqual(policy_id, self.txt_id(CUSTOMER))
        _, _, _, body = self.curl(url=f"https://mta-sts.{CUSTOMER}/.well-known/mta-sts.txt")
        self.assertPolicyMatchesId(CUSTOMER, body, policy_id)
        # A sender that has this id cached does not fetch again.
        result, _ = self.query(CUSTOMER, policy_id)
        self.assertEqual(result, "NOT_CHANGED")

    def test_3_an_edit_and_reload_changes_id_and_policy(self):
        old_id = self.txt_id(CUSTOMER)
        self.reload_with(POLICY_TESTING)
        new_id = self.txt_id(CUSTOMER)
        self.assertNotEqual(new_id, old_id)
        result, (policy_id, policy) = self.query(CUSTOMER, old_id)
        self.assertEqual(result, "VALID")
        self.assertEqual(policy_id, new_id)
        self.assertEqual(policy["mode"], "testing")
        self.assertEqual(policy["mx"], ["mx2.customer.test"])
        self.assertEqual(policy["max_age"], 3600)
        _, _, _, body = self.curl(url=f"https://mta-sts.{CUSTOMER}/.well-known/mta-sts.txt")
        self.assertPolicyMatchesId(CUSTOMER, body, new_id)

    def test_4_mode_none_is_reported_as_such(self):
        self.reload_with(POLICY_NONE)
        result, (policy_id, policy) = self.query(CUSTOMER)
        self.assertEqual(result, "VALID")
        self.assertEqual(policy["mode"], "none")
        self.assertEqual(policy_id, self.txt_id(CUSTOMER))
        self.reload_with(POLICY_ENFORCE)

    def test_5_an_unconfigured_domain_gets_no_certificate_and_no_policy(self):
        denied = self.metric('dnsd_mta_sts_tls_ask_total{decision="deny"}')
        result, payload = self.query(STRANGER)
        self.assertEqual(result, "FETCH_ERROR")
        self.assertIsNone(payload)
        status, _, _, _ = self.curl(url=f"https://mta-sts.{STRANGER}/.well-known/mta-sts.txt")
        self.assertEqual(status, 0)   # no certificate: the handshake fails
        self.assertGreater(self.metric('dnsd_mta_sts_tls_ask_total{decision="deny"}'), denied)
        self.assertNotIn(f"mta-sts.{STRANGER}", self.certificates())
        self.assertIn(f"mta-sts.{CUSTOMER}", self.certificates())
        self.assertNotIn(f"mta-sts.{STRANGER}", self.pebble.log())

    def test_6_http_details(self):
        url = f"https://mta-sts.{CUSTOMER}/.well-known/mta-sts.txt"
        status, ctype, redirect, _ = self.curl(url=url)
        self.assertEqual((status, ctype, redirect), (200, "text/plain", ""))
        self.assertEqual(self.curl(url=f"https://mta-sts.{CUSTOMER}/other")[0], 404)
        self.assertEqual(self.curl("-X", "POST", url=url)[0], 405)
        # Port 80 answers ACME challenges only: the policy URL is no redirect.
        status, _, redirect, _ = self.curl(url=f"http://mta-sts.{CUSTOMER}/.well-known/mta-sts.txt")
        self.assertEqual((status, redirect), (404, ""))
        # dnsd itself, as Caddy reaches it.
        direct = f"http://127.0.0.1:{POLICY_PORT}"
        self.assertEqual(self.curl("-H", f"Host: MTA-STS.{CUSTOMER.upper()}:443",
                                   url=f"{direct}/.well-known/mta-sts.txt")[0], 200)
        self.assertEqual(self.curl("-H", f"Host: mta-sts.{STRANGER}",
                                   url=f"{direct}/.well-known/mta-sts.txt")[0], 404)
        self.assertEqual(self.curl("-H", f"Host: mta-sts.{CUSTOMER}",
                                   url=f"{direct}/.well-known/mta-sts.txt/x")[0], 404)
        self.assertEqual(self.curl("-X", "DELETE", "-H", f"Host: mta-sts.{CUSTOMER}",
                                   url=f"{direct}/.well-known/mta-sts.txt")[0], 405)
        self.assertEqual(self.curl(url=f"{direct}/tls-ask?domain=mta-sts.{CUSTOMER}.")[0], 200)
        self.assertEqual(self.curl(url=f"{direct}/tls-ask?domain={CUSTOMER}")[0], 404)
        self.assertEqual(self.curl(url=f"{direct}/tls-ask?domain=mta-sts.{STRANGER}")[0], 404)

    def test_7_slow_clients_do_not_delay_others(self):
        slow = []
        try:
            for _ in range(20):   # each sends half a request and stops
                s = socket.create_connection(("127.0.0.1", POLICY_PORT), timeout=15)
                s.sendall(b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.cust")
                slow.append(s)
            start = time.monotonic()
            status = self.curl("-H", f"Host: mta-sts.{CUSTOMER}",
                               url=f"http://127.0.0.1:{POLICY_PORT}/.well-known/mta-sts.txt",
                               timeout=5)[0]
            direct = time.monotonic() - start
            start = time.monotonic()
            via_caddy = self.curl(url=f"https://mta-sts.{CUSTOMER}/.well-known/mta-sts.txt",
                                  timeout=5)[0]
            through = time.monotonic() - start
            FIGURES["answer beside 20 stalled clients (direct, via Caddy)"] = (
                f"{direct:.3f} s, {through:.3f} s")
            self.assertEqual((status, via_caddy), (200, 200))
            self.assertLess(direct, 1.0)
            self.assertLess(through, 1.0)
            # The stalled ones are closed after the head timeout (5 s).
            start = time.monotonic()
            self.assertEqual(slow[0].recv(100), b"")
            self.assertLess(time.monotonic() - start, 10)
        finally:
            for s in slow:
                s.close()
        self.assertGreaterEqual(
            self.metric('dnsd_mta_sts_http_connections_total{event="closed_timeout"}'), 1)


if __name__ == "__main__":
    harness.main()
