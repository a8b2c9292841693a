#include "policy/dmarc/dmarc.h"

#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "config/names.h"
#include "config/quote.h"

namespace dnsd::config {

namespace {

constexpr absl::string_view kMailto = "mailto:";

absl::Status UriError(absl::string_view uri, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("report URI ", Quoted(uri), " ", why));
}

// RFC 5322 atext and dots, without '!' and '?', which a DMARC URI uses for
// the size limit and a mailto: URI for header fields.
bool IsLocalPartChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("#$%&'*+-/=^_`{|}~.").find(c) !=
             absl::string_view::npos;
}

// "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] (RFC 7489 §6.2), without the "!".
bool IsValidSize(absl::string_view size) {
  if (!size.empty() && absl::string_view("kmgtKMGT").find(size.back()) !=
                           absl::string_view::npos) {
    size.remove_suffix(1);
  }
  if (size.empty() || size.size() > 15) return false;
  for (char c : size) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status CheckAddress(absl::string_view uri, absl::string_view address) {
  size_t at = address.rfind('@');
  if (at == absl::string_view::npos) return UriError(uri, "has no '@'");
  absl::string_view local = address.substr(0, at);
  absl::string_view domain = address.substr(at + 1);
  if (local.empty() || local.front() == '.' || local.back() == '.' ||
      absl::StrContains(local, "..")) {
    return UriError(uri, "has a bad mailbox name before '@'");
  }
  for (char c : local) {
    if (!IsLocalPartChar(c)) {
      return UriError(uri,
                      absl::StrCat("has ", Quoted(absl::string_view(&c, 1)),
                                   " in its mailbox name"));
    }
  }
  absl::StatusOr<std::string> name = NormalizeDomainName(domain);
  if (!name.ok()) return UriError(uri, name.status().message());
  return absl::OkStatus();
}

}  // namespace

std::string DmarcUriDomain(absl::string_view uri) {
  if (!absl::StartsWithIgnoreCase(uri, kMailto)) return "";
  absl::string_view address = uri.substr(kMailto.size());
  address = address.substr(0, address.find('!'));
  size_t at = address.rfind('@');
  if (at == absl::string_view::npos) return "";
  absl::string_view domain = address.substr(at + 1);
  if (absl::EndsWith(domain, ".")) domain.remove_suffix(1);
  return absl::AsciiStrToLower(domain);
}

absl::string_view DmarcUriSizeLimit(absl::string_view uri) {
  size_t bang = uri.find('!');
  return bang == absl::string_view::npos ? absl::string_view() : uri.substr(bang);
}

absl::Status CheckDmarcUri(absl::string_view uri) {
  if (uri.find_first_of(",;") != absl::string_view::npos) {
    return UriError(uri,
                    "contains ',' or ';', which would split the DMARC "
                    "record; percent-encode them (%2C, %3B)");
  }
  if (!absl::StartsWithIgnoreCase(uri, kMailto)) {
    return UriError(uri, "must start with mailto:; reports are sent by email");
  }
  absl::string_view rest = uri.substr(kMailto.size());
  size_t bang = rest.find('!');
  if (bang != absl::string_view::npos && !IsValidSize(rest.substr(bang + 1))) {
    return UriError(uri, "has a bad size limit; write e.g. !10m (k, m, g, t)");
  }
  return CheckAddress(uri, rest.substr(0, bang));
}

absl::Status CheckDmarcFo(absl::string_view fo) {
  std::vector<absl::string_view> seen;
  for (absl::string_view option : absl::StrSplit(fo, ':')) {
    if (option != "0" && option != "1" && option != "d" && option != "s") {
      return absl::InvalidArgumentError(absl::StrCat(
          "fo ", Quoted(fo), " must be options 0, 1, d, s separated by ':'"));
    }
    for (absl::string_view earlier : seen) {
      if (earlier == option) {
        return absl::InvalidArgumentError(
            absl::StrCat("fo ", Quoted(fo), " lists '", option, "' twice"));
      }
    }
    seen.push_back(option);
  }
  // RFC 9989 §4.7: "0" and "1" are mutually exclusive.
  if (absl::c_linear_search(seen, "0") && absl::c_linear_search(seen, "1")) {
    return absl::InvalidArgumentError(
        absl::StrCat("fo ", Quoted(fo), " has both 0 and 1; they exclude each other (RFC 9989)"));
  }
  return absl::OkStatus();
}

DmarcPolicy EffectiveDmarcPolicy(Mode mode, const DmarcPolicy& policy) {
  DmarcPolicy out = policy;
  switch (mode) {
    case Mode::kMonitor:
      out.p = "none";
      if (out.sp) out.sp = "none";
      if (out.np) out.np = "none";
      break;
    case Mode::kEnforce:
      break;
    case Mode::kBlocked:
      out.p = "reject";
      out.sp = "reject";
      out.np = "reject";
      out.pct.reset();
      out.t.reset();
      out.adkim = 's';
      out.aspf = 's';
      break;
  }
  return out;
}

DmarcPolicy DmarcPolicyAt(const DmarcPolicy& policy, UtcSeconds now) {
  DmarcPolicy out = policy;
  for (const DmarcStep& step : policy.schedule) {
    if (step.at > now) break;  // in time order (the reader checks)
    if (step.p) out.p = *step.p;
    if (step.sp) out.sp = step.sp;
    if (step.np) out.np = step.np;
    if (step.t) out.t = step.t;
    if (step.pct) out.pct = step.pct;
  }
  return out;
}

bool InTtlRamp(const DmarcPolicy& policy, UtcSeconds now) {
  for (const DmarcStep& step : policy.schedule) {
    if (now < step.at && now >= step.at - policy.ttl_ramp) return true;
  }
  return false;
}

std::string DescribeStep(const DmarcStep& step) {
  std::vector<std::string> tags;
  if (step.p) tags.push_back(absl::StrCat("p=", *step.p));
  if (step.t) tags.push_back(absl::StrCat("t=", std::string(1, *step.t)));
  if (step.np) tags.push_back(absl::StrCat("np=", *step.np));
  if (step.sp) tags.push_back(absl::StrCat("sp=", *step.sp));
  if (step.pct) tags.push_back(absl::StrCat("pct=", *step.pct));
  return absl::StrJoin(tags, " ");
}

std::string RenderDmarcRecord(const DomainConfig& domain) {
  return RenderDmarcRecord(domain.mode, domain.dmarc);
}

std::string RenderDmarcRecord(Mode mode, const DmarcPolicy& policy) {
  DmarcPolicy p = EffectiveDmarcPolicy(mode, policy);
  std::vector<std::string> tags = {"v=DMARC1", absl::StrCat("p=", p.p)};
  auto add = [&tags](absl::string_view tag, const auto& value) {
    if (value) tags.push_back(absl::StrCat(tag, "=", *value));
  };
  auto add_char = [&tags](absl::string_view tag, std::optional<char> value) {
    if (value) tags.push_back(absl::StrCat(tag, "=", std::string(1, *value)));
  };
  auto add_uris = [&tags, &p](absl::string_view tag, const std::vector<std::string>& uris) {
    if (uris.empty()) return;
    std::vector<absl::string_view> published;
    for (absl::string_view uri : uris) {
      if (!p.rfc7489_tags) uri.remove_suffix(DmarcUriSizeLimit(uri).size());
      published.push_back(uri);
    }
    tags.push_back(absl::StrCat(tag, "=", absl::StrJoin(published, ",")));
  };
  add_char("t", p.t);
  add_char("psd", p.psd);
  add("np", p.np);
  add("sp", p.sp);
  add_char("adkim", p.adkim);
  add_char("aspf", p.aspf);
  add_uris("rua", p.rua);
  add_uris("ruf", p.ruf);
  add("fo", p.fo);
  if (p.rfc7489_tags) {
    add("pct", p.pct);
    add("ri", p.ri);
    add("rf", p.rf);
  }
  return absl::StrJoin(tags, "; ");
}

bool RuaPointsAtProvider(const DmarcPolicy& policy,
                         absl::string_view report_domain) {
  if (absl::EndsWith(report_domain, ".")) report_domain.remove_suffix(1);
  std::string provider = absl::AsciiStrToLower(report_domain);
  if (provider.empty()) return false;
  for (const auto* list : {&policy.rua, &policy.ruf}) {
    for (const std::string& uri : *list) {
      std::string domain = DmarcUriDomain(uri);
      if (!domain.empty() && IsAtOrBelow(domain, provider)) return true;
    }
  }
  return false;
}

}  // namespace dnsd::config
