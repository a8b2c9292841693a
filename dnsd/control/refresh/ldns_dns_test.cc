#include "dnsd/control/refresh/ldns_dns.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "gtest/gtest.h"

#include <ldns/ldns.h>

namespace dnsd::refresh {
namespace {

using spf::DnsOutcome;

// A UDP server on 127.0.0.1 that hands every query to `respond`, which
// returns the reply (or null: no reply at all). ldns builds both sides.
class FakeServer {
 public:
  using Respond = std::function<ldns_pkt*(const ldns_pkt* query)>;

  explicit FakeServer(Respond respond) : respond_(std::move(respond)) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~FakeServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }

  Endpoint endpoint() const { return *ParseEndpoint("127.0.0.1:" + std::to_string(port_)); }
  int queries() const { return queries_; }
  bool last_rd() const { return last_rd_; }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      uint8_t buf[4096];
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      ssize_t n = recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
      ldns_pkt* query = nullptr;
      if (n <= 0 || ldns_wire2pkt(&query, buf, static_cast<size_t>(n)) != LDNS_STATUS_OK) continue;
      ++queries_;
      last_rd_ = ldns_pkt_rd(query);
      ldns_pkt* reply = respond_(query);
      ldns_pkt_free(query);
      if (reply == nullptr) continue;
      uint8_t* wire = nullptr;
      size_t size = 0;
      if (ldns_pkt2wire(&wire, reply, &size) == LDNS_STATUS_OK) {
        sendto(fd_, wire, size, 0, reinterpret_cast<sockaddr*>(&from), len);
      }
      free(wire);
      ldns_pkt_free(reply);
    }
  }

  Respond respond_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::atomic<bool> last_rd_{false};
  std::thread thread_;
};

// A reply to `query` with `rcode`, the records of `answer` and `authority`
// (zone-file lines), and the question copied.
ldns_pkt* Reply(const ldns_pkt* query, ldns_pkt_rcode rcode, std::vector<std::string> answer,
                std::vector<std::string> authority = {}) {
  ldns_pkt* r = ldns_pkt_new();
  ldns_pkt_set_id(r, ldns_pkt_id(query));
  ldns_pkt_set_qr(r, true);
  ldns_pkt_set_rd(r, ldns_pkt_rd(query));
  ldns_pkt_set_ra(r, true);
  ldns_pkt_set_rcode(r, rcode);
  ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION,
                   ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(query), 0)));
  auto push = [&](const std::vector<std::string>& lines, ldns_pkt_section section) {
    for (const std::string& line : lines) {
      ldns_rr* rr = nullptr;
      EXPECT_EQ(ldns_rr_new_frm_str(&rr, line.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK)
          << line;
      ldns_pkt_push_rr(r, section, rr);
    }
  };
  push(answer, LDNS_SECTION_ANSWER);
  push(authority, LDNS_SECTION_AUTHORITY);
  return r;
}

std::string QueryType(const ldns_pkt* q) {
  char* s = ldns_rr_type2str(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(q), 0)));
  std::string out = s;
  free(s);
  return out;
}

const char kSoa[] = "vendor.test. 3600 IN SOA ns.vendor.test. h.vendor.test. 1 2 3 4 45";

ldns_pkt* VendorZone(const ldns_pkt* q) {
  std::string type = QueryType(q);
  char* qname_c = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(q), 0)));
  std::string qname = absl::AsciiStrToLower(qname_c);
  free(qname_c);
  if (qname == "spf.vendor.test." && type == "TXT") {
    return Reply(q, LDNS_RCODE_NOERROR,
                 {"spf.vendor.test. 100 IN CNAME real.vendor.test.",
                  "real.vendor.test. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 \" \"-all\"",
                  "real.vendor.test. 250 IN TXT \"other\""});
  }
  if (qname == "host.vendor.test." && type == "A") {
    return Reply(q, LDNS_RCODE_NOERROR,
                 {"host.vendor.test. 60 IN A 192.0.2.7", "host.vendor.test. 90 IN A 192.0.2.8"});
  }
  if (qname == "host.vendor.test." && type == "AAAA") {
    return Reply(q, LDNS_RCODE_NOERROR, {"host.vendor.test. 60 IN AAAA 2001:db8::7"});
  }
  if (qname == "vendor.test." && type == "MX") {
    return Reply(q, LDNS_RCODE_NOERROR, {"vendor.test. 60 IN MX 10 MX1.Vendor.Test."});
  }
  if (qname == "host.vendor.test.") return Reply(q, LDNS_RCODE_NOERROR, {}, {kSoa});
  if (qname == "broken.vendor.test.") return Reply(q, LDNS_RCODE_SERVFAIL, {});
  if (qname == "silent.vendor.test.") return nullptr;
  if (qname == "wrong-id.vendor.test.") {
    ldns_pkt* r = Reply(q, LDNS_RCODE_NOERROR, {"wrong-id.vendor.test. 60 IN A 192.0.2.1"});
    ldns_pkt_set_id(r, static_cast<uint16_t>(ldns_pkt_id(q) + 1));
    return r;
  }
  if (qname == "other-question.vendor.test.") {
    // Answers a question that was not asked.
    ldns_pkt* r = ldns_pkt_new();
    ldns_pkt_set_id(r, ldns_pkt_id(q));
    ldns_pkt_set_qr(r, true);
    ldns_rr* question = nullptr;
    ldns_rr_new_question_frm_str(&question, "spf.vendor.test. IN A", nullptr, nullptr);
    ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, question);
    return r;
  }
  return Reply(q, LDNS_RCODE_NXDOMAIN, {}, {kSoa});
}

std::unique_ptr<LdnsDns> Client(const std::vector<Endpoint>& servers, int timeout_ms = 300) {
  auto dns = LdnsDns::Create(servers, std::chrono::milliseconds(timeout_ms));
  EXPECT_TRUE(dns.ok()) << dns.status();
  return *std::move(dns);
}

TEST(LdnsDns, TxtStringsJoinedAndCnameTtlCounts) {
  FakeServer server(VendorZone);
  auto dns = Client({server.endpoint()});
  spf::DnsAnswer a = dns->Txt("SPF.vendor.test");
  ASSERT_EQ(a.outcome, DnsOutcome::kOk) << dns->last_error();
  EXPECT_EQ(a.txt, (std::vector<std::string>{"v=spf1 ip4:192.0.2.0/24 -all", "other"}));
  EXPECT_EQ(a.ttl, 100u);
  EXPECT_TRUE(server.last_rd());  // a recursive resolver is asked to recurse
}

TEST(LdnsDns, AddressesAndMx) {
  FakeServer server(VendorZone);
  auto dns = Client({server.endpoint()});
  spf::DnsAnswer a = dns->A("host.vendor.test.");
  ASSERT_EQ(a.outcome, DnsOutcome::kOk);
  ASSERT_EQ(a.addresses.size(), 2u);
  EXPECT_EQ(FormatIpAddress(a.addresses[0]), "192.0.2.7");
  EXPECT_EQ(FormatIpAddress(a.addresses[1]), "192.0.2.8");
  EXPECT_EQ(a.ttl, 60u);
  spf::DnsAnswer aaaa = dns->Aaaa("host.vendor.test");
  ASSERT_EQ(aaaa.outcome, DnsOutcome::kOk);
  EXPECT_EQ(FormatIpAddress(aaaa.addresses.at(0)), "2001:db8::7");
  spf::DnsAnswer mx = dns->Mx("vendor.test");
  ASSERT_EQ(mx.outcome, DnsOutcome::kOk);
  ASSERT_EQ(mx.mx.size(), 1u);
  EXPECT_EQ(mx.mx[0].preference, 10);
  EXPECT_EQ(mx.mx[0].exchange, "mx1.vendor.test");
}

TEST(LdnsDns, NegativeAnswersCarryTheSoaMinimum) {
  FakeServer server(VendorZone);
  auto dns = Client({server.endpoint()});
  spf::DnsAnswer nodata = dns->Txt("host.vendor.test");
  EXPECT_EQ(nodata.outcome, DnsOutcome::kNoData);
  EXPECT_EQ(nodata.ttl, 45u);  // min(SOA TTL 3600, MINIMUM 45), RFC 2308 §5
  spf::DnsAnswer nx = dns->Txt("nothing.vendor.test");
  EXPECT_EQ(nx.outcome, DnsOutcome::kNxDomain);
  EXPECT_EQ(nx.ttl, 45u);
}

TEST(LdnsDns, FailuresAreTemporaryAndTheNextServerIsAsked) {
  FakeServer server(VendorZone);
  auto dns = Client({server.endpoint()});
  EXPECT_EQ(dns->Txt("broken.vendor.test").outcome, DnsOutcome::kTempError);
  EXPECT_NE(dns->last_error().find("rcode 2"), std::string::npos) << dns->last_error();
  EXPECT_EQ(dns->A("wrong-id.vendor.test").outcome, DnsOutcome::kTempError);
  EXPECT_EQ(dns->A("other-question.vendor.test").outcome, DnsOutcome::kTempError);

  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(dns->Txt("silent.vendor.test").outcome, DnsOutcome::kTempError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));

  // The first server fails everything; the second answers.
  FakeServer failing([](const ldns_pkt* q) { return Reply(q, LDNS_RCODE_SERVFAIL, {}); });
  auto two = Client({failing.endpoint(), server.endpoint()});
  spf::DnsAnswer a = two->Txt("spf.vendor.test");
  EXPECT_EQ(a.outcome, DnsOutcome::kOk) << two->last_error();
  EXPECT_EQ(failing.queries(), 1);
}

TEST(LdnsDns, AServerThatWasDownIsAskedAgain) {
  std::atomic<bool> up{false};
  FakeServer server([&](const ldns_pkt* q) { return up ? VendorZone(q) : nullptr; });
  auto dns = Client({server.endpoint()}, 100);
  EXPECT_EQ(dns->Txt("spf.vendor.test").outcome, DnsOutcome::kTempError);
  EXPECT_NE(dns->last_error().find("127.0.0.1:"), std::string::npos) << dns->last_error();
  up = true;
  EXPECT_EQ(dns->Txt("spf.vendor.test").outcome, DnsOutcome::kOk) << dns->last_error();
}

TEST(LdnsDns, NoServersIsAnError) {
  EXPECT_FALSE(LdnsDns::Create({}, std::chrono::milliseconds(100)).ok());
  config::ResolverSettings bad;
  bad.servers = {"not an endpoint"};
  EXPECT_FALSE(LdnsDns::FromSettings(bad).ok());
}

TEST(LdnsDns, NamesThatAreNotNamesFailWithoutAQuery) {
  FakeServer server(VendorZone);
  auto dns = Client({server.endpoint()});
  EXPECT_EQ(dns->Txt(std::string(70, 'a') + ".vendor.test").outcome, DnsOutcome::kTempError);
  EXPECT_EQ(server.queries(), 0);
}

}  // namespace
}  // namespace dnsd::refresh
