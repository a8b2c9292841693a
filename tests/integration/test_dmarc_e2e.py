"""The DMARC records dnsd serves, read back by a real DMARC parser:
opendmarc-check (Debian's opendmarc, which follows RFC 7489) looks each
domain's record up through the stub resolver and prints what it understood.

opendmarc-check asks whatever /etc/resolv.conf names, on port 53, so the
suite runs in a network namespace of its own (harness.enter_private_network)
with a resolv.conf that names dnsd on 127.0.0.1:53 there: nothing leaves the
machine. Needs root, opendmarc and iproute2 (scripts/install-deps.sh).

The records carry RFC 9989's t, psd and np, which an RFC 7489 parser must
ignore as unknown tags, and the historic pct (kept for such receivers unless
dmarc.rfc7489_tags is false).
"""
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import unittest

import harness

CHECK_TIMEOUT = 20  # seconds, for one opendmarc-check (its resolver retries)

# What opendmarc-check must read for each example domain, and for two added
# here: the value of each line it prints, and its report URIs.
EXPECTED = {
    "enforce.example": {"Sample percentage": "100", "DKIM alignment": "relaxed",
                        "SPF alignment": "relaxed", "Domain policy": "reject",
                        "Subdomain policy": "quarantine",
                        "rua": ["mailto:enforce-example@reports.provider.test"],
                        "ruf": ["mailto:dmarc-forensic@enforce.example"]},
    "m365.example": {"Sample percentage": "100", "Domain policy": "quarantine",
                     "Subdomain policy": "unspecified",
                     "rua": ["mailto:m365-example@reports.provider.test"], "ruf": []},
    "blocked.example": {"Sample percentage": "100", "DKIM alignment": "strict",
                        "SPF alignment": "strict", "Domain policy": "reject",
                        "Subdomain policy": "reject",
                        "rua": ["mailto:blocked-example@reports.provider.test"], "ruf": []},
    "monitor.example": {"Domain policy": "none", "Subdomain policy": "unspecified",
                        "rua": ["mailto:monitor-example@reports.provider.test"], "ruf": []},
    "cname.example": {"Domain policy": "reject", "DKIM alignment": "strict",
                      "rua": ["mailto:cname-example@reports.provider.test"], "ruf": []},
    "bigkey.example": {"Domain policy": "reject", "rua": [], "ruf": []},
    # pct and the size limit, published for RFC 7489 receivers.
    "pct.example": {"Sample percentage": "50", "Domain policy": "quarantine",
                    "rua": ["mailto:agg@pct.example!10m"], "ruf": []},
    # The same with rfc7489_tags: false: pct and the size limit left out.
    "rfc9989.example": {"Sample percentage": "100", "Domain policy": "quarantine",
                        "Subdomain policy": "unspecified",
                        "rua": ["mailto:agg@rfc9989.example"], "ruf": []},
}

EXTRA_DOMAINS = {
    "pct.example": """\
        domain: pct.example
        mode: enforce
        spf: {senders: [google]}
        dmarc: {p: quarantine, pct: 50, t: y, psd: n, np: reject, rua: ["mailto:agg@pct.example!10m"]}
        """,
    "rfc9989.example": """\
        domain: rfc9989.example
        mode: enforce
        spf: {senders: [google]}
        dmarc:
          p: quarantine
          rfc7489_tags: false
          pct: 50
          t: y
          psd: u
          np: reject
          rua: ["mailto:agg@rfc9989.example!10m"]
        """,
}

_work = None


def setUpModule():
    global _work
    harness.require_root("a network namespace of its own")
    harness.require_tools("opendmarc-check", "ip")
    _work = tempfile.TemporaryDirectory(prefix="dnsd-dmarc-e2e-")
    unittest.addModuleCleanup(_work.cleanup)
    resolv = os.path.join(_work.name, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.1\noptions timeout:2 attempts:2\n")
    harness.enter_private_network(resolv)
    unittest.addModuleCleanup(harness.leave_resolv_conf)


def opendmarc_check(domain):
    """opendmarc-check's reading of `domain`'s record: {line label: value,
    "rua": [...], "ruf": [...]}, and its exit status and output."""
    out = subprocess.run([shutil.which("opendmarc-check"), domain], capture_output=True,
                         text=True, timeout=CHECK_TIMEOUT)
    fields, uris = {}, None
    for line in out.stdout.splitlines():
        m = re.match(r"^\t([A-Za-z ]+): ?(.*)$", line)
        if m:
            label, value = m.group(1), m.group(2).strip()
            if label in ("Aggregate report URIs", "Failure report URIs"):
                uris = fields.setdefault("rua" if label.startswith("Aggregate") else "ruf", [])
            else:
                fields[label] = value
                uris = None
        elif line.startswith("\t\t") and uris is not None and line.strip() != "(none)":
            uris.append(line.strip())
    return fields, out.returncode, out.stdout + out.stderr


class OpendmarcReadsDnsdTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        examples = harness.copy_examples(_work.name)
        for name, text in EXTRA_DOMAINS.items():
            with open(os.path.join(examples, "domains", f"{name}.yaml"), "w") as f:
                f.write(textwrap.dedent(text))
        # 127.0.0.1:53 of this namespace: where resolv.conf sends opendmarc.
        cls.dnsd = harness.DnsdServer(config=os.path.join(examples, "dnsd.yaml"),
                                      extra=("--listen", "127.0.0.1:53"))
        harness.wait_for_log(cls.dnsd, r"listening on 127\.0\.0\.1:53 ")

    @classmethod
    def tearDownClass(cls):
        cls.dnsd.stop()

    def test_every_record_reads_back(self):
        for domain, expected in EXPECTED.items():
            with self.subTest(domain=domain):
                fields, status, output = opendmarc_check(domain)
                self.assertEqual(status, 0, output)
                self.assertIn(f"DMARC record for {domain}:", output)
                for label, value in expected.items():
                    self.assertEqual(fields.get(label, [] if label in ("rua", "ruf") else None),
                                     value, f"{label} of {domain}:\n{output}")

    def test_the_served_records_carry_rfc9989_tags(self):
        """What opendmarc ignored above is there: the records as served."""
        _, texts = harness.udp_txt(self.dnsd, "_dmarc.pct.example")
        self.assertEqual(texts, ["v=DMARC1; p=quarantine; t=y; psd=n; np=reject; "
                                 "rua=mailto:agg@pct.example!10m; pct=50"])
        _, texts = harness.udp_txt(self.dnsd, "_dmarc.rfc9989.example")
        self.assertEqual(texts, ["v=DMARC1; p=quarantine; t=y; psd=u; np=reject; "
                                 "rua=mailto:agg@rfc9989.example"])


if __name__ == "__main__":
    harness.main()
