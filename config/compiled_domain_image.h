// One compiled domain written to the compiled image (config/compiled_image.h)
// and read back.
//
// Read back, a domain is the same as the compile it was written from
// (SameCompile), and serves the same octets: its lists are drafted from
// the image's bytes and sealed as a compile's are (CompiledDomain::Seal);
// each family reads back what it kept (RecordFamily::ReadData), and the
// DKIM family its keys as it holds them, as DER (RecordFamily::ReadRdata).
// What is read is checked as a network input would be: references in
// range, runs that add up, owner names in wire form below their zones.
// Bytes that fail give an error, never a domain that is half right.
#ifndef DNSD_CONFIG_COMPILED_DOMAIN_IMAGE_H_
#define DNSD_CONFIG_COMPILED_DOMAIN_IMAGE_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/compiled_domain.h"
#include "config/family.h"
#include "config/image_bytes.h"
#include "config/provider_records.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

// Writes `d` as one record (its length, its bytes, their BytesDigest). False, with
// nothing written, if it holds what the image cannot carry: a family's
// data the family cannot write, or records of a provider other than its
// own (d.provider). Such a domain is compiled afresh when the image is
// read.
bool WriteCompiledDomain(const CompiledDomain& d, ImageWriter& out);

// What reading a domain needs of the provider records it was compiled
// against, worked out once for the many domains of an image.
class ImageProvider {
 public:
  explicit ImageProvider(std::shared_ptr<const ProviderRecords> provider);
  ImageProvider(const ImageProvider&) = delete;
  ImageProvider& operator=(const ImageProvider&) = delete;

  const std::shared_ptr<const ProviderRecords>& records() const { return records_; }
  // The apex of the provider's zone of each kind; null where it has none.
  const std::array<const std::string*, kZoneKindCount>& zones() const { return by_kind_; }

 private:
  std::shared_ptr<const ProviderRecords> records_;
  std::vector<ProviderZone> zones_;
  std::array<const std::string*, kZoneKindCount> by_kind_{};
};

// Reads one record WriteCompiledDomain wrote, as compiled against
// `provider` (which must serve what the writer's provider served: the
// image says so, config/compiled_image.h).
absl::StatusOr<CompiledDomainList::Ptr> ReadCompiledDomain(ImageReader& in,
                                                           const ImageProvider& provider);
absl::StatusOr<CompiledDomainList::Ptr> ReadCompiledDomain(
    ImageReader& in, std::shared_ptr<const ProviderRecords> provider);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_COMPILED_DOMAIN_IMAGE_H_
