#include "config/kept_heap.h"

#include <new>

// jemalloc's non-standard interface, declared weak (as in
// dnsd/control/memory_release.cc): null unless jemalloc is linked into the
// process. The flag values are those of <jemalloc/jemalloc.h>.
extern "C" {
void* mallocx(size_t size, int flags) __attribute__((weak));
void sdallocx(void* p, size_t size, int flags) __attribute__((weak));
int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));
}

namespace dnsd::config {
namespace {

constexpr int kTcacheNone = 1 << 8;  // MALLOCX_TCACHE_NONE
int ArenaFlag(unsigned arena) { return static_cast<int>(arena + 1) << 20; }  // MALLOCX_ARENA

// The flags that allocate from the kept arena, or -1 without one. Not
// through the thread's cache: it would hand a freed kept slot to the next
// allocation of that size, whatever that is for.
int KeptFlags() {
  static const int flags = [] {
    if (mallocx == nullptr || sdallocx == nullptr || mallctl == nullptr) return -1;
    unsigned arena = 0;
    size_t size = sizeof(arena);
    if (mallctl("arenas.create", &arena, &size, nullptr, 0) != 0) return -1;
    return ArenaFlag(arena) | kTcacheNone;
  }();
  return flags;
}

}  // namespace

void* KeptAlloc(size_t size) {
  int flags = KeptFlags();
  if (flags < 0) return ::operator new(size);
  void* p = mallocx(size == 0 ? 1 : size, flags);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void KeptFree(void* p, size_t size) {
  if (p == nullptr) return;
  int flags = KeptFlags();
  if (flags < 0) {
    ::operator delete(p, size);
    return;
  }
  sdallocx(p, size == 0 ? 1 : size, flags);
}

}  // namespace dnsd::config
