#include "dnsd/protocol/zone/apart_rdata.h"

#include <cstring>
#include <new>

namespace dnsd {

std::string ApartRdata::Bytes() const {
  std::string out(size(), '\0');
  Write(out.data());
  return out;
}

bool SameRdata(const ApartRdata* a, const ApartRdata* b) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr || a->size() != b->size()) return false;
  return a->Same(*b);
}

RdataRef BytesRdata::Make(absl::string_view bytes) {
  void* at = ::operator new(sizeof(BytesRdata) + bytes.size());
  auto* rdata = new (at) BytesRdata(bytes.size());
  if (!bytes.empty()) std::memcpy(reinterpret_cast<char*>(rdata + 1), bytes.data(), bytes.size());
  return RdataRef(rdata);
}

void BytesRdata::Write(char* out) const {
  if (size_ != 0) std::memcpy(out, bytes(), size_);
}

void BytesRdata::Destroy() const {
  this->~BytesRdata();
  ::operator delete(const_cast<BytesRdata*>(this));
}

}  // namespace dnsd
