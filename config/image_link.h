// A start from a compiled image links the image's compiled domains while
// the load lists and stats the domain files, on threads of its own.
//
// At a million domains the link is a restart's longest step (5 s of 9),
// and one thread's work; it used to begin only once the listing and the
// stats (3 s) had said which files were unchanged. What the image holds is
// what the files held when it was written, and on a restart most still do:
// linked from the image at once, the tables are ready about when the load
// is. The compile then takes them as a reload takes the last compile's
// tables (CompileCache::Keep): it links only the domains whose files
// changed since, and the snapshot is the one a link of every domain gives
// (CompiledImageTest). If a record does not read whole or the link gave
// an error (a part left out), nothing of it is kept, and the start goes on
// as without it.
//
//   Start (the first Load, ConfigState::OnImageAccepted)
//     -> reading thread: each record, ReadCompiledDomain, in name order
//     -> linking thread: each domain as it is read (LinkInNameOrder)
//   Finish (before the compile) -> CompileCache::Keep
#ifndef DNSD_CONFIG_IMAGE_LINK_H_
#define DNSD_CONFIG_IMAGE_LINK_H_

#include <atomic>
#include <cstddef>
#include <future>
#include <memory>
#include <vector>

#include "config/compile.h"
#include "config/compile_cache.h"
#include "config/compiled_domain_image.h"
#include "config/compiled_image.h"
#include "config/parallel.h"

namespace dnsd::config {

class ImageLink {
 public:
  // Starts reading and linking the compiled domains of `image`, as
  // compiled with `cache`'s provider records for `server` (its sender
  // numbers are restored into `cache`, a fresh one). Null if they do not
  // read whole, or the provider records do not compile: the start then
  // takes the image as it would without an ImageLink.
  static std::unique_ptr<ImageLink> Start(std::shared_ptr<const CompiledImage> image,
                                          const ServerConfig& server, CompileCache& cache);
  ImageLink(const ImageLink&) = delete;
  ImageLink& operator=(const ImageLink&) = delete;
  ~ImageLink();  // waits for its threads

  // Waits for the link, telling `progress` (may be null) how far it got
  // about every two seconds. Then, with `keep`, if every record read whole
  // and the link gave no error, gives `cache` the domains and their tables
  // and returns how many domains; else 0, and `cache` keeps none of them.
  size_t Finish(CompileCache& cache, bool keep, const CompileProgressFn& progress);

 private:
  ImageLink(std::shared_ptr<const CompiledImage> image,
            std::vector<CompileCache::ImageDomain> records);
  void Read(size_t i);

  std::shared_ptr<const CompiledImage> image_;  // holds the records' bytes
  std::vector<CompileCache::ImageDomain> records_;
  std::unique_ptr<ImageProvider> provider_;
  std::vector<CompiledDomainList::Ptr> domains_;
  InOrderHandoff<CompiledDomain> handoff_;
  CompiledDomain unread_;  // handed over for a record that does not read whole
  std::atomic<bool> failed_{false};
  std::atomic<size_t> linked_{0};
  // Last: destroyed (waited for) before what they use.
  std::future<void> reading_;
  std::future<std::unique_ptr<const Snapshot>> linking_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_IMAGE_LINK_H_
