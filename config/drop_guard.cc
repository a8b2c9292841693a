#include "config/drop_guard.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "config/domain_changes.h"
#include "config/serial_digest.h"

namespace dnsd::config {
namespace {

constexpr absl::string_view kMarkerHeader = "dnsd allow-drop ";
constexpr size_t kNamesShown = 5;

std::string HowToAllow(const std::string& server_file) {
  return absl::StrCat("; to publish it on purpose, run `dnsd allow-drop -c ", server_file,
                      "` and reload");
}

}  // namespace

uint64_t DomainSetDigest(const DomainList& domains) {
  SerialDigest digest;
  for (const DomainHead& d : domains.heads()) digest.Add(d.domain);
  return digest.value();
}

std::string AllowDropPath(const std::string& server_file) {
  return absl::StrCat(server_file, ".allow-drop");
}

std::optional<uint64_t> ReadAllowDrop(const std::string& server_file) {
  std::ifstream in(AllowDropPath(server_file));
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  absl::string_view rest = line;
  uint64_t digest;
  if (!absl::ConsumePrefix(&rest, kMarkerHeader) || !absl::SimpleHexAtoi(rest, &digest)) {
    return std::nullopt;
  }
  return digest;
}

absl::Status WriteAllowDrop(const std::string& server_file, const DomainList& domains) {
  std::string path = AllowDropPath(server_file);
  std::string temp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(temp, std::ios::trunc);
    out << kMarkerHeader << absl::StrCat(absl::Hex(DomainSetDigest(domains))) << "\n"
        << "# lets the next reload publish exactly these " << domains.size()
        << " domains, even though it drops domains the running server serves\n";
    if (!out.flush()) return absl::UnavailableError(absl::StrCat("cannot write ", temp));
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot write ", path, ": ", ec.message()));
  return absl::OkStatus();
}

namespace {

// `Served` is a DomainList or DomainVersions (Diff takes either).
template <typename Served>
absl::Status CheckDropOf(const Served* served, const DomainList& next,
                         const GuardSettings& settings, const std::string& server_file,
                         const DomainDelta* delta) {
  if (std::optional<uint64_t> allowed = ReadAllowDrop(server_file);
      allowed && *allowed == DomainSetDigest(next)) {
    return absl::OkStatus();
  }
  size_t serving = served != nullptr ? served->size() : 0;
  if (next.size() == 0 && (served == nullptr || serving > 0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no domain to serve: the domains folder is missing, unreadable, empty or all broken; "
        "not published",
        serving > 0 ? absl::StrCat(" (", serving, " domains keep serving)") : "",
        HowToAllow(server_file)));
  }
  if (served == nullptr) return absl::OkStatus();
  std::vector<absl::string_view> dropped =
      delta != nullptr ? ChangesOf(*delta).removed : Diff(*served, next).removed;
  if (dropped.size() <= settings.small_drop ||
      dropped.size() * 100 <= static_cast<size_t>(settings.max_drop_percent) * serving) {
    return absl::OkStatus();
  }
  std::vector<absl::string_view> shown(dropped.begin(),
                                       dropped.begin() + std::min(dropped.size(), kNamesShown));
  return absl::FailedPreconditionError(absl::StrCat(
      "the new configuration would stop serving ", dropped.size(), " of ", serving,
      " domains (", dropped.size() * 100 / serving, "%: ", absl::StrJoin(shown, ", "),
      dropped.size() > shown.size() ? ", …" : "", "), more than guard.max_drop_percent ",
      settings.max_drop_percent, "%; not published", HowToAllow(server_file)));
}

}  // namespace

absl::Status CheckDrop(const DomainVersions* served, const DomainList& next,
                       const GuardSettings& settings, const std::string& server_file,
                       const DomainDelta* delta) {
  return CheckDropOf(served, next, settings, server_file, delta);
}

absl::Status CheckDrop(const DomainList* served, const DomainList& next,
                       const GuardSettings& settings, const std::string& server_file) {
  return CheckDropOf(served, next, settings, server_file, nullptr);
}

}  // namespace dnsd::config
