// libFuzzer target for the compiled image's domain records
// (config/compiled_domain_image.h): the record of one of the compiled
// examples (config/examples/), changed as the input says, and read back.
// Every record carries the digest of its bytes, so the target writes the
// digest of the changed bytes itself: what it fuzzes is the reader behind
// that check, as a record that a bug in the writer would give.
//
// Input: octet 0 picks the example domain, octet 1 the change:
//   0  the rest is (offset: 2 octets, big-endian; xor: 1 octet) triples;
//   1  the rest is the record's bytes themselves;
//   2  the first 2 octets of the rest cut the bytes there, then triples.
// Whatever reads back must be a domain that writes and reads back the same
// (SameCompile), and writes the same bytes a second time.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "config/bytes_digest.h"
#include "config/compiled_domain_image.h"
#include "config/load_and_compile.h"

namespace {

using dnsd::config::CompiledDomainList;

struct Examples {
  Examples() : state(std::string(DNSD_SOURCE_DIR) + "/config/examples/dnsd.yaml") {
    if (dnsd::config::LoadAndCompile(state, 1).fatal) std::abort();
    for (const CompiledDomainList::Ptr& d : state.compiled.domains()) {
      dnsd::config::ImageWriter out;
      if (!dnsd::config::WriteCompiledDomain(*d, out)) std::abort();
      dnsd::config::ImageReader in(out.bytes());
      bodies.emplace_back(in.Bytes());
      domains.push_back(d);
    }
  }
  dnsd::config::LoadState state;
  std::vector<std::string> bodies;
  std::vector<CompiledDomainList::Ptr> domains;
};

std::string Framed(const std::string& body) {
  dnsd::config::ImageWriter out;
  out.Bytes(body);
  out.U64(dnsd::config::BytesDigest(body));
  return out.bytes();
}

void Patch(std::string& body, const uint8_t* data, size_t size) {
  for (size_t i = 0; i + 3 <= size && !body.empty(); i += 3) {
    size_t at = (size_t{data[i]} << 8 | data[i + 1]) % body.size();
    body[at] = static_cast<char>(body[at] ^ data[i + 2]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Examples* examples = new Examples();
  if (size < 2 || examples->bodies.empty()) return 0;
  size_t pick = data[0] % examples->bodies.size();
  std::string body = examples->bodies[pick];
  const uint8_t* rest = data + 2;
  size_t left = size - 2;
  switch (data[1] % 3) {
    case 0:
      Patch(body, rest, left);
      break;
    case 1:
      body.assign(reinterpret_cast<const char*>(rest), left);
      break;
    default:
      if (left >= 2) {
        body.resize(std::min(body.size(), size_t{rest[0]} << 8 | rest[1]));
        Patch(body, rest + 2, left - 2);
      }
  }
  std::string framed = Framed(body);
  dnsd::config::ImageReader in(framed);
  auto read = dnsd::config::ReadCompiledDomain(in, examples->domains[pick]->provider);
  if (!read.ok()) return 0;
  dnsd::config::ImageWriter again;
  if (!dnsd::config::WriteCompiledDomain(**read, again)) {
    std::fprintf(stderr, "a domain read back cannot be written\n");
    std::abort();
  }
  dnsd::config::ImageReader in2(again.bytes());
  auto twice = dnsd::config::ReadCompiledDomain(in2, examples->domains[pick]->provider);
  if (!twice.ok() || !dnsd::config::SameCompile(**read, **twice)) {
    std::fprintf(stderr, "a domain written again does not read back the same\n");
    std::abort();
  }
  dnsd::config::ImageWriter third;
  if (!dnsd::config::WriteCompiledDomain(**twice, third) || third.bytes() != again.bytes()) {
    std::fprintf(stderr, "a domain written twice gives other bytes\n");
    std::abort();
  }
  return 0;
}
