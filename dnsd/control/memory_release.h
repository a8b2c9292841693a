// Gives back to the kernel the heap a load or reload freed.
//
// A full reload builds a second model and a second snapshot beside the
// served ones, then frees the old ones; the allocator keeps what was freed
// (glibc in its arenas, one per thread that read or compiled; jemalloc as
// dirty pages of its arenas, which it returns only as they age, over about
// ten seconds), so without this the process stays at its reload peak until
// the next reload reuses it. Control thread; it costs a walk over the free
// memory, a few milliseconds at 100k domains, and nothing when little was
// freed.
//
// The release dnsd links jemalloc (CMake option DNSD_JEMALLOC); tests and
// sanitizer builds run glibc's allocator. Which one runs is seen at run
// time (jemalloc's mallctl is linked or not), so one build of this file
// serves both.
#ifndef DNSD_CONTROL_MEMORY_RELEASE_H_
#define DNSD_CONTROL_MEMORY_RELEASE_H_

#include <cstddef>

namespace dnsd {

// Below this much free heap, trimming is not worth its walk.
inline constexpr size_t kReleaseThresholdBytes = 8u << 20;

// jemalloc's MALLCTL_ARENAS_ALL: "arena.4096.purge" purges every arena.
inline constexpr unsigned kJemallocArenasAll = 4096;

// Whether jemalloc is the allocator of this process.
bool JemallocLinked();

// What the allocator holds, at this moment.
struct HeapUsage {
  size_t allocated = 0;  // handed out and not yet freed
  // Freed but still mapped (glibc: its arenas' free chunks; jemalloc: the
  // dirty and muzzy pages), resident or not: what ReleaseFreedMemory would
  // give back.
  size_t free = 0;
};
// For the metrics endpoint and benchmarks: the heap a configuration holds,
// without the free memory and fragmentation that RSS also counts.
HeapUsage ReadHeapUsage();

// This process's resident memory (RSS), in bytes; 0 if unknown.
size_t ResidentBytes();

// Returns the free heap to the kernel when at least `threshold` bytes of it
// are free (glibc: malloc_trim; jemalloc: purges every arena's dirty and
// muzzy pages); returns the free bytes found.
size_t ReleaseFreedMemory(size_t threshold = kReleaseThresholdBytes);

}  // namespace dnsd

#endif  // DNSD_CONTROL_MEMORY_RELEASE_H_
