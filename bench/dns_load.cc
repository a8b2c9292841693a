// dns_load: a UDP load generator for DNS servers that is not itself the
// bottleneck on a small machine. dnsperf makes one system call per query
// and saturates its own core near 100-120k queries/s here; this batches
// sends and receives (sendmmsg/recvmmsg, up to --batch a call), keeps a
// bounded number of queries in flight over several sockets (so that a
// server's SO_REUSEPORT threads all get a share), times every answer and
// counts losses and RCODEs. See bench/README.md, "Throughput".
//
//   dns_load --server 127.0.0.1:PORT --queries FILE [--seconds S]
//            [--max-queries N] [--warmup S] [--sockets 8] [--per-socket 64]
//            [--batch 32] [--timeout-ms 1000] [--qps RATE]
//
// The query file has dnsperf's "name TYPE" lines; each query carries
// EDNS(0) with a 1232-octet payload and RD clear (a resolver asking an
// authority), and the file is cycled through. Every run is bounded by
// --seconds and --max-queries; after sending stops, answers are awaited
// for at most --timeout-ms, and what is still outstanding is lost.
// Prints one line of key=value pairs on stdout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Options {
  std::string server;
  std::string queries;
  double seconds = 10;
  double warmup = 0;
  uint64_t max_queries = 100'000'000;
  int sockets = 8;
  int per_socket = 64;  // a power of two: the low bits of the DNS id
  int batch = 32;
  int timeout_ms = 1000;
  double qps = 0;  // 0 = as fast as the in-flight bound allows
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "dns_load: %s\nusage: dns_load --server IP:PORT --queries FILE [--seconds S] "
               "[--max-queries N] [--warmup S] [--sockets N] [--per-socket N(power of 2)] "
               "[--batch N] [--timeout-ms MS] [--qps RATE]\n",
               why);
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) Usage(("missing value for " + a).c_str());
    const char* v = argv[++i];
    if (a == "--server") o.server = v;
    else if (a == "--queries") o.queries = v;
    else if (a == "--seconds") o.seconds = std::atof(v);
    else if (a == "--warmup") o.warmup = std::atof(v);
    else if (a == "--max-queries") o.max_queries = std::strtoull(v, nullptr, 10);
    else if (a == "--sockets") o.sockets = std::atoi(v);
    else if (a == "--per-socket") o.per_socket = std::atoi(v);
    else if (a == "--batch") o.batch = std::atoi(v);
    else if (a == "--timeout-ms") o.timeout_ms = std::atoi(v);
    else if (a == "--qps") o.qps = std::atof(v);
    else Usage(("unknown option " + a).c_str());
  }
  if (o.server.empty() || o.queries.empty()) Usage("--server and --queries are required");
  if (o.sockets < 1 || o.sockets > 256) Usage("--sockets must be 1..256");
  if (o.per_socket < 1 || o.per_socket > 4096 || (o.per_socket & (o.per_socket - 1)) != 0) {
    Usage("--per-socket must be a power of two, 1..4096");
  }
  if (o.batch < 1 || o.batch > 1024) Usage("--batch must be 1..1024");
  if (o.seconds <= 0 || o.seconds > 3600 || o.warmup < 0 || o.warmup > 600) {
    Usage("--seconds must be in (0, 3600], --warmup in [0, 600]");
  }
  if (o.timeout_ms < 1 || o.timeout_ms > 60000) Usage("--timeout-ms must be 1..60000");
  return o;
}

uint16_t TypeCode(const std::string& t) {
  static const std::pair<const char*, uint16_t> kTypes[] = {
      {"A", 1},   {"NS", 2},   {"CNAME", 5}, {"SOA", 6},  {"PTR", 12},
      {"MX", 15}, {"TXT", 16}, {"AAAA", 28}, {"SRV", 33}, {"ANY", 255}};
  for (const auto& [name, code] : kTypes) {
    if (strcasecmp(name, t.c_str()) == 0) return code;
  }
  if (t.rfind("TYPE", 0) == 0) return static_cast<uint16_t>(std::atoi(t.c_str() + 4));
  return 0;
}

// The queries, encoded once: header (id filled in at send time), question,
// OPT.
struct Queries {
  std::vector<uint8_t> wire;
  std::vector<uint32_t> offset;
  std::vector<uint16_t> size;
};

bool AppendName(const std::string& text, std::vector<uint8_t>* out) {
  size_t start = 0;
  size_t total = 0;
  while (start < text.size()) {
    size_t dot = text.find('.', start);
    if (dot == std::string::npos) dot = text.size();
    size_t len = dot - start;
    if (len == 0 || len > 63) return false;
    out->push_back(static_cast<uint8_t>(len));
    out->insert(out->end(), text.begin() + start, text.begin() + dot);
    total += len + 1;
    start = dot + 1;
  }
  out->push_back(0);
  return total + 1 <= 255;
}

Queries LoadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "dns_load: cannot read %s\n", path.c_str());
    std::exit(1);
  }
  Queries q;
  std::string name, type;
  size_t line = 0;
  while (in >> name >> type) {
    ++line;
    uint16_t code = TypeCode(type);
    size_t start = q.wire.size();
    const uint8_t header[12] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
    q.wire.insert(q.wire.end(), header, header + 12);
    if (code == 0 || !AppendName(name, &q.wire)) {
      std::fprintf(stderr, "dns_load: %s:%zu: bad query %s %s\n", path.c_str(), line,
                   name.c_str(), type.c_str());
      std::exit(1);
    }
    const uint8_t tail[] = {static_cast<uint8_t>(code >> 8), static_cast<uint8_t>(code), 0, 1,
                            // OPT: root owner, type 41, payload 1232, no flags, no data
                            0, 0, 41, 1232 >> 8, 1232 & 0xff, 0, 0, 0, 0, 0, 0};
    q.wire.insert(q.wire.end(), tail, tail + sizeof(tail));
    q.offset.push_back(static_cast<uint32_t>(start));
    q.size.push_back(static_cast<uint16_t>(q.wire.size() - start));
  }
  if (q.offset.empty()) {
    std::fprintf(stderr, "dns_load: no queries in %s\n", path.c_str());
    std::exit(1);
  }
  return q;
}

sockaddr_in ParseServer(const std::string& s) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  size_t colon = s.rfind(':');
  if (colon == std::string::npos || inet_pton(AF_INET, s.substr(0, colon).c_str(), &a.sin_addr) != 1) {
    Usage("--server must be IPv4:PORT");
  }
  int port = std::atoi(s.c_str() + colon + 1);
  if (port < 1 || port > 65535) Usage("bad port");
  a.sin_port = htons(static_cast<uint16_t>(port));
  return a;
}

// Latency in microseconds: 1 us buckets up to 64 ms, then 1 ms buckets.
class Histogram {
 public:
  void Add(int64_t ns) {
    uint64_t us = static_cast<uint64_t>(std::max<int64_t>(ns, 0)) / 1000;
    if (us < kFine) ++fine_[us];
    else ++coarse_[std::min<uint64_t>((us - kFine) / 1000, kCoarse - 1)];
    sum_ns_ += static_cast<double>(ns);
    max_ns_ = std::max(max_ns_, ns);
    ++count_;
  }
  uint64_t count() const { return count_; }
  double MeanUs() const { return count_ ? sum_ns_ / 1000.0 / static_cast<double>(count_) : 0; }
  double MaxUs() const { return static_cast<double>(max_ns_) / 1000.0; }
  // The smallest bucket bound below which a fraction `q` of answers fall.
  double PercentileUs(double q) const {
    if (count_ == 0) return 0;
    uint64_t want = static_cast<uint64_t>(q * static_cast<double>(count_));
    if (want >= count_) want = count_ - 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < kFine; ++i) {
      seen += fine_[i];
      if (seen > want) return static_cast<double>(i);
    }
    for (size_t i = 0; i < kCoarse; ++i) {
      seen += coarse_[i];
      if (seen > want) return static_cast<double>(kFine + i * 1000);
    }
    return MaxUs();
  }
  void Reset() { *this = Histogram(); }

 private:
  static constexpr size_t kFine = 65536;
  static constexpr size_t kCoarse = 10000;
  std::vector<uint32_t> fine_ = std::vector<uint32_t>(kFine);
  std::vector<uint32_t> coarse_ = std::vector<uint32_t>(kCoarse);
  double sum_ns_ = 0;
  int64_t max_ns_ = 0;
  uint64_t count_ = 0;
};

struct Counters {
  uint64_t sent = 0, answered = 0, lost = 0, mismatched = 0, truncated = 0;
  uint64_t send_errors = 0, response_bytes = 0;
  std::array<uint64_t, 16> rcodes{};
};

// One query in flight. Slot k belongs to socket k % sockets and uses the
// DNS id (generation << log2(per_socket)) | (k / sockets), so that a late
// answer to an earlier use of the slot is told apart from the current one.
struct Slot {
  int64_t sent_ns = 0;
  uint32_t query = 0;
  uint16_t id = 0;
  uint16_t generation = 0;
  bool busy = false;
};

class Load {
 public:
  Load(const Options& o, const Queries& q) : o_(o), q_(q) {
    sockaddr_in server = ParseServer(o.server);
    shift_ = __builtin_ctz(static_cast<unsigned>(o.per_socket));
    slots_.resize(static_cast<size_t>(o.sockets) * o.per_socket);
    free_.resize(o.sockets);
    std::mt19937 rng(12345);
    for (int s = 0; s < o.sockets; ++s) {
      int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
      if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof(server)) != 0) {
        std::perror("dns_load: socket/connect");
        std::exit(1);
      }
      int size = 4 << 20;
      // Root may exceed rmem_max; others get what the kernel allows.
      if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
      }
      if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0) {
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
      }
      fds_.push_back(fd);
      for (int l = 0; l < o.per_socket; ++l) free_[s].push_back(static_cast<uint32_t>(l * o.sockets + s));
      std::shuffle(free_[s].begin(), free_[s].end(), rng);
      for (int l = 0; l < o.per_socket; ++l) {
        slots_[static_cast<size_t>(l) * o.sockets + s].generation = static_cast<uint16_t>(rng());
      }
    }
    out_bufs_.resize(static_cast<size_t>(o.batch));
    out_slots_.resize(static_cast<size_t>(o.batch));
    in_bufs_.assign(static_cast<size_t>(o.batch), std::array<uint8_t, 4096>{});
    iov_out_.resize(static_cast<size_t>(o.batch));
    iov_in_.resize(static_cast<size_t>(o.batch));
    msg_out_.resize(static_cast<size_t>(o.batch));
    msg_in_.resize(static_cast<size_t>(o.batch));
  }

  ~Load() {
    for (int fd : fds_) close(fd);
  }

  void Run() {
    const int64_t start = NowNs();
    const int64_t warm_end = start + static_cast<int64_t>(o_.warmup * 1e9);
    const int64_t send_end = warm_end + static_cast<int64_t>(o_.seconds * 1e9);
    const int64_t timeout_ns = static_cast<int64_t>(o_.timeout_ms) * 1'000'000;
    bool warm = o_.warmup > 0;
    int64_t rate_start = start;
    uint64_t rate_sent = 0;
    int64_t last_sweep = start;
    int64_t now = start;
    uint64_t total_sent = 0;
    while (true) {
      now = NowNs();
      if (warm && now >= warm_end) {
        warm = false;
        c_ = Counters();
        hist_.Reset();
        rate_start = now;
        rate_sent = 0;
        measure_start_ = now;
      }
      bool sending = now < send_end && total_sent < o_.max_queries;
      if (!sending && in_flight_ == 0) break;
      if (!sending && now >= send_end + timeout_ns) break;
      int progress = 0;
      if (sending) {
        uint64_t budget = o_.max_queries - total_sent;
        if (o_.qps > 0) {
          double allowed = o_.qps * static_cast<double>(now - rate_start) / 1e9;
          budget = std::min<uint64_t>(budget, allowed > static_cast<double>(rate_sent)
                                                  ? static_cast<uint64_t>(allowed) - rate_sent
                                                  : 0);
        }
        for (int s = 0; s < o_.sockets && budget > 0; ++s) {
          int n = Send(s, static_cast<int>(std::min<uint64_t>(budget, o_.batch)), now);
          budget -= n;
          total_sent += n;
          rate_sent += n;
          progress += n;
        }
      }
      for (int s = 0; s < o_.sockets; ++s) progress += Receive(s);
      if (now - last_sweep > 1'000'000) {
        Sweep(now, timeout_ns);
        last_sweep = now;
      }
      if (progress == 0) Idle(sending);
    }
    if (measure_start_ == 0) measure_start_ = start;
    Sweep(INT64_MAX, 0);  // whatever is left is lost
    Print(std::max<int64_t>(std::min(now, send_end) - measure_start_, 1));
  }

 private:
  int Send(int s, int want, int64_t now) {
    std::vector<uint32_t>& free = free_[s];
    int n = std::min<int>(want, static_cast<int>(free.size()));
    for (int i = 0; i < n; ++i) {
      uint32_t k = free[free.size() - 1 - i];
      Slot& slot = slots_[k];
      slot.query = next_query_;
      next_query_ = next_query_ + 1 == q_.offset.size() ? 0 : next_query_ + 1;
      ++slot.generation;
      slot.id = static_cast<uint16_t>((slot.generation << shift_) | (k / o_.sockets));
      const uint8_t* src = q_.wire.data() + q_.offset[slot.query];
      size_t len = q_.size[slot.query];
      std::array<uint8_t, 512>& buf = out_bufs_[i];
      std::memcpy(buf.data(), src, len);
      buf[0] = static_cast<uint8_t>(slot.id >> 8);
      buf[1] = static_cast<uint8_t>(slot.id);
      iov_out_[i] = {buf.data(), len};
      msg_out_[i] = {};
      msg_out_[i].msg_hdr.msg_iov = &iov_out_[i];
      msg_out_[i].msg_hdr.msg_iovlen = 1;
      out_slots_[i] = k;
    }
    if (n == 0) return 0;
    int sent;
    do {
      sent = sendmmsg(fds_[s], msg_out_.data(), n, MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
      ++c_.send_errors;
      return 0;
    }
    for (int i = 0; i < sent; ++i) {
      Slot& slot = slots_[out_slots_[i]];
      slot.busy = true;
      slot.sent_ns = now;
    }
    free.resize(free.size() - sent);
    in_flight_ += sent;
    c_.sent += sent;
    return sent;
  }

  int Receive(int s) {
    for (int i = 0; i < o_.batch; ++i) {
      iov_in_[i] = {in_bufs_[i].data(), in_bufs_[i].size()};
      msg_in_[i] = {};
      msg_in_[i].msg_hdr.msg_iov = &iov_in_[i];
      msg_in_[i].msg_hdr.msg_iovlen = 1;
    }
    int n;
    do {
      n = recvmmsg(fds_[s], msg_in_.data(), o_.batch, MSG_DONTWAIT, nullptr);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return 0;
    int64_t now = NowNs();
    for (int i = 0; i < n; ++i) Answer(s, in_bufs_[i].data(), msg_in_[i].msg_len, now);
    return n;
  }

  void Answer(int s, const uint8_t* p, size_t len, int64_t now) {
    if (len < 12 || !(p[2] & 0x80)) {
      ++c_.mismatched;
      return;
    }
    uint16_t id = static_cast<uint16_t>(p[0] << 8 | p[1]);
    uint32_t k = (id & (o_.per_socket - 1)) * o_.sockets + s;
    Slot& slot = slots_[k];
    const uint8_t* query = q_.wire.data() + q_.offset[slot.query];
    // The question repeats the query's, which ends 11 octets (OPT) before its end.
    size_t question = q_.size[slot.query] - 12 - 11;
    if (!slot.busy || slot.id != id || len < 12 + question ||
        std::memcmp(p + 4, query + 4, 2) != 0 || std::memcmp(p + 12, query + 12, question) != 0) {
      ++c_.mismatched;
      return;
    }
    Free(k, s);
    ++c_.answered;
    c_.response_bytes += len;
    ++c_.rcodes[p[3] & 0xF];
    if (p[2] & 0x02) ++c_.truncated;
    hist_.Add(now - slot.sent_ns);
  }

  void Free(uint32_t k, int s) {
    slots_[k].busy = false;
    free_[s].push_back(k);
    --in_flight_;
  }

  void Sweep(int64_t now, int64_t timeout_ns) {
    for (uint32_t k = 0; k < slots_.size(); ++k) {
      if (slots_[k].busy && (now == INT64_MAX || now - slots_[k].sent_ns > timeout_ns)) {
        ++c_.lost;
        Free(k, static_cast<int>(k % o_.sockets));
      }
    }
  }

  // Nothing moved: wait for an answer briefly (or, rate-limited, for the
  // next send time) instead of spinning.
  void Idle(bool sending) {
    std::vector<pollfd> p(fds_.size());
    for (size_t i = 0; i < fds_.size(); ++i) p[i] = {fds_[i], POLLIN, 0};
    timespec wait{0, sending && o_.qps > 0 ? 50'000 : 1'000'000};
    ppoll(p.data(), p.size(), &wait, nullptr);
  }

  void Print(int64_t measured_ns) {
    double secs = static_cast<double>(measured_ns) / 1e9;
    static const char* kRcodes[16] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                      "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                      "NXRRSET", "NOTAUTH", "NOTZONE",  "RCODE11",
                                      "RCODE12", "RCODE13", "RCODE14",  "RCODE15"};
    std::printf(
        "seconds=%.3f sent=%llu answered=%llu lost=%llu loss_pct=%.4f mismatched=%llu "
        "send_errors=%llu qps=%.0f lat_mean_us=%.1f lat_p50_us=%.0f lat_p99_us=%.0f "
        "lat_p999_us=%.0f lat_max_us=%.0f truncated=%llu resp_bytes_mean=%.1f",
        secs, static_cast<unsigned long long>(c_.sent),
        static_cast<unsigned long long>(c_.answered), static_cast<unsigned long long>(c_.lost),
        c_.sent ? 100.0 * static_cast<double>(c_.lost) / static_cast<double>(c_.sent) : 0.0,
        static_cast<unsigned long long>(c_.mismatched),
        static_cast<unsigned long long>(c_.send_errors), static_cast<double>(c_.answered) / secs,
        hist_.MeanUs(), hist_.PercentileUs(0.5), hist_.PercentileUs(0.99),
        hist_.PercentileUs(0.999), hist_.MaxUs(), static_cast<unsigned long long>(c_.truncated),
        c_.answered ? static_cast<double>(c_.response_bytes) / static_cast<double>(c_.answered)
                    : 0.0);
    for (int r = 0; r < 16; ++r) {
      if (c_.rcodes[r]) {
        std::printf(" rcode_%s=%llu", kRcodes[r], static_cast<unsigned long long>(c_.rcodes[r]));
      }
    }
    std::printf("\n");
  }

  const Options& o_;
  const Queries& q_;
  int shift_ = 0;
  std::vector<int> fds_;
  std::vector<Slot> slots_;
  std::vector<std::vector<uint32_t>> free_;
  uint32_t next_query_ = 0;
  uint64_t in_flight_ = 0;
  Counters c_;
  Histogram hist_;
  int64_t measure_start_ = 0;
  std::vector<std::array<uint8_t, 512>> out_bufs_;
  std::vector<uint32_t> out_slots_;
  std::vector<std::array<uint8_t, 4096>> in_bufs_;
  std::vector<iovec> iov_out_, iov_in_;
  std::vector<mmsghdr> msg_out_, msg_in_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  Queries q = LoadQueries(o.queries);
  Load load(o, q);
  load.Run();
  return 0;
}
