#include "dnsd/control/memory_release.h"

#include <malloc.h>

namespace dnsd {

size_t ReleaseFreedMemory(size_t threshold) {
  // fordblks counts the free chunks of every arena, not only the main one.
  size_t free_bytes = mallinfo2().fordblks;
  if (free_bytes >= threshold) malloc_trim(0);
  return free_bytes;
}

}  // namespace dnsd
