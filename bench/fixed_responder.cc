// fixed_responder: the ceiling of this kernel and loopback for a UDP DNS
// server. It parses nothing: every datagram of 12 octets or more is sent
// back with the QR bit set, padded with zeros (or cut) to --size octets, so
// that its answers are as long as the real servers' and still carry the
// query's id and question for the load generator's checks. Batched with
// recvmmsg/sendmmsg like dnsd; --threads sockets share one port by
// SO_REUSEPORT, a thread each. See bench/README.md, "Throughput".
//
//   fixed_responder --listen 127.0.0.1:0 [--threads N] [--size OCTETS]
//                   [--max-seconds S]
//
// Prints "listening on 127.0.0.1:PORT" on stderr once every socket is bound.
// Runs until killed, or for --max-seconds (default 3600) at most.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kBatch = 64;
constexpr size_t kMaxSize = 4096;

int Bind(const sockaddr_in& addr) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int one = 1;
  int size = 4 << 20;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
      bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    std::perror("fixed_responder: socket/bind");
    std::exit(1);
  }
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  }
  return fd;
}

void Serve(int fd, size_t size) {
  std::vector<std::array<uint8_t, kMaxSize>> bufs(kBatch);
  std::array<sockaddr_in, kBatch> peers{};
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> msgs{};
  while (true) {
    for (int i = 0; i < kBatch; ++i) {
      iov[i] = {bufs[i].data(), bufs[i].size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_name = &peers[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(peers[i]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(fd, msgs.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::perror("fixed_responder: recvmmsg");
      std::exit(1);
    }
    int out = 0;
    for (int i = 0; i < n; ++i) {
      size_t len = msgs[i].msg_len;
      if (len < 12) continue;
      uint8_t* p = bufs[i].data();
      if (len < size) std::memset(p + len, 0, size - len);
      p[2] |= 0x80;
      iov[i].iov_len = size;
      if (out != i) msgs[out] = msgs[i];
      msgs[out].msg_hdr.msg_flags = 0;
      ++out;
    }
    for (int sent = 0; sent < out;) {
      int r = sendmmsg(fd, msgs.data() + sent, out - sent, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        ++sent;  // drop the one that failed, like a real server would
        continue;
      }
      sent += r;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  int threads = 1;
  long size = 128;
  long max_seconds = 3600;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--listen") listen = argv[i + 1];
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else if (a == "--size") size = std::atol(argv[i + 1]);
    else if (a == "--max-seconds") max_seconds = std::atol(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: fixed_responder --listen IP:PORT [--threads N] [--size OCTETS] "
                           "[--max-seconds S]\n");
      return 2;
    }
  }
  if (threads < 1 || threads > 64 || size < 12 || size > static_cast<long>(kMaxSize) ||
      max_seconds < 1) {
    std::fprintf(stderr, "fixed_responder: --threads 1..64, --size 12..%zu, --max-seconds >= 1\n",
                 kMaxSize);
    return 2;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos ||
      inet_pton(AF_INET, listen.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    std::fprintf(stderr, "fixed_responder: --listen must be IPv4:PORT\n");
    return 2;
  }
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(listen.c_str() + colon + 1)));
  std::vector<int> fds{Bind(addr)};
  // The first socket resolves port 0; the rest join it.
  socklen_t len = sizeof(addr);
  getsockname(fds[0], reinterpret_cast<sockaddr*>(&addr), &len);
  for (int t = 1; t < threads; ++t) fds.push_back(Bind(addr));
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof(ip));
  std::fprintf(stderr, "listening on %s:%u\n", ip, ntohs(addr.sin_port));
  alarm(static_cast<unsigned>(max_seconds));  // SIGALRM ends the process: a bound on a forgotten run
  std::vector<std::thread> workers;
  for (int fd : fds) workers.emplace_back(Serve, fd, static_cast<size_t>(size));
  for (std::thread& w : workers) w.join();
  return 0;
}
