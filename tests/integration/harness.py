"""Starts the built dnsd on loopback ports and talks to it with real clients.

The binary and the source tree come from the environment that ctest sets
(DNSD_BINARY, DNSD_SOURCE_DIR). Every server a test starts is stopped by
its PID; every client call has a timeout.
"""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

DNSD = os.environ.get("DNSD_BINARY", "build/release/dnsd/dnsd")
SOURCE_DIR = os.environ.get("DNSD_SOURCE_DIR", os.getcwd())
EXAMPLES = os.path.join(SOURCE_DIR, "config", "examples")
CLIENT_TIMEOUT = 10

_LISTEN = re.compile(r"listening on (\S+):(\d+) ")


class DnsdServer:
    """One dnsd process serving `config` on 127.0.0.1 and [::1], ports from the kernel."""

    def __init__(self, config=os.path.join(EXAMPLES, "dnsd.yaml"), threads=2, extra=()):
        self.log = []
        self.proc = subprocess.Popen(
            [DNSD, "serve", "-c", config, "--listen", "127.0.0.1:0", "--listen", "[::1]:0",
             "--threads", str(threads), *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.ports = {}
        deadline = time.monotonic() + 30
        while len(self.ports) < 2:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("dnsd did not start:\n" + "".join(self.log))
            line = self.proc.stderr.readline()
            self.log.append(line)
            m = _LISTEN.search(line)
            if m:
                self.ports[m.group(1)] = int(m.group(2))
        self.port = self.ports["127.0.0.1"]
        self.port6 = self.ports["[::1]"]
        # Keep draining stderr so the server never blocks on a full pipe.
        self._drain = threading.Thread(target=self._read_log, daemon=True)
        self._drain.start()

    def _read_log(self):
        for line in self.proc.stderr:
            self.log.append(line)

    def alive(self):
        return self.proc.poll() is None

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
    of its own (ctest runs each suite as one)."""
    _libc_call("unshare", _CLONE_NEWNS | _CLONE_NEWNET)
    # Without this, the bind mount below would propagate to the host's
    # namespace through shared mount points.
    _libc_call("mount", b"none", b"/", None, _MS_REC | _MS_PRIVATE, None)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=CLIENT_TIMEOUT)
    _libc_call("mount", os.fsencode(resolv_conf), b"/etc/resolv.conf", None, _MS_BIND, None)


def leave_resolv_conf():
    """Undoes enter_private_network's bind mount (the namespaces stay)."""
    _libc_call("umount2", b"/etc/resolv.conf", _MNT_DETACH)
