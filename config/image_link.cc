#include "config/image_link.h"

#include <chrono>
#include <utility>

#include "config/image_bytes.h"

namespace dnsd::config {

std::unique_ptr<ImageLink> ImageLink::Start(std::shared_ptr<const CompiledImage> image,
                                            const ServerConfig& server, CompileCache& cache) {
  absl::StatusOr<std::shared_ptr<const ProviderRecords>> provider =
      cache.Provider(server.provider);
  if (!provider.ok() || !RestoreSenderNumbers(*image, cache.sender_numbers()).ok()) {
    return nullptr;
  }
  absl::StatusOr<std::vector<CompileCache::ImageDomain>> records = ImageDomains(*image);
  if (!records.ok()) return nullptr;
  std::unique_ptr<ImageLink> link(new ImageLink(std::move(image), *std::move(records)));
  link->provider_ = std::make_unique<ImageProvider>(*provider);
  ImageLink* self = link.get();
  // One reader keeps the linker fed: reading a record costs about half
  // what linking it does.
  self->linking_ = std::async(std::launch::async, [self, server, provider = *provider,
                                                   &senders = cache.sender_numbers()] {
    return LinkInNameOrder(server, provider, senders, self->handoff_, self->linked_);
  });
  self->reading_ = std::async(std::launch::async, [self] {
    for (size_t i = 0; i < self->records_.size(); ++i) self->Read(i);
  });
  return link;
}

ImageLink::ImageLink(std::shared_ptr<const CompiledImage> image,
                     std::vector<CompileCache::ImageDomain> records)
    : image_(std::move(image)),
      records_(std::move(records)),
      domains_(records_.size()),
      handoff_(records_.size()) {}

ImageLink::~ImageLink() {
  if (reading_.valid()) reading_.wait();
  if (linking_.valid()) linking_.wait();
}

void ImageLink::Read(size_t i) {
  const CompileCache::ImageDomain& record = records_[i];
  ImageReader in(record.record);
  absl::StatusOr<CompiledDomainList::Ptr> read = ReadCompiledDomain(in, *provider_);
  // Scheduled compiles are never written; one read as such is not the
  // record written, as is one of another name.
  if (!read.ok() || (*read)->domain() != record.name || (*read)->scheduled) {
    failed_.store(true, std::memory_order_relaxed);
    handoff_.Put(i, &unread_);  // the linker takes every index
    return;
  }
  domains_[i] = *std::move(read);
  handoff_.Put(i, domains_[i].get());
}

size_t ImageLink::Finish(CompileCache& cache, bool keep, const CompileProgressFn& progress) {
  size_t total = records_.size();
  while (linking_.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
    if (progress) progress(linked_.load(std::memory_order_relaxed), total, /*linking=*/true);
  }
  reading_.get();
  std::unique_ptr<const Snapshot> tables = linking_.get();
  if (!keep || failed_.load() || tables == nullptr) return 0;
  cache.Keep(CompiledDomainList(domains_), std::move(tables));
  return total;
}

}  // namespace dnsd::config
