#include "config/block_heap.h"

#include <cstdlib>
#include <new>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define DNSD_BLOCK_HEAP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DNSD_BLOCK_HEAP_ASAN 1
#endif
#endif

#ifdef DNSD_BLOCK_HEAP_ASAN
#include <sanitizer/asan_interface.h>
#define DNSD_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define DNSD_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define DNSD_POISON(p, n) ((void)(p), (void)(n))
#define DNSD_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace dnsd::config {

// At the start of its 64 KiB, which it is aligned to: a block's slab is
// its address rounded down. Its blocks follow, all of one size, from the
// 16-octet boundary after it; those never handed out are the last (`fresh`
// on), those freed since are a list through their first octets.
struct alignas(SlabHeap::kStep) SlabHeap::Slab {
  Slab* prev = nullptr;
  Slab* next = nullptr;
  void* free = nullptr;
  uint32_t block_size = 0;
  uint32_t capacity = 0;
  uint32_t used = 0;
  uint32_t fresh = 0;

  char* first() { return reinterpret_cast<char*>(this + 1); }
  static Slab* Of(void* block) {
    return reinterpret_cast<Slab*>(reinterpret_cast<uintptr_t>(block) & ~(kSlabSize - 1));
  }
};

SlabHeap::~SlabHeap() {
  for (SizeClass& c : classes_) {
    if (c.spare != nullptr) {
      DNSD_UNPOISON(c.spare, kSlabSize);
      std::free(c.spare);
    }
  }
}

SlabHeap::Slab* SlabHeap::NewSlab(size_t block_size) {
  void* memory = std::aligned_alloc(kSlabSize, kSlabSize);
  if (memory == nullptr) throw std::bad_alloc();
  auto* slab = new (memory) Slab;
  slab->block_size = static_cast<uint32_t>(block_size);
  slab->capacity = static_cast<uint32_t>((kSlabSize - sizeof(Slab)) / block_size);
  DNSD_POISON(slab->first(), kSlabSize - sizeof(Slab));
  return slab;
}

void SlabHeap::Link(SizeClass& c, Slab* slab) {
  slab->prev = nullptr;
  slab->next = c.with_room;
  if (c.with_room != nullptr) c.with_room->prev = slab;
  c.with_room = slab;
}

void SlabHeap::Unlink(SizeClass& c, Slab* slab) {
  if (slab->prev != nullptr) slab->prev->next = slab->next;
  if (slab->next != nullptr) slab->next->prev = slab->prev;
  if (c.with_room == slab) c.with_room = slab->next;
  slab->prev = slab->next = nullptr;
}

void* SlabHeap::Allocate(size_t size) {
  if (size == 0) size = 1;
  if (size > kMaxSize) return ::operator new(size);
  size_t index = (size - 1) / kStep;
  SizeClass& c = classes_[index];
  std::lock_guard<std::mutex> lock(c.mu);
  Slab* slab = c.with_room;
  if (slab == nullptr) {
    if (c.spare != nullptr) {
      slab = std::exchange(c.spare, nullptr);
    } else {
      slab = NewSlab((index + 1) * kStep);
      ++c.slabs;
    }
    Link(c, slab);
  }
  char* block;
  if (slab->free != nullptr) {
    block = static_cast<char*>(slab->free);
    DNSD_UNPOISON(block, slab->block_size);
    slab->free = *reinterpret_cast<void**>(block);
  } else {
    block = slab->first() + size_t{slab->fresh++} * slab->block_size;
    DNSD_UNPOISON(block, slab->block_size);
  }
  if (++slab->used == slab->capacity) Unlink(c, slab);
  return block;
}

void SlabHeap::Free(void* block, size_t size) {
  if (block == nullptr) return;
  if (size == 0) size = 1;
  if (size > kMaxSize) {
    ::operator delete(block, size);
    return;
  }
  SizeClass& c = classes_[(size - 1) / kStep];
  Slab* slab = Slab::Of(block);
  std::lock_guard<std::mutex> lock(c.mu);
  bool was_full = slab->used == slab->capacity;
  *static_cast<void**>(block) = slab->free;
  slab->free = block;
  DNSD_POISON(block, slab->block_size);
  --slab->used;
  if (was_full) Link(c, slab);
  if (slab->used != 0) return;
  // Empty: kept as the spare, or given back.
  Unlink(c, slab);
  if (c.spare == nullptr) {
    slab->free = nullptr;
    slab->fresh = 0;
    c.spare = slab;
    return;
  }
  DNSD_UNPOISON(slab, kSlabSize);
  std::free(slab);
  --c.slabs;
}

size_t SlabHeap::slabs() const {
  size_t slabs = 0;
  for (const SizeClass& c : classes_) {
    std::lock_guard<std::mutex> lock(c.mu);
    slabs += c.slabs;
  }
  return slabs;
}

namespace {

#ifndef DNSD_BLOCK_HEAP_ASAN
SlabHeap& Blocks() {
  // Never destroyed: blocks may be freed by static destructors.
  static SlabHeap* heap = new SlabHeap;
  return *heap;
}
#endif

}  // namespace

void* BlockAlloc(size_t size) {
#ifdef DNSD_BLOCK_HEAP_ASAN
  return ::operator new(size);
#else
  return Blocks().Allocate(size);
#endif
}

void BlockFree(void* block, size_t size) {
#ifdef DNSD_BLOCK_HEAP_ASAN
  ::operator delete(block, size);
#else
  Blocks().Free(block, size);
#endif
}

}  // namespace dnsd::config
