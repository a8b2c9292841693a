// The `dkim:` section of a domain file, as plain data (config/model.h holds
// one per domain): selector by selector, a key, a CNAME or revoked.
#ifndef DNSD_POLICY_DKIM_DKIM_SECTION_H_
#define DNSD_POLICY_DKIM_DKIM_SECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/delegation.h"
#include "config/diagnostic.h"
#include "config/timeline.h"
#include "dnsd/protocol/zone/apart_rdata.h"

namespace dnsd::config {

// Where a key's record is allocated. A key that is served is kept for as
// long as its file is: in the kept heap (config/kept_heap.h), slot after
// slot. A blocked domain's keys are read and checked, never served, and go
// with the read's model: in the kept heap they left a hole each (5% of the
// keys' size class at gen_config's 5% of blocked domains).
enum class KeyHeap : uint8_t { kKept, kRead };

// A key as the file writes it (`k`, `p`, `h`, `t`, `s`, `n`): what
// RenderDkimRecord turns into the TXT record. Only while reading; the model
// keeps the record (DkimKey).
struct DkimKeyTags {
  std::string key_type = "rsa";       // rsa | ed25519
  std::string public_key;             // base64, whitespace removed
  std::vector<std::string> hash;      // h= (sha256, sha1)
  std::vector<std::string> flags;     // t= (y, s)
  std::string service;                // s= ("" = not published)
  std::string notes;                  // n=
};

// A selector's key, kept for every domain: the record made once when the
// file is read, not the tags it came from. The tags took 224 bytes of
// strings and vectors per selector beside the key itself, and the record
// is all a compile needs. The compiled TXT record serves this very object
// (RRset::rdata): a key is the largest thing most domains have, and it is
// held once, as its DER (dkim_record.h).
struct DkimKey {
  enum class Kind : uint8_t { kKey, kCname, kRevoked };
  Kind kind = Kind::kKey;
  int key_bits = 0;                   // kKey: measured from the key: 1024..4096, or 256
  // kKey: the TXT record's RDATA, its text ("v=DKIM1; k=rsa; p=<base64>...")
  // in character-strings of at most 255 octets (DkimRecordOf); else null.
  RdataRef record;
  // kCname: the target name, as text; else null.
  std::shared_ptr<const std::string> target;

  // kKey: the record's text; kCname: the target name; kRevoked: "".
  std::string text() const;
  // The p= of a kKey's record (empty for the other kinds).
  std::string public_key() const;
};

// A key rotation on a schedule (config/timeline.h): a selector is not
// published before `from`; from `until` on it is published revoked (an
// empty p=, RFC 6376 §3.6.1), so that verifiers see a key withdrawn rather
// than missing, and `retain` seconds later it is no longer served.
struct DkimSchedule {
  std::optional<UtcSeconds> from;
  std::optional<UtcSeconds> until;
  int64_t retain = 7 * 86400;
};

enum class SelectorState { kPending, kActive, kRevoked, kGone };

struct DkimSelector {
  std::string selector;               // lower case; may contain dots
  DkimKey key;
  DkimSchedule schedule;
  SourcePos pos;

  // What the selector serves at `now`, by its schedule alone.
  SelectorState StateAt(UtcSeconds now) const {
    if (schedule.from && now < *schedule.from) return SelectorState::kPending;
    if (!schedule.until || now < *schedule.until) return SelectorState::kActive;
    if (now - *schedule.until < schedule.retain) return SelectorState::kRevoked;
    return SelectorState::kGone;
  }
};

struct DkimSection {
  std::vector<DkimSelector> selectors;  // sorted by selector
  // `dkim_delegation`: NS for all of _domainkey.<domain>, or a CNAME per
  // selector to <selector>.<domain>.<provider dkim_zone>.
  Delegation delegation = Delegation::kNs;
};

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DKIM_DKIM_SECTION_H_
