"""`dnsd explain`: the query a receiver sends, dnsd's answer and rule, and
the receiver's whole verdict on the domain's published record, evaluated by
dnsd's RFC 7208 engine against dnsd's own answers (dnsd/cli/snapshot_dns.h)."""
import os
import re
import subprocess
import textwrap
import unittest

import harness

CONFIG = os.path.join(harness.EXAMPLES, "dnsd.yaml")
MACRO_INCLUDE = "v=spf1 include:%{i}._ip.%{h}._ehlo.%{d}._spf.provider.test ~all"


def explain(*args, config=CONFIG):
    out = subprocess.run([harness.DNSD, "explain", "-c", config, *args], capture_output=True,
                         text=True, timeout=60)
    if out.returncode != 0:
        raise AssertionError(f"dnsd explain {' '.join(args)} exited {out.returncode}:\n"
                             f"{out.stdout}{out.stderr}")
    return out.stdout


def field(text, name):
    m = re.search(rf"^{name}:\s+(.*)$", text, re.MULTILINE)
    if not m:
        raise AssertionError(f"no '{name}:' line in:\n{text}")
    return m.group(1)


def lookups(text):
    """[(question, source, answer)] from the look-ups section."""
    section = text.split("\nlook-ups:\n", 1)[1].split("\nnote:", 1)[0]
    out = []
    for line in section.splitlines():
        m = re.match(r"^  (\S+ \S+)  \[([^\]]+)\]  (.*)$", line)
        if m:
            out.append(m.groups())
    return out


class ExplainTest(unittest.TestCase):
    maxDiff = None

    def test_netblock_passes_through_dnsds_own_answer(self):
        out = explain("--ip", "192.0.2.7", "--helo", "mail.enforce.example",
                      "--domain", "enforce.example")
        self.assertRegex(field(out, "rule"), r"^3 netblock, domain enforce\.example$")
        self.assertEqual(field(out, "record"), f'"{MACRO_INCLUDE}" (as `dnsd records` advises)')
        self.assertTrue(field(out, "result").startswith("pass (include:%{i}._ip"), out)
        self.assertEqual(field(out, "limits"),
                         "1 of 10 DNS-querying terms, 0 of 2 void look-ups (RFC 7208 §4.6.4)")
        name = "192.0.2.7._ip.mail.enforce.example._ehlo.enforce.example._spf.provider.test"
        self.assertEqual(lookups(out), [
            ("enforce.example TXT", "published", f'"{MACRO_INCLUDE}"'),
            (f"{name} TXT", "dnsd", '"v=spf1 ip4:192.0.2.7 ~all"'),
        ])
        # The answer line is what the pipeline sent, and the trace used it.
        self.assertIn('"v=spf1 ip4:192.0.2.7 ~all"', field(out, "answer"))
        self.assertIn(f'{name}: "v=spf1 ip4:192.0.2.7 ~all"', out)
        self.assertNotIn("note:", out)

    def test_catalog_include_is_answered_from_known_ranges(self):
        out = explain("--ip", "54.240.0.10", "--helo", "a8-30.smtp-out.amazonses.com",
                      "--domain", "bigkey.example")
        self.assertRegex(field(out, "rule"), r"^4 sender_range, domain bigkey\.example, "
                                             r"sender amazonses$")
        self.assertTrue(field(out, "result").startswith("pass"), out)
        sources = [source for _, source, _ in lookups(out)]
        self.assertEqual(sources, ["published", "dnsd", "catalog: amazonses's known ranges"])
        self.assertEqual(field(out, "limits").split(",")[0], "2 of 10 DNS-querying terms")

    def test_names_outside_dnsd_are_reported_not_guessed(self):
        # The terms rule: enforce.example's exists:%{i}._spf.mta.salesforce.com,
        # with the client's IP written in by dnsd.
        out = explain("--ip", "203.0.113.9", "--helo", "mail.example.net",
                      "--domain", "enforce.example")
        self.assertRegex(field(out, "rule"), r"^6 terms, domain enforce\.example$")
        self.assertIn('"v=spf1 exists:203.0.113.9._spf.mta.salesforce.com ~all"',
                      field(out, "answer"))
        self.assertEqual(field(out, "result"),
                         "temperror: exists:203.0.113.9._spf.mta.salesforce.com: A look-up failed")
        self.assertIn(("203.0.113.9._spf.mta.salesforce.com A", "not resolved (outside dnsd)",
                       "temperror"), lookups(out))
        self.assertRegex(field(out, "note"), r"^1 look-up not resolved \(outside dnsd\)")

    def test_published_record_can_be_given(self):
        published = ("v=spf1 ip4:198.51.100.0/24 "
                     "include:%{i}._ip.%{h}._ehlo.%{d}._spf.provider.test -all")
        out = explain("--ip", "198.51.100.3", "--helo", "x", "--domain", "monitor.example",
                      "--published", published)
        self.assertEqual(field(out, "record"), f'"{published}" (given with --published)')
        self.assertEqual(field(out, "result"), "pass (ip4:198.51.100.0/24 in monitor.example)")
        self.assertEqual(len(lookups(out)), 1)   # the first term matched
        # Not in the ip4 term, not a sender of monitor.example: dnsd's rule 7
        # answer, then the record's own -all.
        out = explain("--ip", "203.0.113.9", "--helo", "x", "--domain", "monitor.example",
                      "--published", published)
        self.assertEqual(field(out, "result"), "fail (-all in monitor.example)")
        self.assertRegex(field(out, "rule"), r"^7 default")

    def test_blocked_and_unconfigured_domains(self):
        out = explain("--ip", "192.0.2.7", "--helo", "x", "--domain", "blocked.example")
        # The advised record carries the blocked domain's -all.
        self.assertIn(" -all\" (as `dnsd records` advises)", field(out, "record"))
        self.assertEqual(field(out, "result"), "fail (-all in blocked.example)")
        out = explain("--ip", "192.0.2.7", "--helo", "x", "--domain", "stranger.example")
        self.assertRegex(field(out, "rule"), r"^1 unknown_domain")
        self.assertEqual(field(out, "result"), "softfail (~all in stranger.example)")

    def test_terms_rule_and_the_sender(self):
        """A domain whose terms use %{d} and %{l}: dnsd writes in the domain
        (a subdomain here), the receiver's %{l} comes from --sender."""
        with harness.temp_dir() as tmp:
            config = harness.copy_examples(tmp)
            with open(os.path.join(config, "domains", "terms.example.yaml"), "w") as f:
                f.write(textwrap.dedent("""\
                    domain: terms.example
                    include_subdomains: true
                    spf:
                      terms: ["ip4:198.18.9.0/24", "exists:%{l}._senders.%{d}"]
                    """))
            path = os.path.join(config, "dnsd.yaml")
            out = explain("--ip", "198.18.9.9", "--helo", "mx", "--domain", "shop.terms.example",
                          config=path)
            self.assertIn('"v=spf1 ip4:198.18.9.0/24 exists:%{l}._senders.shop.terms.example '
                          '~all"', field(out, "answer"))
            self.assertEqual(field(out, "result"), "pass (include:%{i}._ip.%{h}._ehlo.%{d}."
                                                   "_spf.provider.test in shop.terms.example)")
            self.assertIn("ip4:198.18.9.0/24: match: pass", out)
            out = explain("--ip", "203.0.113.9", "--helo", "mx", "--domain", "shop.terms.example",
                          "--sender", "ceo@shop.terms.example", config=path)
            self.assertEqual(field(out, "result"),
                             "temperror: exists:%{l}._senders.shop.terms.example: "
                             "A look-up failed")
            self.assertIn(("ceo._senders.shop.terms.example A", "not resolved (outside dnsd)",
                           "temperror"), lookups(out))
            self.assertIn("check_host(203.0.113.9, shop.terms.example, ceo@shop.terms.example)",
                          out)


if __name__ == "__main__":
    harness.main()
