#!/usr/bin/python3
"""Writes the seed corpus for packet_fuzzer: small DNS messages, valid and not.

Run from anywhere with /usr/bin/python3 (standard library only); the output
is deterministic, so re-running it changes nothing unless this file changed:

    /usr/bin/python3 tests/fuzz/make_packet_corpus.py

The names match the configuration compiled in packet_fuzzer.cc, so that
valid queries reach every zone kind and answer shape (TXT, CNAME, SOA, NS,
NODATA, NXDOMAIN, REFUSED, truncation of the 4096-bit key).

Generated files end in ".bin" and stale ones are removed. Inputs the fuzzer
found (kept as regression tests) are named "found_*" without that ending
and are left alone.
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "packet")

A, NS, CNAME, SOA, TXT, AAAA, OPT = 1, 2, 5, 6, 16, 28, 41
TSIG, IXFR, AXFR, MAILA, ANY = 250, 251, 252, 254, 255
IN, CH = 1, 3
RD, TC, QR = 0x0100, 0x0200, 0x8000


def name(text):
    """Presentation text (no escapes) to uncompressed wire form, case kept."""
    out = b""
    for label in text.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def header(qid=0x1234, flags=0, qd=1, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", qid, flags, qd, an, ns, ar)


def question(qname, qtype=TXT, qclass=IN):
    return name(qname) + struct.pack(">HH", qtype, qclass)


def opt(udp=1232, version=0, flags=0, rdata=b"", owner=b"\x00"):
    return owner + struct.pack(">HHBBHH", OPT, udp, 0, version, flags, len(rdata)) + rdata


def query(qname, qtype=TXT, qclass=IN, flags=0, edns=None, qid=0x1234):
    extra = b"" if edns is None else edns
    return header(qid, flags, 1, 0, 0, 1 if edns is not None else 0) + question(
        qname, qtype, qclass) + extra


def corpus():
    c = {}
    # Valid queries, one per answer shape and zone kind.
    c["dmarc_txt"] = query("_dmarc.example.com", flags=RD)
    c["dmarc_mixed_case"] = query("_DmArC.Example.COM")
    c["dmarc_target_txt"] = query("example.com._dmarc.provider.test")
    c["dkim_txt"] = query("s1._domainkey.example.com")
    c["dkim_cname"] = query("vendor._domainkey.example.com")
    c["dkim_revoked"] = query("old._domainkey.example.com")
    c["dkim_big_no_edns"] = query("big._domainkey.example.com")
    c["dkim_big_edns_1232"] = query("big._domainkey.example.com", edns=opt(1232))
    c["dkim_big_edns_512"] = query("big._domainkey.example.com", edns=opt(512))
    c["dkim_ent"] = query("mail._domainkey.example.com")
    c["blocked_wildcard"] = query("a.b.c._domainkey.blocked.example")
    c["report_txt"] = query("reported.example._report._dmarc.reports.provider.test")
    c["nxdomain"] = query("unknown._domainkey.example.com")
    c["nodata_aaaa"] = query("_dmarc.example.com", AAAA)
    c["apex_soa"] = query("_dmarc.example.com", SOA)
    c["apex_ns"] = query("_domainkey.example.com", NS)
    c["apex_any"] = query("_domainkey.example.com", ANY)
    c["refused_outside"] = query("www.example.org", A, flags=RD)
    c["refused_root"] = query(".", NS)
    c["edns_do_4096"] = query("_dmarc.example.com", edns=opt(4096, flags=0x8000))
    c["edns_cookie"] = query("_dmarc.example.com",
                             edns=opt(1232, rdata=struct.pack(">HH", 10, 8) + bytes(range(8))))
    # The SPF macro zone (template %{i}._ip.%{h}._ehlo.%{d}).
    c["spf_netblock"] = query(
        "192.0.2.10._ip.mail.example.com._ehlo.example.com._spf.provider.test")
    c["spf_blocked"] = query("198.51.100.1._ip.mx.blocked.example._ehlo.blocked.example"
                             "._spf.provider.test")
    c["spf_unknown_domain"] = query("203.0.113.5._ip.h.example.net._ehlo.example.net"
                                    "._spf.provider.test")
    c["spf_ipv6_nibbles"] = query(".".join("20010db8000000000000000000000001"[::-1]) +
                                  "._ip.mail.example.com._ehlo.example.com._spf.provider.test")
    c["spf_ancestor"] = query("_ehlo.example.com._spf.provider.test")
    c["spf_nspf"] = query("example.com._nspf._spf.provider.test")
    c["spf_apex_soa"] = query("_spf.provider.test", SOA)
    c["spf_cut_off"] = query(".".join(["h" * 40] * 5) + "._ehlo.example.com._spf.provider.test")
    # Refused and not implemented by type, class or opcode.
    c["axfr"] = query("_dmarc.example.com", AXFR)
    c["ixfr"] = query("_dmarc.example.com", IXFR)
    c["class_ch"] = query("version.bind", TXT, CH)
    # RFC 1995 §3: IXFR with the client's SOA in AUTHORITY (REFUSED); the
    # same SOA after another QTYPE (FORMERR).
    soa = b"\xc0\x0c" + struct.pack(">HHIH", SOA, IN, 0, 24) + b"\xc0\x0c\xc0\x0c" + \
        struct.pack(">IIIII", 7, 3600, 600, 1209600, 60)
    c["ixfr_with_soa"] = header(ns=1) + question("_dmarc.example.com", IXFR) + soa
    c["ixfr_with_soa_edns"] = header(ns=1, ar=1) + question("_dmarc.example.com", IXFR) + soa + \
        opt()
    c["txt_with_soa"] = header(ns=1) + question("_dmarc.example.com") + soa
    # The server's identity: CHAOS TXT id.server / hostname.bind, NSID (RFC 5001).
    c["chaos_id_server"] = query("id.server", TXT, CH)
    c["chaos_hostname_bind_any"] = query("HOSTNAME.bind", ANY, CH)
    c["nsid"] = query("_dmarc.example.com", edns=opt(1232, rdata=struct.pack(">HH", 3, 0)))
    c["nsid_chaos_512"] = query("id.server", TXT, CH, edns=opt(512, rdata=struct.pack(">HH", 3, 0)))
    c["qtype_maila"] = query("_dmarc.example.com", MAILA)
    c["qtype_tsig"] = query("_dmarc.example.com", TSIG)
    c["qtype_opt"] = query("_dmarc.example.com", OPT)
    c["qtype_zero"] = query("_dmarc.example.com", 0)
    c["opcode_notify"] = header(flags=4 << 11) + question("_dmarc.example.com", SOA)
    c["opcode_update"] = header(flags=5 << 11, qd=1, an=0, ns=1) + question("example.com", SOA)
    c["edns_version_1"] = query("_dmarc.example.com", edns=opt(1232, version=1))
    # Malformed: dropped or FORMERR.
    c["short_5"] = bytes([0x13, 0x37, 0xde, 0xad, 0x01])
    c["header_only"] = header(qd=0)
    c["qr_set"] = query("_dmarc.example.com", flags=QR)
    c["qdcount_2"] = header(qd=2) + question("_dmarc.example.com") + question("example.com")
    c["ancount_1"] = header(an=1) + question("_dmarc.example.com")
    c["tc_set"] = query("_dmarc.example.com", flags=TC)
    c["question_truncated"] = query("_dmarc.example.com")[:20]
    c["two_opts"] = header(ar=2) + question("_dmarc.example.com") + opt() + opt(4096)
    c["opt_non_root_owner"] = header(ar=1) + question("_dmarc.example.com") + opt(
        owner=name("example.com"))
    c["opt_bad_rdlength"] = header(ar=1) + question("_dmarc.example.com") + opt()[:-2] + \
        struct.pack(">H", 40) + b"\x00\x0a\x00\x08"
    c["trailing_garbage"] = query("_dmarc.example.com") + b"\x00\xff"
    # Names: compression and label types the reader must refuse or bound.
    c["pointer_into_header"] = header(qid=0) + b"\x06_dmarc\x07example\x03com\xc0\x07" + \
        struct.pack(">HH", TXT, IN)
    c["pointer_forward"] = header() + b"\xc0\x0e\x00" + struct.pack(">HH", TXT, IN)
    c["pointer_self"] = header() + b"\xc0\x0c" + struct.pack(">HH", TXT, IN)
    c["label_0x40"] = header() + b"\x41\x00" + struct.pack(">HH", TXT, IN)
    c["label_0x80"] = header() + b"\x81x\x00" + struct.pack(">HH", TXT, IN)
    c["name_255"] = header() + name(".".join(["a" * 63] * 3 + ["b" * 61])) + \
        struct.pack(">HH", TXT, IN)
    c["name_256"] = header() + name(".".join(["a" * 63] * 3 + ["b" * 62])) + \
        struct.pack(">HH", TXT, IN)
    c["name_127_labels"] = header() + name(".".join(["x"] * 127)) + struct.pack(">HH", TXT, IN)
    return c


def main():
    os.makedirs(OUT, exist_ok=True)
    wanted = {f"{key}.bin": data for key, data in corpus().items()}
    for stale in sorted(set(os.listdir(OUT)) - set(wanted)):
        if stale.endswith(".bin"):
            os.remove(os.path.join(OUT, stale))
    for file_name, data in sorted(wanted.items()):
        with open(os.path.join(OUT, file_name), "wb") as f:
            f.write(data)
    print(f"wrote {len(wanted)} files to {OUT}")


if __name__ == "__main__":
    main()
