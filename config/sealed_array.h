// An array built once, from a vector, and never grown: what a compiled
// domain keeps of each list its compile made.
//
// A std::vector is 24 octets, for a capacity a kept list never uses; a
// compiled domain has seven lists, and the domain itself is allocated for
// every one of a million domains. This is 16 (the elements and their
// count), and a list with nothing allocates nothing.
#ifndef DNSD_CONFIG_SEALED_ARRAY_H_
#define DNSD_CONFIG_SEALED_ARRAY_H_

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace dnsd::config {

template <typename T>
class SealedArray {
 public:
  SealedArray() = default;
  explicit SealedArray(std::vector<T>&& items) : size_(static_cast<uint32_t>(items.size())) {
    if (size_ == 0) return;
    // Not new[]: its count ahead of the elements would take a size class
    // up for some lists (two zones of 80 octets: 168, not 160).
    data_ = std::allocator<T>().allocate(size_);
    std::uninitialized_move(items.begin(), items.end(), data_);
    items.clear();
  }
  SealedArray(SealedArray&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  SealedArray& operator=(SealedArray&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~SealedArray() {
    if (data_ == nullptr) return;
    std::destroy_n(data_, size_);
    std::allocator<T>().deallocate(data_, size_);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  operator std::span<const T>() const { return {begin(), size_}; }  // NOLINT: a view

 private:
  T* data_ = nullptr;
  uint32_t size_ = 0;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_SEALED_ARRAY_H_
