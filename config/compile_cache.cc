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

}  // namespace dnsd::config
