// Who sends mail as which domain, as the SPF zone sees it (policy/spf/README.md,// "Metrics": per-domain sender visibility with bounded cardinality).
//
// One table per worker, written by that worker only, read at scrape time.
// It holds a fixed number of configured domains: a domain not in the table
// takes a free slot near its hash, or evicts the quietest domain of that
// neighbourhood (whose counts move to "other"). Busy domains therefore stay
// and quiet ones churn, in memory fixed at start, whatever the number of
// configured domains. The collector merges the workers' tables and labels
// only the top N domains, so a scrape stays small too.
//
// Readers never lock: a slot's identity (domain, sender names) changes under
// a sequence number, counters are single-writer relaxed atomics.
//
// The domains' hashes and eviction scores live apart from the slots, in a
// dense array of 16-octet entries: with far more configured domains than
// slots most answers find their domain absent, and looking through the
// neighbourhood then reads one or two cache lines, not eight slots of a
// kilobyte each (that was several cache misses per SPF answer).
#ifndef DNSD_SERVER_SENDER_VISIBILITY_H_
#define DNSD_SERVER_SENDER_VISIBILITY_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"
#include "policy/spf/decide.h"

namespace dnsd {

// A domain's counts, as copied out of one worker's table, or merged.
struct DomainVisibility {
  static constexpr int kSenderSlots = 8;  // senders per domain; more count as "other"
  static constexpr int kRegisters = 64;   // HyperLogLog registers (±13%)

  std::string domain;
  uint64_t total = 0;
  std::array<uint64_t, spf::kRuleCount> rules{};
  std::vector<std::pair<std::string, uint64_t>> senders;  // identified senders
  uint64_t other_senders = 0;  // answers naming a sender past kSenderSlots
  std::array<uint8_t, kRegisters> registers{};  // unidentified source IPs

  // Adds `other`'s counts (same domain, another worker).
  void Merge(const DomainVisibility& other);
  // Distinct unidentified IPs: the HyperLogLog estimate of `registers`.
  double DistinctUnidentifiedIps() const;
};

class SenderVisibility {
 public:
  // Names longer than these are cut (domains: RFC 1035 maximum text length).
  static constexpr size_t kMaxDomain = 256;
  static constexpr size_t kMaxSender = 32;

  SenderVisibility();
  ~SenderVisibility();
  SenderVisibility(const SenderVisibility&) = delete;
  SenderVisibility& operator=(const SenderVisibility&) = delete;

  // Allocates room for `capacity` domains (rounded up to a power of two);
  // 0 turns recording off. Call before the worker starts.
  void Reset(size_t capacity);
  bool enabled() const { return capacity_ != 0; }

  // One SPF answer for a configured `domain`. `sender` is the identified
  // sending service ("" if none); `unidentified` the source IP when neither
  // the domain's netblocks nor any sender matched it (null otherwise).
  // Worker thread only; allocation-free.
  void Record(absl::string_view domain, spf::Rule rule, absl::string_view sender,
              const IpAddress* unidentified) {
    Record(Key(domain), domain, rule, sender, unidentified);
  }

  // The same in steps, for a batch of answers: Key() and Prefetch() for
  // each, then PrefetchSlot() for each, then Record() each, so that the
  // table's cache misses of a whole batch overlap instead of queueing one
  // after another. The prefetches are hints: skipping them changes nothing
  // but the time Record takes.
  static uint64_t Key(absl::string_view domain);
  void Prefetch(uint64_t key) const;      // the key's neighbourhood of entries
  void PrefetchSlot(uint64_t key) const;  // the slot Record would now count in
  void Record(uint64_t key, absl::string_view domain, spf::Rule rule, absl::string_view sender,
              const IpAddress* unidentified);

  // Scrape side, any thread: every domain in the table, and the counts that
  // belong to no domain in it (evicted, or arrived when nothing could be
  // evicted) as `other`.
  void Read(absl::FunctionRef<void(const DomainVisibility&)> domain,
            DomainVisibility& other) const;

 private:
  struct Slot;
  // A slot's domain hash (0: free; read by the scraper under the slot's
  // sequence number) and its eviction score (the writer's alone).
  struct Entry {
    std::atomic<uint64_t> key{0};
    uint64_t score = 0;  // answers, less the misses that spared it
  };
  static constexpr int kProbe = 8;  // neighbourhood searched and evicted from

  Slot* Find(uint64_t key, absl::string_view domain);
  // The slot Find would return now (without changing anything), or null
  // when it would return `other_`.
  const Slot* Predict(uint64_t key) const;
  void Claim(size_t index, uint64_t key, absl::string_view domain);
  int SenderIndex(Slot& slot, absl::string_view sender);

  size_t capacity_ = 0;
  std::unique_ptr<Entry[]> entries_;
  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<Slot> other_;
};

}  // namespace dnsd

#endif  // DNSD_SERVER_SENDER_VISIBILITY_H_
