// Every domain file's diagnostics, by path, as a list the loads share.
//
// At a million domains there are hundreds of thousands of warnings, and a
// reload changes the diagnostics of a few files. So each file's list is held
// by shared pointer, and the lists of all files in a ChunkedList
// (config/chunked_list.h): a load edits the entries of the files it read,
// and the reload status shares the result instead of copying it.
#ifndef DNSD_CONFIG_FILE_DIAGNOSTICS_H_
#define DNSD_CONFIG_FILE_DIAGNOSTICS_H_

#include <memory>
#include <string>
#include <vector>

#include "config/chunked_list.h"
#include "config/diagnostic.h"

namespace dnsd::config {

struct FileDiagnostics {
  FileName path;  // shared with the file's positions
  std::shared_ptr<const DiagnosticList> list;  // never null nor empty
};

struct FileDiagnosticsPath {
  absl::string_view operator()(const FileDiagnostics& f) const { return f.path.str(); }
};
// Files without diagnostics have no entry.
using FileDiagnosticsList = ChunkedList<FileDiagnostics, FileDiagnosticsPath>;

// `general` and every file's diagnostics, in file order (SortDiagnostics).
std::vector<Diagnostic> Merged(std::vector<Diagnostic> general, const FileDiagnosticsList& files);

// How many errors and warnings `files` hold.
size_t CountErrors(const FileDiagnosticsList& files);
size_t CountWarnings(const FileDiagnosticsList& files);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_FILE_DIAGNOSTICS_H_
