// The domains of a ConfigSet, sorted by name, each held by shared pointer.
//
// ConfigState keeps every domain file's last good version; a load hands the
// set those same versions instead of copies, so a reload of 100k domains
// copies 100k pointers rather than 100k configurations (with their DKIM
// keys), and holds no second set of them while it compiles. The list itself
// is shared by its copies until one is changed (the drop guard keeps the
// list last served: at a million domains, a copy of the pointers costs a
// million reference counts, a cache miss each).
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
  DomainList(const DomainList&) = default;
  DomainList& operator=(const DomainList&) = default;
  // A moved-from list is empty, as a moved-from vector is.
  DomainList(DomainList&& other) noexcept : domains_(std::move(other.domains_)) {
    other.domains_ = Empty();
  }
  DomainList& operator=(DomainList&& other) noexcept {
    domains_ = std::move(other.domains_);
    other.domains_ = Empty();
    return *this;
  }
  DomainList(std::initializer_list<DomainConfig> domains) {
    for (const DomainConfig& d : domains) push_back(d);
  }
  DomainList(const std::vector<DomainConfig>& domains) {  // NOLINT: tests build sets so
    for (const DomainConfig& d : domains) push_back(d);
  }

  void push_back(DomainConfig domain) {
    Mutable().push_back(std::make_shared<const DomainConfig>(std::move(domain)));
  }
  void push_back(Ptr domain) { Mutable().push_back(std::move(domain)); }
  void reserve(size_t n) { Mutable().reserve(n); }
  void clear() { domains_ = Empty(); }
  void SortByName() {
    std::sort(Mutable().begin(), Mutable().end(),
              [](const Ptr& a, const Ptr& b) { return a->domain < b->domain; });
  }

  const DomainConfig& operator[](size_t i) const { return *(*domains_)[i]; }
  size_t size() const { return domains_->size(); }
  bool empty() const { return domains_->empty(); }
  const_iterator begin() const { return const_iterator(domains_->begin()); }
  const_iterator end() const { return const_iterator(domains_->end()); }

 private:
  // The list, copied first if another DomainList shares it.
  std::vector<Ptr>& Mutable() {
    if (domains_.use_count() > 1) domains_ = std::make_shared<std::vector<Ptr>>(*domains_);
    return *domains_;
  }

  // One empty list for every empty DomainList: never written (Mutable
  // copies a shared list first), so a move costs no allocation.
  static std::shared_ptr<std::vector<Ptr>> Empty() {
    static const auto* empty = new std::shared_ptr<std::vector<Ptr>>(
        std::make_shared<std::vector<Ptr>>());
    return *empty;
  }

  std::shared_ptr<std::vector<Ptr>> domains_ = Empty();
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DOMAIN_LIST_H_
