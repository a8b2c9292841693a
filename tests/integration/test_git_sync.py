"""Configuration delivered by git (deploy/git-sync/dnsd-git-sync): two name
servers, each with its own state folder and symlink, fed from one bare
repository by running the sync script directly (as its systemd timer or
Kubernetes sidecar would). A push reaches both as one reload each; a push
that fails `dnsd check` is taken by neither and not checked again; the fix
after it is taken."""
import fcntl
import os
import random
import re
import shutil
import signal
import subprocess
import time
import unittest
import urllib.request

import harness
from harness import kdig, log_mark, wait_for_log

SYNC = os.path.join(harness.SOURCE_DIR, "deploy", "git-sync", "dnsd-git-sync")
DIGEST = re.compile(r'^dnsd_config_digest_info\{digest="([0-9a-f]{16})"\} 1$', re.M)
RELOAD = r"reload \((?:files changed|SIGHUP)\)"
SYNC_TIMEOUT = 60


def git(*args, cwd=None):
    where = ["-C", cwd] if cwd else []
    return harness.run(["git", *where, "-c", "user.name=Test", "-c", "user.email=test@provider.test",
                        "-c", "init.defaultBranch=main", *args], timeout=30).stdout


def dmarc(server, domain):
    """The TXT texts at _dmarc.<domain>, through kdig."""
    answer = kdig(server, "TXT", f"_dmarc.{domain}")
    return [harness.txt_of(rr) for rr in answer.get("answerRRs", []) if rr.get("TYPEname") == "TXT"]


class NameServer:
    """A dnsd fed by its own state folder: `sync()` runs the script for it."""

    def __init__(self, root, name, origin, dnsd_wrapper):
        self.state = os.path.join(root, name)
        self.link = os.path.join(self.state, "current")
        self.origin = origin
        self.dnsd_wrapper = dnsd_wrapper
        self.server = None

    def sync(self):
        out = subprocess.run([SYNC, "--env", "/nonexistent", "--repo", self.origin,
                              "--branch", "main", "--state", self.state, "--keep", "1",
                              "--dnsd", self.dnsd_wrapper, "--timeout", "20",
                              "--check-timeout", "30"],
                             capture_output=True, text=True, timeout=SYNC_TIMEOUT)
        return out.returncode, out.stderr

    def start(self):
        self.server = harness.DnsdServer(os.path.join(self.link, "dnsd.yaml"),
                                         extra=("--metrics", "127.0.0.1:0"))
        harness.wait_until_watching(self.server, os.path.join(self.link, "domains"))

    def served(self):
        return os.readlink(self.link)

    def digest(self):
        port = self.server.metrics_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            found = DIGEST.findall(r.read().decode())
        assert len(found) == 1, found
        return found[0]

    def stop(self):
        if self.server is not None:
            self.server.stop()


class GitSyncTest(unittest.TestCase):
    def setUp(self):
        harness.require_tools("git", "kdig")
        tmp = harness.temp_dir()
        self.addCleanup(tmp.cleanup)
        self.root = tmp.name
        self.origin = os.path.join(self.root, "origin.git")
        git("init", "--quiet", "--bare", self.origin)
        self.work = os.path.join(self.root, "work")
        git("clone", "--quiet", self.origin, self.work)
        shutil.copytree(harness.EXAMPLES, self.work, dirs_exist_ok=True)
        self.commit("the example configuration")
        # `dnsd check` as the script runs it, counted: a commit refused once
        # must not be checked again.
        self.checks = os.path.join(self.root, "checks")
        self.wrapper = os.path.join(self.root, "dnsd-counted")
        with open(self.wrapper, "w") as f:
            f.write(f'#!/bin/sh\necho "$*" >> {self.checks}\nexec {harness.DNSD} "$@"\n')
        os.chmod(self.wrapper, 0o755)
        self.ns = [NameServer(self.root, n, self.origin, self.wrapper) for n in ("ns1", "ns2")]
        for ns in self.ns:
            self.addCleanup(ns.stop)
            rc, log = ns.sync()
            self.assertEqual(rc, 0, log)
            self.assertRegex(log, r"swapped none -> [0-9a-f]{12}: the example configuration")
            ns.start()

    def commit(self, message):
        git("add", "-A", cwd=self.work)
        git("commit", "--quiet", "-m", message, cwd=self.work)
        git("push", "--quiet", "origin", "HEAD:main", cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work).strip()

    def edit(self, name, old, new):
        path = os.path.join(self.work, "domains", name)
        with open(path) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(path, "w") as f:
            f.write(text.replace(old, new))

    def count_checks(self):
        if not os.path.exists(self.checks):
            return 0
        with open(self.checks) as f:
            return len(f.readlines())

    def sync_all_and_wait(self, changed):
        """Syncs both servers; each must log one reload, changing `changed`
        and nothing else, and no other reload in the second after it."""
        for ns in self.ns:
            mark = log_mark(ns.server)
            rc, log = ns.sync()
            self.assertEqual(rc, 0, log)
            self.assertRegex(log, r"swapped [0-9a-f]{12} -> [0-9a-f]{12}: ")
            line = wait_for_log(ns.server, RELOAD + r".*", mark, timeout=15).group(0)
            self.assertRegex(line, rf"generation \d+, .*; changed {re.escape(changed)}$")
            time.sleep(1.5)  # the watcher settles within 300 ms: a second reload would show
            reloads = [l for l in ns.server.log[mark:] if re.search(RELOAD, l)]
            self.assertEqual(len(reloads), 1, "".join(ns.server.log[mark:]))

    def test_push_broken_push_and_fix(self):
        ns1, ns2 = self.ns
        first = ns1.digest()
        self.assertEqual(ns2.digest(), first)
        old = ["v=DMARC1; p=none; rua=mailto:monitor-example@reports.provider.test; fo=1"]
        for ns in self.ns:
            self.assertEqual(dmarc(ns.server, "monitor.example"), old)

        # A push that changes one domain: both serve it, one reload each,
        # that domain changed, the same digest on both.
        self.edit("monitor.example.yaml", 'fo: "1"', 'fo: "d"')
        self.commit("monitor.example: DKIM failure reports")
        self.sync_all_and_wait("monitor.example")
        new = ["v=DMARC1; p=none; rua=mailto:monitor-example@reports.provider.test; fo=d"]
        for ns in self.ns:
            self.assertEqual(dmarc(ns.server, "monitor.example"), new)
        second = ns1.digest()
        self.assertNotEqual(second, first)
        self.assertEqual(ns2.digest(), second)

        # A push with a broken domain file: neither takes it.
        self.edit("enforce.example.yaml", "domain: enforce.example",
                  "domain: enforce.example\npolicy_typo: true")
        broken = self.commit("enforce.example: a typo")
        for ns in self.ns:
            before = ns.served()
            checks = self.count_checks()
            mark = log_mark(ns.server)
            rc, log = ns.sync()
            self.assertEqual(rc, 1, log)
            self.assertIn(f"refused {broken[:12]}: dnsd check failed", log)
            self.assertRegex(log, r"domains/enforce\.example\.yaml:\d+:\d+: unknown key 'policy_typo'")
            self.assertEqual(self.count_checks(), checks + 1)
            self.assertEqual(ns.served(), before)
            self.assertFalse(os.path.exists(os.path.join(ns.state, "releases", broken)))
            # The next tick neither checks it again nor swaps.
            rc, log = ns.sync()
            self.assertEqual(rc, 1, log)
            self.assertIn(f"refused {broken[:12]} (checked before)", log)
            self.assertEqual(self.count_checks(), checks + 1)
            self.assertEqual(ns.served(), before)
            self.assertEqual(ns.digest(), second)
            self.assertEqual(dmarc(ns.server, "monitor.example"), new)
            self.assertEqual([l for l in ns.server.log[mark:] if re.search(RELOAD + r": gen", l)],
                             [], "a refused commit must not reach dnsd")

        # The fix after it is taken, by both.
        self.edit("enforce.example.yaml", "\npolicy_typo: true", "")
        self.edit("monitor.example.yaml", "mode: monitor ", "mode: blocked ")
        self.commit("enforce.example: typo fixed; monitor.example blocked")
        self.sync_all_and_wait("monitor.example")
        for ns in self.ns:
            (text,) = dmarc(ns.server, "monitor.example")
            self.assertTrue(text.startswith("v=DMARC1; p=reject;"), text)
        self.assertNotIn(ns1.digest(), (first, second))
        self.assertEqual(ns2.digest(), ns1.digest())
        # --keep 1: the release served and the one before it, no more.
        self.assertEqual(len(os.listdir(os.path.join(ns1.state, "releases"))), 2)

        # Nothing new: unchanged, no swap.
        rc, log = ns1.sync()
        self.assertEqual((rc, log.strip()),
                         (0, f"dnsd-git-sync: unchanged: serving {os.path.basename(ns1.served())[:12]}"))

    def test_a_held_lock_skips_the_run(self):
        ns1 = self.ns[0]
        before = ns1.served()
        self.edit("monitor.example.yaml", 'fo: "1"', 'fo: "s"')
        self.commit("monitor.example: SPF failure reports")
        # flock(2), as flock(1) in the script takes it.
        lock = open(os.path.join(ns1.state, "lock"), "w")
        self.addCleanup(lock.close)
        fcntl.flock(lock, fcntl.LOCK_EX)
        rc, log = ns1.sync()
        self.assertEqual(rc, 0, log)
        self.assertIn("skipped: another sync holds", log)
        self.assertEqual(ns1.served(), before)
        lock.close()
        rc, log = ns1.sync()
        self.assertEqual(rc, 0, log)
        self.assertIn("swapped", log)
        self.assertNotEqual(ns1.served(), before)

    def test_a_check_that_times_out_is_tried_again(self):
        # No verdict is not a refusal: the commit is checked again next run.
        ns1 = self.ns[0]
        before = ns1.served()
        self.edit("monitor.example.yaml", 'fo: "1"', 'fo: "s"')
        commit = self.commit("monitor.example: SPF failure reports")
        slow = os.path.join(self.root, "dnsd-slow")
        with open(slow, "w") as f:
            f.write("#!/bin/sh\nexec sleep 30\n")
        os.chmod(slow, 0o755)
        out = subprocess.run([SYNC, "--env", "/nonexistent", "--repo", self.origin,
                              "--state", ns1.state, "--dnsd", slow, "--check-timeout", "1"],
                             capture_output=True, text=True, timeout=SYNC_TIMEOUT)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertIn(f"could not check {commit[:12]}: dnsd check took over 1 s", out.stderr)
        self.assertEqual(ns1.served(), before)
        self.assertFalse(os.path.exists(os.path.join(ns1.state, "refused")))
        rc, log = ns1.sync()
        self.assertEqual(rc, 0, log)
        self.assertEqual(os.path.basename(ns1.served()), commit)

    def test_loop_mode_follows_the_branch(self):
        # --loop, as the Kubernetes sidecar runs it: a push is swapped in by
        # the next round without anyone calling the script.
        ns1 = self.ns[0]
        before = ns1.served()
        log_path = os.path.join(self.root, "loop.log")
        loop = harness.Daemon("dnsd-git-sync", [SYNC, "--env", "/nonexistent", "--repo", self.origin,
                                                "--state", ns1.state, "--dnsd", harness.DNSD,
                                                "--loop", "1"], log_path)
        self.addCleanup(loop.stop)
        deadline = time.monotonic() + 20
        while "unchanged: serving" not in loop.log():
            self.assertTrue(loop.alive(), loop.log())
            self.assertLess(time.monotonic(), deadline, loop.log())
            time.sleep(0.1)
        mark = log_mark(ns1.server)
        self.edit("monitor.example.yaml", 'fo: "1"', 'fo: "0"')
        commit = self.commit("monitor.example: fo=0")
        while ns1.served() == before:
            self.assertTrue(loop.alive(), loop.log())
            self.assertLess(time.monotonic(), deadline, loop.log())
            time.sleep(0.1)
        self.assertEqual(os.path.basename(ns1.served()), commit)
        wait_for_log(ns1.server, RELOAD + r": generation \d+, .*; changed monitor\.example$", mark)
        started = time.monotonic()
        loop.stop()  # SIGTERM: the loop ends at once, not after its sleep
        self.assertEqual(loop.proc.returncode, 0)
        self.assertLess(time.monotonic() - started, 5)


class NoMixedLoadTest(unittest.TestCase):
    """A load that runs while the link is swapped reads one release or the
    other, never some files of each (config/pinned_folders.h). dnsd is
    SIGHUPed right after each swap, and swapped again while it loads;
    /metrics is scraped every few ms meanwhile: every digest it reports
    must be release A's or release B's. (dnsd before the pinning served
    several mixed configurations in each of two runs of this test.)"""

    DOMAINS = 1500
    SWAPS = 40

    def release(self, root, name, mode):
        folder = os.path.join(root, "releases", name)
        shutil.copytree(harness.EXAMPLES, folder, ignore=shutil.ignore_patterns("*.example.yaml"))
        for i in range(self.DOMAINS):
            with open(os.path.join(folder, "domains", f"d{i}.example.yaml"), "w") as f:
                f.write(f"domain: d{i}.example\nmode: {mode}\nspf: {{senders: [google]}}\n"
                        f"dmarc: {{rua: [\"mailto:d{i}@reports.provider.test\"]}}\n")

    def swap(self, to):
        tmp = self.link + ".tmp"
        os.symlink(os.path.join("releases", to), tmp)
        os.rename(tmp, self.link)

    def digest(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=10) as r:
            return DIGEST.findall(r.read().decode())[0]

    def settled_digest(self, server, release):
        mark = log_mark(server)
        self.swap(release)
        wait_for_log(server, RELOAD + r": generation", mark, timeout=30)
        return self.digest()

    def test_a_swap_during_a_load_is_never_half_taken(self):
        tmp = harness.temp_dir()
        self.addCleanup(tmp.cleanup)
        self.release(tmp.name, "a", "monitor")
        self.release(tmp.name, "b", "blocked")
        self.link = os.path.join(tmp.name, "current")
        self.swap("a")
        server = harness.DnsdServer(os.path.join(self.link, "dnsd.yaml"), threads=1,
                                    extra=("--metrics", "127.0.0.1:0"))
        self.addCleanup(server.stop)
        self.port = server.metrics_port()
        harness.wait_until_watching(server, os.path.join(self.link, "domains"))
        a = self.digest()
        b = self.settled_digest(server, "b")
        self.assertEqual(self.settled_digest(server, "a"), a)
        self.assertNotEqual(a, b, "".join(server.log[-12:]))
        seen = {}
        rng = random.Random(1)
        current = "a"
        for _ in range(self.SWAPS):
            current = "b" if current == "a" else "a"
            self.swap(current)
            server.proc.send_signal(signal.SIGHUP)
            until = time.monotonic() + rng.uniform(0.02, 0.4)
            while time.monotonic() < until:
                d = self.digest()
                seen[d] = seen.get(d, 0) + 1
                time.sleep(0.005)
        # Once the swaps stop, the last release is served whole.
        want = a if current == "a" else b
        deadline = time.monotonic() + 30
        while self.digest() != want:
            self.assertLess(time.monotonic(), deadline, "".join(server.log[-10:]))
            time.sleep(0.1)
        mixed = {d: n for d, n in seen.items() if d not in (a, b)}
        self.assertEqual(mixed, {}, f"digests of neither release (scrapes each); A {a}, B {b}")
        self.assertTrue(server.alive())


class KubernetesOverlayTest(unittest.TestCase):
    """deploy/git-sync/kubernetes/: the sidecar and dnsd agree on the shared
    folder, and the ConfigMaps of the base are taken out (kubectl kustomize
    renders it; these checks need only the files)."""

    def setUp(self):
        harness.require_modules("yaml")
        import yaml
        self.yaml = yaml
        self.dir = os.path.join(harness.SOURCE_DIR, "deploy", "git-sync", "kubernetes")

    def load(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return self.yaml.safe_load(f)

    def test_sidecar_and_dnsd_share_the_link(self):
        kustomization = self.load("kustomization.yaml")
        self.assertEqual(kustomization["resources"], ["../../kubernetes", "git-sync-configmap.yaml"])
        deleted = {self.yaml.safe_load(p["patch"])["metadata"]["name"]
                   for p in kustomization["patches"] if "patch" in p}
        self.assertEqual(deleted, {"dnsd-config", "dnsd-domains"})
        settings = self.load("git-sync-configmap.yaml")["data"]
        spec = self.load("deployment-patch.yaml")["spec"]["template"]["spec"]
        containers = {c["name"]: c for c in spec["containers"]}
        (init,) = spec["initContainers"]
        dnsd, sidecar = containers["dnsd"], containers["git-sync"]
        git_mount = [m for m in dnsd["volumeMounts"] if m.get("name") == "git"][0]
        self.assertTrue(git_mount["readOnly"])
        self.assertEqual(dnsd["args"], ["serve", "-c", os.path.join(
            git_mount["mountPath"], "current", settings["DNSD_GIT_SERVER_FILE"])])
        self.assertEqual(settings["DNSD_GIT_STATE"], git_mount["mountPath"])
        for c in (init, sidecar):
            mounts = {m["name"]: m for m in c["volumeMounts"]}
            self.assertEqual(mounts["git"]["mountPath"], git_mount["mountPath"])
            self.assertFalse(mounts["git"].get("readOnly", False))
            self.assertEqual(c["envFrom"], [{"configMapRef": {"name": "dnsd-git-sync"}}])
            self.assertEqual(c["securityContext"]["capabilities"], {"drop": ["ALL"]})
            self.assertTrue(c["securityContext"]["readOnlyRootFilesystem"])
        self.assertEqual(sidecar["args"], ["--loop", "30"])
        self.assertIn("/usr/sbin/dnsd-git-sync", " ".join(init["command"]))
        volumes = {v["name"]: v for v in spec["volumes"]}
        self.assertIn("emptyDir", volumes["git"])
        with open(os.path.join(harness.SOURCE_DIR, "deploy", "git-sync", "Containerfile")) as f:
            containerfile = f.read()
        self.assertIn("COPY deploy/git-sync/dnsd-git-sync /usr/sbin/dnsd-git-sync\n", containerfile)
        self.assertIn('ENTRYPOINT ["/usr/sbin/dnsd-git-sync"]\n', containerfile)


if __name__ == "__main__":
    harness.main()
