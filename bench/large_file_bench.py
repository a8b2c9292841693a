#!/usr/bin/python3
"""One domain file near the 16 MiB limit: how long `dnsd check` takes, and
how long a reload that reads it holds back another customer's edit.

    bench/large_file_bench.py build/release/dnsd/dnsd [NETBLOCKS] [GAP]

Writes a copy of config/examples with domains/big.example.yaml holding
NETBLOCKS (default 800,000) distinct /32s, one a line (15 MB at 800,000),
then:

1. runs `dnsd check` on it and prints wall and CPU time and peak memory;
2. starts `dnsd serve` on loopback, rewrites the big file (one netblock
   more), and GAP seconds later (default 1) edits a small domain file; it
   prints when the small edit was first answered and dnsd's reload lines.

The reloads run one after another on dnsd's control thread, so the small
edit waits for the reload that reads the big file (config/README.md,
"Large files"). Not part of ctest; results go in bench/README.md.
"""
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import harness  # noqa: E402  (the same atomic writes and DNS client as the tests)


def write_big(path, n):
    with open(path, "w") as f:
        f.write("domain: big.example\nmode: monitor\nspf:\n  netblocks:\n")
        for i in range(n):
            f.write(f"  - 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}/32\n")
        f.write('dmarc:\n  rua: ["mailto:big@reports.provider.test"]\n')


def other_text(version):
    return ("domain: other.example\nmode: monitor\ndmarc:\n"
            f'  rua: ["mailto:v{version}@reports.provider.test"]\n')


def check(binary, server_file):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    out = subprocess.run([binary, "check", "-c", server_file], capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"dnsd check: exit {out.returncode}, {wall:.2f} s wall, "
          f"{after.ru_utime - before.ru_utime:.2f} s user, "
          f"{after.ru_stime - before.ru_stime:.2f} s system, "
          f"peak {after.ru_maxrss // 1024} MiB")
    if out.returncode != 0:
        # Say why, or the serve step below fails on the same error unexplained.
        print("".join((out.stdout + out.stderr).splitlines(keepends=True)[-10:]), end="")


def reload_while_editing(binary, config, gap):
    other = os.path.join(config, "domains", "other.example.yaml")
    big = os.path.join(config, "domains", "big.example.yaml")
    harness.write_atomic(other, other_text(0))
    proc = subprocess.Popen(
        [binary, "serve", "-c", os.path.join(config, "dnsd.yaml"), "--listen", "127.0.0.1:0",
         "--threads", "1", "--metrics", "127.0.0.1:0", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log = []
    reader = threading.Thread(
        target=lambda: log.extend((time.monotonic(), line) for line in proc.stderr), daemon=True)
    reader.start()
    try:
        started = time.monotonic()
        port = None
        while port is None or not any("catch-up" in line for _, line in list(log)):
            if proc.poll() is not None or time.monotonic() - started > 3600:
                sys.exit("dnsd did not start:\n" + "".join(line for _, line in log))
            for _, line in list(log):
                m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
                port = int(m.group(1)) if m else port
            time.sleep(0.05)
        print(f"dnsd serve: answering {time.monotonic() - started:.1f} s after its start")
        server = type("Server", (), {"port": port})

        def rua():
            answer = harness.udp_txt(server, "_dmarc.other.example")
            return answer[1][0] if answer and answer[1] else ""

        mark = len(log)
        with open(big) as f:
            text = f.read().replace("dmarc:", "  - 192.168.0.1/32\ndmarc:", 1)
        t0 = time.monotonic()
        harness.write_atomic(big, text)
        time.sleep(gap)
        t1 = time.monotonic()
        harness.write_atomic(other, other_text(1))
        while "v1@" not in rua():
            if time.monotonic() - t1 > 3600:
                sys.exit("the small edit was not served within an hour")
            time.sleep(0.02)
        t2 = time.monotonic()
        print(f"big file rewritten at 0 s; small edit at {t1 - t0:.2f} s, answered at "
              f"{t2 - t0:.2f} s: it waited {t2 - t1:.2f} s")
        time.sleep(1)
        for t, line in log[mark:]:
            if "reload" in line:
                print(f"  {t - t0:+8.2f} s  {line.strip()}")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 800000
    gap = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    with tempfile.TemporaryDirectory(prefix="dnsd-large-") as tmp:
        config = os.path.join(tmp, "examples")
        shutil.copytree(os.path.join(HERE, "..", "config", "examples"), config)
        write_big(os.path.join(config, "domains", "big.example.yaml"), n)
        size = os.path.getsize(os.path.join(config, "domains", "big.example.yaml"))
        print(f"{n} netblocks, {size / 2**20:.1f} MiB")
        check(binary, os.path.join(config, "dnsd.yaml"))
        reload_while_editing(binary, config, gap)


if __name__ == "__main__":
    main()
