#!/usr/bin/python3
"""Writes the seed corpus for spf_record_fuzzer: SPF records and macro strings.

Run from anywhere with /usr/bin/python3 (standard library only); the output
is deterministic, so re-running it changes nothing unless this file changed:

    /usr/bin/python3 tests/fuzz/make_spf_record_corpus.py

Each input is up to five newline-separated fields (see the top of
spf_record_fuzzer.cc):

    record \\n macro-string \\n MAIL FROM \\n HELO \\n client IP

The seeds cover the RFC 7208 grammar (every mechanism and modifier, dual
CIDR lengths, domain-spec endings, qualifiers, case), the syntax errors the
OpenSPF suite checks (control and non-ASCII bytes, bad CIDRs, bad
top-labels, doubled modifiers), every macro letter, transformer, delimiter
and escape, URL-escaped values, names cut at 253 octets, and partial
expansion of values that need escaping.

Generated files end in ".bin" and stale ones are removed. Inputs the fuzzer
found (kept as regression tests) are named "found_*" without that ending
and are left alone.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "spf_record")

FROM = b"strong-bad@email.example.com"
HELO = b"mx.example.org"

RECORDS = {
    "empty": b"v=spf1",
    "all_qualifiers": b"v=spf1 +all -all ~all ?all",
    "typical": b"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com mx a ~all",
    "a_forms": b"v=spf1 a a:fuzz.example a/24 a//64 a/24//64 a:fuzz.example/0//0 -all",
    "mx_forms": b"v=spf1 mx mx:fuzz.example mx/24 mx//64 mx:fuzz.example/24//64 -all",
    "ptr_forms": b"v=spf1 ptr ptr:example.com ptr:%{d} -all",
    "exists": b"v=spf1 exists:%{i}._i.%{d}._d.example.net exists:%{ir}.%{v}.%{d} -all",
    "include": b"v=spf1 include:inc.fuzz.example -all",
    "redirect": b"v=spf1 ip4:198.51.100.1 redirect=inc.fuzz.example",
    "redirect_self": b"v=spf1 redirect=fuzz.example",
    "include_self": b"v=spf1 include:fuzz.example -all",
    "exp": b"v=spf1 -all exp=explain.%{d}",
    "unknown_modifier": b"v=spf1 moo.cow-far_out=man:dog/cat default=pass -all",
    "case": b"V=SpF1 IP4:192.0.2.1 Include:Inc.Fuzz.Example REDIRECT=x.example.com",
    "spaces": b"v=spf1   a    -all   ",
    "ip6_mapped": b"v=spf1 -ip4:1.2.3.4 ip6:::FFFF:1.2.3.4 ip6:::1.1.1.1/0",
    "colon_domain": b"v=spf1 a:foo:bar/baz.example.com mx:foo.example.xn--zckzah",
    "trailing_dot": b"v=spf1 include:o.spf.example.com. redirect=%{d}.d.spf.example.com.",
    "escapes_in_domain": b"v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all",
    "many_dns_terms": b"v=spf1 a mx a mx a mx a mx a ptr a ip4:1.2.3.4 -all",
    "void_terms": b"v=spf1 a:nx1.example a:nx2.example a:nx3.example ?all",
    # Errors the suite and RFC 7208 §4.6 / §12 name.
    "err_trailing_term": b"v=spf1 ip4:1.2.3.4 -all moo",
    "err_version": b"v=spf10 -all",
    "err_no_space": b"v=spf1mx",
    "err_cr": b"v=spf1 a:ctrl.example.com\rptr -all",
    "err_nul": b"v=spf1 a:foo.example.com\x00",
    "err_utf8": b"v=spf1 a:\xef\xbb\xbfgarbage.example.net -all",
    "err_high_byte": b"v=spf1 a:example.net \x96all",
    "err_all_arg": b"v=spf1 -all.",
    "err_all_cidr": b"v=spf1 -all/8",
    "err_cidr4": b"v=spf1 a/33 ip4:1.2.3.4/032",
    "err_cidr6": b"v=spf1 a//129",
    "err_cidr_order": b"v=spf1 a/24/64",
    "err_ptr_cidr": b"v=spf1 ptr/0 -all",
    "err_include_cidr": b"v=spf1 include:ip5.example.com/24 -all",
    "err_toplabel_numeric": b"v=spf1 a:abc.123",
    "err_toplabel_dash": b"v=spf1 a:example.-com",
    "err_single_label": b"v=spf1 a:museum.",
    "err_port": b"v=spf1 ip4:1.2.3.4:8080",
    "err_ip6": b"v=spf1 ip6::CAFE::BABE",
    "err_modifier_name": b"v=spf1 1up=foo =all",
    "err_modifier_twice": b"v=spf1 exp=a.example.com -all exp=b.example.com",
    "err_redirect_colon": b"v=spf1 redirect:t2.example.com",
    "err_empty_targets": b"v=spf1 a: mx: include: exists: exp= redirect=",
    "err_macro": b"v=spf1 exists:%(ir).sbl.example.com foo=%abc a:%{a}.example.com",
    "err_exp_letter": b"v=spf1 -all exp=%{r}.example.com",
    "not_spf": b"some other TXT record",
    "nothing": b"",
}

MACROS = {
    "rfc_74": b"%{ir}.%{v}._spf.%{d2}",
    "letters": b"%{s}.%{l}.%{o}.%{d}.%{i}.%{p}.%{h}.%{v}",
    "exp_letters": b"%{c} %{r} %{t} from %{s}",
    "upper": b"http://example.com/why.html?l=%{L}&h=%{H}&s=%{S}",
    "transformers": b"%{d2}.%{dr}.%{d1r}.%{l-}.%{lr-}.%{l1r-}.%{l2r+-}.%{lr.-+,/_=}",
    "big_digit": b"%{d999999999999}.%{i4294967297r}",
    "escapes": b"%%%_%-.%{d}",
    "template": b"%{i}._ip.%{h}._ehlo.%{d}._spf.provider.test",
    "long": b"foobar." + b"%{o}." * 8 + b"example.com",
    "trailing_dot": b"%{d}.",
    "err_zero": b"%{d0}",
    "err_open": b"%{ir.example.com",
    "err_percent": b"100%",
    "err_letter": b"%{x}",
    "err_paren": b"%(ir)",
    "nothing": b"",
}

SENDERS = [
    (FROM, HELO, b"192.0.2.3"),
    (b"", b"JUMPIN' JUPITER", b"2001:db8::cb01"),
    (b"~jack&jill=up-a_b3.c@e8.example.com", b"[192.0.2.1]", b"::ffff:192.0.2.1"),
    (b"@example.net", b"50% off\x01\xff", b"198.51.100.7"),
    (b"foo-bar+zip+quux@somewhat.long.exp.example.com", b"unknown", b"not an ip"),
]


def write(files, name, record, macro, sender):
    mail_from, helo, ip = sender
    files[name + ".bin"] = b"\n".join([record, macro, mail_from, helo, ip])


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {}
    for i, (rname, record) in enumerate(sorted(RECORDS.items())):
        write(files, "record_" + rname, record, b"%{d}", SENDERS[i % len(SENDERS)])
    for mname, macro in sorted(MACROS.items()):
        for j, sender in enumerate(SENDERS):
            write(files, "macro_%s_%d" % (mname, j), b"v=spf1 -all", macro, sender)
    # A macro string that is also the whole record, and a short input.
    files["record_is_macro.bin"] = b"v=spf1 exists:%{i}.%{l2r-}.user.%{d2}"
    files["record_only_newlines.bin"] = b"\n\n\n\n"
    for name in os.listdir(OUT):
        if name.endswith(".bin") and name not in files:
            os.remove(os.path.join(OUT, name))
    for name, data in sorted(files.items()):
        path = os.path.join(OUT, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                if f.read() == data:
                    continue
        with open(path, "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(files), OUT))


if __name__ == "__main__":
    main()
