#include "policy/spf/rfc7208/testing/fake_dns.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dnsd::spf {
namespace {

std::string Key(absl::string_view name) {
  std::string key = absl::AsciiStrToLower(name);
  while (!key.empty() && key.back() == '.') key.pop_back();
  return key;
}

absl::string_view TypeName(FakeDns::Type type) {
  switch (type) {
    case FakeDns::Type::kTxt: return "TXT";
    case FakeDns::Type::kA: return "A";
    case FakeDns::Type::kAaaa: return "AAAA";
    case FakeDns::Type::kMx: return "MX";
    case FakeDns::Type::kPtr: return "PTR";
    case FakeDns::Type::kCname: return "CNAME";
    case FakeDns::Type::kAny: return "ANY";
  }
  return "?";
}

constexpr int kMaxCnameChain = 8;

}  // namespace

std::vector<FakeDns::Entry>& FakeDns::EntriesFor(absl::string_view name) {
  return zone_[Key(name)];
}

void FakeDns::AddTxt(absl::string_view name, absl::string_view text) {
  EntriesFor(name).push_back({.type = Type::kTxt, .text = std::string(text)});
}

void FakeDns::AddAddress(absl::string_view name, absl::string_view ip) {
  auto address = ParseIpAddress(ip);
  if (!address.ok()) return;
  bool v6 = absl::StrContains(ip, ':');
  EntriesFor(name).push_back({.type = v6 ? Type::kAaaa : Type::kA, .address = *address});
}

void FakeDns::AddMx(absl::string_view name, uint16_t preference, absl::string_view exchange) {
  EntriesFor(name).push_back(
      {.type = Type::kMx, .text = std::string(exchange), .preference = preference});
}

void FakeDns::AddPtr(absl::string_view name, absl::string_view target) {
  EntriesFor(name).push_back({.type = Type::kPtr, .text = std::string(target)});
}

void FakeDns::AddCname(absl::string_view name, absl::string_view target) {
  EntriesFor(name).push_back({.type = Type::kCname, .text = std::string(target)});
}

void FakeDns::AddName(absl::string_view name) { EntriesFor(name); }

void FakeDns::AddTimeout(absl::string_view name, Type type) {
  EntriesFor(name).push_back({.type = type, .timeout = true});
}

bool FakeDns::HasType(absl::string_view name, Type type) const {
  auto it = zone_.find(Key(name));
  if (it == zone_.end()) return false;
  for (const Entry& e : it->second) {
    if (e.type == type) return true;
  }
  return false;
}

DnsAnswer FakeDns::Lookup(absl::string_view name, Type type, int depth) {
  queries_.push_back(absl::StrCat(TypeName(type), " ", name));
  DnsAnswer answer;
  std::string key = Key(name);
  auto it = zone_.find(key);
  if (it == zone_.end()) {
    answer.outcome = absl::StartsWith(key, "error.") ? DnsOutcome::kTempError
                                                     : DnsOutcome::kNxDomain;
    return answer;
  }
  bool found = false;
  std::string cname;
  for (const Entry& e : it->second) {
    if (e.type == Type::kAny && e.timeout) {
      if (!found) return answer;  // kTempError
      break;
    }
    if (e.type == Type::kCname && cname.empty()) cname = e.text;
    if (e.type != type) continue;
    if (e.timeout) return answer;
    found = true;
    switch (type) {
      case Type::kTxt: answer.txt.push_back(e.text); break;
      case Type::kA:
      case Type::kAaaa: answer.addresses.push_back(e.address); break;
      case Type::kMx: answer.mx.push_back({e.preference, Key(e.text)}); break;
      case Type::kPtr: answer.ptr.push_back(Key(e.text)); break;
      default: break;
    }
  }
  if (!found && !cname.empty()) {
    if (depth >= kMaxCnameChain) return answer;  // a loop: kTempError
    return Lookup(cname, type, depth + 1);
  }
  answer.outcome = found ? DnsOutcome::kOk : DnsOutcome::kNoData;
  answer.ttl = found ? 300 : 0;
  return answer;
}

}  // namespace dnsd::spf
