"""Records on a schedule: a DKIM key rotation written as dates in the domain
file is applied by dnsd at its second, with no edit, reload or signal; the
zone's SOA serial changes exactly then; a second dnsd loaded with the same
files serves the same serial after every step; `dnsd check` and
`dnsd records` print the timeline; /metrics says when the next change is
due."""
import datetime
import os
import re
import subprocess
import time
import unittest
import urllib.request

import harness

ED25519 = "LhI/gr7mV8B1KTDv2HBIPesIPs4NhgDb99nKSs977nA="
ZONE = "_domainkey.sched.example"


def utc(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def domain_file(start):
    """`next` is published at start; `old` is revoked at start+3 and no
    longer served at start+6 (retain 3s)."""
    return f"""domain: sched.example
mode: monitor
dmarc:
  rua: ["mailto:sched@reports.provider.test"]
dkim:
  old:
    k: ed25519
    p: "{ED25519}"
    until: {utc(start + 3)}
    retain: 3s
  next:
    k: ed25519
    p: "{ED25519}"
    from: {utc(start)}
"""


class ScheduleTest(unittest.TestCase):
    def setUp(self):
        harness.require_tools("kdig")
        # Far enough ahead that both servers have started before the first step.
        self.start = int(time.time()) + 6
        self.servers, self.examples = [], []
        for _ in range(2):
            tmp = harness.temp_dir()
            self.addCleanup(tmp.cleanup)
            examples = harness.copy_examples(tmp.name)
            harness.write_atomic(os.path.join(examples, "domains", "sched.example.yaml"),
                                 domain_file(self.start))
            server = harness.DnsdServer(os.path.join(examples, "dnsd.yaml"),
                                        extra=("--metrics", "127.0.0.1:0"))
            self.addCleanup(server.stop)
            self.servers.append(server)
            self.examples.append(examples)

    def state(self, server):
        """(what next._domainkey answers, what old._domainkey answers, SOA serial), by kdig."""
        def txt(name):
            r = harness.kdig(server, name, "TXT")
            rcode = r["RCODE"]
            answers = [harness.txt_of(rr) for rr in r.get("answerRRs", []) if rr["TYPE"] == 16]
            if answers:
                return "revoked" if answers[0].endswith("p=") else "key"
            return "NXDOMAIN" if rcode == 3 else f"rcode {rcode}"
        soa = harness.kdig(server, ZONE, "SOA")["answerRRs"][0]["rdataSOA"]
        return txt(f"next.{ZONE}"), txt(f"old.{ZONE}"), int(soa.split()[2])

    def test_a_rotation_is_applied_at_its_seconds_without_a_reload(self):
        ns1, ns2 = self.servers
        port = ns1.metrics_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            metrics = r.read().decode()
        self.assertIn(f"dnsd_schedule_next_change_timestamp_seconds {self.start}", metrics)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            self.assertIn(f"{utc(self.start)}  sched.example  dkim: selector next published",
                          r.read().decode())

        # Observe until a second after the last step; bounded in time and count.
        seen = []  # (time before the queries, state, time after them)
        deadline = self.start + 7.5
        for _ in range(400):
            if time.time() >= deadline:
                break
            t = time.time()
            state = self.state(ns1)
            seen.append((t, state, time.time()))
            time.sleep(0.1)
        self.assertGreater(len(seen), 30, "too few observations to time the steps")

        expected = [  # (instant, what is served from then on)
            (0, ("NXDOMAIN", "key")),
            (self.start, ("key", "key")),
            (self.start + 3, ("key", "revoked")),
            (self.start + 6, ("key", "NXDOMAIN")),
        ]
        serials = {}
        def at(t):
            return [s for instant, s in expected if instant <= t][-1]
        for before, (nxt, old, serial), after in seen:
            # Served while the queries ran, or up to a second late: never
            # early, never later than the second after the step.
            allowed = {at(before - 1), at(before), at(after)}
            self.assertIn((nxt, old), allowed, f"at {before - self.start:+.2f} s")
            if len(allowed) == 1:
                serials.setdefault(at(before), set()).add(serial)
        # One serial per step, a different one at each step.
        for step, values in serials.items():
            self.assertEqual(len(values), 1, f"{step}: {values}")
        self.assertEqual(len({next(iter(v)) for v in serials.values()}), len(serials))
        self.assertGreaterEqual(len(serials), 3)

        # The other server, loaded with the same files, serves the same.
        self.assertEqual(self.state(ns2), self.state(ns1))
        for server in self.servers:
            log = "\n".join(server.log)
            self.assertEqual(len(re.findall(r"reload \(schedule\): generation", log)), 3, log)
            self.assertNotIn("SIGHUP", log)

    def test_check_and_records_print_the_timeline(self):
        config = os.path.join(self.examples[0], "dnsd.yaml")
        out = subprocess.run([harness.DNSD, "check", "-c", config], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("sched.example: schedule\n"
                      f"  {utc(self.start)}  dkim: selector next published  (next)\n"
                      f"  {utc(self.start + 3)}  dkim: selector old revoked (p=)\n"
                      f"  {utc(self.start + 6)}  dkim: selector old no longer served\n",
                      out.stdout)
        out = subprocess.run([harness.DNSD, "records", "-c", config, "sched.example"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(f"; {utc(self.start)}  dkim: selector next published  (next)", out.stdout)
        self.assertNotIn("next._domainkey.sched.example", out.stdout.split("; Schedule")[0])


if __name__ == "__main__":
    harness.main()
