"""Issue 16: dnsd binds one socket per worker with SO_REUSEPORT, which the
kernel would as willingly share with a second dnsd (or any process of the
same user) started on the same port, silently splitting the traffic. A
second dnsd must refuse to start, naming the address; the first keeps
answering."""
import socket
import subprocess
import unittest

import harness


def serve(*listen):
    command = [harness.DNSD, "serve", "-c", harness.EXAMPLES + "/dnsd.yaml",
               "--metrics", "127.0.0.1:0", "--threads", "2", *harness.ALLOW_ROOT]
    for address in listen:
        command += ["--listen", address]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


class PortInUseTest(unittest.TestCase):
    def assert_refused(self, out, address, transport):
        self.assertNotEqual(out.returncode, 0, out.stderr)
        self.assertIn(f"bind {address} ({transport}): Address already in use: another process "
                      "serves this address; not starting", out.stderr)
        self.assertNotIn("listening on", out.stderr)

    def test_second_dnsd_on_the_same_port_refuses(self):
        with harness.DnsdServer() as first:
            out = serve(f"127.0.0.1:{first.port}")
            self.assert_refused(out, f"127.0.0.1:{first.port}", "udp")
            out = serve(f"[::1]:{first.port6}")
            self.assert_refused(out, f"[::1]:{first.port6}", "udp")
            # The wildcard address covers the first server's.
            out = serve(f"0.0.0.0:{first.port}")
            self.assert_refused(out, f"0.0.0.0:{first.port}", "udp")
            self.assertTrue(first.alive())
            for _ in range(4):  # every worker's socket still gets its share: all answer
                self.assertEqual(harness.udp_txt(first, "_dmarc.enforce.example")[0], 0)
            self.assertEqual(harness.kdig(first, "_dmarc.enforce.example", "TXT", "+tcp")["RCODE"],
                             0)

    def test_a_tcp_listener_sharing_by_reuseport_is_seen(self):
        # Only TCP is taken, by a socket that would share (SO_REUSEPORT, same user).
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(holder.close)
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind(("127.0.0.1", 0))
        holder.listen(8)
        port = holder.getsockname()[1]
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind(("127.0.0.1", port))  # the UDP port must be free for the test to mean it
        except OSError:
            self.fail(f"UDP port {port} happens to be taken; run again")
        udp.close()
        out = serve(f"127.0.0.1:{port}")
        self.assert_refused(out, f"127.0.0.1:{port}", "tcp")


if __name__ == "__main__":
    harness.main()
