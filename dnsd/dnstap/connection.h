// One Frame Streams connection to a dnstap collector, through libfstrm's
// fstrm_writer over a Unix socket (fstrm_unix_writer) or TCP
// (fstrm_tcp_writer): content type "protobuf:dnstap.Dnstap" and the
// bidirectional handshake (READY, ACCEPT, START) fstrm_capture expects.
//
// Writer thread only. Write() blocks while the collector reads slowly;
// that is the writer thread's time, never a worker's.
#ifndef DNSD_DNSTAP_CONNECTION_H_
#define DNSD_DNSTAP_CONNECTION_H_

#include <sys/uio.h>

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "dnsd/dnstap/options.h"

struct fstrm_writer;

namespace dnsd::dnstap {

inline constexpr char kContentType[] = "protobuf:dnstap.Dnstap";

class Connection {
 public:
  explicit Connection(const Options& options) : options_(options) {}
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects and handshakes. An error: the collector is not there (yet).
  absl::Status Open();
  bool open() const { return writer_ != nullptr; }
  // Writes `count` frames, one per iovec, in one call. An error: the
  // connection is gone (closed here); Open() again later.
  absl::Status Write(const iovec* frames, size_t count);
  // Sends STOP and closes; nothing if not open.
  void Close();

  // "unix:PATH" or "tcp:ADDR:PORT", for the log.
  std::string Describe() const;

 private:
  const Options& options_;
  fstrm_writer* writer_ = nullptr;
};

}  // namespace dnsd::dnstap

#endif  // DNSD_DNSTAP_CONNECTION_H_
