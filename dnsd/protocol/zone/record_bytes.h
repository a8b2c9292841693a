// The octets of an RRset's records: a copy of its own, sized exactly, or a
// view of octets that whoever holds the RRset keeps alive.
//
// A compiled domain holds its RRsets and their records in one block with
// its names (config/compiled_domain.h): there a record's octets are a view
// of the block, and cost no allocation and no rounding to the allocator's
// class. Everywhere else (the provider's records, tests, tools) an RRset
// owns its octets, as a std::string did, in 16 octets (12 inside an RRset,
// whose type and count take the rest) rather than 32.
//
// A copy of an owning RecordBytes copies the octets; a copy of a viewing
// one views the same octets, which must then outlive it too.
#ifndef DNSD_PROTOCOL_ZONE_RECORD_BYTES_H_
#define DNSD_PROTOCOL_ZONE_RECORD_BYTES_H_

#include <cstdint>
#include <cstring>
#include <ostream>
#include <utility>

#include "absl/strings/string_view.h"

namespace dnsd {

class RecordBytes {
 public:
  RecordBytes() = default;
  // A copy of `bytes`, owned.
  explicit RecordBytes(absl::string_view bytes) { Own(bytes); }
  // A view of `bytes`, which the caller keeps valid and unchanged.
  static RecordBytes Viewing(absl::string_view bytes) {
    RecordBytes out;
    out.data_ = bytes.data();
    out.size_ = static_cast<uint32_t>(bytes.size()) | kViewed;
    return out;
  }

  RecordBytes(const RecordBytes& other) {
    if (other.viewed()) {
      data_ = other.data_;
      size_ = other.size_;
    } else {
      Own(other.view());
    }
  }
  RecordBytes(RecordBytes&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  RecordBytes& operator=(RecordBytes other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~RecordBytes() {
    if (!viewed()) delete[] data_;
  }

  absl::string_view view() const { return absl::string_view(data_, size()); }
  operator absl::string_view() const { return view(); }  // implicit: they are the octets
  const char* data() const { return data_; }
  size_t size() const { return size_ & ~kViewed; }
  bool empty() const { return size() == 0; }
  bool viewed() const { return (size_ & kViewed) != 0; }

  friend bool operator==(const RecordBytes& a, const RecordBytes& b) {
    return a.view() == b.view();
  }
  friend bool operator==(const RecordBytes& a, absl::string_view b) { return a.view() == b; }
  friend std::ostream& operator<<(std::ostream& out, const RecordBytes& b) {
    return out << b.view();
  }

 private:
  static constexpr uint32_t kViewed = uint32_t{1} << 31;

  void Own(absl::string_view bytes) {
    if (bytes.empty()) return;
    char* copy = new char[bytes.size()];
    std::memcpy(copy, bytes.data(), bytes.size());
    data_ = copy;
    size_ = static_cast<uint32_t>(bytes.size());
  }

  const char* data_ = nullptr;
  uint32_t size_ = 0;  // the top bit: viewed
};

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ZONE_RECORD_BYTES_H_
