#!/usr/bin/python3
"""Writes tests/fuzz/corpus/http_request/*.bin deterministically (standard
library only): request heads as senders, curl and Caddy send them, with
every field the parser reads, and the malformed forms it must refuse."""
import pathlib

OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "http_request"

SEEDS = [
    b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.a.example\r\n\r\n",
    b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: MTA-STS.A.EXAMPLE.:443\r\nUser-Agent: x\r\n\r\n",
    b"HEAD /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.a.example\r\n\r\n",
    b"POST /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.a.example\r\nContent-Length: 3\r\n\r\nabc",
    b"GET /tls-ask?domain=mta-sts.a.example HTTP/1.1\r\nHost: 127.0.0.1:8461\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n",
    b"GET /tls-ask?domain=mta%2Dsts.a.example.&x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET http://mta-sts.a.example/.well-known/mta-sts.txt HTTP/1.1\r\nHost: other\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    b"GET / HTTP/1.1\nHost: a\n\n",
    b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close, te\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
    b"GET / HTTP/2.0\r\nHost: a\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: [::1]:8461\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(101)) + b"\r\n",
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("seed_*.bin"):
        old.unlink()
    for i, seed in enumerate(SEEDS):
        (OUT / f"seed_{i:02d}.bin").write_bytes(seed)


if __name__ == "__main__":
    main()
