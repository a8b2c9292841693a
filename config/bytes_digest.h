// The digest of a file's bytes: XXH3, 64 bits, the same in every run of
// every build (unlike absl::Hash, which is seeded per process). A reload
// compares a file's bytes with its last read by it (config/domain_file.h),
// and a restart compares them with what the compiled image was written
// from (config/compiled_image.h).
#ifndef DNSD_CONFIG_BYTES_DIGEST_H_
#define DNSD_CONFIG_BYTES_DIGEST_H_

#include <cstdint>

#include <xxhash.h>

#include "absl/strings/string_view.h"

namespace dnsd::config {

inline uint64_t BytesDigest(absl::string_view bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_BYTES_DIGEST_H_
