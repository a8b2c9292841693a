// The domains of a ConfigSet, sorted by name, each held by shared pointer.
//
// ConfigState keeps every domain file's last good version; a load hands the
// set those same versions instead of copies, so a reload of 100k domains
// copies 100k pointers rather than 100k configurations (with their DKIM
// keys), and holds no second set of them while it compiles.
#ifndef DNSD_CONFIG_DOMAIN_LIST_H_
#define DNSD_CONFIG_DOMAIN_LIST_H_

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <vector>

#include "boost/iterator/indirect_iterator.hpp"
#include "config/model.h"

namespace dnsd::config {

class DomainList {
 public:
  using Ptr = std::shared_ptr<const DomainConfig>;
  using const_iterator = boost::indirect_iterator<std::vector<Ptr>::const_iterator>;

  DomainList() = default;
  DomainList(std::initializer_list<DomainConfig> domains) {
    for (const DomainConfig& d : domains) push_back(d);
  }
  DomainList(const std::vector<DomainConfig>& domains) {  // NOLINT: tests build sets so
    for (const DomainConfig& d : domains) push_back(d);
  }

  void push_back(DomainConfig domain) {
    domains_.push_back(std::make_shared<const DomainConfig>(std::move(domain)));
  }
  void push_back(Ptr domain) { domains_.push_back(std::move(domain)); }
  void reserve(size_t n) { domains_.reserve(n); }
  void clear() { domains_.clear(); }
  void SortByName() {
    std::sort(domains_.begin(), domains_.end(),
              [](const Ptr& a, const Ptr& b) { return a->domain < b->domain; });
  }

  const DomainConfig& operator[](size_t i) const { return *domains_[i]; }
  size_t size() const { return domains_.size(); }
  bool empty() const { return domains_.empty(); }
  const_iterator begin() const { return const_iterator(domains_.begin()); }
  const_iterator end() const { return const_iterator(domains_.end()); }

 private:
  std::vector<Ptr> domains_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DOMAIN_LIST_H_
