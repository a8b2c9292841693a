#!/usr/bin/python3
"""Writes the seed corpus for query_name_fuzzer: names under the SPF zone.

Run from anywhere with /usr/bin/python3 (standard library only); the output
is deterministic, so re-running it changes nothing unless this file changed:

    /usr/bin/python3 tests/fuzz/make_query_name_corpus.py

Each input is one choice octet and a list of labels (see the top of
query_name_fuzzer.cc):

    choice  bits 0-1 template, bits 2-3 QTYPE (TXT, TXT, ANY, A),
            bit 4 upper-case letters in the query, bit 5 EDNS(0) over UDP
    labels  a length octet (1..63) and the label's octets, repeated; the
            fuzzer appends the zone "_spf.provider.test"

The names match the configuration compiled in query_name_fuzzer.cc, so that
the seeds reach every answer rule: unknown and blocked domains, netblocks,
sender ranges in both answer modes, sender HELOs, the default, and names cut
on the left (RFC 7208 section 7.3) at every kind of boundary.

Generated files end in ".bin" and stale ones are removed. Inputs the fuzzer
found (kept as regression tests) are named "found_*" without that ending
and are left alone.
"""

import ipaddress
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "query_name")

ZONE = [b"_spf", b"provider", b"test"]

# Template indices, as query_name_fuzzer.cc numbers them.
T_DEFAULT = 0   # %{i}._ip.%{h}._ehlo.%{d}
T_REVERSED = 1  # %{ir}.%{d}
T_VERSION = 2   # %{ir}.%{v}.%{d}
T_INNER = 3     # %{i}._i.%{d}._d
TEMPLATES = [T_DEFAULT, T_REVERSED, T_VERSION, T_INNER]

# QTYPE choice (bits 2-3) and flags.
Q_TXT, Q_ANY, Q_A = 0 << 2, 2 << 2, 3 << 2
UPPER = 0x10
EDNS = 0x20


def labels_of(text):
    """Presentation text without escapes to a list of labels (bytes)."""
    return [part.encode() for part in text.split(".") if part]


def ip_labels(ip, as_v6=False):
    """What %{i} writes: 4 decimal octets, or 32 nibbles (IPv6, or IPv4 over IPv6)."""
    addr = ipaddress.ip_address(ip)
    if addr.version == 4 and not as_v6:
        return [str(b).encode() for b in addr.packed]
    if addr.version == 4:
        addr = ipaddress.IPv6Address("::ffff:" + ip)
    return [nibble.encode() for nibble in addr.packed.hex()]


def version_label(ip, as_v6=False):
    return b"in-addr" if ipaddress.ip_address(ip).version == 4 and not as_v6 else b"ip6"


def expand(template, ip, helo, domain, as_v6=False):
    """The labels a receiver asks for, without the zone. `helo` and `domain`
    are text or lists of labels (for octets a text form cannot carry)."""
    if isinstance(helo, str):
        helo = labels_of(helo)
    if isinstance(domain, str):
        domain = labels_of(domain)
    ip_part = ip_labels(ip, as_v6)
    if template == T_DEFAULT:
        return ip_part + [b"_ip"] + helo + [b"_ehlo"] + domain
    if template == T_REVERSED:
        return ip_part[::-1] + domain
    if template == T_VERSION:
        return ip_part[::-1] + [version_label(ip, as_v6)] + domain
    return ip_part + [b"_i"] + domain + [b"_d"]


def text_size(labels):
    """Presentation length of labels + zone, without the trailing dot."""
    return sum(len(label) for label in labels + ZONE) + len(labels + ZONE) - 1


def receiver_cut(labels):
    """RFC 7208 section 7.3: drop labels on the left until 253 octets or fewer."""
    while text_size(labels) > 253:
        labels = labels[1:]
    return labels


def padded_domain(build, base):
    """Subdomain labels in front of `base` so that build(domain) is exactly
    253 octets of text (the longest name a receiver sends)."""
    pads = []
    for _ in range(20):
        domain = ".".join(pads + [base])
        short = 253 - text_size(build(domain))
        if short == 0:
            return domain
        assert short > 0, domain
        # A new label costs its length and a dot; grow the last one first.
        if pads and len(pads[-1]) < 63:
            grow = min(short, 63 - len(pads[-1]))
            pads[-1] += "p" * grow
        elif short >= 2:
            pads.append("p" * min(short - 1, 63))
        else:
            pads[-1] = pads[-1][:-1]
            pads.append("p")
    raise AssertionError("padding does not reach 253 octets: " + base)


def most(unit, suffix, prefix=()):
    """prefix + unit * k + suffix for the largest k that stays within 253 octets."""
    k = 0
    while text_size(list(prefix) + unit * (k + 1) + suffix) <= 253:
        k += 1
    return list(prefix) + unit * k + suffix


def encode(choice, labels, check_size=True):
    if check_size:
        assert text_size(labels) <= 253, labels
    out = bytes([choice])
    for label in labels:
        assert 1 <= len(label) <= 63, label
        out += bytes([len(label)]) + label
    return out


def corpus():
    c = {}

    def add(key, choice, labels):
        assert key not in c, key
        c[key] = encode(choice, labels)

    # For every template: the rules, IPv4, IPv6 and IPv4-mapped clients.
    for t in TEMPLATES:
        def name(ip, helo="mail.example.com", domain="example.com", as_v6=False):
            return expand(t, ip, helo, domain, as_v6)
        p = f"t{t}_"
        add(p + "netblock_v4", t, name("192.0.2.10"))
        add(p + "netblock_v6", t, name("2001:db8:1::25"))
        add(p + "netblock_mapped", t, name("192.0.2.10", as_v6=True))
        add(p + "sender_range_include", t, name("203.0.113.5"))
        add(p + "sender_range_ip_v6", t, name("2001:db8:100::7"))
        add(p + "sender_range_ip_mapped", t, name("198.51.100.7", as_v6=True))
        add(p + "sender_range_other_domain", t, name("203.0.113.130", domain="example.net"))
        add(p + "default_soft", t, name("8.8.8.8"))
        add(p + "default_fail", t, name("8.8.8.8", domain="example.net"))
        add(p + "blocked", t, name("192.0.2.1", domain="blocked.example"))
        add(p + "unknown_domain", t, name("192.0.2.1", domain="example.org"))
        add(p + "subdomain_included", t, name("192.0.2.1", domain="a.b.example.com"))
        add(p + "subdomain_own_config", t, name("192.0.2.1", domain="deep.example.com"))
        add(p + "below_own_config", t, name("192.0.2.1", domain="x.deep.example.com"))
        add(p + "subdomain_not_included", t, name("2001:db8:5::1", domain="x.sub.example.org"))
        add(p + "subdomain_configured", t, name("2001:db8:5::1", domain="sub.example.org"))
        add(p + "ip_zero", t, name("0.0.0.0"))
        add(p + "ip_ones", t, name("255.255.255.255"))
        add(p + "ip6_all_letters", t, name("abcd:ef01:2345:6789:abcd:ef01:2345:6789"))
        add(p + "any", t | Q_ANY, name("192.0.2.10"))
        add(p + "a_nodata", t | Q_A, name("192.0.2.10"))
        add(p + "upper_edns", t | UPPER | EDNS, name("2001:db8:100::7"))
        # A 253-octet name with labels dropped on the left through the IP,
        # keeping `keep` of its labels (the IP is leftmost in every template).
        full = name("2001:db8:1::1", domain=padded_domain(
            lambda d: expand(t, "2001:db8:1::1", "mail.example.com", d), "example.com"))
        assert text_size(full) == 253
        for keep in (1, 3, 8, 31):
            add(f"{p}cut_v6_keep{keep}", t, full[32 - keep:])
        full = name("192.0.2.10", domain=padded_domain(
            lambda d: expand(t, "192.0.2.10", "mail.example.com", d), "example.com"))
        for keep in (1, 2, 3):
            add(f"{p}cut_v4_keep{keep}", t, full[4 - keep:])
        # Not a macro name for this template.
        add(p + "short_noise", t, labels_of("www"))
        add(p + "ip_only", t, ip_labels("192.0.2.1"))

    # The default template's HELOs.
    def default(ip="192.0.2.1", helo="mail.example.com", domain="example.com", as_v6=False):
        return expand(T_DEFAULT, ip, helo, domain, as_v6)
    add("helo_unknown", T_DEFAULT, default(helo="unknown"))
    add("helo_unknown_v6", T_DEFAULT, default("2001:db8::1", helo="unknown"))
    add("helo_literal_dotted", T_DEFAULT, default(helo="[192.0.2.1]"))
    add("helo_literal_one_label", T_DEFAULT, default(helo=[b"[192.0.2.1]"]))
    add("helo_literal_v6", T_DEFAULT, default("2001:db8::1", helo="[ipv6:2001:db8::1]"))
    add("helo_sender_exact", T_DEFAULT, default("8.8.4.4", helo="mta.bulk.test"))
    add("helo_sender_wildcard", T_DEFAULT, default("8.8.4.4", helo="a.b.out.bulk.test"))
    add("helo_sender_wildcard_apex", T_DEFAULT, default("8.8.4.4", helo="out.bulk.test"))
    add("helo_sender_not_enabled", T_DEFAULT,
        default("8.8.4.4", helo="smtp.tiny.test", domain="example.com"))
    add("helo_sender_enabled", T_DEFAULT,
        default("8.8.4.4", helo="smtp.tiny.test", domain="example.net"))
    add("helo_sender_mailco", T_DEFAULT, default("8.8.4.4", helo="mx1.mailco.test"))
    add("helo_uppercase_sender", T_DEFAULT | UPPER, default("8.8.4.4", helo="MX1.MailCo.TEST"))
    add("helo_binary", T_DEFAULT,
        default(helo=[b"\x00\xff.\\x", b"\x80", bytes(range(0x20, 0x3f))]))
    add("helo_junk_63", T_DEFAULT, default(helo=[bytes(range(128, 191))]))
    add("helo_with_ip_label", T_DEFAULT, default(helo="_ip.x"))
    add("helo_with_ehlo_label", T_DEFAULT, default(helo="x._ehlo.y"))
    add("helo_with_both", T_DEFAULT, default(helo="_ip.x._ehlo.example.com"))
    add("helo_like_a_macro_name", T_DEFAULT, default(helo="6.6.6.6._ip.evil._ehlo.example.org"))
    add("helo_only_ehlo", T_DEFAULT, default(helo="_ehlo"))
    add("helo_only_ip", T_DEFAULT, default(helo="_ip._ip"))
    add("domain_binary", T_DEFAULT, default(domain=[b"ex\x00mple", b"c\xffm"]))
    add("domain_with_dot_label", T_DEFAULT, default(domain=[b"example.com"]))
    add("domain_ehlo_inside", T_DEFAULT, default(domain="_ehlo.example.com"))
    add("missing_helo", T_DEFAULT, ip_labels("192.0.2.1") + [b"_ip", b"_ehlo"] +
        labels_of("example.com"))
    add("ip_leading_zero", T_DEFAULT, labels_of("192.0.02.1._ip.h._ehlo.example.com"))
    add("ip_256", T_DEFAULT, labels_of("192.0.2.256._ip.h._ehlo.example.com"))
    add("ip_five_octets", T_DEFAULT, labels_of("1.192.0.2.1._ip.h._ehlo.example.com"))
    add("ip6_upper_nibbles", T_DEFAULT | UPPER, default("2001:db8:abcd::1"))
    add("ip6_31_nibbles", T_DEFAULT, ip_labels("2001:db8::1")[1:] +
        labels_of("_ip.h._ehlo.example.com"))
    add("ancestor_ehlo", T_DEFAULT, labels_of("_ehlo.example.com"))
    add("ancestor_ip", T_DEFAULT, labels_of("h._ehlo.example.com"))

    # Rule 6 (example.com's terms): values a term can and cannot carry, and
    # a name just short enough (under 190 octets) not to be read as cut
    # whose answer would not fit.
    def terms(helo="mx.example.net", domain="example.com", ip="8.8.4.4", as_v6=False):
        return default(ip, helo, domain, as_v6)
    add("terms_v4", T_DEFAULT, terms())
    add("terms_mapped_nibbles", T_DEFAULT, terms(ip="203.0.113.200", as_v6=True))
    add("terms_v6_any", T_DEFAULT | Q_ANY | EDNS, terms(ip="2001:db8:77::1"))
    add("terms_subdomain", T_DEFAULT, terms(domain="shop.example.com"))
    add("terms_subdomain_space", T_DEFAULT, terms(domain=[b"a b", b"example", b"com"]))
    add("terms_subdomain_percent", T_DEFAULT, terms(domain=[b"a%b", b"example", b"com"]))
    add("terms_subdomain_dot_label", T_DEFAULT, terms(domain=[b"a.b", b"example", b"com"]))
    add("terms_subdomain_reserved", T_DEFAULT, terms(domain=[b"a=b", b"example", b"com"]))
    add("terms_subdomain_numeric", T_DEFAULT, terms(domain="123.example.com"))
    add("terms_helo_percent", T_DEFAULT, terms(helo=[b"100%"]))
    add("terms_helo_numeric_tld", T_DEFAULT, terms(helo="mx.123"))
    add("terms_helo_slash", T_DEFAULT, terms(helo="mx.a/24"))
    add("terms_helo_reserved", T_DEFAULT, terms(helo="a=b.example.net"))
    add("terms_long_overflow", T_DEFAULT | EDNS,
        terms(helo="h" * 10, domain="d" * 60 + "." + "e" * 60 + "." + "f" * 6 + ".example.com"))
    add("terms_long_fits", T_DEFAULT | EDNS,
        terms(helo="h" * 20, domain="d" * 40 + ".example.com"))

    # Left-truncated names (RFC 7208 section 7.3): names of exactly 253
    # octets that a receiver's cut left starting at each kind of boundary.
    # Padding labels go into the part to the right of the cut.
    for ip, as_v6, tag in (("192.0.2.10", False, "v4"), ("2001:db8:1::25", False, "v6"),
                           ("203.0.113.5", True, "mapped")):
        n = len(ip_labels(ip, as_v6))

        def after_ehlo(labels, k):
            return labels[labels.index(b"_ehlo") + k:]
        cuts = (
            ("in_ip", "helo", lambda x: x[1:]),
            ("last_ip_label", "helo", lambda x: x[n - 1:]),
            ("at_ip", "helo", lambda x: x[n:]),
            ("at_helo", "helo", lambda x: x[n + 1:]),
            ("in_helo", "helo", lambda x: x[n + 3:]),
            ("last_helo_label", "domain", lambda x: after_ehlo(x, -1)),
            ("at_ehlo", "domain", lambda x: after_ehlo(x, 0)),
            ("at_domain", "domain", lambda x: after_ehlo(x, 1)),
            ("in_domain", "domain", lambda x: after_ehlo(x, 2)),
        )
        for where, part, keep in cuts:
            if part == "helo":
                def build(h, keep=keep):
                    return keep(default(ip, "a.b." + h, "example.com", as_v6))
                helo = "a.b." + padded_domain(build, "mx.example.com")
                labels = keep(default(ip, helo, "example.com", as_v6))
            else:
                def build(d, keep=keep):
                    return keep(default(ip, "mx.example.com", "x.y." + d, as_v6))
                domain = "x.y." + padded_domain(build, "example.com")
                labels = keep(default(ip, "mx.example.com", domain, as_v6))
            assert text_size(labels) == 253
            add(f"cut_{tag}_{where}", T_DEFAULT, labels)
        # What a receiver sends for a long HELO.
        add(f"cut_receiver_{tag}", T_DEFAULT,
            receiver_cut(default(ip, ".".join(["h" * 30] * 5) + ".mx.example.com",
                                 "example.com", as_v6)))
    # Every cut of a long name, for each template with a long domain.
    long_domain = "a" * 60 + "." + "b" * 60 + "." + "c" * 60 + ".example.com"
    for t in TEMPLATES:
        full = expand(t, "2001:db8:100::7", "mx." + "m" * 50 + ".mailco.test", long_domain)
        for drop in range(0, len(full), 5):
            if text_size(full[drop:]) <= 253:
                add(f"t{t}_long_drop{drop}", t, full[drop:])
    # Names at and near the size limit (the fuzzer appends 20 octets).
    add("max_255_octets", T_DEFAULT, [b"a" * 63, b"b" * 63, b"c" * 63, b"d" * 42])
    add("max_255_octets_cut_domain", T_DEFAULT, [b"1", b"_ip", b"h" * 44, b"_ehlo"] +
        [b"e" * 63, b"f" * 63, b"g" * 37] + labels_of("example.com"))
    add("max_labels", T_DEFAULT, most([b"1"], labels_of("_ip.h._ehlo.example.com")))
    add("max_labels_nibbles", T_DEFAULT, most([b"f"], labels_of("_ip.h._ehlo.example.com")))
    add("max_labels_reversed", T_REVERSED, most([b"9"], labels_of("example.com")))
    add("many_ehlo", T_DEFAULT, most([b"_ehlo", b"_ip"], labels_of("_ehlo.example.com"),
                                     labels_of("1.2.3.4._ip")))
    add("many_ip_and_ehlo_cut", T_DEFAULT, most([b"_ip", b"x", b"_ehlo"],
                                                labels_of("_ehlo.example.com")))
    add("many_ip_and_ehlo_whole", T_DEFAULT, most([b"_ip", b"_ehlo"], labels_of("example.com"),
                                                  labels_of("1.2.3.4._ip.h._ehlo")))
    add("many_i_d_inner", T_INNER, most([b"_d", b"_i"], labels_of("example.com._d"),
                                        labels_of("1.2.3.4._i")))

    # The _nspf tree: a record of its own, a name above one, one below.
    add("nspf_record", T_DEFAULT, labels_of("example.com._nspf"))
    add("nspf_record_any", T_DEFAULT | Q_ANY, labels_of("example.com._nspf"))
    add("nspf_ent", T_DEFAULT, labels_of("com._nspf"))
    add("nspf_unknown", T_DEFAULT, labels_of("example.org._nspf"))
    add("nspf_below_record", T_DEFAULT, labels_of("x.example.com._nspf"))
    add("nspf_bare", T_DEFAULT, labels_of("_nspf"))
    add("nspf2", T_DEFAULT, labels_of("example.com._nspf2"))
    # A chain of three parts: the middle, the last, one past its end.
    add("nspf_chain_2", T_DEFAULT, labels_of("chain.example._nspf2"))
    add("nspf_chain_3_edns", T_DEFAULT | EDNS, labels_of("chain.example._nspf3"))
    add("nspf_chain_4", T_DEFAULT, labels_of("chain.example._nspf4"))
    # %{v} that does not fit the address.
    add("version_mismatch_v4", T_VERSION,
        ip_labels("192.0.2.10")[::-1] + [b"ip6"] + labels_of("example.com"))
    add("version_mismatch_v6", T_VERSION,
        ip_labels("2001:db8::1")[::-1] + [b"in-addr"] + labels_of("example.com"))
    # Length octets the fuzzer clamps: 0 reads as 1, high bits ignored.
    c["clamp_lengths"] = bytes([T_DEFAULT, 0x00, ord("x"), 0xC3, ord("a"), ord("b"), ord("c")])
    c["clamp_short_input"] = bytes([T_DEFAULT, 63]) + b"abc"
    c["clamp_over_255"] = bytes([T_DEFAULT]) + (bytes([63]) + b"z" * 63) * 5
    c["clamp_over_255_receiver_name"] = encode(
        T_DEFAULT, default(helo=".".join(["h" * 60] * 4)), check_size=False)
    c["empty_labels"] = bytes([T_DEFAULT])
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
