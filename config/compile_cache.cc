#include "config/compile_cache.h"

namespace dnsd::config {

absl::StatusOr<std::shared_ptr<const ProviderRecords>> CompileCache::Provider(
    const ProviderSettings& settings) {
  if (provider_ == nullptr || provider_->settings != settings) {
    auto compiled = CompileProviderRecords(settings);
    if (!compiled.ok()) return compiled.status();
    provider_ = *std::move(compiled);
  }
  return provider_;
}

std::vector<std::shared_ptr<const CompiledDomain>> CompileCache::Find(
    const DomainList& domains, const std::vector<uint64_t>& inputs_digests,
    const ProviderRecords* provider) const {
  std::vector<std::shared_ptr<const CompiledDomain>> found(domains.size());
  // Both lists are sorted by name: one walk down both, no lookups.
  auto cached = domains_.begin();
  for (size_t i = 0; i < domains.size(); ++i) {
    const DomainConfig& d = domains[i];
    while (cached != domains_.end() && (*cached)->domain < d.domain) ++cached;
    if (cached == domains_.end()) break;
    const CompiledDomain& c = **cached;
    if (d.version != 0 && c.domain == d.domain && c.version == d.version &&
        c.provider.get() == provider && c.inputs_digest == inputs_digests[i]) {
      found[i] = *cached;
    }
  }
  return found;
}

}  // namespace dnsd::config
