#include "dnsd/control/refresh/state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "config/quote.h"
#include "yaml-cpp/yaml.h"

namespace dnsd::refresh {
namespace {

constexpr int kVersion = 1;
constexpr uintmax_t kMaxBytes = 16 << 20;

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::Status WriteAll(int fd, const std::string& text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("writing", path);
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// A rename is durable only once the folder that holds the name is synced.
absl::Status SyncFolder(const std::string& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("opening", folder);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? absl::OkStatus() : Errno("syncing", folder);
}

bool IsSenderId(const std::string& id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<PersistedSender> ParseSender(const std::string& id, const YAML::Node& node) {
  auto bad = [&](absl::string_view why) {
    return absl::DataLossError(absl::StrCat("sender ", id, ": ", why));
  };
  if (!node.IsMap()) return bad("not a mapping");
  PersistedSender s;
  if (!node["include"] || !node["include"].IsScalar()) return bad("no include");
  s.include = node["include"].as<std::string>();
  if (s.include.empty()) return bad("empty include");
  if (!node["refreshed"] || !node["ttl"]) return bad("no refreshed or ttl");
  s.refreshed_unix = node["refreshed"].as<int64_t>();
  int64_t ttl = node["ttl"].as<int64_t>();
  if (s.refreshed_unix < 0 || ttl < 0 || ttl > 0x7fffffff) return bad("bad refreshed or ttl");
  s.ttl = static_cast<uint32_t>(ttl);
  const YAML::Node prefixes = node["prefixes"];
  if (!prefixes || !prefixes.IsSequence() || prefixes.size() == 0) return bad("no prefixes");
  for (const YAML::Node& p : prefixes) {
    if (!p.IsScalar()) return bad("a prefix is not a string");
    absl::StatusOr<IpPrefix> prefix = ParseIpPrefix(p.as<std::string>());
    if (!prefix.ok()) return bad(prefix.status().message());
    s.prefixes.push_back(*prefix);
  }
  return s;
}

absl::StatusOr<PersistedRanges> ParseRoot(const YAML::Node& root) {
  if (!root.IsMap()) return absl::DataLossError("not a mapping");
  if (!root["version"] || root["version"].as<int>() != kVersion) {
    return absl::DataLossError(absl::StrCat("not version ", kVersion));
  }
  PersistedRanges ranges;
  const YAML::Node senders = root["senders"];
  if (!senders) return ranges;
  if (!senders.IsMap()) return absl::DataLossError("senders is not a mapping");
  for (const auto& entry : senders) {
    std::string id = entry.first.as<std::string>();
    if (!IsSenderId(id)) return absl::DataLossError(absl::StrCat("bad sender id '", id, "'"));
    absl::StatusOr<PersistedSender> s = ParseSender(id, entry.second);
    if (!s.ok()) return s.status();
    ranges[id] = *std::move(s);
  }
  return ranges;
}

}  // namespace

std::string StateFilePath(const std::string& state_dir) {
  return (std::filesystem::path(state_dir) / "catalog-ranges.yaml").string();
}

std::string FormatState(const PersistedRanges& ranges) {
  YAML::Emitter out;
  out << YAML::Comment(
      "dnsd catalog refresh: the last good ranges per sender. Written by dnsd; do not edit.");
  out << YAML::BeginMap << YAML::Key << "version" << YAML::Value << kVersion;
  out << YAML::Key << "senders" << YAML::Value << YAML::BeginMap;
  for (const auto& [id, s] : ranges) {
    out << YAML::Key << id << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "include" << YAML::Value << s.include;
    out << YAML::Key << "refreshed" << YAML::Value << s.refreshed_unix;
    out << YAML::Key << "ttl" << YAML::Value << s.ttl;
    out << YAML::Key << "prefixes" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const IpPrefix& p : s.prefixes) out << FormatIpPrefix(p);
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

absl::StatusOr<PersistedRanges> ParseState(const std::string& text, const std::string& name) {
  try {
    absl::StatusOr<PersistedRanges> ranges = ParseRoot(YAML::Load(text));
    // The messages quote the file (a sender id, a prefix), which goes
    // into the log: its octets outside printable ASCII are escaped.
    if (!ranges.ok()) {
      return absl::DataLossError(
          absl::StrCat(name, ": ", config::Printable(ranges.status().message())));
    }
    return ranges;
  } catch (const std::exception& e) {
    // yaml-cpp throws on syntax errors and on failed conversions alike.
    return absl::DataLossError(absl::StrCat(name, ": ", config::Printable(e.what())));
  }
}

absl::StatusOr<PersistedRanges> ReadStateFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return PersistedRanges{};
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat(path, ": ", ec.message()));
  if (size > kMaxBytes) return absl::DataLossError(absl::StrCat(path, ": larger than 16 MiB"));
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return absl::UnavailableError(absl::StrCat("reading ", path, " failed"));
  return ParseState(text.str(), path);
}

absl::Status WriteStateFile(const std::string& path, const PersistedRanges& ranges) {
  std::filesystem::path target(path);
  std::string folder = target.parent_path().empty() ? "." : target.parent_path().string();
  if (::mkdir(folder.c_str(), 0750) != 0 && errno != EEXIST) return Errno("creating", folder);
  // A dot name in the same folder: same file system, so the rename is atomic.
  std::string tmp = (std::filesystem::path(folder) /
                     absl::StrCat(".", target.filename().string(), ".", ::getpid(), ".tmp"))
                        .string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("creating", tmp);
  absl::Status status = WriteAll(fd, FormatState(ranges), tmp);
  if (status.ok() && ::fsync(fd) != 0) status = Errno("syncing", tmp);
  if (::close(fd) != 0 && status.ok()) status = Errno("closing", tmp);
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) status = Errno("renaming", tmp);
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  return SyncFolder(folder);
}

}  // namespace dnsd::refresh
