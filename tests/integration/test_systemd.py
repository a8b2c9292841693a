"""systemd readiness (sd_notify, Type=notify): dnsd reports a large start's
progress with EXTEND_TIMEOUT_USEC, sends READY=1 once it
serves its first configuration and handles SIGHUP, RELOADING=1 then READY=1
around every reload (a rejected one included), and STOPPING=1 when told to
stop; each with a STATUS= line. The test plays systemd: it binds the
unix datagram socket that NOTIFY_SOCKET names."""
import os
import shutil
import signal
import socket
import tempfile
import unittest

import harness


def parse(datagram):
    """"A=1\\nB=2" -> {"A": "1", "B": "2"}"""
    fields = {}
    for line in datagram.decode().split("\n"):
        if line:
            key, _, value = line.partition("=")
            fields[key] = value
    return fields


class NotifyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dnsd-notify-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.examples = harness.copy_examples(self.tmp)
        self.path = os.path.join(self.tmp, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(self.sock.close)
        self.sock.bind(self.path)
        self.sock.settimeout(15)

    def next_message(self):
        return parse(self.sock.recv(4096))

    def test_ready_reloading_stopping(self):
        env = dict(os.environ, NOTIFY_SOCKET=self.path)
        server = harness.DnsdServer(config=os.path.join(self.examples, "dnsd.yaml"), env=env)
        self.addCleanup(server.stop)

        ready = self.next_message()
        self.assertEqual(ready.get("READY"), "1", ready)
        self.assertEqual(ready.get("STATUS"), "serving generation 1, 6 domains")
        # Ready means answering.
        self.assertEqual(harness.udp_txt(server, "_dmarc.enforce.example")[0], 0)

        # A reload that changes something.
        harness.write_atomic(os.path.join(self.examples, "domains", "new.example.yaml"),
                             "domain: new.example\nmode: monitor\n")
        server.proc.send_signal(signal.SIGHUP)
        reloading = self.next_message()
        self.assertEqual(reloading.get("RELOADING"), "1", reloading)
        self.assertGreater(int(reloading["MONOTONIC_USEC"]), 0)
        self.assertEqual(reloading.get("STATUS"), "reloading (SIGHUP)")
        # The watcher may see the same edit: whichever reload published
        # generation 2, every RELOADING=1 is followed by READY=1.
        ready = self.next_message()
        self.assertEqual(ready.get("READY"), "1", ready)
        self.assertRegex(ready["STATUS"], r"^serving generation [12], [67] domains$")
        self.drain_until_quiet()

        # A rejected reload: still READY, and the status says so.
        with open(os.path.join(self.examples, "dnsd.yaml"), "a") as f:
            f.write("\nno_such_key: 1\n")
        server.proc.send_signal(signal.SIGHUP)
        messages = self.drain_until_quiet()
        self.assertTrue(messages, "no notification for a rejected reload")
        self.assertEqual(messages[0].get("RELOADING"), "1")
        self.assertEqual(messages[-1].get("READY"), "1")
        self.assertEqual(messages[-1]["STATUS"],
                         "serving generation 2, 7 domains; the last reload was rejected")

        server.proc.send_signal(signal.SIGTERM)
        stopping = self.next_message()
        self.assertEqual(stopping.get("STOPPING"), "1", stopping)
        # (Not server.stop(): a second SIGTERM during the shutdown ends dnsd
        # by the signal's default action.)
        self.assertEqual(server.proc.wait(timeout=15), 0)

    def drain_until_quiet(self, quiet=1.0):
        """Every message until none came for `quiet` seconds (the inotify
        watcher reloads 300 ms after an edit, on top of SIGHUP's reload)."""
        messages = []
        self.sock.settimeout(quiet)
        try:
            while True:
                messages.append(self.next_message())
        except socket.timeout:
            pass
        finally:
            self.sock.settimeout(15)
        for before, after in zip(messages, messages[1:]):
            if before.get("RELOADING") == "1":
                self.assertEqual(after.get("READY"), "1", messages)
        return messages

    def test_start_progress_extends_the_start_timeout(self):
        # A start of many domains tells systemd where it is and asks for
        # more time with each progress line, before READY=1.
        domains = os.path.join(self.examples, "domains")
        for i in range(1200):
            with open(os.path.join(domains, f"bulk{i}.example.yaml"), "w") as f:
                f.write(f"domain: bulk{i}.example\nmode: monitor\n")
        env = dict(os.environ, NOTIFY_SOCKET=self.path)
        server = harness.DnsdServer(config=os.path.join(self.examples, "dnsd.yaml"), env=env)
        self.addCleanup(server.stop)
        before_ready = []
        while True:
            ready = self.next_message()
            if ready.get("READY") == "1":
                break
            before_ready.append(ready)
        self.assertTrue(before_ready, "no progress before READY=1")
        for message in before_ready:
            self.assertEqual(message.get("EXTEND_TIMEOUT_USEC"), "60000000", message)
            self.assertRegex(message.get("STATUS", ""), r"^start: ")
        self.assertIn("1206 domain files listed", before_ready[0]["STATUS"])
        self.assertEqual(ready.get("STATUS"), "serving generation 1, 1206 domains")

    def test_no_socket_no_notifications(self):
        # Without NOTIFY_SOCKET dnsd serves as usual (the other suites all
        # run that way); with one that nobody listens on, it serves too.
        env = dict(os.environ, NOTIFY_SOCKET=os.path.join(self.tmp, "nobody-listens"))
        with harness.DnsdServer(config=os.path.join(self.examples, "dnsd.yaml"),
                                env=env) as server:
            self.assertEqual(harness.udp_txt(server, "_dmarc.enforce.example")[0], 0)
            # Logged once the SIGHUP handler is in place.
            harness.wait_for_log(server, r"reload \(catch-up after start\)")
            self.assertIsNotNone(harness.sighup_reload(server))
            self.assertTrue(server.alive())


if __name__ == "__main__":
    harness.main()
