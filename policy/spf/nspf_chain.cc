#include "policy/spf/nspf_chain.h"

#include <array>
#include <cstring>

#include "absl/hash/hash.h"

namespace dnsd::spf {
namespace {

constexpr absl::string_view kHead = "v=spf1";
// "ip4:203.0.113.0/24", "ip6:2001:db8::/32".
constexpr size_t kMaxTerm = 4 + kMaxIpPrefixText;

char* Append(char* out, absl::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

char* WriteTerm(const IpPrefix& prefix, char* out) {
  return WriteIpPrefix(prefix, Append(out, prefix.is_v4() ? "ip4:" : "ip6:"));
}

// The prefixes a walk has written, to write each once: an open-addressed
// table on the stack. Seven parts of 1232 octets hold fewer than a
// thousand terms (the shortest, "ip6:1::/16 ", takes 11), so a walk that
// gets this full has gone past its last part already.
class SeenPrefixes {
 public:
  static constexpr size_t kSlots = 2048;
  static constexpr size_t kMaxSize = kSlots * 3 / 4;

  // True if `p` was not in the set (it is now). False also when full.
  bool Insert(const IpPrefix& p) {
    if (size_ >= kMaxSize) return false;
    size_t i = absl::Hash<IpPrefix>{}(p) & (kSlots - 1);
    while (slots_[i] != nullptr) {
      if (*slots_[i] == p) return false;
      i = (i + 1) & (kSlots - 1);
    }
    slots_[i] = &p;
    ++size_;
    return true;
  }
  bool full() const { return size_ >= kMaxSize; }

 private:
  std::array<const IpPrefix*, kSlots> slots_{};
  size_t size_ = 0;
};

// The octets of part i's owner name, "<domain>._nspf[i+1].<zone>".
size_t OwnerSize(const NspfSource& s, size_t i) {
  return s.domain.size() + 6 + (i == 0 ? 0 : 1) + 1 + s.zone.size();
}

// The text that fits a UDP answer owned by part i: header, question, the
// answer's owner pointer and fixed fields, and the OPT record; of what is
// left, every 255 octets of text (or part of them) take a length octet.
size_t TextBudget(const NspfSource& s, size_t i) {
  size_t question = OwnerSize(s, i) + 2 + 4;
  size_t room = kMaxNspfText - 12 - question - 2 - 10 - 11;
  return room - (room + 255) / 256;
}

absl::string_view AllTerm(const NspfSource& s) {
  return s.blocked || s.fail_all ? "-all" : "~all";
}

// " include:<domain>._nspf<next+1>.<zone> <all>", the end of a part that
// the chain continues after.
char* AppendLink(const NspfSource& s, size_t next, char* out) {
  out = Append(out, " include:");
  out = Append(out, s.domain);
  out = Append(out, "._nspf");
  *out++ = static_cast<char>('1' + next);
  *out++ = '.';
  out = Append(out, s.zone);
  *out++ = ' ';
  return Append(out, AllTerm(s));
}

size_t LinkSize(const NspfSource& s, size_t i) {
  return 9 + OwnerSize(s, i + 1) + 1 + AllTerm(s).size();
}

// Walks the chain, writing part `want` to `out` (no part if `want` is
// kMaxNspfParts). Returns the number of parts, or 0 if too long; a walk
// that has written its part stops there and returns want + 1.
size_t Walk(const NspfSource& s, size_t want, char* out, size_t* written) {
  *written = 0;
  if (s.blocked) {
    if (want == 0) *written = static_cast<size_t>(Append(out, "v=spf1 -all") - out);
    return 1;
  }
  size_t inputs = s.netblocks.size();
  for (size_t i = 0; i < s.sender_count; ++i) inputs += s.sender_ranges(i).size();
  if (inputs > kMaxNspfInputs) return 0;

  SeenPrefixes seen;
  size_t part = 0, size = kHead.size();
  size_t budget = TextBudget(s, 0), link = LinkSize(s, 0);
  char* p = want == 0 ? Append(out, kHead) : nullptr;
  char term[kMaxTerm];
  // False once the chain is too long or the wanted part is written.
  auto add = [&](const IpPrefix& prefix) {
    if (!seen.Insert(prefix)) return !seen.full();
    size_t term_size = static_cast<size_t>(WriteTerm(prefix, term) - term);
    if (size + 1 + term_size + link > budget && size != kHead.size()) {
      if (p != nullptr) {
        *written = static_cast<size_t>(AppendLink(s, part + 1, p) - out);
        return false;
      }
      if (++part >= kMaxNspfParts) return false;
      size = kHead.size();
      budget = TextBudget(s, part);
      link = LinkSize(s, part);
      if (part == want) p = Append(out, kHead);
    }
    size += 1 + term_size;
    if (p != nullptr) {
      *p++ = ' ';
      p = Append(p, absl::string_view(term, term_size));
    }
    return true;
  };
  bool more = true;
  for (const IpPrefix& prefix : s.netblocks) {
    if (!(more = add(prefix))) break;
  }
  for (size_t i = 0; more && i < s.sender_count; ++i) {
    for (const IpPrefix& prefix : s.sender_ranges(i)) {
      if (!(more = add(prefix))) break;
    }
  }
  if (*written > 0) return want + 1;
  if (!more) return 0;  // too long
  if (p != nullptr) {
    *p++ = ' ';
    *written = static_cast<size_t>(Append(p, AllTerm(s)) - out);
  }
  return part + 1;
}

}  // namespace

size_t CountNspfParts(const NspfSource& source) {
  size_t written;
  return Walk(source, kMaxNspfParts, nullptr, &written);
}

size_t WriteNspfPart(const NspfSource& source, size_t part, char* out) {
  if (part >= kMaxNspfParts) return 0;
  size_t written;
  Walk(source, part, out, &written);
  return written;
}

}  // namespace dnsd::spf
