// The RDATA of a one-record RRset kept apart from it (RRset::rdata), held
// by reference count, and written to the answer by what holds it.
//
// A DKIM key is the largest thing most domains have. Its record is made
// once, when the file is read, and the compiled record serves that very
// object; a form of its own (policy/dkim/dkim_record.h) holds the key as
// the DER its base64 spells, three quarters of the text, and writes the
// text per answer. Everything else here sees only the bytes it writes.
//
// The count is in the object, not in a shared_ptr's control block: the
// 16 octets it saves are what keeps a 2048-bit key's record in the
// allocator's 320-octet class rather than the 384.
#ifndef DNSD_PROTOCOL_ZONE_APART_RDATA_H_
#define DNSD_PROTOCOL_ZONE_APART_RDATA_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace dnsd {

class ApartRdata {
 public:
  ApartRdata(const ApartRdata&) = delete;
  ApartRdata& operator=(const ApartRdata&) = delete;

  // The RDATA's length, and the RDATA written to `out`, which has room for
  // exactly that many octets. Write allocates nothing: it runs per answer.
  virtual size_t size() const = 0;
  virtual void Write(char* out) const = 0;

  // The RDATA as a string (control plane: digests, comparisons, tools).
  std::string Bytes() const;
  // Whether `other` writes the same octets. A form may compare what it
  // holds with another of its own kind without writing either (a reload
  // compares each key of a re-read file with every key it had).
  virtual bool Same(const ApartRdata& other) const { return Bytes() == other.Bytes(); }

  void Ref() const { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() const {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) Destroy();
  }

 protected:
  ApartRdata() = default;
  virtual ~ApartRdata() = default;
  // Frees this object as it was allocated (the forms with trailing bytes
  // are not allocated by `new`).
  virtual void Destroy() const = 0;

 private:
  mutable std::atomic<uint32_t> refs_{0};
};

// Whether two apart RDATAs, or none and none, write the same octets.
bool SameRdata(const ApartRdata* a, const ApartRdata* b);

// A counted reference to an ApartRdata.
class RdataRef {
 public:
  RdataRef() = default;
  explicit RdataRef(const ApartRdata* rdata) : rdata_(rdata) {
    if (rdata_ != nullptr) rdata_->Ref();
  }
  RdataRef(const RdataRef& other) : RdataRef(other.rdata_) {}
  RdataRef(RdataRef&& other) noexcept : rdata_(std::exchange(other.rdata_, nullptr)) {}
  RdataRef& operator=(RdataRef other) noexcept {
    std::swap(rdata_, other.rdata_);
    return *this;
  }
  ~RdataRef() {
    if (rdata_ != nullptr) rdata_->Unref();
  }

  const ApartRdata* get() const { return rdata_; }
  const ApartRdata& operator*() const { return *rdata_; }
  const ApartRdata* operator->() const { return rdata_; }
  explicit operator bool() const { return rdata_ != nullptr; }

 private:
  const ApartRdata* rdata_ = nullptr;
};

// RDATA held as its octets, in the same allocation as the count.
class BytesRdata final : public ApartRdata {
 public:
  static RdataRef Make(absl::string_view bytes);

  size_t size() const override { return size_; }
  void Write(char* out) const override;

 private:
  explicit BytesRdata(size_t size) : size_(size) {}
  void Destroy() const override;
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }

  size_t size_;
};

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ZONE_APART_RDATA_H_
