// Compiles loaded configuration into an immutable Snapshot.
//
// Every answer dnsd can give from static data is rendered once: DMARC and
// DKIM TXT records, CNAMEs, SOA and NS sets, the report authorisations.
// (A domain's _nspf chain is written per query from its policy; the
// compile counts its parts.) Each domain is compiled on its own
// (config/compiled_domain.h) and then linked into the snapshot's zone
// table and SPF policy; with a CompileCache, a reload compiles only the
// domains that changed and links the rest as they were. A domain that cannot be compiled (a name too long
// once "_domainkey." is prepended, say) is left out with a diagnostic; the
// rest still compile.
#ifndef DNSD_CONFIG_COMPILE_H_
#define DNSD_CONFIG_COMPILE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "config/compile_cache.h"
#include "config/diagnostic.h"
#include "config/domain_changes.h"
#include "config/loader.h"
#include "config/model.h"
#include "config/parallel.h"
#include "config/refreshed_ranges.h"
#include "config/timeline.h"
#include "config/snapshot.h"

namespace dnsd::config {

struct CompileStats {
  size_t compiled = 0;   // domains compiled this time
  size_t unchanged = 0;  // of those, how many came out the same: the cache's kept
  // Of those, how many had released their model and could not read it
  // again as it was read (their file changed meanwhile): the cache's kept.
  size_t unread = 0;
  size_t reused = 0;     // domains taken from the cache as they were
  // Domains read from a compiled image (config/compiled_image.h), not
  // counted in `compiled`.
  size_t from_image = 0;
  // The compile looked at the domains its delta named alone, and edited
  // the last compile's tables by them: a part of a larger change then
  // left the rest of that change for the next (config/load_and_compile.h).
  bool by_delta = false;
  // The snapshot may serve other records than the last compile's: always,
  // but for a compile by delta whose domains all compiled to what they
  // served (no table edit).
  bool edited = true;
};

struct Compiled {
  std::unique_ptr<Snapshot> snapshot;
  std::vector<Diagnostic> errors;  // domains left out, and why
  CompileStats stats;
};

// Compiles the server settings, catalog and domains of `config` (its
// `errors` are not looked at). Fails only if the server-wide settings
// cannot form zones at all. `refreshed` (may be null) are the catalog
// refresher's ranges, which replace the senders' seeds (refreshed_ranges.h).
// `cache` (may be null) is what the previous compile kept; it is updated.
// The digest of everything `snapshot` serves: every zone's apex and serial
// (each serial a digest of the zone's content) and the EDNS payload size.
// Order-free (a sum), so it costs one pass over the zones and no sort.
uint64_t ConfigDigest(const Snapshot& snapshot);

// How far a large compile has got: called from any of the compiling
// threads, one at a time, about every two seconds, with the domains
// compiled so far and how many need compiling; then with `linking` set:
// once with both numbers the domains compiled, when the domains are being
// linked into the tables, and then, when every domain is linked anew, about
// every two seconds with the domains linked so far and how many there are.
using CompileProgressFn = std::function<void(size_t compiled, size_t total, bool linking)>;

// Tables linked from compiled domains alone, taken in name order from
// `domains` (Take(i) for every i < size()), with the server settings and
// no other configuration: what a start from a compiled image links while
// it lists the files (config/image_link.h), for the compile after it to
// edit as a reload edits the last compile's tables (CompileCache::Keep).
// The domains go in as a link of every domain takes them. The
// snapshot-wide part (the families' Link) is the compile's. `linked`
// counts the domains linked so far. Null if the provider's zones cannot be
// formed, or if the link gave an error (a part left out because another
// domain claims its name, a policy refused): its errors name no file, and
// a link of every domain reports them as it does.
std::unique_ptr<const Snapshot> LinkInNameOrder(const ServerConfig& server,
                                                std::shared_ptr<const ProviderRecords> provider,
                                                const SenderNumbers& senders,
                                                const InOrderHandoff<CompiledDomain>& domains,
                                                std::atomic<size_t>& linked);

// `now` (default: the current second) is the instant the records are
// compiled for (config/timeline.h); the snapshot says when that changes.
// `delta`, with `cache`, is how `config.domains` differs from the domains
// the cache's compile was made from: then only those domains (and those on
// a schedule) are looked at, and the tables change by them alone.
// `let_go`, if set, is called while the new tables are compacted, as
// PersistentMap::Freeze says: the caller may give freed heap back then.
absl::StatusOr<Compiled> CompileSnapshot(const ConfigSet& config, uint64_t generation,
                                         const RefreshedRanges* refreshed = nullptr,
                                         CompileCache* cache = nullptr,
                                         std::optional<UtcSeconds> now = std::nullopt,
                                         const CompileProgressFn& progress = nullptr,
                                         const DomainDelta* delta = nullptr,
                                         const std::function<void()>& let_go = nullptr);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_COMPILE_H_
