// What a new configuration changes in the set of domains served: which are
// added, removed, or served from a new version of their file. For the
// reload log line (the audit trail an operator reads after an incident) and
// the drop guard (config/drop_guard.h). Plain functions; thread-compatible.
#ifndef DNSD_CONFIG_DOMAIN_CHANGES_H_
#define DNSD_CONFIG_DOMAIN_CHANGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "boost/iterator/indirect_iterator.hpp"
#include "config/compiled_domain.h"
#include "config/domain_list.h"

namespace dnsd::config {

struct DomainChanges {
  std::vector<absl::string_view> added, removed, changed;  // views into the lists
};

// The same, known without comparing every domain (a reload of the few files
// a watcher named; config/config_state.h), with names of its own: the
// compile and the drop guard of such a reload work from it alone. Each list
// is sorted, and a name is in one list at most.
struct DomainDelta {
  std::vector<std::string> added, removed, changed;
  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};
DomainChanges ChangesOf(const DomainDelta& delta);

// What Diff needs of the domains being served: each one's name and which
// read of its file it was compiled from. These are the compiled domains
// themselves (CompiledDomain::domain and ::version), a list that shares its
// chunks with the compile cache's: a server holds no copy of a million
// names between reloads, nor the served models, which would stay alive
// beside the new ones while a full reload reads and compiles them.
class DomainVersions {
 public:
  using const_iterator = boost::indirect_iterator<CompiledDomainList::List::const_iterator>;

  DomainVersions() = default;
  explicit DomainVersions(CompiledDomainList domains) : domains_(std::move(domains)) {}

  const_iterator begin() const { return const_iterator(domains_.begin()); }
  const_iterator end() const { return const_iterator(domains_.end()); }
  size_t size() const { return domains_.size(); }

 private:
  CompiledDomainList domains_;
};

// Both lists sorted by name (as ConfigSet's are); one walk down both.
DomainChanges Diff(const DomainList& before, const DomainList& after);
DomainChanges Diff(const DomainVersions& before, const DomainList& after);

// "changed a.example, b.example; added c.example (+3 more)", at most
// `names` names per kind; "" when nothing changed.
std::string Summary(const DomainChanges& changes, size_t names = 10);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DOMAIN_CHANGES_H_
