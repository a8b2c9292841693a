#include "config/model.h"

#include <algorithm>

namespace dnsd::config {

std::vector<IpPrefix> LoopbackPrefixes() {
  IpPrefix v4;
  v4.address.bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 0};
  v4.length = 96 + 8;
  IpPrefix v6;
  v6.address.bytes[15] = 1;
  v6.length = 128;
  return {v4, v6};
}

const Sender* Catalog::Find(absl::string_view id) const {
  auto it = std::lower_bound(senders.begin(), senders.end(), id,
                             [](const Sender& sender, absl::string_view key) {
                               return sender.id < key;
                             });
  if (it == senders.end() || it->id != id) return nullptr;
  return &*it;
}

std::shared_ptr<const DomainHead> DomainHead::Released(const DomainConfig& d,
                                                       std::vector<std::string> inputs) {
  return std::make_shared<const ReleasedHead>(d, std::move(inputs));
}

const std::vector<std::string>& DomainHead::released_inputs() const {
  static const std::vector<std::string> kNone;
  return has_model_ ? kNone : static_cast<const ReleasedHead*>(this)->inputs;
}

}  // namespace dnsd::config
