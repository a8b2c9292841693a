// The DKIM key check a domain file's read pays per selector (issue 17:
// start-up at a million domains), step by step over 10,000 distinct
// 2048-bit RSA keys as SubjectPublicKeyInfo: the fast DER reader
// (RsaKeyBits), OpenSSL's full decoder it spares (ParsePublicKey), the
// strict base64 check (CleanBase64), the key check (CheckDkimPublicKey:
// base64 decode, then the reader) and the two as the domain file reader
// calls them. See README.md.
//
// Allocations are counted both through operator new (bench/alloc_counter.h)
// and through OpenSSL's allocator: RsaKeyBits must make none of either.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "bench/alloc_counter.h"
#include "openssl/crypto.h"
#include "openssl/x509.h"
#include "policy/dkim/dkim.h"
#include "policy/dkim/public_key.h"
#include "policy/dkim/public_key_testing.h"

namespace dnsd::bench {
namespace {

std::atomic<uint64_t> openssl_allocations{0};

void* CountedMalloc(size_t n, const char*, int) {
  openssl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n);
}
void* CountedRealloc(void* p, size_t n, const char*, int) {
  openssl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, n);
}
void CountedFree(void* p, const char*, int) { std::free(p); }

constexpr int kKeys = 10'000;
constexpr int kBits = 2048;

struct Keys {
  std::vector<std::string> der;     // SubjectPublicKeyInfo
  std::vector<std::string> base64;  // as a domain file carries it
};

// Random 2048-bit moduli with exponent 65537, written by OpenSSL. Neither
// reader checks that a modulus is a product of primes, and generating
// 10,000 real keys would take minutes.
std::string RandomSpki(std::mt19937& random) {
  std::string n(kBits / 8, '\0');
  for (char& c : n) c = static_cast<char>(random());
  n[0] = static_cast<char>(n[0] | 0x80);
  config::PkeyPtr key = config::testing::KeyFromNumbers(n, std::string("\x01\x00\x01", 3));
  if (key == nullptr) std::abort();
  std::string out = config::testing::Encoding(i2d_PUBKEY, key.get());
  if (out.empty()) std::abort();
  return out;
}

const Keys& TheKeys() {
  static const Keys* keys = [] {
    auto* k = new Keys;
    std::mt19937 random(17);
    for (int i = 0; i < kKeys; ++i) {
      k->der.push_back(RandomSpki(random));
      k->base64.push_back(absl::Base64Escape(k->der.back()));
      // Both readers must see a 2048-bit key, or the timings compare
      // different work.
      if (config::RsaKeyBits(k->der.back()) != kBits) std::abort();
    }
    return k;
  }();
  return *keys;
}

// Per key: operator new and OpenSSL allocations, and keys per second.
class PerKey {
 public:
  PerKey() : start_(AllocationsSoFar()), openssl_start_(openssl_allocations.load()) {}
  void Report(benchmark::State& state) const {
    double n = static_cast<double>(state.iterations());
    state.counters["allocs_per_key"] = static_cast<double>(AllocationsSoFar() - start_) / n;
    state.counters["openssl_allocs_per_key"] =
        static_cast<double>(openssl_allocations.load() - openssl_start_) / n;
    state.SetItemsProcessed(state.iterations());
  }

 private:
  uint64_t start_, openssl_start_;
};

void BM_RsaKeyBits(benchmark::State& state) {
  const Keys& keys = TheKeys();
  size_t i = 0;
  PerKey count;
  for (auto _ : state) {
    benchmark::DoNotOptimize(config::RsaKeyBits(keys.der[i]));
    if (++i == keys.der.size()) i = 0;
  }
  count.Report(state);
}
BENCHMARK(BM_RsaKeyBits);

void BM_ParsePublicKey(benchmark::State& state) {
  const Keys& keys = TheKeys();
  size_t i = 0;
  PerKey count;
  for (auto _ : state) {
    benchmark::DoNotOptimize(config::ParsePublicKey(keys.der[i]));
    if (++i == keys.der.size()) i = 0;
  }
  count.Report(state);
}
BENCHMARK(BM_ParsePublicKey);

void BM_CleanBase64(benchmark::State& state) {
  const Keys& keys = TheKeys();
  size_t i = 0;
  PerKey count;
  for (auto _ : state) {
    benchmark::DoNotOptimize(config::CleanBase64(keys.base64[i]));
    if (++i == keys.base64.size()) i = 0;
  }
  count.Report(state);
}
BENCHMARK(BM_CleanBase64);

void BM_CheckDkimPublicKey(benchmark::State& state) {
  const Keys& keys = TheKeys();
  size_t i = 0;
  PerKey count;
  for (auto _ : state) {
    benchmark::DoNotOptimize(config::CheckDkimPublicKey("rsa", keys.base64[i]));
    if (++i == keys.base64.size()) i = 0;
  }
  count.Report(state);
}
BENCHMARK(BM_CheckDkimPublicKey);

// What the reader does per key (policy/dkim/dkim_reader.cc): its copy of
// the YAML text cleaned, then checked.
void BM_CleanAndCheck(benchmark::State& state) {
  const Keys& keys = TheKeys();
  size_t i = 0;
  PerKey count;
  for (auto _ : state) {
    absl::StatusOr<std::string> clean = config::CleanBase64(keys.base64[i]);
    benchmark::DoNotOptimize(config::CheckDkimPublicKey("rsa", *clean));
    if (++i == keys.base64.size()) i = 0;
  }
  count.Report(state);
}
BENCHMARK(BM_CleanAndCheck);

}  // namespace
}  // namespace dnsd::bench

int main(int argc, char** argv) {
  // Before OpenSSL allocates anything, or it refuses.
  if (CRYPTO_set_mem_functions(dnsd::bench::CountedMalloc, dnsd::bench::CountedRealloc,
                               dnsd::bench::CountedFree) != 1) {
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  dnsd::bench::TheKeys();  // built before any timing
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
