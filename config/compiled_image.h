// The compiled image: what `dnsd serve` knows of its configuration when it
// stops, written to <state_dir>/compiled.image, so that the next start
// serves unchanged files without reading or compiling them again (NSD kept
// its zones in nsd.db for the same reason).
//
// It is a cache, never a source: every domain file it holds is taken only
// if the file still carries the stamp (mtime, ctime, inode, size) it had
// when it was read, and only if the server file and the catalog hold the
// bytes they held then; every compiled domain only as the compile cache
// takes a compile on a reload (the same read of its file, the same
// provider records, the same digest of its senders' ranges). A file that
// changed is read, and a domain whose inputs changed compiled, as on any
// reload. An image written by another build of dnsd, or that does not read
// whole, is not used at all; the start is then a cold one.
//
// Layout (config/image_bytes.h's encoding):
//   "dnsd compiled image", format, the writing binary's GNU build id,
//   digests (BytesDigest) of the server file and the catalog, time written,
//   the highest read version the writer gave, the digest of all that;
//   then three sections, each its length (U64) and its bytes:
//   senders   the compile cache's sender numbers (config/compiled_domain.h),
//             as one digested record (ImageWriter::Digested)
//   files     ConfigState::WriteImageFiles, in name order
//   domains   one record per compiled domain (config/compiled_domain_image.h),
//             in name order
#ifndef DNSD_CONFIG_COMPILED_IMAGE_H_
#define DNSD_CONFIG_COMPILED_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/compile_cache.h"
#include "config/model.h"

namespace dnsd::config {

struct LoadState;    // config/load_and_compile.h

// Its name in the state folder.
inline constexpr char kImageFileName[] = "compiled.image";

class CompiledImage {
 public:
  // Maps the image at `path`. An error if there is none, or if it is not
  // an image this very build of dnsd wrote.
  static absl::StatusOr<std::unique_ptr<CompiledImage>> Open(const std::string& path);
  ~CompiledImage();
  CompiledImage(const CompiledImage&) = delete;
  CompiledImage& operator=(const CompiledImage&) = delete;

  uint64_t server_digest() const { return server_digest_; }
  uint64_t catalog_digest() const { return catalog_digest_; }
  int64_t written_at() const { return written_at_; }  // Unix seconds
  // Every read version the writing process gave, and so every version in
  // the image, is at most this: a reading process numbers its own reads
  // past it (ReserveReadVersions), or a new read of a file could take the
  // version of another's compile and be paired with it.
  uint64_t max_version() const { return max_version_; }
  size_t size() const { return size_; }
  // The sections, views of the mapped file.
  absl::string_view senders() const { return senders_; }
  absl::string_view files() const { return files_; }
  absl::string_view domains() const { return domains_; }

 private:
  CompiledImage() = default;

  void* map_ = nullptr;
  size_t size_ = 0;
  uint64_t server_digest_ = 0, catalog_digest_ = 0;
  int64_t written_at_ = 0;
  uint64_t max_version_ = 0;
  absl::string_view senders_, files_, domains_;
};

struct ImageCounts {
  size_t files = 0;    // domain files written
  size_t domains = 0;  // compiled domains written
  size_t bytes = 0;
};

// Writes the image of `state` to `path`: to a temporary file beside it,
// synced, then renamed over it, so that a reader sees the old image or the
// new one. An error (and no image) if the server file or the catalog
// changed since the last load, or this binary has no build id.
absl::StatusOr<ImageCounts> WriteCompiledImage(const LoadState& state, const std::string& path);

// The image's sender numbers into `numbers`: a fresh set, or one that
// holds these very numbers already.
absl::Status RestoreSenderNumbers(const CompiledImage& image, SenderNumbers& numbers);
// The image's compiled domains, in name order, each as the compile decides
// on it before reading it (a record out of order is left out).
absl::StatusOr<std::vector<CompileCache::ImageDomain>> ImageDomains(const CompiledImage& image);

// Puts the image's sender numbers into `cache`, a fresh one, and its
// compiled domains, for the first compile to read those it takes
// (CompileCache::KeepImage). Returns how many it holds.
absl::StatusOr<size_t> OfferCompiled(std::shared_ptr<const CompiledImage> image,
                                       CompileCache& cache);

// The running binary's GNU build id, hex; empty if it has none.
std::string BuildId();

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_COMPILED_IMAGE_H_
