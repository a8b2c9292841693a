#include "policy/spf/nspf.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace dnsd::config {

std::string NspfRelativeName(size_t i, absl::string_view domain) {
  return i == 0 ? absl::StrCat(domain, "._nspf") : absl::StrCat(domain, "._nspf", i + 1);
}

std::string NspfPartName(size_t i, absl::string_view domain, absl::string_view zone) {
  return absl::StrCat(NspfRelativeName(i, domain), ".", zone);
}

void WithNspfSource(const DomainConfig& d, const Catalog& catalog, absl::string_view spf_zone,
                    const RefreshedRanges* refreshed,
                    absl::FunctionRef<void(const spf::NspfSource&)> use) {
  std::vector<const std::vector<IpPrefix>*> ranges;
  for (const std::string& id : d.spf.senders) {
    if (const Sender* s = catalog.Find(id); s != nullptr) {
      ranges.push_back(&RangesInUse(*s, refreshed));
    }
  }
  use({.domain = d.domain,
       .zone = spf_zone,
       .blocked = d.mode == Mode::kBlocked,
       .fail_all = d.spf.all == AllQualifier::kFail,
       .netblocks = d.spf.netblocks,
       .sender_count = ranges.size(),
       .sender_ranges = [&](size_t i) { return absl::Span<const IpPrefix>(*ranges[i]); }});
}

std::string NspfTooLong() {
  return absl::StrCat("netblocks and sender ranges need more than ", spf::kMaxNspfParts,
                      " chained _nspf records, which would take a receiver past 10 DNS "
                      "look-ups");
}

namespace {

absl::StatusOr<std::vector<std::string>> NspfTexts(const spf::NspfSource& source) {
  size_t parts = spf::CountNspfParts(source);
  if (parts == 0) return absl::ResourceExhaustedError(NspfTooLong());
  std::vector<std::string> texts;
  std::string text(spf::kMaxNspfText, '\0');
  for (size_t i = 0; i < parts; ++i) {
    texts.emplace_back(text.data(), spf::WriteNspfPart(source, i, text.data()));
  }
  return texts;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> FlattenedSpf(const DomainConfig& d,
                                                       const Catalog& catalog,
                                                       absl::string_view spf_zone,
                                                       const RefreshedRanges* refreshed) {
  absl::StatusOr<std::vector<std::string>> texts;
  WithNspfSource(d, catalog, spf_zone, refreshed,
                 [&](const spf::NspfSource& source) { texts = NspfTexts(source); });
  return texts;
}

}  // namespace dnsd::config
