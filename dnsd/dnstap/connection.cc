#include "dnsd/dnstap/connection.h"

#include <fstrm.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace dnsd::dnstap {
namespace {

fstrm_writer* MakeWriter(const Options& options, fstrm_writer_options* wopt) {
  if (!options.unix_path.empty()) {
    fstrm_unix_writer_options* u = fstrm_unix_writer_options_init();
    fstrm_unix_writer_options_set_socket_path(u, options.unix_path.c_str());
    fstrm_writer* w = fstrm_unix_writer_init(u, wopt);
    fstrm_unix_writer_options_destroy(&u);
    return w;
  }
  fstrm_tcp_writer_options* t = fstrm_tcp_writer_options_init();
  fstrm_tcp_writer_options_set_socket_address(t, options.tcp_address.c_str());
  std::string port = absl::StrCat(options.tcp_port);
  fstrm_tcp_writer_options_set_socket_port(t, port.c_str());
  fstrm_writer* w = fstrm_tcp_writer_init(t, wopt);
  fstrm_tcp_writer_options_destroy(&t);
  return w;
}

}  // namespace

std::string Connection::Describe() const {
  if (!options_.unix_path.empty()) return absl::StrCat("unix:", options_.unix_path);
  return absl::StrCat("tcp:", options_.tcp_address, ":", options_.tcp_port);
}

absl::Status Connection::Open() {
  Close();
  fstrm_writer_options* wopt = fstrm_writer_options_init();
  fstrm_writer_options_add_content_type(wopt, kContentType, std::strlen(kContentType));
  fstrm_writer* w = MakeWriter(options_, wopt);
  fstrm_writer_options_destroy(&wopt);
  if (w == nullptr) return absl::InternalError("cannot set up a Frame Streams writer");
  // Connects, and (the socket being readable) does the bidirectional
  // handshake: READY with our content type, the collector's ACCEPT, START.
  if (fstrm_writer_open(w) != fstrm_res_success) {
    fstrm_writer_destroy(&w);
    return absl::UnavailableError(absl::StrCat("cannot connect to ", Describe()));
  }
  writer_ = w;
  return absl::OkStatus();
}

absl::Status Connection::Write(const iovec* frames, size_t count) {
  if (writer_ == nullptr) return absl::FailedPreconditionError("not connected");
  if (count == 0) return absl::OkStatus();
  if (fstrm_writer_writev(writer_, frames, static_cast<int>(count)) != fstrm_res_success) {
    // The peer is gone; a clean STOP would fail too.
    fstrm_writer_destroy(&writer_);
    writer_ = nullptr;
    return absl::UnavailableError(absl::StrCat("the collector at ", Describe(), " went away"));
  }
  return absl::OkStatus();
}

void Connection::Close() {
  if (writer_ == nullptr) return;
  fstrm_writer_close(writer_);
  fstrm_writer_destroy(&writer_);
  writer_ = nullptr;
}

}  // namespace dnsd::dnstap
