"""Starts the built dnsd on loopback ports and talks to it with real clients.

The binary and the source tree come from the environment that ctest sets
(DNSD_BINARY, DNSD_SOURCE_DIR). Every server a test starts is stopped by
its PID; every client call has a timeout.

A test that cannot run here (not root, a program or module missing) calls
skip() or one of the require_* helpers; run_suite() then exits with
SKIP_EXIT, which ctest counts as skipped, never as passed.
"""
import importlib
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

# ---- tests that cannot run here: one rule ---------------------------------
#
# A suite (or one test) that cannot run says so with skip(): it prints
# "SKIP: reason" and raises unittest.SkipTest, so the other tests of the
# suite still run. run_suite(), which ctest runs for every suite
# (tests/integration/CMakeLists.txt), then exits with SKIP_EXIT if anything
# at all was skipped, and CMakeLists.txt declares SKIP_EXIT as each test's
# SKIP_RETURN_CODE: ctest reports "Skipped", never "Passed", for a suite
# that did not test everything. (skip() cannot exit by itself: unittest
# records a SystemExit raised in a test as an error.) Failures win over
# skips: a suite with both exits 1.
#
# scripts/install-deps.sh installs every package named below, so the
# README's test command skips nothing, and under CI=true scripts/test.sh
# fails if ctest skipped anything. test_dependencies.py checks that every
# program the suites run is listed here, and that install-deps.sh installs
# its package.
SKIP_EXIT = 77

# Every program the suites run, and the Debian package it comes from.
TOOLS = {
    "kdig": "knot-dnsutils",
    "dig": "bind9-dnsutils",
    "ldns-read-zone": "ldnsutils",
    "openssl": "openssl",
    "promtool": "prometheus",
    "prometheus": "prometheus",
    "systemd-analyze": "systemd",
    "systemd-sysusers": "systemd",
    "nsd": "nsd",
    "nsd-checkconf": "nsd",
    "nsd-checkzone": "nsd",
    "unbound": "unbound",
    "unbound-checkconf": "unbound",
    "spfquery": "spfquery",
    "opendmarc-check": "opendmarc",
    "ip": "iproute2",
    "ss": "iproute2",
    "setpriv": "util-linux",
    "prlimit": "util-linux",
    "cmake": "cmake",
    "ldd": "libc-bin",
    "dpkg": "dpkg",
    "fstrm_capture": "fstrm-bin",
    "dnstap-ldns": "dnstap-ldns",
    "ss": "iproute2",
    "caddy": "caddy",
    "pebble": "pebble",
    "mta-sts-query": "postfix-mta-sts-resolver",
    "curl": "curl",
    "git": "git",
}
# Every Python module outside the standard library, and its package.
MODULES = {
    "yaml": "python3-yaml",
    "spf": "python3-spf",
}


def skip(reason):
    """This test (in setUpModule or setUpClass: every test after it) cannot
    run here. Prints the reason and raises unittest.SkipTest; never returns."""
    print(f"SKIP: {reason}", file=sys.stderr, flush=True)
    raise unittest.SkipTest(reason)


def require_root(why):
    if os.geteuid() != 0:
        skip(f"needs root ({why}); runs as uid {os.geteuid()}")


def require_tools(*names):
    """Skips unless every program in `names` (each a key of TOOLS) is on PATH."""
    unknown = [n for n in names if n not in TOOLS]
    if unknown:
        raise KeyError(f"{unknown}: add them to harness.TOOLS and scripts/install-deps.sh")
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        skip("missing " + ", ".join(f"{n} (Debian package {TOOLS[n]})" for n in missing)
             + ": run scripts/install-deps.sh")


def require_modules(*names):
    """Skips unless every Python module in `names` (each a key of MODULES)
    imports in this interpreter."""
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        raise KeyError(f"{unknown}: add them to harness.MODULES and scripts/install-deps.sh")
    missing = [n for n in names if importlib.util.find_spec(n) is None]
    if missing:
        skip("missing Python module " + ", ".join(f"{n} (Debian package {MODULES[n]})"
                                                   for n in missing)
             + ": run scripts/install-deps.sh")


def run_suite(name):
    """Runs the unittest module `name` verbosely; returns the exit status for
    ctest: 1 if a test failed or none ran, SKIP_EXIT if any was skipped
    (a whole suite included), else 0."""
    try:
        module = importlib.import_module(name)
    except unittest.SkipTest as e:
        print(f"SKIP: {name}: {e}", file=sys.stderr, flush=True)
        return SKIP_EXIT
    except ModuleNotFoundError as e:
        if e.name not in MODULES:
            raise
        print(f"SKIP: {name}: missing Python module {e.name} (Debian package "
              f"{MODULES[e.name]}): run scripts/install-deps.sh", file=sys.stderr, flush=True)
        return SKIP_EXIT
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    if not result.wasSuccessful():
        return 1
    if result.skipped:
        for test, reason in result.skipped:
            print(f"SKIP: {test}: {reason}", file=sys.stderr, flush=True)
        print(f"{len(result.skipped)} skipped: exit status {SKIP_EXIT} (ctest: Skipped)",
              file=sys.stderr, flush=True)
        return SKIP_EXIT
    if result.testsRun == 0:
        print(f"{name}: no tests ran", file=sys.stderr, flush=True)
        return 1
    return 0


def main():
    """`python3 test_x.py`: the suite under run_suite's rule."""
    sys.exit(run_suite("__main__"))


# ---- the server under test --------------------------------------------------

DNSD = os.environ.get("DNSD_BINARY", "build/release/dnsd/dnsd")
SOURCE_DIR = os.environ.get("DNSD_SOURCE_DIR", os.getcwd())
EXAMPLES = os.path.join(SOURCE_DIR, "config", "examples")
CLIENT_TIMEOUT = 10

_LISTEN = re.compile(r"listening on (\S+):(\d+) ")

# Started as root without a `user`, dnsd refuses to run unless told to keep
# root. Tests run as root in private temporary folders (mode 0700) that no
# other account could read for a reload, so they keep root; the privilege
# drop has its own test (test_privileges.py).
ALLOW_ROOT = ("--allow-root",)


class DnsdServer:
    """One dnsd process serving `config` on 127.0.0.1 and [::1], ports from the kernel."""

    def __init__(self, config=os.path.join(EXAMPLES, "dnsd.yaml"), threads=2, extra=(),
                 allow_root=True, env=None, prefix=()):
        """`prefix`: a command that runs dnsd (setpriv ...); `env`: its
        environment (None: this one)."""
        # Tests run in parallel: every server gets a metrics port of its own.
        metrics = () if "--metrics" in extra else ("--metrics", "127.0.0.1:0")
        command = [*prefix, DNSD, "serve", "-c", config, "--listen", "127.0.0.1:0",
                   "--listen", "[::1]:0", "--threads", str(threads), *metrics,
                   *(ALLOW_ROOT if allow_root else ()), *extra]
        # With port 0 the kernel picks a UDP port that is free, and dnsd then
        # binds TCP and its other workers' sockets to the same number, which
        # a client socket of a test running beside this one may hold: start
        # again on another port (bounded), as a person would.
        for attempt in range(5):
            if self._start(command, env) or "Address already in use" not in "".join(self.log):
                break
        else:
            raise RuntimeError("dnsd did not start:\n" + "".join(self.log))
        if not self.ports:
            raise RuntimeError("dnsd did not start:\n" + "".join(self.log))
        self.port = self.ports["127.0.0.1"]
        self.port6 = self.ports["[::1]"]
        # Keep draining stderr so the server never blocks on a full pipe.
        self._drain = threading.Thread(target=self._read_log, daemon=True)
        self._drain.start()

    def _start(self, command, env):
        """Starts dnsd; True once it listens on both addresses, False (and
        nothing left running) if it ends or takes over 30 s."""
        self.log = []
        self.ports = {}
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, env=env)
        deadline = time.monotonic() + 30
        while len(self.ports) < 2:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                self.ports = {}
                return False
            line = self.proc.stderr.readline()
            self.log.append(line)
            m = _LISTEN.search(line)
            if m:
                self.ports[m.group(1)] = int(m.group(2))
        return True

    def _read_log(self):
        for line in self.proc.stderr:
            self.log.append(line)

    def alive(self):
        return self.proc.poll() is None

    def metrics_port(self, timeout=10):
        """The port of /metrics, from the log."""
        return int(wait_for_log(self, r"metrics on port (\d+)", 0, timeout).group(1))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if getattr(self, "_drain", None) is not None:
            self._drain.join(timeout=5)
        self.proc.stderr.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def kdig(server, *args, v6=False):
    """Runs kdig against `server` and returns its RFC 8427 JSON answer."""
    require_tools("kdig")
    target = ["@::1", "-p", str(server.port6)] if v6 else ["@127.0.0.1", "-p", str(server.port)]
    out = subprocess.run(
        ["kdig", *target, "+json", "+norec", "+retry=0", "+timeout=3", *args],
        capture_output=True, text=True, timeout=CLIENT_TIMEOUT)
    if out.returncode != 0 or not out.stdout.strip().startswith("{"):
        raise AssertionError(f"kdig {' '.join(args)} failed: {out.stdout}{out.stderr}")
    return json.loads(out.stdout)


def txt_of(rr):
    """The text of a TXT record as a receiver joins it (strings concatenated)."""
    strings = re.findall(r'"((?:[^"\\]|\\.)*)"', rr["rdataTXT"])
    return "".join(strings)


def extended_rcode(response):
    """RCODE with the OPT record's upper eight bits (RFC 6891 §6.1.3);
    kdig's JSON shows only the header's four."""
    for rr in response.get("additionalRRs", []):
        if rr["TYPE"] == 41:
            return (rr["TTL"] >> 24) << 4 | response["RCODE"]
    return response["RCODE"]


# ---- raw messages, for what kdig will not send ------------------------------

def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def make_query(name, qtype=16, qid=0x1234, flags=0, qdcount=1, extra_question=b"", opt=None):
    question = encode_name(name) + struct.pack("!HH", qtype, 1)
    arcount = 1 if opt is not None else 0
    header = struct.pack("!HHHHHH", qid, flags, qdcount, 0, 0, arcount)
    msg = header + question + extra_question
    if opt is not None:
        payload, version, do = opt
        msg += b"\0" + struct.pack("!HHBBHH", 41, payload, 0, version, 0x8000 if do else 0, 0)
    return msg


def udp_exchange(server, message, timeout=2.0):
    """Sends one datagram; returns the reply bytes, or None on timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(message, ("127.0.0.1", server.port))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def tcp_connect(server):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=CLIENT_TIMEOUT)
    return s


def tcp_read_message(sock):
    def read_exact(n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("connection closed")
            buf += chunk
        return buf
    (length,) = struct.unpack("!H", read_exact(2))
    return read_exact(length)


def parse_header(message):
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", message[:12])
    return {"id": qid, "qr": flags >> 15, "aa": (flags >> 10) & 1, "tc": (flags >> 9) & 1,
            "rd": (flags >> 8) & 1, "ra": (flags >> 7) & 1, "rcode": flags & 0xF,
            "qd": qd, "an": an, "ns": ns, "ar": ar}


def copy_examples(tmpdir):
    """A writable copy of config/examples, for tests that break or change it."""
    import shutil
    dest = os.path.join(tmpdir, "examples")
    shutil.copytree(EXAMPLES, dest)
    return dest


def temp_dir():
    return tempfile.TemporaryDirectory(prefix="dnsd-test-")


# ---- a private network, for tests that run a resolver on port 53 -----------

_CLONE_NEWNS = 0x00020000
_CLONE_NEWNET = 0x40000000
_MS_BIND = 0x1000
_MS_REC = 0x4000
_MS_PRIVATE = 0x40000
_MNT_DETACH = 2


def _libc_call(name, *args):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if getattr(libc, name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}: {os.strerror(err)}")


def enter_private_network(resolv_conf):
    """Moves this process into a network namespace of its own (only a loopback
    interface, brought up) and a private mount namespace in which `resolv_conf`
    is bind-mounted over /etc/resolv.conf. Every process started afterwards
    inherits both, so stub resolvers (libresolv, dnspython) ask whatever the
    test runs on 127.0.0.1:53 there, and nothing leaves the machine. Needs
    root (CAP_SYS_ADMIN); there is no way back, so call it in a test process
    of its own (ctest runs each suite as one). Skips without root, without
    `ip`, or where the kernel or a container forbids new namespaces."""
    require_root("a network namespace of its own")
    require_tools("ip")
    try:
        _libc_call("unshare", _CLONE_NEWNS | _CLONE_NEWNET)
    except PermissionError as e:
        skip(f"cannot make a network namespace ({e}): a container without CAP_SYS_ADMIN?")
    # Without this, the bind mount below would propagate to the host's
    # namespace through shared mount points.
    _libc_call("mount", b"none", b"/", None, _MS_REC | _MS_PRIVATE, None)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=CLIENT_TIMEOUT)
    _libc_call("mount", os.fsencode(resolv_conf), b"/etc/resolv.conf", None, _MS_BIND, None)


def leave_resolv_conf():
    """Undoes enter_private_network's bind mount (the namespaces stay)."""
    _libc_call("umount2", b"/etc/resolv.conf", _MNT_DETACH)


# ---- reloads: atomic edits, log waits, answers parsed from raw replies -----

def write_atomic(path, text):
    """Replaces `path` the way deploy tools do: a temporary file in the same
    folder (a dot name, which dnsd skips), then rename(2) over the old one,
    so a reader sees the old or the new file, never half of one."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def log_mark(server):
    """A position in `server.log`; wait_for_log looks only at lines after it."""
    return len(server.log)


def wait_for_log(server, pattern, mark=0, timeout=15.0):
    """Waits until a log line after `mark` matches the regex `pattern`;
    returns the match. Raises AssertionError after `timeout` seconds or if
    dnsd exits."""
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    seen = mark
    while True:
        lines = server.log[seen:]
        for line in lines:
            m = regex.search(line)
            if m:
                return m
        seen += len(lines)
        if not server.alive():
            raise AssertionError(f"dnsd exited while waiting for /{pattern}/:\n"
                                 + "".join(server.log[-30:]))
        if time.monotonic() > deadline:
            raise AssertionError(f"no log line /{pattern}/ within {timeout} s:\n"
                                 + "".join(server.log[-30:]))
        time.sleep(0.005)


_RELOADED = r"reload \(SIGHUP\): (?:no file changed; )?generation (\d+)"
_REJECTED = r"reload \(SIGHUP\) rejected"


def sighup_reload(server, timeout=15.0):
    """Sends SIGHUP and waits for the reload it causes to be logged. Returns
    the new generation, or None if dnsd logged the reload as rejected."""
    mark = log_mark(server)
    server.proc.send_signal(signal.SIGHUP)
    m = wait_for_log(server, f"{_RELOADED}|{_REJECTED}", mark, timeout)
    return int(m.group(1)) if m.group(1) else None


def _read_name(msg, at):
    """(name, offset after it) of the possibly compressed name at `at`."""
    labels, end, hops = [], None, 0
    while True:
        n = msg[at]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = at + 2
            at = (n & 0x3F) << 8 | msg[at + 1]
            hops += 1
            if hops > 64:
                raise ValueError("compression loop")
            continue
        if n == 0:
            return ".".join(labels).lower(), (end if end is not None else at + 1)
        labels.append(msg[at + 1:at + 1 + n].decode("ascii", "replace"))
        at += 1 + n


def parse_response(msg):
    """A reply's header (parse_header) plus its question and answer section:
    {"qname", "qtype", "answers": [(name, type, rdata bytes)], ...}."""
    h = parse_header(msg)
    at = 12
    h["qname"], at = _read_name(msg, at)
    h["qtype"], _ = struct.unpack("!HH", msg[at:at + 4])
    at += 4
    answers = []
    for _ in range(h["an"]):
        name, at = _read_name(msg, at)
        rtype, _, _, length = struct.unpack("!HHIH", msg[at:at + 10])
        at += 10
        answers.append((name, rtype, msg[at:at + length]))
        at += length
    if at > len(msg):
        raise ValueError("answer section runs past the message")
    h["answers"] = answers
    return h


def txt_strings(rdata):
    """The character-strings of TXT rdata, joined as a receiver joins them."""
    out, at = b"", 0
    while at < len(rdata):
        n = rdata[at]
        out += rdata[at + 1:at + 1 + n]
        at += 1 + n
    return out.decode("ascii")


def udp_txt(server, name, timeout=2.0, qid=None):
    """One TXT query over UDP with EDNS(0) (payload 1232). Returns
    (rcode, [TXT texts]) or None on timeout; no retry."""
    qid = int.from_bytes(os.urandom(2), "big") if qid is None else qid
    reply = udp_exchange(server, make_query(name, 16, qid=qid, opt=(1232, 0, False)), timeout)
    if reply is None:
        return None
    r = parse_response(reply)
    if r["id"] != qid or r["qr"] != 1 or r["qname"] != name.lower().rstrip("."):
        raise AssertionError(f"reply does not match the query for {name}: {r}")
    return r["rcode"], [txt_strings(rd) for (_, t, rd) in r["answers"] if t == 16]


def rss_kib(pid, field="VmRSS"):
    """VmRSS or VmHWM of a process, in KiB, from /proc/PID/status."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def rsa_public_key_b64(bits=2048):
    """A fresh RSA public key as a DKIM p= value (DER SubjectPublicKeyInfo,
    base64), made with openssl."""
    import base64
    require_tools("openssl")
    key = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA",
                          "-pkeyopt", f"rsa_keygen_bits:{bits}"],
                         capture_output=True, check=True, timeout=60).stdout
    der = subprocess.run(["openssl", "pkey", "-pubout", "-outform", "DER"], input=key,
                         capture_output=True, check=True, timeout=60).stdout
    return base64.b64encode(der).decode("ascii")


def free_tcp_port():
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_watching(server, folder, timeout=15.0):
    """Waits until dnsd reacts to file changes in `folder`: creates and
    removes a dot file there (which dnsd skips, but whose inotify events
    trigger a reload) until a "reload (files changed)" line is logged.
    dnsd installs its SIGHUP handler and its inotify watches only after it
    starts listening, so tests that signal or edit right after the start
    must wait for this first. Returns the match; group(1) is the generation."""
    probe = os.path.join(folder, ".dnsd-probe")
    deadline = time.monotonic() + timeout
    while True:
        mark = log_mark(server)
        with open(probe, "w"):
            pass
        os.unlink(probe)
        try:
            return wait_for_log(server,
                                r"reload \(files changed\): (?:no file changed; )?generation (\d+)",
                                mark,
                                timeout=min(1.5, max(0.1, deadline - time.monotonic())))
        except AssertionError:
            if time.monotonic() > deadline or not server.alive():
                raise


# ---- other servers a test starts (NSD, unbound, pebble, caddy, collectors) --

def terminate(proc, timeout=10):
    """SIGTERM to `proc` (a Popen this test started), then SIGKILL if it has
    not exited within `timeout` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


class Daemon:
    """A server started in the foreground in its own process group, its
    output in `log_path`; stopped by its PID, then its group (NSD's xfrd and
    server children go with their leader's)."""

    def __init__(self, name, argv, log_path, env=None):
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True, env=env)

    def alive(self):
        return self.proc.poll() is None

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        terminate(self.proc)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log.close()


def run(argv, timeout=CLIENT_TIMEOUT, check=True, env=None):
    """Runs a client to completion; with `check`, a non-zero exit fails the
    test with its output."""
    out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    if check and out.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {out.returncode}:\n"
                             f"{out.stdout}{out.stderr}")
    return out
