// The domains of a ConfigSet, sorted by name, each held by shared pointer.
//
// ConfigState keeps every domain file's last good version; a load hands the
// set those same versions instead of copies, so a reload of 100k domains
// copies no configuration (with its DKIM keys), and holds no second set of
// them while it compiles. The list itself is a ChunkedList: its copies
// share it, and ConfigState edits the one it keeps by the domains a reload
// changed instead of building it again (config/chunked_list.h).
//
// An entry is a DomainHead: in a serving dnsd's list, most have released
// their model (config/config_state.h). Walking the list as models
// (begin(), operator[]) is for lists that hold every model, as those that
// `dnsd check`, `diff` and the tests load; what walks a serving dnsd's
// list walks heads().
#ifndef DNSD_CONFIG_DOMAIN_LIST_H_
#define DNSD_CONFIG_DOMAIN_LIST_H_

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "boost/iterator/indirect_iterator.hpp"
#include "boost/iterator/transform_iterator.hpp"
#include "boost/range/iterator_range.hpp"
#include "config/chunked_list.h"
#include "config/model.h"

namespace dnsd::config {

class DomainList {
 public:
  using Ptr = std::shared_ptr<const DomainHead>;
  struct NameOf {
    const std::string& operator()(const Ptr& d) const { return d->domain; }
  };
  struct ModelOf {
    const DomainConfig& operator()(const Ptr& d) const { return *d->model(); }
  };
  using List = ChunkedList<Ptr, NameOf>;
  using const_iterator = boost::transform_iterator<ModelOf, List::const_iterator>;
  using head_iterator = boost::indirect_iterator<List::const_iterator>;

  DomainList() = default;
  DomainList(std::initializer_list<DomainConfig> domains) {
    for (const DomainConfig& d : domains) push_back(d);
  }
  DomainList(const std::vector<DomainConfig>& domains) {  // NOLINT: tests build sets so
    for (const DomainConfig& d : domains) push_back(d);
  }

  // Appends: the caller keeps the name order (tests may not; SortByName).
  void push_back(DomainConfig domain) {
    push_back(Ptr(std::make_shared<const DomainConfig>(std::move(domain))));
  }
  void push_back(Ptr domain) { list_.push_back(std::move(domain)); }
  void reserve(size_t) {}
  void clear() { list_ = List(); }
  void SortByName() {
    std::vector<Ptr> all(list_.begin(), list_.end());
    std::stable_sort(all.begin(), all.end(),
                     [](const Ptr& a, const Ptr& b) { return a->domain < b->domain; });
    list_ = List();
    for (Ptr& d : all) list_.push_back(std::move(d));
  }
  // Puts `domain` in its place by name, replacing the one of that name.
  void Set(Ptr domain) { list_.Set(std::move(domain)); }
  bool Erase(absl::string_view name) { return list_.Erase(name); }
  // The domain named `name`, or null.
  const DomainHead* Find(absl::string_view name) const {
    const Ptr* d = list_.Find(name);
    return d != nullptr ? d->get() : nullptr;
  }
  // The model of the domain named `name`: null if there is none, or if it
  // was released.
  const DomainConfig* FindModel(absl::string_view name) const {
    const DomainHead* d = Find(name);
    return d != nullptr ? d->model() : nullptr;
  }

  const DomainConfig& operator[](size_t i) const { return *list_[i]->model(); }
  size_t size() const { return list_.size(); }
  bool empty() const { return list_.empty(); }
  const_iterator begin() const { return const_iterator(list_.begin()); }
  const_iterator end() const { return const_iterator(list_.end()); }
  boost::iterator_range<head_iterator> heads() const {
    return {head_iterator(list_.begin()), head_iterator(list_.end())};
  }

 private:
  List list_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DOMAIN_LIST_H_
