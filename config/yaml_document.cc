// YamlReader::LoadFile and Parse: from bytes to one YAML document.
//
// The compact tree of config/yaml_tree.h first; whatever it declines
// (anything outside its plain subset, and every error) is parsed again by
// yaml-cpp, whose messages and positions are the diagnostics.
// This is the only place yaml-cpp's exceptions are allowed to surface; they
// become diagnostics here, so nothing above ever sees one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <functional>
#include <string_view>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "config/quote.h"
#include "config/yaml_reader.h"
#include "config/yaml_tree.h"
#include "yaml-cpp/depthguard.h"
#include "yaml-cpp/eventhandler.h"

namespace dnsd::config {

namespace {

// Counts documents without building them. yaml-cpp's LoadAll can loop
// forever on some binary junk; a bounded loop over HandleNextDocument with
// this handler cannot.
class DocumentCounter : public YAML::EventHandler {
 public:
  int count() const { return count_; }
  const YAML::Mark& second_start() const { return second_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (count_++ == 1) second_start_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  int count_ = 0;
  YAML::Mark second_start_;
};

// Whether `text` could hold a second document: only a line that starts
// with a document marker ("---" or "...") can begin one. Most files have
// none, and counting documents is a second full parse.
// Lines break at \n or \r, and a document may begin with a byte order mark.
bool MayHoldSeveralDocuments(absl::string_view text) {
  for (size_t at = 0; at < text.size();) {
    absl::string_view line = text.substr(at);
    if (absl::StartsWith(line, "\xef\xbb\xbf")) line.remove_prefix(3);
    if (absl::StartsWith(line, "---") || absl::StartsWith(line, "...")) return true;
    size_t end = text.find_first_of("\r\n", at);
    if (end == absl::string_view::npos) break;
    at = end + 1;
  }
  return false;
}

}  // namespace

std::optional<Value> YamlReader::LoadFile() {
  std::optional<std::string> text = ReadText();
  if (!text) return std::nullopt;
  return Parse(*text);
}

std::optional<std::string> YamlReader::ReadText() {
  // One open, one fstat and one read per file: at a million domain files
  // the stream library's extra stats and copies were a tenth of a start.
  // O_NONBLOCK: a FIFO dropped into the folder must not hang the load; it
  // changes nothing for a regular file. O_NOATIME: the first read of a file
  // since it was written would otherwise dirty its inode, a million inode
  // writes for each swap to a new release folder (deploy/git-sync/); the
  // kernel allows it to the file's owner only: once refused, dnsd reads
  // without it (the files of one folder have one owner).
  static std::atomic<bool> noatime_refused{false};
  constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
  int fd = -1;
  if (!noatime_refused.load(std::memory_order_relaxed)) {
    fd = open(read_from_.c_str(), kFlags | O_NOATIME);
    if (fd < 0 && errno == EPERM) noatime_refused.store(true, std::memory_order_relaxed);
  }
  if (fd < 0 && noatime_refused.load(std::memory_order_relaxed)) {
    fd = open(read_from_.c_str(), kFlags);
  }
  if (fd < 0) {
    Error(SourcePos{file_}, errno == ENOENT ? "cannot open the file: it does not exist"
                                            : "cannot read the file");
    return std::nullopt;
  }
  absl::Cleanup close_fd = [fd] { close(fd); };
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    Error(SourcePos{file_}, "cannot read: not a regular file");
    return std::nullopt;
  }
  if (static_cast<uintmax_t>(st.st_size) > kMaxFileBytes) {
    Error(SourcePos{file_},
          absl::StrCat("the file is larger than ", kMaxFileBytes >> 20, " MiB"));
    return std::nullopt;
  }
  // The file may grow or shrink while it is read: read to its end, within
  // the limit, whatever fstat said. The octet to spare takes the end.
  std::string text(static_cast<size_t>(st.st_size) + 1, '\0');
  size_t used = 0;
  while (true) {
    if (used == text.size()) {
      if (text.size() > kMaxFileBytes) {
        Error(SourcePos{file_},
              absl::StrCat("the file is larger than ", kMaxFileBytes >> 20, " MiB"));
        return std::nullopt;
      }
      text.resize(std::max<size_t>(4096, text.size() * 2));
    }
    ssize_t n = read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error(SourcePos{file_}, "cannot read the file");
      return std::nullopt;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  text.resize(used);
  return text;
}

std::optional<Value> YamlReader::Parse(const std::string& text) {
  if (std::optional<YamlTree> tree = YamlTree::Parse(text)) {
    auto shared = std::make_shared<const YamlTree>(std::move(*tree));
    uint32_t index = shared->root();
    YamlNode root(std::move(shared), index);
    // Never null, so never without a position: the tree declines an empty
    // document.
    SourcePos pos = Pos(root.Mark());
    return Value{std::move(root), std::move(pos), ""};
  }
  try {
    return ParseUnguarded(text);
  } catch (const YAML::DeepRecursion& e) {
    Error(Pos(e.mark), "YAML nesting is too deep");
  } catch (const YAML::Exception& e) {
    Error(Pos(e.mark), absl::StrCat("YAML syntax error: ", Printable(e.msg)));
  } catch (const std::exception& e) {
    Error(SourcePos{file_}, absl::StrCat("cannot parse the file: ", Printable(e.what())));
  }
  return std::nullopt;
}

std::optional<Value> YamlReader::ParseUnguarded(const std::string& text) {
  YAML::Node root = YAML::Load(text);
  if (MayHoldSeveralDocuments(text)) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentCounter counter;
    for (int i = 0; i < 2 && parser.HandleNextDocument(counter); ++i) {
    }
    if (counter.count() > 1) {
      Error(Pos(counter.second_start()),
            "a second YAML document starts here; a file holds one document");
      return std::nullopt;
    }
  }
  SourcePos pos = Pos(root.Mark());
  if (pos.line == 0) pos = SourcePos{file_, 1, 1};
  return Value{YamlNode(root), pos, ""};
}

}  // namespace dnsd::config
