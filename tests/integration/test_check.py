"""`dnsd check` and `dnsd records` on the examples and on broken copies."""
import os
import re
import subprocess
import textwrap
import unittest

import harness


def run(*args):
    return subprocess.run([harness.DNSD, *args], capture_output=True, text=True, timeout=60)


def position_of(text, line_no, token):
    """1-based column of `token` on 1-based line `line_no` of `text`."""
    line = text.splitlines()[line_no - 1]
    return line.index(token) + 1


BROKEN = textwrap.dedent("""\
    domain: broken.example
    mode: enforce
    include_subdomain: true
    spf:
      senders: [offce365]
      netblocks: [203.0.113.0/33]
    dmarc:
      p: rejekt
    dkim:
      s1: {k: rsa, p: "MIIB!!not*base64"}
    """)


def check_edited_copy(name, edit):
    """`dnsd check` on a copy of the examples whose domains/<name>.yaml is
    edit(its text). Returns (exit status, the file's path, its new text, the
    error lines printed for it)."""
    with harness.temp_dir() as tmp:
        examples = harness.copy_examples(tmp)
        path = os.path.join(examples, "domains", f"{name}.yaml")
        with open(path) as f:
            text = edit(f.read())
        with open(path, "w") as f:
            f.write(text)
        out = run("check", "-c", os.path.join(examples, "dnsd.yaml"))
    lines = out.stdout.splitlines()
    # Only the edited file is reported (and the summary line).
    others = [l for l in lines[:-1] if not l.startswith(path + ":")]
    if others:
        raise AssertionError(f"errors outside {path}:\n{out.stdout}")
    return out.returncode, path, text, [l for l in lines if l.startswith(path + ":")]


def replace_once(old, new):
    def edit(text):
        if text.count(old) != 1:
            raise AssertionError(f"the example should contain {old!r} once")
        return text.replace(old, new)
    return edit


class CheckTest(unittest.TestCase):
    def assertOnlyError(self, edited, line_no, token, pattern):
        """The edited file has exactly one error, at the line and column of
        `token` on line `line_no`, matching `pattern`."""
        status, path, text, errors = edited
        self.assertEqual(status, 1, errors)
        column = position_of(text, line_no, token)
        self.assertEqual(len(errors), 1, "\n".join(errors))
        self.assertTrue(errors[0].startswith(f"{path}:{line_no}:{column}: "), errors[0])
        self.assertRegex(errors[0], pattern)

    def test_examples_pass(self):
        out = run("check", "-c", os.path.join(harness.EXAMPLES, "dnsd.yaml"))
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("OK", out.stdout)

    def test_broken_copy_reports_each_error_with_position(self):
        with harness.temp_dir() as tmp:
            examples = harness.copy_examples(tmp)
            path = os.path.join(examples, "domains", "broken.example.yaml")
            with open(path, "w") as f:
                f.write(BROKEN)
            out = run("check", "-c", os.path.join(examples, "dnsd.yaml"))
        self.assertEqual(out.returncode, 1, out.stdout)
        lines = out.stdout.splitlines()
        expected = [
            (3, "include_subdomain", r"unknown key 'include_subdomain'.*did you mean 'include_subdomains'"),
            (5, "offce365", r"unknown sender 'offce365'.*did you mean 'office365'"),
            (6, "203.0.113.0/33", r"203\.0\.113\.0/33"),
            (8, "rejekt", r"rejekt"),
            (10, '"MIIB', r"base64"),
        ]
        for line_no, token, pattern in expected:
            column = position_of(BROKEN, line_no, token)
            prefix = f"{path}:{line_no}:{column}: "
            matching = [l for l in lines if l.startswith(prefix)]
            with self.subTest(line=line_no):
                self.assertEqual(len(matching), 1, f"no '{prefix}' in:\n{out.stdout}")
                self.assertRegex(matching[0], pattern)
        # The other example domains are still fine: only this file is reported.
        self.assertTrue(all(l.startswith(path) for l in lines[:-1]), out.stdout)

    def test_spf_terms_and_lookup_budget(self):
        """The terms rule's terms are checked by the RFC 7208 parser, and every answer
        a domain can get must keep a receiver within 10 DNS-querying look-ups
        and 2 void ones (RFC 7208 §4.6.4), counted as config/README.md says."""
        domain = textwrap.dedent("""\
            domain: budget.example
            spf:
              senders: [salesforce, amazonses]
              terms:
                - "exists:%{i}._spf.mta.salesforce.com"
                - "include:_spf.salesforce.com"
                - "exp=explain.%{d}"
                - "include:%{d}"
                - "a"
              published_lookups: 5
            """)
        with harness.temp_dir() as tmp:
            examples = harness.copy_examples(tmp)
            path = os.path.join(examples, "domains", "budget.example.yaml")
            with open(path, "w") as f:
                f.write(domain)
            out = run("check", "-c", os.path.join(examples, "dnsd.yaml"))
            self.assertEqual(out.returncode, 1, out.stdout)
            lines = [l for l in out.stdout.splitlines()
                     if l.startswith(path) and ": warning: " not in l]
            expected = [
                # amazonses has no `lookups` in the catalog: 4 assumed, and
                # 1 + 5 + 4 = 10 is still fine; exp= and include:%{d} are
                # refused, so the terms answer is exists, include, a: 4
                # look-ups and 3 void ones.
                (7, '"exp=', r"exp= is ignored inside an included record"),
                (8, '"include:%{d}"', r"a loop"),
                (9, '"a"', r"can make 3 void look-ups up to here .* over the 2 of RFC 7208"),
            ]
            self.assertEqual(len(lines), len(expected), out.stdout)
            for (line_no, token, pattern), line in zip(expected, lines):
                column = position_of(domain, line_no, token)
                self.assertTrue(line.startswith(f"{path}:{line_no}:{column}: "), line)
                self.assertRegex(line, pattern)

            # Seven look-ups in the customer's own record leave too little
            # for the answer that hands out an unknown sender's include.
            with open(path, "w") as f:
                f.write("domain: budget.example\nspf:\n  senders: [amazonses]\n"
                        "  published_lookups: 7\n")
            out = run("check", "-c", os.path.join(examples, "dnsd.yaml"))
            self.assertEqual(out.returncode, 1, out.stdout)
            self.assertIn(f"{path}:3:13: sender 'amazonses': dnsd's answer include:amazonses.com "
                          "costs 4 look-ups (assumed: the catalog gives no `lookups` for it); "
                          "with 1 for the customer's include of dnsd and 7 for the rest of their "
                          "record (spf.published_lookups) a receiver makes 12 DNS-querying "
                          "look-ups, over the 10 of RFC 7208 §4.6.4", out.stdout)

    # ---- BIMI, TLS-RPT, MTA-STS -------------------------------------------------

    def test_bimi_needs_dmarc_enforcement(self):
        """BIMI on the monitor-mode domain (DMARC p=none) is refused where the
        section starts."""
        edited = check_edited_copy(
            "monitor.example",
            lambda text: text + "bimi:\n  default: {l: https://brand.monitor.example/logo.svg}\n")
        line_no = len(edited[2].splitlines())
        self.assertOnlyError(edited, line_no, "default",
                             r"BIMI needs the domain at DMARC enforcement \(p=quarantine or "
                             r"reject, pct 100, sp not none, not t=y\).* p=none")

    def test_bimi_logo_over_http(self):
        edited = check_edited_copy(
            "enforce.example",
            replace_once("news: {l: https://brand.enforce.example/bimi/news.svg}",
                         "news: {l: http://brand.enforce.example/bimi/news.svg}"))
        line_no = next(i for i, l in enumerate(edited[2].splitlines(), 1) if "news: {l:" in l)
        self.assertOnlyError(edited, line_no, "http://",
                             r"logo URL \(l=\) 'http://brand\.enforce\.example/bimi/news\.svg' "
                             r"must use https://, not http://")

    def test_bimi_logo_over_http_beside_an_evidence_url(self):
        """A refused l= beside an a= is one error, not a second one saying
        the logo URL is missing."""
        edited = check_edited_copy(
            "enforce.example",
            replace_once("l: https://brand.enforce.example/bimi/logo.svg",
                         "l: http://brand.enforce.example/bimi/logo.svg"))
        line_no = next(i for i, l in enumerate(edited[2].splitlines(), 1) if "l: http://" in l)
        self.assertOnlyError(edited, line_no, "http://", r"must use https://, not http://")

    def test_mta_sts_mx_that_is_not_a_name(self):
        edited = check_edited_copy(
            "enforce.example",
            replace_once("mx: [mx1.enforce.example, mx2.enforce.example,",
                         "mx: [mx1.enforce.example, 192.0.2.25,"))
        line_no = next(i for i, l in enumerate(edited[2].splitlines(), 1) if "192.0.2.25" in l)
        self.assertOnlyError(edited, line_no, "192.0.2.25",
                             r"'192\.0\.2\.25' is an IP address; patterns match MX host names")

    def test_tls_rpt_rua_over_ftp(self):
        edited = check_edited_copy(
            "enforce.example",
            replace_once('"https://tlsrpt.enforce.example/v1/reports"',
                         '"ftp://tlsrpt.enforce.example/v1/reports"'))
        line_no = next(i for i, l in enumerate(edited[2].splitlines(), 1) if "ftp://" in l)
        self.assertOnlyError(edited, line_no, '"ftp://',
                             r"TLS report URI 'ftp://tlsrpt\.enforce\.example/v1/reports' must "
                             r"start with mailto: or https:")

    def test_broken_server_file(self):
        with harness.temp_dir() as tmp:
            examples = harness.copy_examples(tmp)
            path = os.path.join(examples, "dnsd.yaml")
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text + "\nlisten_adress: [\"127.0.0.1:53\"]\n")
            out = run("check", "-c", path)
            self.assertEqual(out.returncode, 1)
            self.assertRegex(out.stdout, re.escape(path) + r":\d+:1: unknown key 'listen_adress'")
            # serve refuses to start on a broken server file.
            serve = subprocess.run([harness.DNSD, "serve", "-c", path, "--listen", "127.0.0.1:0"],
                                   capture_output=True, text=True, timeout=30)
            self.assertNotEqual(serve.returncode, 0)

    def test_records_lists_what_to_publish_and_what_is_served(self):
        config = os.path.join(harness.EXAMPLES, "dnsd.yaml")
        out = run("records", "-c", config, "enforce.example")
        self.assertEqual(out.returncode, 0, out.stderr)
        text = out.stdout
        self.assertRegex(text, r'enforce\.example\.\s+\d+\s+IN\s+TXT\s+"v=spf1 include:%\{i\}\._ip\.%\{h\}\._ehlo\.%\{d\}\._spf\.provider\.test [~-]all"')
        self.assertRegex(text, r"_dmarc\.enforce\.example\.\s+\d+\s+IN\s+NS\s+ns1\.provider\.test\.")
        self.assertRegex(text, r"_domainkey\.enforce\.example\.\s+\d+\s+IN\s+NS\s+ns1\.provider\.test\.")
        served = text.split("; Served by dnsd:")[1]
        self.assertRegex(served, r"_dmarc\.enforce\.example\.\s+300\s+IN\s+SOA\s+ns1\.provider\.test\.")
        self.assertRegex(served, r'_dmarc\.enforce\.example\.\s+300\s+IN\s+TXT\s+"v=DMARC1; p=')
        self.assertRegex(served, r'enforce\.example\._dmarc\.provider\.test\.\s+300\s+IN\s+TXT')
        # The served part is a valid zone-file fragment for an independent parser.
        with harness.temp_dir() as tmp:
            zone_file = os.path.join(tmp, "served.zone")
            with open(zone_file, "w") as f:
                f.write(served)
            harness.require_tools("ldns-read-zone")
            check = subprocess.run(["ldns-read-zone", zone_file], capture_output=True,
                                   text=True, timeout=30)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertIn("_dmarc.enforce.example.", check.stdout)

    def test_records_cname_variant(self):
        config = os.path.join(harness.EXAMPLES, "dnsd.yaml")
        out = run("records", "-c", config, "cname.example")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout,
                         r"_dmarc\.cname\.example\.\s+\d+\s+IN\s+CNAME\s+cname\.example\._dmarc\.provider\.test\.")

    def test_records_unknown_domain(self):
        out = run("records", "-c", os.path.join(harness.EXAMPLES, "dnsd.yaml"), "nope.example")
        self.assertEqual(out.returncode, 1)

    def test_help_and_version(self):
        self.assertEqual(run("--help").returncode, 0)
        out = run("--version")
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^dnsd \d+\.\d+\.\d+")
        self.assertNotEqual(run("frobnicate", "-c", "x").returncode, 0)



class ForeignFileTest(unittest.TestCase):
    """A domain file that is a link out of the domains folder is not read,
    and a file that is not ours has none of its content quoted: not by
    `dnsd check`, not in the log, not on the status page."""

    SECRET = "root:$6$SECRETHASH$abc:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"

    def setUp(self):
        tmp = harness.temp_dir()
        self.addCleanup(tmp.cleanup)
        self.examples = harness.copy_examples(tmp.name)
        self.domains = os.path.join(self.examples, "domains")
        self.secret = os.path.join(tmp.name, "shadow")
        with open(self.secret, "w") as f:
            f.write(self.SECRET)
        os.chmod(self.secret, 0o600)
        os.symlink(self.secret, os.path.join(self.domains, "linked.yaml"))
        with open(os.path.join(self.domains, "copied.yaml"), "w") as f:
            f.write(self.SECRET)
        # A link that stays inside the folder (a ConfigMap's layout) is read.
        os.mkdir(os.path.join(self.domains, "..data"))
        os.rename(os.path.join(self.domains, "monitor.example.yaml"),
                  os.path.join(self.domains, "..data", "monitor.example.yaml"))
        os.symlink("..data/monitor.example.yaml",
                   os.path.join(self.domains, "monitor.example.yaml"))

    def test_check_quotes_nothing_of_it(self):
        out = run("check", "-c", os.path.join(self.examples, "dnsd.yaml"))
        self.assertEqual(out.returncode, 1)
        self.assertNotIn("SECRET", out.stdout + out.stderr)
        self.assertNotIn("daemon", out.stdout + out.stderr)
        self.assertIn("linked.yaml: a symbolic link to a file outside the domains folder; "
                      "not read", out.stdout)
        self.assertIn("copied.yaml:1:1: none of the 2 keys here is known: is this a dnsd file?",
                      out.stdout)
        self.assertNotIn("monitor.example.yaml", out.stdout)

    def test_serve_quotes_nothing_of_it(self):
        server = harness.DnsdServer(os.path.join(self.examples, "dnsd.yaml"),
                                    extra=("--metrics", "127.0.0.1:0"))
        self.addCleanup(server.stop)
        port = server.metrics_port()
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            page = r.read().decode()
        self.assertIn("linked.yaml", page)
        for text in (page, "".join(server.log)):
            self.assertNotIn("SECRET", text)
            self.assertNotIn("daemon", text)
        self.assertEqual(harness.udp_txt(server, "_dmarc.monitor.example")[0], 0)


HISTORIC = textwrap.dedent("""\
    domain: historic.example
    mode: enforce
    spf: {senders: [google]}
    dmarc:
      p: quarantine
      pct: 50
      ri: 3600
      rua: ["mailto:historic-example@reports.provider.test"]
    """)


class WarningTest(unittest.TestCase):
    """Warnings: printed with the errors at file:line:column, counted apart,
    exit 0 (1 with --strict); served as written."""

    def setUp(self):
        tmp = harness.temp_dir()
        self.addCleanup(tmp.cleanup)
        self.examples = harness.copy_examples(tmp.name)
        self.path = os.path.join(self.examples, "domains", "historic.example.yaml")
        with open(self.path, "w") as f:
            f.write(HISTORIC)
        self.config = os.path.join(self.examples, "dnsd.yaml")

    def test_pct_and_ri_are_two_warnings_and_check_passes(self):
        out = run("check", "-c", self.config)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        lines = out.stdout.splitlines()
        warnings = [l for l in lines if ": warning: " in l]
        self.assertEqual(len(warnings), 2, out.stdout)
        for warning, (line_no, token, tag) in zip(warnings, [(6, "50", "pct"), (7, "3600", "ri")]):
            column = position_of(HISTORIC, line_no, token)
            self.assertTrue(warning.startswith(f"{self.path}:{line_no}:{column}: warning: {tag} is "
                                               "historic in RFC 9989"), warning)
        self.assertEqual(len(lines), 3, out.stdout)  # nothing else, and the summary
        self.assertRegex(lines[-1], r": OK, 7 domains, .*; 0 errors, 2 warnings$")

    def test_strict_fails_on_warnings(self):
        out = run("check", "--strict", "-c", self.config)
        self.assertNotEqual(out.returncode, 0, out.stdout)
        self.assertIn("0 errors, 2 warnings", out.stdout)
        # Without warnings --strict passes.
        os.remove(self.path)
        out = run("check", "--strict", "-c", self.config)
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertIn("0 errors, 0 warnings", out.stdout)

    def test_serve_logs_them_and_serves_the_domain(self):
        server = harness.DnsdServer(self.config)
        self.addCleanup(server.stop)
        harness.wait_for_log(server, re.escape(f"warning: {self.path}:6:") + ".*pct is historic")
        self.assertEqual(harness.udp_txt(server, "_dmarc.historic.example")[1],
                         ["v=DMARC1; p=quarantine; "
                          "rua=mailto:historic-example@reports.provider.test; pct=50; ri=3600"])
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{server.metrics_port()}/", timeout=10) as r:
            page = r.read().decode()
        self.assertIn("configuration errors: 0, warnings: 2", page)
        self.assertIn(f"{self.path}:7:", page)
        self.assertNotIn("error:", "".join(server.log))


if __name__ == "__main__":
    harness.main()
