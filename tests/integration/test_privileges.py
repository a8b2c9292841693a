"""Privileges (issue 8): dnsd started as root binds its ports, then runs as
the configured `user` with no supplementary groups and no capabilities in
any thread, and still answers and reloads; as root without a `user` it
refuses to start unless given --allow-root; started unprivileged with a
capability (systemd's AmbientCapabilities=), it drops the capability.

Needs root (the CI machine runs tests as root); without it the suite is
skipped (harness.skip), which ctest counts as skipped. The account is
`nobody`, which exists on every Debian system, with group `nogroup`; the
configuration is copied to a folder it can read."""
import os
import pwd
import grp
import re
import shutil
import socket
import subprocess
import tempfile
import unittest
import urllib.request

import harness
from harness import kdig

NOBODY = None      # pwd.struct_passwd of `nobody`, from setUpModule
NOGROUP = None     # grp.struct_group of `nogroup`


def setUpModule():
    global NOBODY, NOGROUP
    harness.require_root("it tests what dnsd does with root")
    harness.require_tools("kdig", "setpriv")
    try:
        NOBODY = pwd.getpwnam("nobody")
        NOGROUP = grp.getgrnam("nogroup")
    except KeyError as e:
        harness.skip(f"no account {e} on this system (Debian's base-passwd has both)")


def status_fields(pid, tid=None):
    """/proc/PID[/task/TID]/status as a dict of strings."""
    path = f"/proc/{pid}/status" if tid is None else f"/proc/{pid}/task/{tid}/status"
    fields = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def thread_ids(pid):
    return sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))


def readable_config(tmp):
    """A copy of config/examples that `nobody` can read (but not write)."""
    os.chmod(tmp, 0o755)
    examples = harness.copy_examples(tmp)
    for folder, dirs, files in os.walk(examples):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return examples


def with_user(examples, user):
    path = os.path.join(examples, "dnsd.yaml")
    with open(path, "a") as f:
        f.write(f"\nuser: \"{user}\"\n")
    return path


def free_privileged_port():
    """A loopback TCP port below 1024 that was free a moment ago."""
    for port in range(990, 900, -1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise AssertionError("no free TCP port in 901-990 on 127.0.0.1")


class PrivilegeDropTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dnsd-priv-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.examples = readable_config(self.tmp)

    def assert_unprivileged(self, pid, uid, gid, bounding_empty=True):
        """Every thread: uid and gid (real, effective, saved, fs), no groups,
        no capabilities, no new privileges."""
        tids = thread_ids(pid)
        self.assertGreater(len(tids), 2, "expected the workers' and the metrics server's threads")
        for tid in tids:
            s = status_fields(pid, tid)
            with self.subTest(tid=tid):
                self.assertEqual(s["Uid"].split(), [str(uid)] * 4)
                self.assertEqual(s["Gid"].split(), [str(gid)] * 4)
                self.assertEqual(s["Groups"], "")
                for field in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
                    self.assertEqual(int(s[field], 16), 0, field)
                if bounding_empty:
                    self.assertEqual(int(s["CapBnd"], 16), 0, "CapBnd")
                self.assertEqual(s["NoNewPrivs"], "1")

    def test_root_becomes_the_configured_user(self):
        config = with_user(self.examples, "nobody:nogroup")
        with harness.DnsdServer(config=config, allow_root=False) as server:
            harness.wait_for_log(server, r"running as user nobody \(uid \d+\), group nogroup")
            # It answers, over both transports, after the drop.
            r = kdig(server, "_dmarc.enforce.example", "TXT")
            self.assertEqual(r["RCODE"], 0)
            r = kdig(server, "_dmarc.enforce.example", "TXT", "+tcp")
            self.assertEqual(r["RCODE"], 0)
            self.assert_unprivileged(server.proc.pid, NOBODY.pw_uid, NOGROUP.gr_gid)

            # It reloads: a new domain file, written by root but readable by
            # nobody, is served after SIGHUP.
            harness.write_atomic(os.path.join(self.examples, "domains", "new.example.yaml"),
                                 "domain: new.example\nmode: monitor\n")
            os.chmod(os.path.join(self.examples, "domains", "new.example.yaml"), 0o644)
            self.assertIsNotNone(harness.sighup_reload(server))
            rcode, texts = harness.udp_txt(server, "_dmarc.new.example")
            self.assertEqual(rcode, 0)
            self.assertTrue(texts and texts[0].startswith("v=DMARC1; p=none"), texts)

            # A file nobody cannot read is reported, and the rest keeps serving.
            secret = os.path.join(self.examples, "domains", "secret.example.yaml")
            harness.write_atomic(secret, "domain: secret.example\nmode: monitor\n")
            os.chmod(secret, 0o600)
            mark = harness.log_mark(server)
            harness.sighup_reload(server)
            harness.wait_for_log(server, r"secret\.example\.yaml.*(denied|cannot|not read)", mark)
            self.assertEqual(harness.udp_txt(server, "_dmarc.new.example")[0], 0)
            self.assertEqual(harness.udp_txt(server, "_dmarc.secret.example")[0], 5)  # REFUSED
            self.assertTrue(server.alive())
            self.assert_unprivileged(server.proc.pid, NOBODY.pw_uid, NOGROUP.gr_gid)

    def test_metrics_on_a_privileged_port(self):
        # The metrics port is bound before the privileges go, like the DNS
        # ports: one below 1024 works for a dnsd that becomes `nobody`.
        port = free_privileged_port()
        config = with_user(self.examples, "nobody:nogroup")
        with harness.DnsdServer(config=config, allow_root=False,
                                extra=("--metrics", f"127.0.0.1:{port}")) as server:
            harness.wait_for_log(server, rf"metrics on port {port} ")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
                self.assertIn("dnsd_queries_total", r.read().decode())
            self.assert_unprivileged(server.proc.pid, NOBODY.pw_uid, NOGROUP.gr_gid)

    def test_configuration_is_read_as_the_user(self):
        # Issue 16: a domain file only root can read is not served, from the
        # start (it used to be read as root then, and served until a reload).
        secret = os.path.join(self.examples, "domains", "secret.example.yaml")
        marker = "rua: [\"mailto:only-root-may-read@secret.example\"]"
        with open(secret, "w") as f:
            f.write(f"domain: secret.example\nmode: monitor\ndmarc:\n  {marker}\n")
        os.chown(secret, 0, 0)
        os.chmod(secret, 0o600)
        config = with_user(self.examples, "nobody:nogroup")
        with harness.DnsdServer(config=config, allow_root=False) as server:
            harness.wait_for_log(server, r"secret\.example\.yaml.*cannot read")
            harness.wait_for_log(server, r"listening on")
            self.assertEqual(harness.udp_txt(server, "_dmarc.secret.example")[0], 5)  # REFUSED
            rcode, texts = harness.udp_txt(server, "_dmarc.enforce.example")
            self.assertEqual(rcode, 0)
            self.assertTrue(texts and texts[0].startswith("v=DMARC1"), texts)
            self.assertNotIn("only-root-may-read", "".join(server.log))
            self.assert_unprivileged(server.proc.pid, NOBODY.pw_uid, NOGROUP.gr_gid)

    def test_server_file_unreadable_by_the_user_stops_the_start(self):
        config = with_user(self.examples, "nobody:nogroup")
        os.chmod(config, 0o600)
        out = subprocess.run(
            [harness.DNSD, "serve", "-c", config, "--listen", "127.0.0.1:0",
             "--metrics", "127.0.0.1:0"],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertRegex(out.stderr, re.escape(config) + r".*cannot read")
        self.assertIn("not starting", out.stderr)

    def test_user_wins_over_allow_root(self):
        config = with_user(self.examples, "nobody")
        with harness.DnsdServer(config=config, allow_root=True) as server:
            self.assertEqual(kdig(server, "_dmarc.enforce.example", "TXT")["RCODE"], 0)
            self.assert_unprivileged(server.proc.pid, NOBODY.pw_uid, NOBODY.pw_gid)

    def test_root_without_user_refuses(self):
        config = os.path.join(self.examples, "dnsd.yaml")
        out = subprocess.run(
            [harness.DNSD, "serve", "-c", config, "--listen", "127.0.0.1:0",
             "--metrics", "127.0.0.1:0"],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertIn("refusing to run as root: set `user:` in " + config, out.stderr)
        self.assertIn("--allow-root", out.stderr)
        self.assertNotIn("listening on", out.stderr)

    def test_allow_root_keeps_root_and_says_so(self):
        with harness.DnsdServer(config=os.path.join(self.examples, "dnsd.yaml")) as server:
            harness.wait_for_log(server, r"running as root, as --allow-root asks")
            s = status_fields(server.proc.pid)
            self.assertEqual(s["Uid"].split(), ["0"] * 4)
            self.assertEqual(s["NoNewPrivs"], "1")

    def test_unknown_user_refuses(self):
        config = with_user(self.examples, "no-such-dnsd-user")
        out = subprocess.run(
            [harness.DNSD, "serve", "-c", config, "--listen", "127.0.0.1:0",
             "--metrics", "127.0.0.1:0"],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertRegex(out.stderr, r"user: user 'no-such-dnsd-user' does not exist")

    def test_unprivileged_start_drops_its_capability(self):
        # As systemd would start it with User=nobody and
        # AmbientCapabilities=CAP_NET_BIND_SERVICE.
        prefix = ["setpriv", f"--reuid={NOBODY.pw_uid}", f"--regid={NOGROUP.gr_gid}",
                  "--clear-groups", "--inh-caps=+net_bind_service",
                  "--ambient-caps=+net_bind_service", "--"]
        with harness.DnsdServer(config=os.path.join(self.examples, "dnsd.yaml"),
                                prefix=prefix) as server:
            harness.wait_for_log(server, r"dropped all capabilities; running as uid \d+")
            self.assertEqual(kdig(server, "_dmarc.enforce.example", "TXT")["RCODE"], 0)
            # Without CAP_SETPCAP the bounding set stays; NO_NEW_PRIVS makes it moot.
            self.assert_unprivileged(server.proc.pid, NOBODY.pw_uid, NOGROUP.gr_gid,
                                     bounding_empty=False)


if __name__ == "__main__":
    harness.main()
