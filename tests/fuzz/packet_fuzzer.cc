// Fuzz target for the whole query path: arbitrary bytes in, through
// dnsd::HandleQuery over a snapshot compiled once from in-code
// configuration, for UDP and TCP and with a small and a large response
// buffer.
//
// Beyond "never crash" (ASan and UBSan catch any read outside the request),
// every response must hold what the protocol promises: no larger than the
// buffer or the transport's budget, the ID echoed, QR set and RA clear,
// parseable by ldns (the independent referee), the question reading back
// as the name that was asked, and every owner an ancestor of it.
//
// Built with -fsanitize=fuzzer under clang (DNSD_FUZZ); under gcc,
// replay_main.cc runs the seed corpus through the same function.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "config/compile.h"
#include "dnsd/protocol/net/ip.h"
#include "dnsd/pipeline.h"
#include "dnsd/testing/ldns_referee.h"
#include "dnsd/testing/rsa_keys.h"
#include "policy/dkim/dkim.h"
#include "dnsd/protocol/wire/constants.h"

namespace {

using dnsd::Transport;
using dnsd::testing::kRsa2048Spki;
using dnsd::testing::kRsa4096Spki;

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "packet_fuzzer: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

dnsd::config::DkimSelector Selector(const char* name, dnsd::config::DkimKey::Kind kind,
                                    const char* key_or_target = "", int bits = 0) {
  dnsd::config::DkimSelector s;
  s.selector = name;
  if (kind == dnsd::config::DkimKey::Kind::kKey) {
    dnsd::config::DkimKeyTags tags;
    tags.public_key = key_or_target;
    s.key = dnsd::config::KeyOf(tags, bits);
  } else if (kind == dnsd::config::DkimKey::Kind::kCname) {
    s.key = dnsd::config::CnameKey(key_or_target);
  } else {
    s.key = dnsd::config::RevokedKey();
  }
  return s;
}

// The configuration the seed corpus asks about (make_packet_corpus.py).
const dnsd::config::Snapshot& TheSnapshot() {
  static const dnsd::config::Snapshot* snapshot = [] {
    using dnsd::config::DkimKey;
    using dnsd::config::DomainConfig;
    using dnsd::config::Mode;
    dnsd::config::ConfigSet set;
    set.server.udp_payload = 1232;
    // So that NSID and the CHAOS identity answer are exercised too.
    set.server.identity = "ns1.provider.test (fuzz)";
    auto& p = set.server.provider;
    p.nameservers = {"ns1.provider.test", "ns2.provider.test"};
    p.hostmaster = "hostmaster.provider.test";
    p.spf_zone = "_spf.provider.test";
    p.dmarc_zone = "_dmarc.provider.test";
    p.report_domain = "reports.provider.test";

    std::vector<DomainConfig> domains(3);
    domains[0].domain = "example.com";
    domains[0].mode = Mode::kEnforce;
    domains[0].dmarc.p = "reject";
    domains[0].dmarc.rua = {"mailto:dmarc@example.com"};
    auto netblock = dnsd::ParseIpPrefix("192.0.2.0/24");
    if (!netblock.ok()) Fail("bad netblock");
    domains[0].spf.netblocks = {*netblock};
    // Real keys, so that answers have realistic sizes (the 4096-bit one
    // needs EDNS or TCP).
    domains[0].dkim.selectors = {Selector("s1", DkimKey::Kind::kKey, kRsa2048Spki, 2048),
                       Selector("big", DkimKey::Kind::kKey, kRsa4096Spki, 4096),
                       Selector("vendor", DkimKey::Kind::kCname, "s1.dkim.vendor.test"),
                       Selector("old", DkimKey::Kind::kRevoked),
                       Selector("2024.mail", DkimKey::Kind::kKey, kRsa2048Spki, 2048)};
    domains[1].domain = "blocked.example";
    domains[1].mode = Mode::kBlocked;
    domains[1].dmarc.p = "reject";
    domains[1].dkim.selectors = {Selector("s1", DkimKey::Kind::kKey, kRsa2048Spki, 2048)};
    domains[2].domain = "reported.example";
    domains[2].mode = Mode::kMonitor;
    domains[2].dmarc.p = "none";
    domains[2].dmarc.rua = {"mailto:agg@reports.provider.test"};

    set.domains = domains;
    auto compiled = dnsd::config::CompileSnapshot(set, /*generation=*/1);
    if (!compiled.ok()) Fail("CompileSnapshot failed:", std::string(compiled.status().message()));
    if (!compiled->errors.empty()) Fail("domain left out:", std::string(compiled->errors[0].message.str()));
    return compiled->snapshot.release();
  }();
  return *snapshot;
}

std::string Lower(std::string s) {
  absl::AsciiStrToLower(&s);
  return s;
}

// `owner` is `name` or one of its ancestors (presentation form from ldns).
bool IsAncestorText(const std::string& name, const std::string& owner) {
  std::string n = Lower(name), o = Lower(owner);
  if (o == "." || n == o) return true;
  return absl::EndsWith(n, o) && n.size() > o.size() && n[n.size() - o.size() - 1] == '.';
}

// Runs one request and checks every response invariant. Returns the size.
size_t RunOne(std::span<const uint8_t> request, Transport transport, size_t buffer_size) {
  const dnsd::config::Snapshot& snapshot = TheSnapshot();
  std::vector<uint8_t> buffer(buffer_size);
  dnsd::Outcome out = dnsd::HandleQuery(snapshot, request, transport, buffer);
  Check(out.size <= buffer.size(), "response larger than the buffer");
  if (out.size == 0) return 0;
  std::span<const uint8_t> response(buffer.data(), out.size);

  // Only queries are answered (RFC 1035 §4.1.1), and never in kind.
  Check(request.size() >= dnsd::wire::kHeaderSize, "answered less than a header");
  Check((request[2] & 0x80) == 0, "answered a response (QR=1)");
  Check(out.size >= dnsd::wire::kHeaderSize, "response shorter than a header");
  Check(response[0] == request[0] && response[1] == request[1], "ID not echoed");
  Check((response[2] & 0x80) != 0, "QR not set");
  Check((response[3] & 0x80) == 0, "RA set");
  Check(((response[2] >> 3) & 0xF) == ((request[2] >> 3) & 0xF), "opcode not echoed");

  size_t arcount = response[10] << 8 | response[11];
  if (transport == Transport::kUdp) {
    Check(out.size <= std::max<size_t>(512, snapshot.udp_payload), "UDP response over budget");
    // No OPT in the response: the query had none, so 512 is the limit.
    if (arcount == 0) Check(out.size <= 512, "UDP response without EDNS over 512");
  }

  auto msg = dnsd::testing::ParseWithLdns(response);
  if (!msg.ok()) Fail("ldns cannot parse the response:", std::string(msg.status().message()));
  Check(msg->extended_rcode == out.rcode, "RCODE differs from the outcome");
  Check(msg->tc == out.truncated, "TC differs from the outcome");
  Check(msg->qdcount <= 1, "more than one question");
  if (msg->qdcount == 1) {
    // The question reads back as the name that was asked.
    auto asked = dnsd::testing::NameAtWithLdns(request, dnsd::wire::kHeaderSize);
    Check(asked.ok(), "question echoed for a name ldns cannot read in the query");
    Check(msg->question[0].owner == *asked, "question echoed as another name:",
          msg->question[0].owner + " vs " + *asked);
    for (const auto* section : {&msg->answer, &msg->authority}) {
      for (const auto& rr : *section) {
        Check(IsAncestorText(*asked, rr.owner), "owner not an ancestor of the question:",
              rr.owner);
      }
    }
  } else {
    Check(msg->answer.empty() && msg->authority.empty(), "records without a question");
  }
  return out.size;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> request(data, size);
  // Large buffers: what the servers pass. Small: the least Render accepts.
  size_t udp_large = RunOne(request, Transport::kUdp, 65535);
  size_t udp_small = RunOne(request, Transport::kUdp, 512);
  size_t tcp_large = RunOne(request, Transport::kTcp, 65535);
  size_t tcp_small = RunOne(request, Transport::kTcp, 512);
  // Whether a message is answered never depends on transport or buffer.
  Check((udp_large == 0) == (udp_small == 0) && (udp_large == 0) == (tcp_large == 0) &&
            (tcp_large == 0) == (tcp_small == 0),
        "answered on one path and dropped on another");
  return 0;
}
