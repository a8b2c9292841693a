#!/usr/bin/python3
"""Memory per idle TCP connection: starts dnsd on the example configuration
(with room for the connections), opens N idle connections from loopback,
and prints VmRSS before and after, from /proc/<pid>/status.

    bench/tcp_idle_rss.py [--dnsd build/release/dnsd/dnsd] [--connections 1000] [--no-prefix-key]

Each connection is checked to be open on the server's side
(`dnsd_tcp_connections_open`) before the second reading.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise KeyError("VmRSS")


def open_connections(metrics_port):
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as r:
        m = re.search(r"^dnsd_tcp_connections_open (\S+)$", r.read().decode(), re.M)
    return int(float(m.group(1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dnsd", default=os.path.join(SOURCE, "build/release/dnsd/dnsd"))
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-prefix-key", action="store_true",
                        help="leave tcp.max_connections_per_prefix out (binaries from before it)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="dnsd-rss-")
    try:
        examples = os.path.join(tmp, "examples")
        shutil.copytree(os.path.join(SOURCE, "config", "examples"), examples)
        path = os.path.join(examples, "dnsd.yaml")
        with open(path) as f:
            doc = yaml.safe_load(f)
        # Room for every connection, from one prefix, for as long as it takes.
        doc["tcp"] = {"idle_timeout_ms": 600000, "max_connections": args.connections + 100}
        if not args.no_prefix_key:
            doc["tcp"]["max_connections_per_prefix"] = args.connections + 100
        with open(path, "w") as f:
            yaml.safe_dump(doc, f)
        proc = subprocess.Popen(
            [args.dnsd, "serve", "-c", path, "--listen", "127.0.0.1:0", "--threads",
             str(args.threads), "--metrics", "127.0.0.1:0", "--allow-root"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = metrics = None
        seen = []
        while port is None or metrics is None:
            line = proc.stderr.readline()
            if not line:
                sys.exit(f"dnsd did not start (exit {proc.wait(timeout=10)}):\n" + "".join(seen[-10:]))
            seen.append(line)
            if m := re.search(r"listening on 127\.0\.0\.1:(\d+) ", line):
                port = int(m.group(1))
            if m := re.search(r"metrics on port (\d+)", line):
                metrics = int(m.group(1))
        time.sleep(1)
        # One query over TCP first, so that what every connection shares
        # (the worker's response buffer, Asio's handler memory) is counted in
        # "before", not spread over the connections.
        q = bytes.fromhex("1234 0000 0001 0000 0000 0000") + b"\x06_dmarc\x07enforce\x07example\x00\x00\x10\x00\x01"
        for _ in range(args.threads * 4):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(len(q).to_bytes(2, "big") + q)
                s.recv(65535)
        time.sleep(0.5)
        before = rss_kib(proc.pid)
        socks = []
        for _ in range(args.connections):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        deadline = time.monotonic() + 30
        while open_connections(metrics) < args.connections and time.monotonic() < deadline:
            time.sleep(0.1)
        held = open_connections(metrics)
        time.sleep(1)
        after = rss_kib(proc.pid)
        print(f"dnsd {args.dnsd}, {args.threads} threads")
        print(f"VmRSS before: {before} KiB; with {held} idle TCP connections: {after} KiB")
        print(f"per connection: {(after - before) / max(held, 1):.2f} KiB")
        for s in socks:
            s.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
