// Gives back to the kernel the heap a load or reload freed.
//
// A full reload builds a second model and a second snapshot beside the
// served ones, then frees the old ones; glibc keeps what was freed in its
// arenas (one per thread that read or compiled), so without this the
// process stays at its reload peak until the next reload reuses it. Control
// thread; it costs a walk over the arenas' free chunks, a few milliseconds
// at 100k domains, and nothing when little was freed.
#ifndef DNSD_CONTROL_MEMORY_RELEASE_H_
#define DNSD_CONTROL_MEMORY_RELEASE_H_

#include <cstddef>

namespace dnsd {

// Below this much free heap, trimming is not worth its walk.
inline constexpr size_t kReleaseThresholdBytes = 8u << 20;

// Returns the free heap of every arena to the kernel (malloc_trim) when at
// least `threshold` bytes of it are free; returns the free bytes found.
size_t ReleaseFreedMemory(size_t threshold = kReleaseThresholdBytes);

}  // namespace dnsd

#endif  // DNSD_CONTROL_MEMORY_RELEASE_H_
