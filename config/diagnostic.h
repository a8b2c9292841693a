// A configuration error tied to the place in a YAML file that caused it.
//
// `dnsd check` prints every diagnostic as "file:line:column: message", the
// form editors and CI logs turn into links.
#ifndef DNSD_CONFIG_DIAGNOSTIC_H_
#define DNSD_CONFIG_DIAGNOSTIC_H_

#include <atomic>
#include <compare>
#include <memory>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/kept_heap.h"

namespace dnsd::config {

// A file's name, shared by every position in the file: the model keeps a
// dozen positions per domain, and a path of each for every one of them was
// ~500 bytes per domain. Copying one is a reference count, not an
// allocation. One pointer, not a std::shared_ptr's two: a SourcePos is 16
// bytes, and a domain's model holds dozens of them. The count, the length
// and the characters are one allocation: a loaded file's path is kept for
// as long as it is served, a million of them at a million domains, and a
// std::string inside the shared block took a second allocation for each.
// Thread-safe as a std::shared_ptr is: copies may be made and dropped on
// any thread.
class FileName {
 public:
  FileName() = default;
  FileName(absl::string_view name);  // implicit: a path is a file name
  FileName(const std::string& name) : FileName(absl::string_view(name)) {}
  FileName(const char* name) : FileName(absl::string_view(name)) {}
  FileName(const FileName& other) : shared_(other.shared_) { Ref(); }
  FileName(FileName&& other) noexcept : shared_(std::exchange(other.shared_, nullptr)) {}
  FileName& operator=(const FileName& other) {
    FileName copy(other);
    std::swap(shared_, copy.shared_);
    return *this;
  }
  FileName& operator=(FileName&& other) noexcept {
    std::swap(shared_, other.shared_);
    return *this;
  }
  ~FileName() { Unref(); }

  absl::string_view str() const {
    return shared_ != nullptr ? absl::string_view(shared_->chars(), shared_->size)
                              : absl::string_view();
  }
  operator absl::string_view() const { return str(); }
  // For the calls that want a std::string (open(2)'s path, a map key).
  std::string string() const { return std::string(str()); }
  const char* c_str() const { return shared_ != nullptr ? shared_->chars() : ""; }
  bool empty() const { return str().empty(); }
  // Whether `other` is this very copy of the name, not only an equal one.
  bool SharedWith(const FileName& other) const { return shared_ == other.shared_; }

  friend bool operator==(const FileName& a, const FileName& b) {
    return a.shared_ == b.shared_ || a.str() == b.str();
  }
  friend std::strong_ordering operator<=>(const FileName& a, const FileName& b) {
    if (a.shared_ == b.shared_) return std::strong_ordering::equal;
    return a.str().compare(b.str()) <=> 0;
  }
  friend std::ostream& operator<<(std::ostream& out, const FileName& f) { return out << f.str(); }

 private:
  // Followed in the same allocation by `size` characters and a NUL.
  struct Shared {
    std::atomic<uint32_t> refs;
    uint32_t size;
    const char* chars() const { return reinterpret_cast<const char*>(this + 1); }
  };
  void Ref() const {
    if (shared_ != nullptr) shared_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void Unref() const {
    if (shared_ != nullptr && shared_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      Free(shared_);
    }
  }
  static void Free(Shared* shared);
  Shared* shared_ = nullptr;
};

// A text held once however many say it: a diagnostic's message, the
// catalog ids a released domain names (config/model.h). At a million
// domains a load has hundreds of thousands of warnings, nearly all the same
// three sentences (a DMARC tag that RFC 9989 made historic, say); a
// std::string each was 32 octets in the diagnostic and 150 on the heap,
// every one of them kept for as long as its file is served. Equal texts
// share one counted entry of a process-wide table, which forgets a text
// once nothing says it any more. One pointer; copies are a reference
// count; thread-safe as FileName is.
class SharedText {
 public:
  SharedText() = default;
  SharedText(absl::string_view text);  // implicit: a message is a text
  SharedText(const std::string& text) : SharedText(absl::string_view(text)) {}
  SharedText(const char* text) : SharedText(absl::string_view(text)) {}
  SharedText(const SharedText& other) : entry_(other.entry_) { Ref(); }
  SharedText(SharedText&& other) noexcept : entry_(std::exchange(other.entry_, nullptr)) {}
  SharedText& operator=(const SharedText& other) {
    SharedText copy(other);
    std::swap(entry_, copy.entry_);
    return *this;
  }
  SharedText& operator=(SharedText&& other) noexcept {
    std::swap(entry_, other.entry_);
    return *this;
  }
  ~SharedText() { Unref(); }

  absl::string_view str() const {
    return entry_ != nullptr ? absl::string_view(entry_->chars(), entry_->size)
                             : absl::string_view();
  }
  operator absl::string_view() const { return str(); }
  bool empty() const { return entry_ == nullptr; }
  size_t size() const { return str().size(); }
  // A new text: this one with `more` after it.
  SharedText& operator+=(absl::string_view more);

  // Equal texts are one entry.
  friend bool operator==(const SharedText& a, const SharedText& b) {
    return a.entry_ == b.entry_;
  }
  friend bool operator==(const SharedText& a, absl::string_view b) { return a.str() == b; }
  friend bool operator==(const SharedText& a, const char* b) { return a.str() == b; }
  friend bool operator==(const SharedText& a, const std::string& b) { return a.str() == b; }
  // For what wants a std::string of it (a test's matcher).
  explicit operator std::string() const { return std::string(str()); }
  friend std::ostream& operator<<(std::ostream& out, const SharedText& t) {
    return out << t.str();
  }

  // How many distinct texts the process holds (tests).
  static size_t Distinct();

 private:
  // Followed in the same allocation by `size` characters.
  struct Entry {
    std::atomic<uint32_t> refs;
    uint32_t size;
    const char* chars() const { return reinterpret_cast<const char*>(this + 1); }
  };
  void Ref() const {
    if (entry_ != nullptr) entry_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void Unref() const {
    if (entry_ != nullptr && entry_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      Forget(entry_);
    }
  }
  // Takes `entry`, whose count fell to 0, out of the table and frees it.
  static void Forget(Entry* entry);
  Entry* entry_ = nullptr;
};

struct SourcePos {
  FileName file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

// One rule for `dnsd check` and `dnsd serve` alike. An error means that
// something is not served as the files say: a file or a family's part of a
// domain is left out, or keeps its last good version; `check` exits 1 on
// it. A warning is served as written, with something the operator should
// know (a fallback answer, a vanished sender); `check` prints it and exits
// 0.
enum class Severity { kError, kWarning };

struct Diagnostic {
  SourcePos pos;
  SharedText message;  // may end in "; did you mean 'x'?"
  Severity severity = Severity::kError;
};

// A file's diagnostics as dnsd keeps them while the file is served: in the
// kept heap (config/kept_heap.h), as they are made while the file is read.
using DiagnosticList = std::vector<Diagnostic, KeptAllocator<Diagnostic>>;
// `diagnostics`, moved into a list kept that way.
std::shared_ptr<const DiagnosticList> KeepDiagnostics(std::vector<Diagnostic> diagnostics);

// "file:line:column: message" (or "file: message" without a position);
// a warning's message starts with "warning: ".
std::string FormatDiagnostic(const Diagnostic& d);

// How many of `diagnostics` are errors, and how many warnings.
size_t CountErrors(std::span<const Diagnostic> diagnostics);
size_t CountWarnings(std::span<const Diagnostic> diagnostics);

// In file order: by file, line, column; equal places keep their order.
void SortDiagnostics(std::vector<Diagnostic>& diagnostics);

// Moves the warnings of `diagnostics` to the end of `warnings`, keeping
// the order of both.
void MoveWarnings(std::vector<Diagnostic>& diagnostics, std::vector<Diagnostic>& warnings);

// A value loaded from one file, or the reasons it could not be. Warnings
// do not stop a load.
template <typename T>
struct Loaded {
  std::optional<T> value;  // set iff errors is empty
  std::vector<Diagnostic> errors;    // in file order
  std::vector<Diagnostic> warnings;  // in file order, whether or not it loaded
  bool ok() const { return errors.empty(); }
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DIAGNOSTIC_H_
