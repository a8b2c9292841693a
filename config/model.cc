#include "config/model.h"

#include <algorithm>

namespace dnsd::config {

const Sender* Catalog::Find(absl::string_view id) const {
  auto it = std::lower_bound(senders.begin(), senders.end(), id,
                             [](const Sender& sender, absl::string_view key) {
                               return sender.id < key;
                             });
  if (it == senders.end() || it->id != id) return nullptr;
  return &*it;
}

}  // namespace dnsd::config
