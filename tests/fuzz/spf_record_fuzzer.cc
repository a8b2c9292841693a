// Fuzz target for the RFC 7208 engine's parsers of untrusted text: the SPF
// record parser (spf::ParseRecord, the text of any TXT record a receiver or
// the catalog refresher reads), the macro-string parser and expander
// (spf::ParseMacroString, spf::ExpandMacros, full and partial), and
// spf::CheckHost over the record.
//
// Input (see make_spf_corpus.py, which writes the seeds): up to five
// newline-separated fields
//
//   record \n macro-string \n MAIL FROM \n HELO \n client IP
//
// Missing fields are empty; an IP that does not parse is 192.0.2.1.
//
// Checks, beyond "never crash" (ASan and UBSan):
//   - a record with a byte outside printable ASCII after "v=spf1" never
//     parses (§3.1, §4.6.1); one that parses re-parses, term by term and as
//     a whole rebuilt from its terms' texts, to the same terms;
//   - a macro string's tokens spell the string again; it parses for
//     explanation text whenever it parses as a domain-spec; a full
//     domain-spec expansion is at most 253 octets unless no dot is left to
//     cut at (§7.3);
//   - partial expansion (the terms rule) gives a macro string that parses again, and
//     expanding that for the receiver gives exactly what expanding the
//     original would have, for the kept set "slop" and for none kept;
//   - CheckHost with the record at the checked domain: "none" unless it is
//     an SPF record, "permerror" if it does not parse, no more than 11
//     DNS-querying terms and 3 void look-ups counted, and a bounded number
//     of queries.
//
// Built with -fsanitize=fuzzer under clang (DNSD_FUZZ); under gcc,
// replay_main.cc runs the seed corpus through the same function.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"
#include "policy/spf/rfc7208/check_host.h"
#include "policy/spf/rfc7208/macro.h"
#include "policy/spf/rfc7208/record.h"
#include "policy/spf/rfc7208/testing/fake_dns.h"

namespace {

using namespace dnsd;       // NOLINT: a fuzz harness
using namespace dnsd::spf;  // NOLINT

void Require(bool ok, const char* what, absl::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "spf_record_fuzzer: %s\n  input: \"", what);
  for (unsigned char c : input) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      std::fputc(c, stderr);
    } else {
      std::fprintf(stderr, "\\x%02x", c);
    }
  }
  std::fprintf(stderr, "\"\n");
  std::abort();
}

bool SameTerm(const Term& a, const Term& b) {
  return a.kind == b.kind && a.text == b.text && a.qualifier == b.qualifier &&
         a.domain_spec == b.domain_spec && a.name == b.name && a.address == b.address &&
         a.cidr4 == b.cidr4 && a.cidr6 == b.cidr6 && a.tokens.size() == b.tokens.size();
}

void CheckRecord(absl::string_view record) {
  auto parsed = ParseRecord(record);
  if (!parsed.ok()) {
    Require(!parsed.status().message().empty(), "a parse error without a message", record);
    return;
  }
  Require(IsSpfRecord(record), "a record without 'v=spf1' parsed", record);
  for (unsigned char c : record) {
    Require(c >= 0x20 && c < 0x7f, "a record with a control or non-ASCII byte parsed", record);
  }
  std::string rebuilt = "v=spf1";
  int redirects = 0, exps = 0;
  for (const Term& term : parsed->terms) {
    auto again = ParseTerm(term.text);
    Require(again.ok() && SameTerm(term, *again), "a term does not re-parse the same", record);
    rebuilt += " " + term.text;
    redirects += term.kind == TermKind::kRedirect;
    exps += term.kind == TermKind::kExp;
  }
  Require(redirects <= 1 && exps <= 1, "a modifier appears twice", record);
  auto whole = ParseRecord(rebuilt);
  Require(whole.ok() && whole->terms.size() == parsed->terms.size(),
          "the record rebuilt from its terms does not parse the same", record);
}

MacroContext Context(absl::string_view mail_from, absl::string_view helo, const IpAddress& ip) {
  MacroContext context = MakeMacroContext(ip, mail_from, helo);
  context.receiver = "mx.receiver.example";
  context.timestamp = 1700000000;
  context.validated_name = [](absl::string_view domain) {
    return std::string("ptr.") + std::string(domain);
  };
  return context;
}

void CheckMacro(absl::string_view text, const MacroContext& context) {
  auto domain_tokens = ParseMacroString(text, MacroUse::kDomainSpec);
  auto exp_tokens = ParseMacroString(text, MacroUse::kExplanation);
  ParseMacroString(text, MacroUse::kModifier).IgnoreError();
  if (exp_tokens.ok()) {
    std::string spelled;
    for (const MacroToken& t : *exp_tokens) spelled += t.text;
    Require(spelled == text, "tokens do not spell the string", text);
    Require(ExpandTokens(*exp_tokens, context, {.use = MacroUse::kExplanation}).ok(),
            "an explanation that parsed does not expand", text);
  }
  if (!domain_tokens.ok()) return;
  Require(exp_tokens.ok(), "a domain-spec macro string is not valid explanation text", text);
  auto full = ExpandTokens(*domain_tokens, context);
  Require(full.ok(), "a domain-spec that parsed does not expand", text);
  Require(full->size() <= 253 || full->find('.') == std::string::npos,
          "an expanded name longer than 253 octets still has a label to cut", text);
  for (absl::string_view keep : {absl::string_view("slop"), absl::string_view("")}) {
    auto partial = ExpandTokens(*domain_tokens, context, {.partial = true, .keep = keep});
    if (!partial.ok()) continue;  // a value a macro string cannot carry
    auto receiver = ExpandMacros(*partial, context);
    Require(receiver.ok(), "a partial expansion is not a valid macro string", text);
    Require(*receiver == *full, "partial then final expansion differs from final expansion",
            text);
  }
}

void CheckEvaluation(absl::string_view record, const MacroContext& context) {
  FakeDns dns;
  dns.AddTxt("fuzz.example", record);
  dns.AddAddress("fuzz.example", "192.0.2.1");
  dns.AddAddress("fuzz.example", "2001:db8::1");
  dns.AddMx("fuzz.example", 10, "fuzz.example");
  dns.AddTxt("inc.fuzz.example", "v=spf1 a:fuzz.example mx:fuzz.example ptr ~all");
  dns.AddPtr("1.2.0.192.in-addr.arpa", "fuzz.example");
  MacroContext here = context;
  here.domain = "fuzz.example";
  CheckOptions options;
  options.default_explanation = "DEFAULT";
  CheckResult result = CheckHost(dns, here, options);
  if (!IsSpfRecord(record)) {
    Require(result.result == Result::kNone, "a non-SPF record did not give none", record);
  } else if (!ParseRecord(record).ok()) {
    Require(result.result == Result::kPermError, "a bad record did not give permerror", record);
  }
  Require(result.dns_terms <= options.max_dns_terms + 1, "DNS-querying terms over the limit",
          record);
  Require(result.void_lookups <= options.max_void_lookups + 1, "void look-ups over the limit",
          record);
  Require(dns.queries().size() <= 300, "too many queries for one check", record);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<absl::string_view> fields = absl::StrSplit(input, absl::MaxSplits('\n', 4));
  fields.resize(5);
  auto ip = ParseIpAddress(fields[4]);
  IpAddress client = ip.ok() ? *ip : *ParseIpAddress("192.0.2.1");
  MacroContext context = Context(fields[2], fields[3], client);
  CheckRecord(fields[0]);
  CheckMacro(fields[1], context);
  // The record's own text as a macro string too: many inputs put one there.
  CheckMacro(fields[0], context);
  CheckEvaluation(fields[0], context);
  return 0;
}
