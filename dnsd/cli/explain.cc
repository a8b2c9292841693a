#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "dnsd/cli/commands.h"
#include "dnsd/cli/timeline_text.h"
#include "config/load_and_compile.h"
#include "dnsd/cli/snapshot_dns.h"
#include "dnsd/control/refresh/refresher.h"
#include "dnsd/cli/zone_text.h"
#include "dnsd/pipeline.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/decide.h"
#include "policy/spf/expand.h"
#include "policy/spf/rfc7208/check_host.h"

// Last: ldns's headers define macros that upset later C++ headers.
#include <ldns/ldns.h>

namespace dnsd::cli {
namespace {

// A TXT query for `name` with EDNS, as a resolver would send it.
std::vector<uint8_t> TxtQuery(const std::string& name_wire) {
  // ID, flags, QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT 1.
  // (Built in a string: GCC 12 sees a false out-of-bounds in vector::insert.)
  std::string q("\x12\x34\0\0\0\1\0\0\0\0\0\1", 12);
  q += name_wire;
  const char question_tail[] = {0, wire::kTypeTxt, 0, wire::kClassIn};
  // OPT: root owner, TYPE 41, payload 1232, TTL 0, RDLENGTH 0.
  const char opt[] = {0, 0, wire::kTypeOpt, 0x04, static_cast<char>(0xD0), 0, 0, 0, 0, 0, 0};
  q.append(question_tail, sizeof(question_tail));
  q.append(opt, sizeof(opt));
  return std::vector<uint8_t>(q.begin(), q.end());
}

// The answer section of `response`, as zone-file lines, through ldns.
std::string AnswerText(const std::vector<uint8_t>& response, size_t size) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, response.data(), size) != LDNS_STATUS_OK) return "(unparsable)\n";
  std::string text;
  ldns_rr_list* answer = ldns_pkt_answer(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    char* line = ldns_rr2str(ldns_rr_list_rr(answer, i));
    text += line;
    free(line);
  }
  if (text.empty()) {
    char* rcode = ldns_pkt_rcode2str(ldns_pkt_get_rcode(pkt));
    text = absl::StrCat("(no answer: ", rcode, ")\n");
    free(rcode);
  }
  ldns_pkt_free(pkt);
  return text;
}

std::string RuleDetail(const config::Snapshot& s, const spf::Decision& d) {
  std::string detail = absl::StrCat(static_cast<int>(d.rule), " ", spf::RuleName(d.rule));
  if (d.domain != nullptr) absl::StrAppend(&detail, ", domain ", d.domain->name);
  if (d.sender >= 0) absl::StrAppend(&detail, ", sender ", s.spf.senders[d.sender].id);
  return detail;
}

// The customer's apex record as `dnsd records` advises it: our include,
// then the domain's own `all`.
std::string AdvisedRecord(const config::Snapshot& s, const config::ProviderSettings& p,
                          absl::string_view domain) {
  auto wire = wire::NameFromText(domain);
  const spf::DomainPolicy* d = wire.ok() ? spf::FindDomain(s.spf, *wire) : nullptr;
  bool fail = d != nullptr && (d->blocked || d->fail_all);
  return absl::StrCat("v=spf1 include:", p.spf_template, ".", p.spf_zone, fail ? " -all" : " ~all");
}

// What a receiver concludes (RFC 7208 check_host()) from the domain's
// published record, asking dnsd for every name dnsd serves.
void PrintVerdict(const config::LoadedConfig& loaded, const config::RefreshedRanges* refreshed,
                  const ExplainArgs& args, const IpAddress& ip) {
  const config::Snapshot& snap = *loaded.snapshot;
  const config::ConfigSet& set = loaded.set();
  std::string domain = absl::AsciiStrToLower(args.domain);
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  std::string record = args.published;
  const char* origin = "given with --published";
  if (record.empty()) {
    record = AdvisedRecord(snap, set.server.provider, domain);
    origin = "as `dnsd records` advises";
  }
  std::string sender = args.sender.empty() ? absl::StrCat("postmaster@", domain) : args.sender;
  spf::MacroContext context = spf::MakeMacroContext(ip, sender, args.helo);
  context.domain = domain;
  SnapshotDns dns(snap, set.catalog, refreshed, domain, record);
  spf::CheckResult r = spf::CheckHost(dns, context);

  std::cout << "\nreceiver: check_host(" << FormatIpAddress(ip) << ", " << domain << ", " << sender
            << "), HELO " << args.helo << "\n";
  std::cout << "record:   \"" << record << "\" (" << origin << ")\n";
  std::cout << "result:   " << spf::ResultName(r.result);
  if (!r.matched_term.empty()) {
    std::cout << " (" << r.matched_term << " in " << r.matched_domain << ")";
  }
  if (!r.problem.empty()) std::cout << ": " << r.problem;
  std::cout << "\n";
  std::cout << "limits:   " << r.dns_terms << " of 10 DNS-querying terms, " << r.void_lookups
            << " of 2 void look-ups (RFC 7208 §4.6.4)\n";
  std::cout << "trace:\n";
  for (const std::string& line : r.trace) std::cout << "  " << line << "\n";
  std::cout << "look-ups:\n";
  for (const SnapshotDns::Lookup& l : dns.lookups()) {
    std::cout << "  " << l.question << "  [" << l.source << "]  " << l.answer << "\n";
  }
  if (dns.unresolved() > 0) {
    std::cout << "note:     " << dns.unresolved() << " look-up" << (dns.unresolved() == 1 ? "" : "s")
              << " not resolved (outside dnsd): explain answers only dnsd's own zones, the "
                 "published record and catalog includes with known ranges, and counts any "
                 "other name as a DNS failure (temperror); a real receiver may get further\n";
  }
}

// A domain on a schedule answers differently from its next step on: the
// steps done and the next one, as `dnsd records` shows them.
void PrintSchedule(const config::LoadedConfig& loaded, std::string domain) {
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  domain = absl::AsciiStrToLower(domain);
  for (const config::DomainConfig& d : loaded.set().domains) {
    if (d.domain != domain) continue;
    std::string timeline = TimelineText(d, loaded.snapshot->as_of, "  ");
    if (!timeline.empty()) {
      std::cout << "schedule (answers above: as of " << config::FormatUtc(loaded.snapshot->as_of)
                << "):\n"
                << timeline;
    }
  }
}

}  // namespace

int Explain(const ExplainArgs& args) {
  config::LoadState state(args.config);
  // As the server answers: from the saved catalog ranges, if it keeps any.
  std::shared_ptr<const config::RefreshedRanges> saved = refresh::SavedRanges(args.config);
  config::LoadedConfig loaded = config::LoadAndCompile(state, 1, /*skip_if_unchanged=*/false,
                                                       /*progress=*/nullptr, saved.get());
  for (const auto& e : config::AllDiagnostics(loaded)) std::cerr << config::FormatDiagnostic(e) << "\n";
  if (loaded.snapshot == nullptr) return 1;
  const config::Snapshot& snap = *loaded.snapshot;
  auto ip = ParseIpAddress(args.ip);
  if (!ip.ok()) {
    std::cerr << "dnsd explain: " << ip.status().message() << "\n";
    return 2;
  }
  bool as_v6 = args.ip.find(':') != std::string::npos;
  std::string name = spf::ExpandQueryName(snap.spf.tmpl, *ip, as_v6, args.helo, args.domain,
                                             loaded.set().server.provider.spf_zone);
  auto name_wire = wire::NameFromText(name);
  if (!name_wire.ok()) {
    std::cerr << "dnsd explain: a receiver could not query '" << name
              << "': " << name_wire.status().message() << "\n";
    return 2;
  }
  std::vector<uint8_t> query = TxtQuery(*name_wire);
  std::vector<uint8_t> response(wire::kMaxMessageSize);
  Outcome outcome = HandleQuery(snap, query, Transport::kTcp, response);

  wire::Name lower;
  lower.size = static_cast<uint8_t>(name_wire->size());
  std::copy(name_wire->begin(), name_wire->end(), lower.data);
  lower.IndexLabels();
  std::cout << "query:   " << name << ". TXT\n";
  std::cout << "answer:  " << AnswerText(response, outcome.size);
  if (outcome.spf_rule > 0) {
    spf::Decision decision = spf::Decide(snap.spf, lower);
    // The query path may fall back from the terms rule (a domain no term can carry).
    decision.rule = static_cast<spf::Rule>(outcome.spf_rule);
    std::cout << "rule:    " << RuleDetail(snap, decision) << "\n";
  }
  PrintVerdict(loaded, saved.get(), args, *ip);
  PrintSchedule(loaded, args.domain);
  return 0;
}

}  // namespace dnsd::cli
