// What the last compile produced, kept so that the next one compiles only
// what changed: a domain is compiled again only if its file was re-read
// (DomainConfig::version), the provider settings a compile reads changed
// (RecordSettings: not the SOA, NS or TTL), or the ranges of a
// sender it names did. Everything else is taken as it is, and the new
// snapshot shares it with the old one.
//
// Used by one thread at a time (the control thread), like ConfigState.
#ifndef DNSD_CONFIG_COMPILE_CACHE_H_
#define DNSD_CONFIG_COMPILE_CACHE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/status/statusor.h"
#include "config/compiled_domain.h"
#include "config/domain_list.h"
#include "config/provider_records.h"
#include "config/snapshot.h"

namespace dnsd::config {

class CompiledImage;  // config/compiled_image.h

class CompileCache {
 public:
  // The provider records for `settings`: the last ones if what a domain's
  // compile reads of them is unchanged (RecordSettings).
  absl::StatusOr<std::shared_ptr<const ProviderRecords>> Provider(
      const ProviderSettings& settings);

  // The few compiled domains a compile must look at again or report
  // whatever changed: kept as the list is edited, so that a reload of a few
  // domains never walks them all.
  struct Marked {
    // On a schedule (CompiledDomain::scheduled): compiled again when they
    // pass one of their instants.
    absl::btree_set<std::string> scheduled;
    // With errors or warnings of their compile, in name order.
    std::map<std::string, CompiledDomainList::Ptr, std::less<>> with_errors;

    static Marked Of(const CompiledDomainList& domains);
    void Apply(const std::vector<CompiledDomainList::Ptr>& removed,
               const std::vector<CompiledDomainList::Ptr>& added);
  };

  // Replaces the cache with what the compile that just finished used
  // (sorted by name), and the tables it linked them into.
  void Keep(CompiledDomainList domains, std::unique_ptr<const Snapshot> tables,
            Marked marked = {}) {
    domains_ = std::move(domains);
    tables_ = std::move(tables);
    marked_ = std::move(marked);
  }
  const Marked& marked() const { return marked_; }
  const absl::btree_set<std::string>& scheduled() const { return marked_.scheduled; }

  // The domains the last compile linked, sorted by name.
  const CompiledDomainList& domains() const { return domains_; }
  // The last compile's persistent tables (zones, the families' own, the
  // link totals), shared with the snapshot it made: the next link starts
  // from them and changes only what changed. Null before the first.
  const Snapshot* tables() const { return tables_.get(); }
  // The catalog's digests the last compile used.
  const CatalogDigests* catalog() const { return catalog_ ? &*catalog_ : nullptr; }
  void KeepCatalog(CatalogDigests catalog) { catalog_ = std::move(catalog); }
  // The sender numbers every compile with this cache uses.
  SenderNumbers& sender_numbers() { return senders_; }
  const SenderNumbers& sender_numbers() const { return senders_; }

  size_t size() const { return domains_.size(); }

  // Compiled domains of a compiled image (config/compiled_image.h), by
  // name: what the next compile takes for a domain the cache has no
  // compile of, on the same terms (the same read of its file, the same
  // inputs), reading it on its compile threads while the domains before
  // it are linked. LoadAndCompile forgets them once that compile ends,
  // whether it succeeded or not (the image's mapping goes with them).
  struct ImageDomain {
    absl::string_view name;
    uint64_t version = 0;
    uint64_t inputs_digest = 0;
    bool scheduled = false;
    absl::string_view record;  // ReadCompiledDomain's input
  };
  void KeepImage(std::shared_ptr<const CompiledImage> image, std::vector<ImageDomain> domains) {
    image_ = std::move(image);
    image_domains_ = std::move(domains);
  }
  void ForgetImage() {
    image_domains_.clear();
    image_domains_.shrink_to_fit();
    image_ = nullptr;
  }
  const std::vector<ImageDomain>& image_domains() const { return image_domains_; }

 private:
  std::shared_ptr<const ProviderRecords> provider_;
  CompiledDomainList domains_;  // sorted by domain
  Marked marked_;
  std::unique_ptr<const Snapshot> tables_;
  std::optional<CatalogDigests> catalog_;
  SenderNumbers senders_;
  std::shared_ptr<const CompiledImage> image_;  // holds image_domains_' bytes
  std::vector<ImageDomain> image_domains_;      // sorted by name
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_COMPILE_CACHE_H_
