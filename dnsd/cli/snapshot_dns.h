// The DNS a receiver would see, for `dnsd explain`: an spf::Dns answered
// by dnsd's own compiled snapshot.
//
// Every question is built as a query packet with ldns, run through the real
// query path (HandleQuery), and ldns parses the response: the verdict is
// what dnsd would really serve. Names outside dnsd's zones cannot be asked
// (no resolver here): the customer's published record is the one given;
// a catalog sender's include is answered from the ranges dnsd uses for it
// (refreshed, else the catalog's seed);
// anything else is "not resolved (outside dnsd)", which the evaluator sees
// as a failed look-up (temperror). Each question and where its answer came
// from is kept for the report. One evaluation, one thread.
#ifndef DNSD_CLI_SNAPSHOT_DNS_H_
#define DNSD_CLI_SNAPSHOT_DNS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/model.h"
#include "config/refreshed_ranges.h"
#include "config/snapshot.h"
#include "policy/spf/rfc7208/dns.h"

namespace dnsd::cli {

class SnapshotDns : public spf::Dns {
 public:
  struct Lookup {
    std::string question;  // "name TYPE"
    std::string source;    // "dnsd", "published", "catalog: <id>", "not resolved (outside dnsd)"
    std::string answer;    // the records, or NODATA / NXDOMAIN / temperror
  };

  // `published_domain` gets `published_record` as its TXT record.
  // `refreshed` (may be null) as the snapshot was compiled with.
  SnapshotDns(const config::Snapshot& snapshot, const config::Catalog& catalog,
              const config::RefreshedRanges* refreshed, std::string published_domain,
              std::string published_record);

  spf::DnsAnswer Txt(absl::string_view name) override;
  spf::DnsAnswer A(absl::string_view name) override;
  spf::DnsAnswer Aaaa(absl::string_view name) override;
  spf::DnsAnswer Mx(absl::string_view name) override;
  spf::DnsAnswer Ptr(absl::string_view name) override;

  const std::vector<Lookup>& lookups() const { return lookups_; }
  // Questions no source could answer.
  int unresolved() const { return unresolved_; }

 private:
  spf::DnsAnswer Ask(absl::string_view name, uint16_t qtype);
  // Through HandleQuery; false when dnsd does not serve the name (REFUSED).
  bool AskDnsd(absl::string_view name, uint16_t qtype, spf::DnsAnswer* answer);
  bool AskCatalog(absl::string_view name, uint16_t qtype, spf::DnsAnswer* answer,
                  std::string* source);

  const config::Snapshot& snapshot_;
  const config::Catalog& catalog_;
  const config::RefreshedRanges* refreshed_;
  std::string published_domain_;
  std::string published_record_;
  std::vector<Lookup> lookups_;
  int unresolved_ = 0;
};

}  // namespace dnsd::cli

#endif  // DNSD_CLI_SNAPSHOT_DNS_H_
