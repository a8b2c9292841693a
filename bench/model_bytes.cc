// bench/model_bytes: what the model of a domain file costs in heap, part by
// part (bench/README.md, "Memory per domain").
//
//   model_bytes DOMAINS_DIR [LIMIT]   each file's ReadDomain, member by member
//   model_bytes --state SERVER_FILE   what a ConfigState keeps after a load
//
// Bytes are the allocator's usable sizes (jemalloc, as in the release dnsd:
// its size classes, not the bytes asked for). A member's bytes are what
// destroying it gives back: it is moved out of the read and dropped, one
// after the other, so a name shared by the read's positions counts once,
// with the last holder (the model's `file`).
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "config/config_state.h"
#include "config/domain_file.h"

namespace {

// A ConfigState reads its files on several threads.
std::atomic<long long> live_bytes{0};

}  // namespace

void* operator new(size_t n) {
  void* p = malloc(n != 0 ? n : 1);
  if (p == nullptr) throw std::bad_alloc();
  live_bytes.fetch_add(malloc_usable_size(p), std::memory_order_relaxed);
  return p;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  live_bytes.fetch_sub(malloc_usable_size(p), std::memory_order_relaxed);
  free(p);
}
void operator delete(void* p, size_t) noexcept { operator delete(p); }

namespace dnsd::config {
namespace {

std::map<std::string, long long> by_part;

template <typename T>
void Take(const char* part, T& member) {
  long long before = live_bytes;
  { [[maybe_unused]] T gone = std::move(member); }
  long long freed = before - live_bytes;
  by_part[part] += freed;
}

int Reads(const std::string& dir, size_t limit) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  if (files.size() > limit) files.resize(limit);
  if (files.empty()) return 1;
  long long total = 0;
  for (const std::string& f : files) {
    long long before = live_bytes;
    auto read = std::make_shared<ReadDomain>(ReadDomainFile(f));  // as ConfigState keeps it
    total += live_bytes - before;
    DomainConfig& d = read->domain;
    Take("read's diagnostics", read->errors);
    Take("domain name", d.domain);
    Take("spf: senders", d.spf.senders);
    Take("spf: netblocks", d.spf.netblocks);
    Take("spf: terms", d.spf.terms);
    Take("spf: positions", d.spf.positions);
    Take("dmarc: rua, ruf", d.dmarc.rua);
    Take("dmarc: rua, ruf", d.dmarc.ruf);
    Take("dmarc: schedule", d.dmarc.schedule);
    Take("dmarc: positions", d.dmarc.positions);
    for (DkimSelector& s : d.dkim.selectors) {
      Take("dkim: selector names", s.selector);
      Take("dkim: key record", s.key.record);
      Take("dkim: cname target", s.key.target);
    }
    Take("dkim: selectors", d.dkim.selectors);
    Take("bimi", d.bimi.selectors);
    Take("tls_rpt", d.tls_rpt.rua);
    Take("mta_sts", d.mta_sts.policy.mx);
    Take("file name (shared)", d.file);
    long long before_block = live_bytes;
    read.reset();
    by_part["ReadDomain block (make_shared)"] += before_block - live_bytes;
  }
  double n = files.size();
  printf("%zu files; sizeof ReadDomain %zu, DomainConfig %zu, SpfSection %zu, DmarcPolicy %zu, "
         "DkimSelector %zu, SourcePos %zu, Diagnostic %zu\n",
         files.size(), sizeof(ReadDomain), sizeof(DomainConfig), sizeof(SpfSection),
         sizeof(DmarcPolicy), sizeof(DkimSelector), sizeof(SourcePos), sizeof(Diagnostic));
  long long parts = 0;
  for (const auto& [part, bytes] : by_part) {
    if (bytes != 0) printf("  %-32s %8.1f\n", part.c_str(), bytes / n);
    parts += bytes;
  }
  printf("  %-32s %8.1f bytes per file (read whole: %.1f)\n", "sum", parts / n, total / n);
  return 0;
}

int State(const std::string& server_file) {
  long long before = live_bytes;
  ConfigState state(server_file);
  size_t domains = state.Load().set.domains.size();
  if (domains == 0) return 1;
  printf("ConfigState after a load: %.1f bytes per domain (%zu domains)\n",
         double(live_bytes - before) / domains, domains);
  return 0;
}

}  // namespace
}  // namespace dnsd::config

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: model_bytes DOMAINS_DIR [LIMIT] | model_bytes --state SERVER_FILE\n");
    return 2;
  }
  if (std::string(argv[1]) == "--state" && argc == 3) return dnsd::config::State(argv[2]);
  return dnsd::config::Reads(argv[1], argc > 2 ? std::strtoull(argv[2], nullptr, 10) : SIZE_MAX);
}
