#include "policy/spf/testing/spf_fixture.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/compile.h"
#include "gtest/gtest.h"
#include "policy/spf/spf_answer.h"
#include "policy/spf/terms_answer.h"

namespace dnsd::spf::testing {
namespace {

config::Sender MakeSender(absl::string_view id, absl::string_view include, bool by_include,
                          std::vector<absl::string_view> ranges,
                          std::vector<std::string> helo) {
  config::Sender s;
  s.id = std::string(id);
  s.name = std::string(id);
  s.include = std::string(include);
  s.answer = by_include ? config::SenderAnswer::kInclude : config::SenderAnswer::kIp;
  s.helo = std::move(helo);
  s.ranges.as_of = "2026-11-01";
  s.ranges.from = s.include;
  for (absl::string_view r : ranges) s.ranges.prefixes.push_back(Prefix(r));
  return s;
}

config::DomainConfig MakeDomain(absl::string_view name) {
  config::DomainConfig d;
  d.domain = std::string(name);
  d.file = absl::StrCat("domains/", name, ".yaml");
  d.mode = config::Mode::kEnforce;
  d.dmarc.p = "none";
  return d;
}

}  // namespace

absl::StatusOr<wire::Name> NameFromPresentation(absl::string_view text) {
  if (!text.empty() && text.back() == '.' &&
      !(text.size() >= 2 && text[text.size() - 2] == '\\')) {
    text.remove_suffix(1);
  }
  wire::Name name;
  size_t size = 0;
  size_t label_start = 0;
  auto put = [&](uint8_t c) -> bool {
    if (size >= wire::kMaxNameSize) return false;
    name.data[size++] = c;
    return true;
  };
  auto close_label = [&]() -> bool {
    size_t len = size - label_start - 1;
    if (len == 0 || len > wire::kMaxLabelSize) return false;
    name.data[label_start] = static_cast<uint8_t>(len);
    return true;
  };
  if (!text.empty()) {
    label_start = size;
    if (!put(0)) return absl::InvalidArgumentError("too long");
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c == '.') {
        if (!close_label()) return absl::InvalidArgumentError("bad label");
        label_start = size;
        if (!put(0)) return absl::InvalidArgumentError("too long");
        continue;
      }
      if (c == '\\' && i + 1 < text.size()) {
        if (i + 3 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isdigit(static_cast<unsigned char>(text[i + 2])) &&
            std::isdigit(static_cast<unsigned char>(text[i + 3]))) {
          int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
          if (v > 255) return absl::InvalidArgumentError("bad escape");
          if (!put(static_cast<uint8_t>(v))) return absl::InvalidArgumentError("too long");
          i += 3;
        } else {
          if (!put(static_cast<uint8_t>(text[i + 1]))) return absl::InvalidArgumentError("too long");
          i += 1;
        }
        continue;
      }
      if (!put(static_cast<uint8_t>(c))) return absl::InvalidArgumentError("too long");
    }
    if (!close_label()) return absl::InvalidArgumentError("bad label");
  }
  if (!put(0)) return absl::InvalidArgumentError("too long");
  name.size = static_cast<uint8_t>(size);
  name.IndexLabels();
  return name;
}

wire::Name LowerName(absl::string_view text) {
  wire::Name lower;
  auto name = NameFromPresentation(text);
  EXPECT_TRUE(name.ok()) << text;
  if (!name.ok()) return lower;
  wire::LowerCase(*name, &lower);
  return lower;
}

std::string LabelsText(const wire::Name& name, int begin, int end) {
  std::string out;
  for (int i = begin; i < end; ++i) {
    if (i != begin) out.push_back('.');
    const uint8_t* p = name.data + name.label_offsets[i];
    for (int j = 1; j <= *p; ++j) {
      uint8_t c = p[j];
      if (c == '.' || c == '\\' || c < 0x21 || c > 0x7e) {
        absl::StrAppend(&out, "\\", c / 100, (c / 10) % 10, c % 10);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
  }
  return out;
}

IpAddress Ip(absl::string_view text) {
  auto ip = ParseIpAddress(text);
  EXPECT_TRUE(ip.ok()) << ip.status();
  return ip.ok() ? *ip : IpAddress{};
}

std::string Nibbles(absl::string_view ip_text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::vector<std::string> labels;
  for (uint8_t b : Ip(ip_text).bytes) {
    labels.emplace_back(1, kHex[b >> 4]);
    labels.emplace_back(1, kHex[b & 0xF]);
  }
  return absl::StrJoin(labels, ".");
}

IpPrefix Prefix(absl::string_view text) {
  auto p = ParseIpPrefix(text);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : IpPrefix{};
}

std::string RdataText(absl::string_view rest) {
  std::string text;
  while (!rest.empty()) {
    size_t n = std::min<size_t>(static_cast<uint8_t>(rest[0]), rest.size() - 1);
    text.append(rest.data() + 1, n);
    rest.remove_prefix(n + 1);
  }
  return text;
}

std::string TxtText(const RRset& rrset) {
  std::vector<std::string> rdata = RdataOf(rrset);
  if (rdata.empty()) return "<no record>";
  return RdataText(rdata.front());
}

std::string AnswerText(const Decision& d, const wire::Name* name, const MacroZone* policy) {
  if (d.flattened_answer) {
    if (policy == nullptr) return "<the flattened answer needs the policy>";
    char rdata[Answer::kScratchSize];
    size_t n = FlattenedRdata(*policy, *d.domain, rdata);
    return n == 0 ? "<none>" : RdataText(absl::string_view(rdata, n));
  }
  if (d.terms_answer) {
    if (name == nullptr) return "<the terms answer needs the query name>";
    char rdata[kMaxTermsRdata];
    size_t n = TermsAnswerRdata(d.domain->terms, d.domain->fail_all, *name, d.name, rdata);
    return n == 0 ? "<none>" : RdataText(absl::string_view(rdata, n));
  }
  if (d.ip_answer) {
    char rdata[256];
    size_t n = IpAnswerRdata(d.name, rdata);
    return std::string(rdata + 1, n - 1);
  }
  if (d.answer == nullptr) return "<none>";
  return TxtText(*d.answer);
}

config::ConfigSet TestConfig(absl::string_view spf_template) {
  config::ConfigSet set;
  config::ServerConfig& server = set.server;
  server.udp_payload = 1232;
  config::ProviderSettings& p = server.provider;
  p.nameservers = {"ns1.provider.test", "ns2.provider.test"};
  p.hostmaster = "hostmaster.provider.test";
  p.spf_zone = kSpfZone;
  p.spf_template = std::string(spf_template);
  p.dmarc_zone = "_dmarc.provider.test";
  p.report_domain = "reports.provider.test";
  p.ttl = 300;
  p.negative_ttl = 60;

  // Sorted by id, as LoadCatalogFile returns them.
  set.catalog.path = "senders.yaml";
  set.catalog.senders = {
      MakeSender("google", "_spf.google.com", false,
                 {"209.85.128.0/17", "2607:f8b0:4000::/36"}, {"*.google.com"}),
      MakeSender("mailchimp", "servers.mcsv.net", true, {"205.201.128.0/20"}, {"*.mcsv.net"}),
      MakeSender("office365", "spf.protection.outlook.com", false,
                 {"40.92.0.0/15", "2a01:111:f400::/48"}, {"*.outbound.protection.outlook.com"}),
      MakeSender("sendgrid", "sendgrid.net", true, {"167.89.0.0/17"}, {"smtp.sendgrid.net"}),
  };

  config::DomainConfig blocked = MakeDomain("blocked.example");
  blocked.mode = config::Mode::kBlocked;
  blocked.dmarc.p = "reject";
  blocked.spf.senders = {"office365"};
  blocked.spf.netblocks = {Prefix("198.51.100.0/24")};

  config::DomainConfig stop = MakeDomain("stop.example.com");

  config::DomainConfig example = MakeDomain("example.com");
  example.include_subdomains = true;
  example.spf.senders = {"office365", "mailchimp", "sendgrid"};
  example.spf.netblocks = {Prefix("203.0.113.0/24"), Prefix("2001:db8:1::/48"),
                           Prefix("40.92.1.0/24")};

  config::DomainConfig many = MakeDomain("many.example");
  for (int i = 0; i < 150; ++i) {
    many.spf.netblocks.push_back(Prefix(absl::StrCat("10.", i / 10, ".", i % 10 * 20, ".0/24")));
  }
  for (int i = 0; i < 50; ++i) {
    many.spf.netblocks.push_back(Prefix(absl::StrCat("2001:db8:", absl::Hex(0x100 + i), "::/48")));
  }

  config::DomainConfig strict = MakeDomain("strict.example");
  strict.spf.senders = {"google"};
  strict.spf.all = config::AllQualifier::kFail;

  config::DomainConfig terms = MakeDomain("terms.example");
  terms.include_subdomains = true;
  terms.spf.senders = {"office365"};
  terms.spf.netblocks = {Prefix("192.0.2.0/24")};
  terms.spf.terms = {"exists:%{i}._spf.mta.salesforce.com", "a", "ip4:198.18.0.0/15",
                     "include:%{l}._u.%{d}._spf.vendor.test"};

  // Sorted by domain, as LoadConfig returns them.
  set.domains = {blocked, example, many, stop, strict, terms};
  return set;
}

std::unique_ptr<config::Snapshot> CompileOrDie(const config::ConfigSet& config) {
  auto compiled = config::CompileSnapshot(config, /*generation=*/1);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (!compiled.ok()) return nullptr;
  for (const auto& error : compiled->errors) ADD_FAILURE() << error.pos.file << ": " << error.message;
  return std::move(compiled->snapshot);
}

}  // namespace dnsd::spf::testing
