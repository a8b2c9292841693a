#include "config/dnstap_section.h"

#include <sys/un.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "config/field_readers.h"
#include "config/quote.h"
#include "dnsd/protocol/net/endpoint.h"

namespace dnsd::config {
namespace {

constexpr absl::string_view kDnstapKeys[] = {"socket",  "tcp",    "messages",
                                             "zones",   "sample", "client_address"};
constexpr absl::string_view kMessages[] = {"response", "query+response"};
constexpr absl::string_view kZones[] = {"all", "spf"};
constexpr absl::string_view kClientAddress[] = {"full", "prefix", "none"};

// sockaddr_un's sun_path, less its terminating NUL.
constexpr size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;

std::optional<std::string> ReadSocket(YamlReader& r, const Value& value) {
  std::optional<std::string> read = ReadPath(r, value);
  if (!read) return std::nullopt;
  const std::string& path = *read;
  if (path.size() > kMaxSocketPath) {
    r.ValueError(value, absl::StrCat("is ", path.size(), " characters long as a path (",
                                     Quoted(path), "); a Unix socket path has at most ",
                                     kMaxSocketPath));
    return std::nullopt;
  }
  return path;
}

std::optional<std::string> ReadTcp(YamlReader& r, const Value& value) {
  std::optional<std::string> text = r.String(value);
  if (!text) return std::nullopt;
  absl::StatusOr<Endpoint> ep = ParseEndpoint(*text);
  if (!ep.ok() || ep->port == 0) {
    r.ValueError(value, absl::StrCat(Quoted(*text),
                                     " is not an IP address and port (ADDR:PORT, [ADDR]:PORT)"));
    return std::nullopt;
  }
  return text;
}

}  // namespace

void ReadDnstap(YamlReader& r, const Value& value, DnstapSettings& out) {
  std::optional<Fields> f = r.Map(value, kDnstapKeys);
  if (!f) return;
  const Value* socket = f->Get("socket");
  const Value* tcp = f->Get("tcp");
  if (socket != nullptr && tcp != nullptr) {
    r.ValueError(*tcp, "give either socket or tcp, not both: dnstap writes to one collector");
  } else if (socket != nullptr) {
    if (auto path = ReadSocket(r, *socket)) out.socket = *path;
  } else if (tcp != nullptr) {
    if (auto address = ReadTcp(r, *tcp)) out.tcp = *address;
  }
  if (const Value* v = f->Get("messages")) {
    if (auto m = r.OneOf(*v, kMessages)) out.queries = *m == "query+response";
  }
  if (const Value* v = f->Get("zones")) {
    if (auto z = r.OneOf(*v, kZones)) out.spf_only = *z == "spf";
  }
  if (const Value* v = f->Get("sample")) {
    if (auto n = r.Integer(*v, 1, 1000000)) out.sample = static_cast<uint32_t>(*n);
  }
  if (const Value* v = f->Get("client_address")) {
    if (auto c = r.OneOf(*v, kClientAddress)) out.client_address = *c;
  }
}

}  // namespace dnsd::config
