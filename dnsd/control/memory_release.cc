#include "dnsd/control/memory_release.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

// jemalloc's control interface, declared weak rather than through
// <jemalloc/jemalloc.h>: null unless jemalloc is linked into the process.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp,
                       size_t newlen) __attribute__((weak));

namespace dnsd {

namespace {

const std::string kArenasAll = std::to_string(kJemallocArenasAll);

// A size_t statistic of every arena together, in pages; 0 if unknown.
size_t ArenasPages(const char* stat) {
  size_t pages = 0;
  size_t size = sizeof(pages);
  std::string name = "stats.arenas." + kArenasAll + "." + stat;
  if (mallctl(name.c_str(), &pages, &size, nullptr, 0) != 0) return 0;
  return pages;
}

// Statistics are a snapshot taken at each new epoch.
void JemallocRefreshStats() {
  uint64_t epoch = 1;
  size_t size = sizeof(epoch);
  mallctl("epoch", &epoch, &size, &epoch, sizeof(epoch));
}

// jemalloc: the dirty and muzzy pages, which hold no allocation but are
// (or may be) resident, and a purge returns. Reads the statistics as the
// last refresh left them.
size_t JemallocFreeBytes() {
  size_t page = 0;
  size_t size = sizeof(page);
  if (mallctl("arenas.page", &page, &size, nullptr, 0) != 0) {
    page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  }
  return (ArenasPages("pdirty") + ArenasPages("pmuzzy")) * page;
}

void JemallocPurge() {
  std::string name = "arena." + kArenasAll + ".purge";
  mallctl(name.c_str(), nullptr, nullptr, nullptr, 0);
}

}  // namespace

bool JemallocLinked() { return mallctl != nullptr; }

size_t ResidentBytes() {
  // statm's second field: resident pages.
  FILE* f = std::fopen("/proc/self/statm", "re");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  int got = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return got == 2 ? resident * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}

HeapUsage ReadHeapUsage() {
  HeapUsage usage;
  if (JemallocLinked()) {
    JemallocRefreshStats();
    size_t size = sizeof(usage.allocated);
    if (mallctl("stats.allocated", &usage.allocated, &size, nullptr, 0) != 0) usage.allocated = 0;
    usage.free = JemallocFreeBytes();
    return usage;
  }
  // uordblks: chunks in use in every arena; hblkhd: blocks mmap'ed on
  // their own (large ones), which are in use by definition; fordblks: the
  // free chunks of every arena, not only the main one.
  struct mallinfo2 info = mallinfo2();
  usage.allocated = info.uordblks + info.hblkhd;
  usage.free = info.fordblks;
  return usage;
}

size_t ReleaseFreedMemory(size_t threshold) {
  size_t free_bytes = ReadHeapUsage().free;
  if (free_bytes >= threshold) {
    if (JemallocLinked()) {
      JemallocPurge();
    } else {
      malloc_trim(0);
    }
  }
  return free_bytes;
}

}  // namespace dnsd
