"""Records on a schedule: a DKIM key rotation and a DMARC roll-out written
as dates in the domain file are applied by dnsd at their second, with no
edit, reload or signal; the DMARC TXT is served with a short TTL during the
ramp before each step; the zones' SOA serials change exactly then; a second
dnsd loaded with the same files serves the same serials after every step;
`dnsd check` and `dnsd records` print the timeline; /metrics says when the
next change is due."""
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
DMARC = "_dmarc.sched.example"


def utc(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def domain_file(start):
    """DKIM: `next` is published at start; `old` is revoked at start+3 and
    no longer served at start+6 (retain 3s). DMARC: p=none, then
    quarantine in testing at start+1, reject at start+4; from 2 s before
    each step its TTL is 5 s."""
    return f"""domain: sched.example
mode: enforce
dmarc:
  p: none
  rua: ["mailto:sched@reports.provider.test"]
  ttl_ramp: 2s
  ramp_ttl: 5s
  schedule:
    - {{at: {utc(start + 1)}, p: quarantine, t: y}}
    - {{at: {utc(start + 4)}, p: reject, t: n}}
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
        self.start = int(time.time()) + 8
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
        """What next._domainkey and old._domainkey answer, the DMARC policy
        and its TTL, and the two zones' SOA serials, by kdig."""
        def txt(name):
            r = harness.kdig(server, name, "TXT")
            answers = [rr for rr in r.get("answerRRs", []) if rr["TYPE"] == 16]
            return r["RCODE"], answers
        def dkim(name):
            rcode, answers = txt(name)
            if answers:
                return "revoked" if harness.txt_of(answers[0]).endswith("p=") else "key"
            return "NXDOMAIN" if rcode == 3 else f"rcode {rcode}"
        def serial(zone):
            return int(harness.kdig(server, zone, "SOA")["answerRRs"][0]["rdataSOA"].split()[2])
        # The queries are not one snapshot's answer: the serials read before
        # and after them say whether one was published in between (None).
        serials = (serial(ZONE), serial(DMARC))
        _, dmarc = txt(DMARC)
        policy = re.search(r"p=(\w+)(?:; t=(\w))?", harness.txt_of(dmarc[0]))
        observed = (dkim(f"next.{ZONE}"), dkim(f"old.{ZONE}"),
                    policy.group(1) + (f" t={policy.group(2)}" if policy.group(2) else ""),
                    dmarc[0]["TTL"])
        return observed, serials if serials == (serial(ZONE), serial(DMARC)) else None

    def test_a_rotation_is_applied_at_its_seconds_without_a_reload(self):
        ns1, ns2 = self.servers
        port = ns1.metrics_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            metrics = r.read().decode()
        # The first change due is the TTL ramp before DMARC's first step.
        due = re.findall(r"^dnsd_schedule_next_change_timestamp_seconds (\d+)$", metrics, re.M)
        self.assertEqual(due, [str(self.start - 1)])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            self.assertIn(f"{utc(self.start)}  sched.example  dkim: selector next published",
                          r.read().decode())

        # Observe until a second after the last step; bounded in time and count.
        seen = []  # (time before the queries, what was served, serials, time after them)
        deadline = self.start + 7.5
        for _ in range(400):
            if time.time() >= deadline:
                break
            t = time.time()
            observed, serials = self.state(ns1)
            seen.append((t, observed, serials, time.time()))
            time.sleep(0.1)
        self.assertGreater(len(seen), 30, "too few observations to time the steps")

        expected = [  # (instant, what is served from then on)
            (0, ("NXDOMAIN", "key", "none", 300)),
            (self.start - 1, ("NXDOMAIN", "key", "none", 5)),       # ramp before step 1
            (self.start, ("key", "key", "none", 5)),                # next published
            (self.start + 1, ("key", "key", "quarantine t=y", 300)),  # DMARC step 1
            (self.start + 2, ("key", "key", "quarantine t=y", 5)),  # ramp before step 2
            (self.start + 3, ("key", "revoked", "quarantine t=y", 5)),  # old revoked
            (self.start + 4, ("key", "revoked", "reject t=n", 300)),  # DMARC step 2
            (self.start + 6, ("key", "NXDOMAIN", "reject t=n", 300)),  # old no longer served
        ]
        def at(t):
            return [s for instant, s in expected if instant <= t][-1]
        by_state = {}
        for before, observed, serials, after in seen:
            # Served while the queries ran, or up to a second late: never
            # early, never later than the second after the step.
            allowed = {at(before - 1), at(before), at(after)}
            self.assertIn(observed, allowed, f"at {before - self.start:+.2f} s")
            if serials is not None:
                by_state.setdefault(observed, set()).add(serials)
        # One pair of serials per step, a different pair at each step: the
        # serials change exactly when what is served does.
        for step, values in by_state.items():
            self.assertEqual(len(values), 1, f"{step}: {values}")
        self.assertEqual(len({next(iter(v)) for v in by_state.values()}), len(by_state))
        self.assertGreaterEqual(len(by_state), 6, by_state.keys())

        # The other server, loaded with the same files, serves the same.
        self.assertEqual(self.state(ns2), self.state(ns1))
        self.assertIsNotNone(self.state(ns1)[1])
        for server in self.servers:
            log = "\n".join(server.log)
            self.assertEqual(len(re.findall(r"reload \(schedule\): generation", log)), 7, log)
            self.assertNotIn("SIGHUP", log)

    def test_check_records_and_explain_print_the_timeline(self):
        config = os.path.join(self.examples[0], "dnsd.yaml")
        out = subprocess.run([harness.DNSD, "check", "-c", config], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("sched.example: schedule\n"
                      f"  {utc(self.start - 1)}  dmarc: TTL 5 s until the step at {utc(self.start + 1)}  (next)\n"
                      f"  {utc(self.start)}  dkim: selector next published\n"
                      f"  {utc(self.start + 1)}  dmarc: p=quarantine t=y\n"
                      f"  {utc(self.start + 2)}  dmarc: TTL 5 s until the step at {utc(self.start + 4)}\n"
                      f"  {utc(self.start + 3)}  dkim: selector old revoked (p=)\n"
                      f"  {utc(self.start + 4)}  dmarc: p=reject t=n\n"
                      f"  {utc(self.start + 6)}  dkim: selector old no longer served\n",
                      out.stdout)
        out = subprocess.run([harness.DNSD, "records", "-c", config, "sched.example"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(f"; {utc(self.start)}  dkim: selector next published\n", out.stdout)
        self.assertIn(f"; {utc(self.start + 1)}  dmarc: p=quarantine t=y\n", out.stdout)
        out = subprocess.run([harness.DNSD, "explain", "-c", config, "--ip", "192.0.2.1",
                              "--helo", "mail.sched.example", "--domain", "sched.example"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("schedule (answers above: as of ", out.stdout)
        self.assertIn(f"  {utc(self.start + 4)}  dmarc: p=reject t=n\n", out.stdout)
        self.assertNotIn("next._domainkey.sched.example", out.stdout.split("; Schedule")[0])


class RejectedStepTest(unittest.TestCase):
    """A step whose compile is rejected (the server file broke meanwhile)
    keeps the running snapshot, is tried again after a minute or the next
    edit, not in a loop; fixing the file applies it."""

    def test_a_rejected_step_is_not_retried_in_a_loop(self):
        harness.require_tools("kdig")
        tmp = harness.temp_dir()
        self.addCleanup(tmp.cleanup)
        examples = harness.copy_examples(tmp.name)
        start = int(time.time()) + 5
        harness.write_atomic(os.path.join(examples, "domains", "sched.example.yaml"),
                             f"""domain: sched.example
mode: monitor
dmarc:
  rua: ["mailto:sched@reports.provider.test"]
dkim:
  next: {{k: ed25519, p: "{ED25519}", from: {utc(start)}}}
""")
        server = harness.DnsdServer(os.path.join(examples, "dnsd.yaml"))
        self.addCleanup(server.stop)
        harness.wait_until_watching(server, os.path.join(examples, "domains"))
        server_file = os.path.join(examples, "dnsd.yaml")
        good = open(server_file).read()
        mark = harness.log_mark(server)
        harness.write_atomic(server_file, good + "\nbogus_key: 1\n")
        harness.wait_for_log(server, r"reload \(files changed\) rejected", mark)
        time.sleep(max(0.0, start + 3 - time.time()))
        log = "\n".join(server.log[mark:])
        self.assertEqual(len(re.findall(r"reload \(schedule\) rejected", log)), 1, log)
        rcode = harness.kdig(server, f"next.{ZONE}", "TXT")["RCODE"]
        self.assertEqual(rcode, 3, "the running snapshot stays")
        mark = harness.log_mark(server)
        harness.write_atomic(server_file, good)
        harness.wait_for_log(server, r"reload \(files changed\): generation", mark)
        answers = harness.kdig(server, f"next.{ZONE}", "TXT").get("answerRRs", [])
        self.assertEqual([rr["TYPE"] for rr in answers], [16])


if __name__ == "__main__":
    harness.main()
