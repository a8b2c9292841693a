#include "dnsd/http/client_counts.h"

namespace dnsd::http {

bool ClientCounts::TryAdd(const ClientAddress& client) {
  uint32_t& open = open_[client];
  if (open >= per_client_) {
    if (open == 0) open_.erase(client);  // a limit of 0 admits nobody
    return false;
  }
  ++open;
  return true;
}

void ClientCounts::Remove(const ClientAddress& client) {
  auto it = open_.find(client);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

}  // namespace dnsd::http
