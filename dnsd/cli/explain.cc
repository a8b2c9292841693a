#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "dnsd/cli/commands.h"
#include "config/load_and_compile.h"
#include "dnsd/refresh/refresher.h"
#include "dnsd/cli/zone_text.h"
#include "dnsd/pipeline.h"
#include "dnsd/wire/constants.h"
#include "dnsd/wire/name.h"
#include "policy/decide.h"
#include "policy/expand.h"

// Last: ldns's headers define macros that upset later C++ headers.
#include <ldns/ldns.h>

namespace dnsd::cli {
namespace {

// A TXT query for `name` with EDNS, as a resolver would send it.
std::vector<uint8_t> TxtQuery(const std::string& name_wire) {
  // ID, flags, QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT 1.
  std::vector<uint8_t> q = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  q.insert(q.end(), name_wire.begin(), name_wire.end());
  const uint8_t question_tail[] = {0, wire::kTypeTxt, 0, wire::kClassIn};
  // OPT: root owner, TYPE 41, payload 1232, TTL 0, RDLENGTH 0.
  const uint8_t opt[] = {0, 0, wire::kTypeOpt, 0x04, 0xD0, 0, 0, 0, 0, 0, 0};
  q.insert(q.end(), std::begin(question_tail), std::end(question_tail));
  q.insert(q.end(), std::begin(opt), std::end(opt));
  return q;
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

std::string RuleDetail(const config::Snapshot& s, const policy::Decision& d) {
  std::string detail = absl::StrCat(static_cast<int>(d.rule), " ", policy::RuleName(d.rule));
  if (d.domain != nullptr) absl::StrAppend(&detail, ", domain ", d.domain->name);
  if (d.sender >= 0) absl::StrAppend(&detail, ", sender ", s.spf.senders[d.sender].id);
  return detail;
}

}  // namespace

int Explain(const ExplainArgs& args) {
  config::ConfigState state(args.config);
  // As the server answers: from the saved catalog ranges, if it keeps any.
  std::shared_ptr<const config::RefreshedRanges> saved = refresh::SavedRanges(args.config);
  config::LoadedConfig loaded = config::LoadAndCompile(state, 1, /*skip_if_unchanged=*/false,
                                                       /*progress=*/nullptr, saved.get());
  for (const auto& e : loaded.errors) std::cerr << config::FormatDiagnostic(e) << "\n";
  if (loaded.snapshot == nullptr) return 1;
  const config::Snapshot& snap = *loaded.snapshot;
  auto ip = ParseIpAddress(args.ip);
  if (!ip.ok()) {
    std::cerr << "dnsd explain: " << ip.status().message() << "\n";
    return 2;
  }
  bool as_v6 = args.ip.find(':') != std::string::npos;
  std::string name = policy::ExpandQueryName(snap.spf.tmpl, *ip, as_v6, args.helo, args.domain,
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
    std::cout << "rule:    " << RuleDetail(snap, policy::Decide(snap.spf, lower)) << "\n";
  }
  return 0;
}

}  // namespace dnsd::cli
