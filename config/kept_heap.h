// Where what dnsd keeps of a domain file for as long as the file is
// served, and allocates while it reads the file, is allocated: apart from
// everything the read makes and drops.
//
// A read allocates the file's YAML tree and model beside the few objects
// it keeps (its diagnostics), on the same threads, a million times over at
// a million domains. From one heap, the kept objects end up scattered over
// pages whose other slots are freed once the models are released: the
// allocator's pages of small objects stay resident half empty. jemalloc's
// own arena for the kept objects packs them page after page instead.
// Without jemalloc (the sanitizer builds) this is plain operator new.
#ifndef DNSD_CONFIG_KEPT_HEAP_H_
#define DNSD_CONFIG_KEPT_HEAP_H_

#include <cstddef>

namespace dnsd::config {

// Like operator new and sized delete; thread-safe. KeptFree takes only
// what KeptAlloc gave, with its size.
void* KeptAlloc(size_t size);
void KeptFree(void* p, size_t size);

// For containers and std::allocate_shared.
template <typename T>
struct KeptAllocator {
  using value_type = T;
  KeptAllocator() = default;
  template <typename U>
  KeptAllocator(const KeptAllocator<U>&) {}  // NOLINT: rebinding, as allocators do
  T* allocate(size_t n) { return static_cast<T*>(KeptAlloc(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { KeptFree(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const KeptAllocator<U>&) const {
    return true;
  }
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_KEPT_HEAP_H_
