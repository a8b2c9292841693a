// Where compiled domains' blocks (config/sealed_lists.h) are allocated: in
// size classes 16 octets apart, not the allocator's.
//
// A million domains each keep one block of a few hundred octets. jemalloc
// rounds a block of 513 to 640 octets up to 640, one of 641 to 768 up to
// 768, and so on: 60 octets a domain on average at gen_config's shape, for
// nothing. Here a block of n octets takes n rounded up to 16, from slabs
// of 64 KiB that hold blocks of one size each. A slab is given back to the
// allocator once its last block is freed (a reload that rewrites every
// domain frees every old slab, if it keeps none of the old blocks: a
// hundred a slab, one kept keeps the slab, which is why such a compile
// keeps no old compile, config/compile.cc's Rehome), and one empty slab a
// class is kept for the next block.
//
// Each class has its own lock: blocks are allocated by the compile's
// threads and freed by whichever thread drops the last snapshot holding
// them, never on the query path.
#ifndef DNSD_CONFIG_BLOCK_HEAP_H_
#define DNSD_CONFIG_BLOCK_HEAP_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace dnsd::config {

class SlabHeap {
 public:
  static constexpr size_t kSlabSize = size_t{64} << 10;
  static constexpr size_t kStep = 16;
  // Larger blocks go to the allocator: at least 16 fit a slab.
  static constexpr size_t kMaxSize = 4096;

  SlabHeap() = default;
  SlabHeap(const SlabHeap&) = delete;
  SlabHeap& operator=(const SlabHeap&) = delete;
  // Gives back every slab; every block must have been freed.
  ~SlabHeap();

  // Like operator new and sized delete: Free takes only what Allocate
  // gave, with the size it was asked for. Aligned to 16.
  void* Allocate(size_t size);
  void Free(void* block, size_t size);

  // Slabs held, empty ones included: for tests.
  size_t slabs() const;

 private:
  struct Slab;
  struct SizeClass {
    mutable std::mutex mu;
    Slab* with_room = nullptr;  // slabs with a free block, a list
    Slab* spare = nullptr;      // an empty slab kept for the next block
    size_t slabs = 0;
  };
  static constexpr size_t kClasses = kMaxSize / kStep;

  Slab* NewSlab(size_t block_size);
  static void Unlink(SizeClass& c, Slab* slab);
  static void Link(SizeClass& c, Slab* slab);

  std::array<SizeClass, kClasses> classes_;
};

// The process's heap of blocks. Under AddressSanitizer, blocks are plain
// operator new, so that a read past a block's end is caught.
void* BlockAlloc(size_t size);
void BlockFree(void* block, size_t size);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_BLOCK_HEAP_H_
