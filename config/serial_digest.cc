#include "config/serial_digest.h"

#include "absl/container/fixed_array.h"

namespace dnsd::config {

void SerialDigest::Mix(absl::string_view bytes) {
  for (unsigned char c : bytes) {
    hash_ ^= c;
    hash_ *= 1099511628211ull;  // FNV-1a 64 prime
  }
}

// Separates fields, so ("ab","c") and ("a","bc") digest differently.
void SerialDigest::Close() {
  hash_ ^= 0xff;
  hash_ *= 1099511628211ull;
}

void SerialDigest::Add(absl::string_view bytes) {
  Mix(bytes);
  Close();
}

void SerialDigest::Add(const RRset& rrset) {
  Mix(rrset.records);
  if (rrset.rdata != nullptr) {
    // Written as served: a DKIM key's record is held as DER (apart_rdata.h).
    absl::FixedArray<char, 1024> rdata(rrset.rdata->size());
    rrset.rdata->Write(rdata.data());
    Mix(absl::string_view(rdata.data(), rdata.size()));
  }
  Close();
}

uint64_t DigestOf(absl::string_view owner, const RRset& rrset) {
  SerialDigest digest;
  digest.Add(owner);
  digest.Add(rrset);
  return digest.value();
}

}  // namespace dnsd::config
