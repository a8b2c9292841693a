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

ReleasedHead::ReleasedHead(const DomainHead& head, const std::vector<std::string>& ids)
    : DomainHead(head) {
  has_model_ = false;
  size_t size = 0;
  for (const std::string& id : ids) size += id.size() + 1;
  inputs.reserve(size);
  for (const std::string& id : ids) inputs.append(id).push_back('\0');
}

std::shared_ptr<const DomainHead> DomainHead::Released(const DomainConfig& d,
                                                       const std::vector<std::string>& inputs) {
  return std::make_shared<const ReleasedHead>(d, inputs);
}

std::vector<std::string> DomainHead::released_inputs() const {
  std::vector<std::string> ids;
  if (has_model_) return ids;
  absl::string_view rest = static_cast<const ReleasedHead*>(this)->inputs;
  for (size_t end; (end = rest.find('\0')) != absl::string_view::npos; rest.remove_prefix(end + 1)) {
    ids.emplace_back(rest.substr(0, end));
  }
  return ids;
}

}  // namespace dnsd::config
