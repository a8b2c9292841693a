"""`dnsd diff OLD NEW` on copies of the examples: the exact lines of a real
change, the exit status as diff(1)'s, the drop guard's verdict."""
import os
import re
import subprocess
import unittest

import harness


def run(*args):
    return subprocess.run([harness.DNSD, *args], capture_output=True, text=True, timeout=60)


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    if text.count(old) != 1:
        raise AssertionError(f"{path} should contain {old!r} once")
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def blocks(stdout):
    """{title: [lines]} of the "== title" blocks."""
    out, title = {}, None
    for line in stdout.splitlines():
        if line.startswith("== "):
            title = line[3:]
            out[title] = []
        elif title is not None and line[:2] in ("- ", "+ "):
            out[title].append(line)
    return out


class DiffTest(unittest.TestCase):
    def setUp(self):
        self._tmp = harness.temp_dir()
        tmp = self._tmp.name
        self.old = harness.copy_examples(os.path.join(tmp, "old"))
        self.new = harness.copy_examples(os.path.join(tmp, "new"))
        self.old_file = os.path.join(self.old, "dnsd.yaml")
        self.new_file = os.path.join(self.new, "dnsd.yaml")

    def tearDown(self):
        self._tmp.cleanup()

    def diff(self):
        return run("diff", self.old_file, self.new_file)

    def test_same_files_no_difference(self):
        out = self.diff()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        lines = out.stdout.splitlines()
        old_digest = re.fullmatch(rf"--- {re.escape(self.old_file)} digest ([0-9a-f]{{16}})",
                                  lines[0])
        new_digest = re.fullmatch(rf"\+\+\+ {re.escape(self.new_file)} digest ([0-9a-f]{{16}})",
                                  lines[1])
        self.assertTrue(old_digest and new_digest, out.stdout)
        self.assertEqual(old_digest.group(1), new_digest.group(1))
        self.assertEqual(lines[2:], ["dnsd diff: 0 changed, 0 added, 0 removed"])

    def test_dmarc_policy_edited_and_domain_removed(self):
        edit(os.path.join(self.new, "domains", "m365.example.yaml"),
             "  p: quarantine\n", "  p: reject\n")
        os.remove(os.path.join(self.new, "domains", "blocked.example.yaml"))
        out = self.diff()
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertEqual(out.stderr, "")
        lines = out.stdout.splitlines()
        self.assertNotEqual(lines[0].split()[-1], lines[1].split()[-1], "digests should differ")
        self.assertEqual(lines[-1], "dnsd diff: 1 changed, 0 added, 1 removed")
        got = blocks(out.stdout)
        self.assertEqual(list(got), ["blocked.example (removed)", "m365.example"])
        rua = "rua=mailto:m365-example@reports.provider.test"
        self.assertEqual(got["m365.example"], [
            f'- _dmarc.m365.example.\t300\tIN\tTXT\t"v=DMARC1; p=quarantine; t=y; {rua}"',
            f'- m365.example._dmarc.provider.test.\t300\tIN\tTXT\t"v=DMARC1; p=quarantine; t=y; {rua}"',
            f'+ _dmarc.m365.example.\t300\tIN\tTXT\t"v=DMARC1; p=reject; t=y; {rua}"',
            f'+ m365.example._dmarc.provider.test.\t300\tIN\tTXT\t"v=DMARC1; p=reject; t=y; {rua}"',
        ])
        removed = got["blocked.example (removed)"]
        self.assertTrue(all(l.startswith("- ") for l in removed), removed)
        for line in [
            '- customer zone: _dmarc.blocked.example.\t3600\tIN\tNS\tns1.provider.test.',
            '- _dmarc.blocked.example.\t300\tIN\tTXT\t"v=DMARC1; p=reject; np=reject; sp=reject; '
            'adkim=s; aspf=s; rua=mailto:blocked-example@reports.provider.test"',
            '- *._domainkey.blocked.example.\t300\tIN\tTXT\t"v=DKIM1; p="',
            '- blocked.example._nspf._spf.provider.test.\t300\tIN\tTXT\t"v=spf1 -all"',
        ]:
            self.assertIn(line, removed)
        # SOA serials change with every edit: never a diff line.
        self.assertNotIn("SOA", out.stdout)
        # One of six domains is within the default guard's small_drop.
        self.assertNotIn("guard", out.stdout)

    def test_guard_verdict(self):
        os.remove(os.path.join(self.new, "domains", "blocked.example.yaml"))
        with open(self.new_file, "a") as f:
            f.write("guard:\n  max_drop_percent: 10\n  small_drop: 0\n")
        out = self.diff()
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertRegex(out.stdout.splitlines()[-1],
                         rf"^dnsd diff: the guard would refuse {re.escape(self.new_file)} after "
                         rf"{re.escape(self.old_file)}: .*1 of 6")

    def test_provider_zone_change(self):
        edit(self.new_file, "hostmaster.provider.test", "dns-admin.provider.test")
        out = self.diff()
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        got = blocks(out.stdout)
        self.assertIn("provider zones", got)
        self.assertTrue(any("SOA" in l and "hostmaster.provider.test" in l and l.startswith("- ")
                            for l in got["provider zones"]), got["provider zones"])
        self.assertTrue(any("SOA" in l and "dns-admin.provider.test" in l and l.startswith("+ ")
                            for l in got["provider zones"]), got["provider zones"])

    def test_errors_exit_2(self):
        bad = os.path.join(self.new, "domains", "m365.example.yaml")
        edit(bad, "  p: quarantine\n", "  p: rejekt\n")
        out = self.diff()
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertIn(bad + ":", out.stderr)
        with open(self.new_file, "w") as f:
            f.write("listen: [\n")
        out = self.diff()
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertIn(f"dnsd diff: {self.new_file} does not load", out.stderr)
        self.assertEqual(out.stdout, "")

    def test_usage(self):
        self.assertEqual(run("diff", self.old_file).returncode, 2)


if __name__ == "__main__":
    unittest.main()
