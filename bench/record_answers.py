#!/usr/bin/python3
"""Asks a running dnsd for every name of a query file and writes the answers
as a static zone file, so that Knot DNS and NSD serve the same names with
the same records (bench/throughput_bench.sh, bench/README.md "Throughput").

    bench/record_answers.py --server 127.0.0.1:PORT --queries ALL.txt \
        --zone OUT.zone --kept KEPT.txt

The zone is the root zone "." (one file for both peers; apex SOA and NS of
the provider). A name is kept when dnsd answers it NOERROR, not truncated,
with only records owned by the name itself (TXT here); it is left out of
KEPT.txt and the zone otherwise, and counted on stderr by reason. That
leaves out the DKIM selectors dnsd answers with a CNAME to a vendor's
name: in a zone holding every name, Knot and NSD would chase the CNAME to
an in-zone name that does not exist and answer NXDOMAIN with an SOA, a
different and longer answer than dnsd's.

Prints the mean response size of the kept names (octets, with the OPT
record) on stdout, for the fixed responder's --size.

Queries go out over UDP with up to --window outstanding, each retried up to
3 times after 2 s; /usr/bin/python3 with Debian's python3-dnspython.
"""
import argparse
import collections
import select
import socket
import sys
import time

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype

SOA = (". 300 IN SOA ns1.provider.test. hostmaster.provider.test. "
       "1 3600 600 1209600 60")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--server", required=True, help="IP:PORT of a running dnsd")
    p.add_argument("--queries", required=True, help='query file of "name TYPE" lines')
    p.add_argument("--zone", required=True, help="zone file to write")
    p.add_argument("--kept", required=True, help="query file of the kept lines, in order")
    p.add_argument("--window", type=int, default=200)
    return p.parse_args(argv)


def ask_all(server, questions, window):
    """{(name, type): response message}; raises if any question stays unanswered."""
    host, port = server.rsplit(":", 1)
    addr = (host, int(port))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    pending = collections.deque(questions)
    outstanding = {}  # id -> (question, sent at, tries)
    free_ids = collections.deque(range(1, 65536))
    answers = {}
    deadline = time.monotonic() + 600
    while pending or outstanding:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(outstanding) + len(pending)} questions unanswered after 600 s")
        while pending and len(outstanding) < window:
            q = pending.popleft()
            qid = free_ids.popleft()
            msg = dns.message.make_query(q[0], q[1], use_edns=0, payload=1232)
            msg.flags &= ~dns.flags.RD
            msg.id = qid
            sock.sendto(msg.to_wire(), addr)
            tries = outstanding.pop(qid, (None, 0, 0))[2]
            outstanding[qid] = (q, time.monotonic(), tries + 1)
        ready, _, _ = select.select([sock], [], [], 0.05)
        while ready:
            try:
                data = sock.recv(65535)
            except BlockingIOError:
                break
            r = dns.message.from_wire(data)
            entry = outstanding.pop(r.id, None)
            if entry is None:
                continue
            answers[entry[0]] = r
            free_ids.append(r.id)
        now = time.monotonic()
        for qid, (q, sent, tries) in list(outstanding.items()):
            if now - sent > 2:
                if tries >= 3:
                    raise RuntimeError(f"no answer to {q[0]} {q[1]} after 3 tries")
                del outstanding[qid]
                free_ids.append(qid)
                pending.appendleft(q)
    return answers


def main(argv):
    args = parse_args(argv)
    lines = []
    with open(args.queries) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                lines.append((parts[0].lower(), parts[1].upper()))
    questions = sorted(set(lines))
    answers = ask_all(args.server, questions, args.window)
    kept = set()
    dropped = collections.Counter()
    sizes = {}
    records = []
    for q in questions:
        r = answers[q]
        qname = dns.name.from_text(q[0])
        if r.rcode() != dns.rcode.NOERROR:
            dropped[dns.rcode.to_text(r.rcode())] += 1
        elif r.flags & dns.flags.TC:
            dropped["truncated"] += 1
        elif not r.answer:
            dropped["no data"] += 1
        elif any(rr.name != qname or rr.rdtype != dns.rdatatype.from_text(q[1])
                 for rr in r.answer):
            dropped["answered with " + "/".join(sorted(
                {dns.rdatatype.to_text(rr.rdtype) for rr in r.answer}))] += 1
        else:
            kept.add(q)
            sizes[q] = len(r.to_wire())
            for rr in r.answer:
                records.append(rr.to_text())
    with open(args.zone, "w") as z:
        z.write(f"; Generated by bench/record_answers.py from dnsd's answers.\n$ORIGIN .\n{SOA}\n"
                ". 300 IN NS ns1.provider.test.\n. 300 IN NS ns2.provider.test.\n"
                "ns1.provider.test. 300 IN A 127.0.0.1\nns2.provider.test. 300 IN A 127.0.0.1\n")
        z.write("\n".join(records) + "\n")
    n = 0
    total = 0
    with open(args.kept, "w") as k:
        for q in lines:
            if q in kept:
                k.write(f"{q[0]} {q[1]}\n")
                n += 1
                total += sizes[q]
    print(f"record_answers: {len(questions)} distinct names, {len(kept)} kept, "
          f"{n} of {len(lines)} query lines kept; left out: "
          + (", ".join(f"{c} {why}" for why, c in dropped.most_common()) or "none"),
          file=sys.stderr)
    print(round(total / max(n, 1)))


if __name__ == "__main__":
    main(sys.argv[1:])
