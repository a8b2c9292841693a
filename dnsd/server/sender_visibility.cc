#include "dnsd/server/sender_visibility.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstring>

#include "absl/hash/hash.h"

namespace dnsd {
namespace {

// Single-writer counter: a relaxed load and store is a plain add on x86-64,
// and the scraper's concurrent read stays well-defined.
void Bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
uint64_t Get(const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); }

// Text kept in relaxed atomic words, so that a reader copying it while the
// writer replaces it gets a torn string at worst (the sequence number then
// tells it to retry), never undefined behaviour.
template <size_t N>
class AtomicText {
 public:
  // Writes only the words the text covers (Load reads no further): a
  // domain is claimed often, and most are far shorter than N.
  void Store(absl::string_view text) {
    size_t n = std::min(text.size(), N);
    for (size_t w = 0; w * 8 < n; ++w) {
      uint64_t word = 0;
      std::memcpy(&word, text.data() + w * 8, std::min<size_t>(8, n - w * 8));
      words_[w].store(word, std::memory_order_relaxed);
    }
    size_.store(static_cast<uint16_t>(n), std::memory_order_relaxed);
  }
  std::string Load() const {
    size_t n = std::min<size_t>(size_.load(std::memory_order_relaxed), N);
    std::string text(n, '\0');
    for (size_t w = 0; w * 8 < n; ++w) {
      uint64_t word = words_[w].load(std::memory_order_relaxed);
      std::memcpy(text.data() + w * 8, &word, std::min<size_t>(8, n - w * 8));
    }
    return text;
  }

 private:
  static constexpr size_t kWords = (N + 7) / 8;
  std::atomic<uint16_t> size_{0};  // first: next to the words a short text uses
  std::atomic<uint64_t> words_[kWords] = {};
};

uint64_t KeyOf(absl::string_view text) {
  return absl::Hash<absl::string_view>()(text) | 1;  // 0 marks a free slot
}

// The distinct-IP sketch hashes with fixed constants (MurmurHash3's
// finalizer over the address's two words), not absl::Hash, whose seed changes
// from process to process: the same senders then give the same estimate in
// every run, and the accuracy its test pins is not a matter of luck.
uint64_t Fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

uint64_t SketchHash(const IpAddress& ip) {
  uint64_t high;
  uint64_t low;
  std::memcpy(&high, ip.bytes.data(), 8);
  std::memcpy(&low, ip.bytes.data() + 8, 8);
  return Fmix64(Fmix64(high) ^ low);
}

constexpr int kSenders = DomainVisibility::kSenderSlots;
constexpr int kRegisters = DomainVisibility::kRegisters;

}  // namespace

// What an eviction reads and a claim writes comes first, in consecutive
// cache lines (about six for a domain of up to 40 octets), not spread over
// the slot's kilobyte: with many more domains than slots, evictions are
// frequent (at 100k domains, ~40% of SenderVisibility::Find's perf samples
// were its read of the evicted slot).
struct SenderVisibility::Slot {
  std::atomic<uint32_t> version{0};  // odd while the slot's identity changes
  std::atomic<uint64_t> total{0};
  std::atomic<uint64_t> rules[spf::kRuleCount] = {};
  std::atomic<uint64_t> other_senders{0};
  std::atomic<uint64_t> sender_keys[kSenders] = {};
  std::atomic<uint64_t> sender_counts[kSenders] = {};
  std::atomic<uint8_t> registers[kRegisters] = {};
  AtomicText<kMaxDomain> domain;     // its hash: the slot's Entry
  AtomicText<kMaxSender> sender_names[kSenders];

  void BeginChange() {
    version.store(version.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
  }
  void EndChange() {
    version.store(version.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  // Copies the counts (not the identity) into `out`, adding.
  void AddCountsTo(DomainVisibility& out) const {
    out.total += Get(total);
    for (int r = 0; r < spf::kRuleCount; ++r) out.rules[r] += Get(rules[r]);
    out.other_senders += Get(other_senders);
    for (int r = 0; r < kRegisters; ++r) {
      out.registers[r] = std::max(out.registers[r], registers[r].load(std::memory_order_relaxed));
    }
  }
};

SenderVisibility::SenderVisibility() = default;
SenderVisibility::~SenderVisibility() = default;

void SenderVisibility::Reset(size_t capacity) {
  capacity_ = capacity == 0 ? 0 : std::bit_ceil(std::max<size_t>(capacity, kProbe));
  entries_ = capacity_ == 0 ? nullptr : std::make_unique<Entry[]>(capacity_);
  slots_ = capacity_ == 0 ? nullptr : std::make_unique<Slot[]>(capacity_);
  other_ = std::make_unique<Slot>();
}

uint64_t SenderVisibility::Key(absl::string_view domain) { return KeyOf(domain); }

void SenderVisibility::Prefetch(uint64_t key) const {
  if (capacity_ == 0) return;
  size_t mask = capacity_ - 1;
  // The neighbourhood: kProbe entries of 16 octets, two cache lines at most
  // unless it wraps around the end.
  __builtin_prefetch(&entries_[key & mask]);
  __builtin_prefetch(&entries_[(key + kProbe - 1) & mask]);
}

void SenderVisibility::PrefetchSlot(uint64_t key) const {
  if (capacity_ == 0) return;
  const Slot* slot = Predict(key);
  if (slot == nullptr) return;
  // The counters and the first words of the domain (Slot's layout).
  const char* p = reinterpret_cast<const char*>(slot);
  constexpr size_t kHot = offsetof(Slot, domain) + 64;
  for (size_t at = 0; at < kHot; at += 64) __builtin_prefetch(p + at, /*rw=*/1);
}

const SenderVisibility::Slot* SenderVisibility::Predict(uint64_t key) const {
  size_t mask = capacity_ - 1;
  size_t quietest = capacity_;
  for (int p = 0; p < kProbe; ++p) {
    size_t i = (key + p) & mask;
    uint64_t k = entries_[i].key.load(std::memory_order_relaxed);
    if (k == key || k == 0) return &slots_[i];
    if (quietest == capacity_ || entries_[i].score < entries_[quietest].score) quietest = i;
  }
  return entries_[quietest].score > 0 ? nullptr : &slots_[quietest];
}

void SenderVisibility::Record(uint64_t key, absl::string_view domain, spf::Rule rule,
                              absl::string_view sender, const IpAddress* unidentified) {
  if (capacity_ == 0) return;
  Slot* slot = Find(key, domain);
  Bump(slot->total);
  if (slot != other_.get()) ++entries_[slot - slots_.get()].score;
  Bump(slot->rules[static_cast<int>(rule)]);
  if (!sender.empty()) {
    int i = slot == other_.get() ? -1 : SenderIndex(*slot, sender);
    if (i < 0) {
      Bump(slot->other_senders);
    } else {
      Bump(slot->sender_counts[i]);
    }
  }
  if (unidentified != nullptr) {
    uint64_t h = SketchHash(*unidentified);
    int reg = static_cast<int>(h & (kRegisters - 1));
    // The rank of the first set bit among the 58 bits left after the index.
    uint8_t rank = static_cast<uint8_t>(std::countl_zero(h >> 6) - 5);
    if (rank > slot->registers[reg].load(std::memory_order_relaxed)) {
      slot->registers[reg].store(rank, std::memory_order_relaxed);
    }
  }
}

// The domain's slot: found, a free one claimed, or the quietest of the
// neighbourhood evicted into `other_`.
SenderVisibility::Slot* SenderVisibility::Find(uint64_t key, absl::string_view domain) {
  size_t mask = capacity_ - 1;
  size_t quietest = capacity_;
  for (int p = 0; p < kProbe; ++p) {
    size_t i = (key + p) & mask;
    const Entry& e = entries_[i];
    uint64_t k = e.key.load(std::memory_order_relaxed);
    if (k == key) return &slots_[i];
    if (k == 0) {
      Claim(i, key, domain);
      return &slots_[i];
    }
    if (quietest == capacity_ || e.score < entries_[quietest].score) quietest = i;
  }
  // Each miss wears the quietest neighbour down by one answer, and only a
  // worn-out one is evicted: a stream of one-off domains cannot push out a
  // busy one, yet a newly busy domain gets in once its neighbours are quiet.
  if (entries_[quietest].score > 0) {
    --entries_[quietest].score;
    return other_.get();
  }
  Slot& victim = slots_[quietest];
  DomainVisibility evicted;
  victim.AddCountsTo(evicted);
  for (int i = 0; i < kSenders; ++i) evicted.other_senders += Get(victim.sender_counts[i]);
  Bump(other_->total, evicted.total);
  for (int r = 0; r < spf::kRuleCount; ++r) Bump(other_->rules[r], evicted.rules[r]);
  Bump(other_->other_senders, evicted.other_senders);
  Claim(quietest, key, domain);
  return &victim;
}

void SenderVisibility::Claim(size_t index, uint64_t key, absl::string_view domain) {
  Slot& slot = slots_[index];
  slot.BeginChange();
  entries_[index].key.store(key, std::memory_order_relaxed);
  entries_[index].score = 0;
  slot.domain.Store(domain);
  slot.total.store(0, std::memory_order_relaxed);
  for (auto& r : slot.rules) r.store(0, std::memory_order_relaxed);
  for (int i = 0; i < kSenders; ++i) {
    slot.sender_keys[i].store(0, std::memory_order_relaxed);
    slot.sender_counts[i].store(0, std::memory_order_relaxed);
  }
  slot.other_senders.store(0, std::memory_order_relaxed);
  for (auto& r : slot.registers) r.store(0, std::memory_order_relaxed);
  slot.EndChange();
}

int SenderVisibility::SenderIndex(Slot& slot, absl::string_view sender) {
  uint64_t key = KeyOf(sender);
  for (int i = 0; i < kSenders; ++i) {
    uint64_t k = slot.sender_keys[i].load(std::memory_order_relaxed);
    if (k == key) return i;
    if (k == 0) {
      slot.BeginChange();
      slot.sender_names[i].Store(sender);
      slot.sender_keys[i].store(key, std::memory_order_relaxed);
      slot.EndChange();
      return i;
    }
  }
  return -1;
}

void SenderVisibility::Read(absl::FunctionRef<void(const DomainVisibility&)> domain,
                            DomainVisibility& other) const {
  if (other_ != nullptr) other_->AddCountsTo(other);
  for (size_t s = 0; s < capacity_; ++s) {
    const Slot& slot = slots_[s];
    // A slot whose identity changes while it is copied is copied again; the
    // writer changes identities rarely, so this ends at once in practice.
    for (int attempt = 0; attempt < 8; ++attempt) {
      uint32_t before = slot.version.load(std::memory_order_acquire);
      if (before & 1) continue;
      if (entries_[s].key.load(std::memory_order_relaxed) == 0) break;
      DomainVisibility copy;
      copy.domain = slot.domain.Load();
      slot.AddCountsTo(copy);
      for (int i = 0; i < kSenders; ++i) {
        if (slot.sender_keys[i].load(std::memory_order_relaxed) == 0) break;
        copy.senders.emplace_back(slot.sender_names[i].Load(), Get(slot.sender_counts[i]));
      }
      std::atomic_thread_fence(std::memory_order_acquire);
      if (slot.version.load(std::memory_order_relaxed) != before) continue;
      domain(copy);
      break;
    }
  }
}

void DomainVisibility::Merge(const DomainVisibility& other) {
  total += other.total;
  for (int r = 0; r < spf::kRuleCount; ++r) rules[r] += other.rules[r];
  other_senders += other.other_senders;
  // An element, not a structured binding: clang 14 (the fuzz preset's)
  // cannot capture one in a lambda.
  for (const auto& sender : other.senders) {
    auto it = std::find_if(senders.begin(), senders.end(),
                           [&sender](const auto& s) { return s.first == sender.first; });
    if (it == senders.end()) {
      senders.push_back(sender);
    } else {
      it->second += sender.second;
    }
  }
  for (int r = 0; r < kRegisters; ++r) registers[r] = std::max(registers[r], other.registers[r]);
}

// HyperLogLog (Flajolet et al. 2007) with the small-range correction.
double DomainVisibility::DistinctUnidentifiedIps() const {
  constexpr double m = kRegisters;
  constexpr double alpha = 0.709;  // for m = 64
  double sum = 0;
  int zeros = 0;
  for (uint8_t r : registers) {
    sum += std::ldexp(1.0, -r);
    if (r == 0) ++zeros;
  }
  if (zeros == kRegisters) return 0;
  double estimate = alpha * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / zeros);
  return std::round(estimate);
}

}  // namespace dnsd
