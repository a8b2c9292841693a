// ConfigState's part of the compiled image (config/compiled_image.h): for
// each domain file it can carry, what a load keeps of a file once its model
// is released. Read back, such a file is as a start that read it would
// leave it, released: its stamps, its read's digest and version, its head
// and its diagnostics.
//
// A record: the file's name (in the domains folder), then the rest
// (ImageWriter::Digested):
//   stamp      digest of mtime_ns ctime_ns inode size (FileStamp, U64)
//   read       bytes digest version            (3 x U64)
//   head       domain, line, column, inputs (released_inputs, NUL after each)
//   errors     count, then severity line column message
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "config/compiled_image.h"
#include "config/config_state.h"
#include "config/image_bytes.h"
#include "config/parallel.h"

namespace dnsd::config {

namespace {

// Far past any domain file's diagnostic, or its senders' ids together.
constexpr size_t kMaxText = 1 << 16;
// Files past which taking them is shared among the cores.
constexpr size_t kParallelTake = 4096;

}  // namespace

void ConfigState::ImageCursor::Next() {
  has = in.left() > 0;
  if (!has) return;
  name = in.Bytes(kMaxText);
  record = in.Digested();
  has = in.ok();
}

void ConfigState::ImageCursor::Match(const FileName& path, DomainFile& f) {
  absl::string_view file = path.str().substr(path.str().rfind('/') + 1);
  while (has && name < file) Next();
  if (!has || name != file) return;
  matched.push_back({&path, &f, record});
  Next();
}

bool ConfigState::TakeFile(const ImageReader::DigestedBytes& record, const FileName& path,
                           DomainFile& f) {
  if (!record.Holds()) return false;  // changed on the disk: read the file
  ImageReader in(record.bytes);
  FileStamp stamp;
  stamp.digest = in.U64();
  ReadStamp last;
  last.bytes = in.U64();
  last.digest = in.U64();
  last.version = in.U64();
  std::string domain(in.Bytes(kMaxText));
  SourcePos pos{path, static_cast<int>(in.Varint() & INT32_MAX),
                static_cast<int>(in.Varint() & INT32_MAX)};
  absl::string_view inputs = in.Bytes(kMaxText);
  std::vector<Diagnostic> errors(in.Count(4));
  for (Diagnostic& e : errors) {
    uint8_t severity = in.U8();
    e.severity = severity == 1 ? Severity::kWarning : Severity::kError;
    e.pos = SourcePos{path, static_cast<int>(in.Varint() & INT32_MAX),
                      static_cast<int>(in.Varint() & INT32_MAX)};
    e.message = SharedText(in.Bytes(kMaxText));
    // Only files without errors are written.
    if (severity != 1) in.Fail();
  }
  // A record that does not read whole leaves the file to be read.
  if (!in.ok() || !in.done() || last.version == 0 || domain.empty() ||
      (!inputs.empty() && inputs.back() != '\0')) {
    return false;
  }
  f.stamp = stamp;
  f.last = last;
  f.good = DomainHead::Restored(path, std::move(domain), std::move(pos), last.version, inputs);
  if (!errors.empty()) f.errors = KeepDiagnostics(std::move(errors));
  f.failed = false;
  f.from_image = true;
  return true;
}

void ConfigState::TakeFromImage(const ImageCursor& image, int helper_nice) {
  ForEachInParallel(
      image.matched.size(), kParallelTake, ComputeThreads(),
      [&](size_t i) {
        const ImageCursor::Matched& m = image.matched[i];
        TakeFile(m.record, *m.path, *m.file);
      },
      helper_nice);
}

size_t ConfigState::WriteImageFiles(const std::function<bool(const ImageWriter&)>& put) const {
  constexpr size_t kBatch = size_t{64} << 10;
  size_t written = 0, batched = 0;
  ImageWriter out, body;
  for (const auto& [path, f] : files_) {
    // Released, serving its own last read, with nothing but warnings.
    if (!f.released() || f.failed || f.good == nullptr || f.good->model() != nullptr ||
        f.good->version != f.last.version || !f.stamp.readable()) {
      continue;
    }
    // Every diagnostic names the file itself: the image names none.
    if (f.errors != nullptr && std::any_of(f.errors->begin(), f.errors->end(),
                                           [&file = path](const Diagnostic& e) {
                                             return e.pos.file.str() != file.str();
                                           })) {
      continue;
    }
    body.bytes().clear();
    body.U64(f.stamp.digest);
    body.U64(f.last.bytes);
    body.U64(f.last.digest);
    body.U64(f.last.version);
    const DomainHead& head = *f.good;
    body.Bytes(head.domain);
    body.Varint(static_cast<uint32_t>(head.pos().line));
    body.Varint(static_cast<uint32_t>(head.pos().column));
    std::string inputs;
    for (const std::string& id : head.released_inputs()) {
      inputs.append(id);
      inputs.push_back('\0');
    }
    body.Bytes(inputs);
    size_t errors = f.errors != nullptr ? f.errors->size() : 0;
    body.Varint(errors);
    for (size_t i = 0; i < errors; ++i) {
      const Diagnostic& e = (*f.errors)[i];
      body.U8(e.severity == Severity::kWarning ? 1 : 0);
      body.Varint(static_cast<uint32_t>(e.pos.line));
      body.Varint(static_cast<uint32_t>(e.pos.column));
      body.Bytes(e.message.str());
    }
    absl::string_view name = path.str();
    out.Bytes(name.substr(name.rfind('/') + 1));
    out.Digested(body.bytes());
    ++batched;
    if (out.size() >= kBatch) {
      if (!put(out)) return written;
      written += std::exchange(batched, 0);
      out.bytes().clear();
    }
  }
  if (batched > 0 && put(out)) written += batched;
  return written;
}

}  // namespace dnsd::config
