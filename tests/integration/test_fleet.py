"""One identity for a fleet: name servers loaded with the same files report
the same configuration digest (/metrics and the status page), and one edit
on one of them makes the digests differ."""
import os
import re
import unittest
import urllib.request

import harness
from harness import wait_for_log, write_atomic

DIGEST = re.compile(r'^dnsd_config_digest_info\{digest="([0-9a-f]{16})"\} 1$', re.M)


class DigestTest(unittest.TestCase):
    def start(self):
        tmp = harness.temp_dir()
        self.addCleanup(tmp.cleanup)
        examples = harness.copy_examples(tmp.name)
        server = harness.DnsdServer(os.path.join(examples, "dnsd.yaml"),
                                    extra=("--metrics", "127.0.0.1:0"))
        self.addCleanup(server.stop)
        harness.wait_until_watching(server, os.path.join(examples, "domains"))
        return server, examples

    def http(self, server, path):
        port = server.metrics_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.read().decode()

    def digest(self, server):
        found = DIGEST.findall(self.http(server, "/metrics"))
        self.assertEqual(len(found), 1)
        self.assertIn(f"digest:         {found[0]}", self.http(server, "/"))
        return found[0]

    def test_same_files_same_digest_one_edit_differs(self):
        ns1, _ = self.start()
        ns2, examples2 = self.start()
        before = self.digest(ns1)
        self.assertEqual(self.digest(ns2), before)

        # One DMARC tag on one server: its digest changes, the other's not.
        path = os.path.join(examples2, "domains", "monitor.example.yaml")
        text = open(path).read()
        self.assertIn("mode: monitor", text)
        mark = harness.log_mark(ns2)
        write_atomic(path, text + "\n# an edit that changes nothing served\n")
        wait_for_log(ns2, r"reload \(files changed\)", mark)
        self.assertEqual(self.digest(ns2), before, "a comment changes no answer")
        mark = harness.log_mark(ns2)
        write_atomic(path, text.replace("mode: monitor", "mode: blocked"))
        wait_for_log(ns2, r"reload \(files changed\): generation", mark)
        self.assertNotEqual(self.digest(ns2), before)
        self.assertEqual(self.digest(ns1), before)


if __name__ == "__main__":
    harness.main()
