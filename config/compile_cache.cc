#include "config/compile_cache.h"

namespace dnsd::config {

absl::StatusOr<std::shared_ptr<const ProviderRecords>> CompileCache::Provider(
    const ProviderSettings& settings) {
  // Only what a domain's compile reads: a change of the zones' SOA, NS or
  // TTL (ZoneCommon) keeps every compiled domain.
  if (provider_ == nullptr || provider_->settings != RecordSettings(settings)) {
    auto compiled = CompileProviderRecords(settings);
    if (!compiled.ok()) return compiled.status();
    provider_ = *std::move(compiled);
  }
  return provider_;
}

CompileCache::Marked CompileCache::Marked::Of(const CompiledDomainList& domains) {
  Marked marked;
  for (const CompiledDomainList::Ptr& d : domains) {
    if (d->scheduled) marked.scheduled.insert(std::string(d->domain()));
    if (!d->errors().empty()) marked.with_errors.emplace(d->domain(), d);
  }
  return marked;
}

void CompileCache::Marked::Apply(const std::vector<CompiledDomainList::Ptr>& removed,
                                 const std::vector<CompiledDomainList::Ptr>& added) {
  for (const CompiledDomainList::Ptr& d : removed) {
    scheduled.erase(d->domain());
    if (auto it = with_errors.find(d->domain()); it != with_errors.end()) with_errors.erase(it);
  }
  for (const CompiledDomainList::Ptr& d : added) {
    if (d->scheduled) scheduled.insert(std::string(d->domain()));
    if (!d->errors().empty()) with_errors.insert_or_assign(std::string(d->domain()), d);
  }
}

}  // namespace dnsd::config
