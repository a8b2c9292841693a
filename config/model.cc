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
  std::string packed;
  for (const std::string& id : ids) {
    packed.append(id);
    packed.push_back('\0');
  }
  inputs = SharedText(packed);
}

void DomainHead::set_pos(const SourcePos& pos) {
  line_ = static_cast<uint32_t>(std::max(pos.line, 0));
  column_ = static_cast<uint16_t>(std::clamp(pos.column, 0, int{UINT16_MAX}));
}

ReleasedHead::ReleasedHead(FileName file_name, std::string domain_name, SourcePos where,
                           uint64_t read_version, absl::string_view ids) {
  file = std::move(file_name);
  domain = std::move(domain_name);
  set_pos(where);
  version = read_version;
  has_model_ = false;
  inputs = SharedText(ids);
}

// Every released domain has one: with make_shared's 16 octets, in the
// allocator's 80-octet class.
static_assert(sizeof(ReleasedHead) <= 64);

std::shared_ptr<const DomainHead> DomainHead::Released(const DomainConfig& d,
                                                       const std::vector<std::string>& inputs) {
  return std::make_shared<const ReleasedHead>(d, inputs);
}

std::shared_ptr<const DomainHead> DomainHead::Restored(FileName file, std::string domain,
                                                       SourcePos pos, uint64_t version,
                                                       absl::string_view inputs) {
  return std::make_shared<const ReleasedHead>(std::move(file), std::move(domain), std::move(pos),
                                              version, inputs);
}

std::vector<std::string> DomainHead::released_inputs() const {
  std::vector<std::string> ids;
  if (has_model_) return ids;
  const auto& released = static_cast<const ReleasedHead&>(*this);
  absl::string_view rest = released.inputs.str();
  for (size_t end; (end = rest.find('\0')) != absl::string_view::npos; rest.remove_prefix(end + 1)) {
    ids.emplace_back(rest.substr(0, end));
  }
  return ids;
}

}  // namespace dnsd::config
