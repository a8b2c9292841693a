#include "dnsd/http/server.h"

#include <algorithm>
#include <array>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "absl/strings/str_cat.h"
#include "dnsd/http/request_parser.h"
#include "dnsd/protocol/net/endpoint.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::http {

using boost::asio::ip::tcp;

namespace {

ClientAddress AddressOf(const tcp::endpoint& peer) {
  boost::asio::ip::address a = peer.address();
  boost::asio::ip::address_v6 v6 =
      a.is_v4() ? boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4())
                : a.to_v6();
  return v6.to_bytes();
}

}  // namespace

// One client connection: read a head, answer, repeat while keep-alive
// allows; a single timer bounds each wait. Owned by its pending handlers.
class Server::Connection : public std::enable_shared_from_this<Server::Connection> {
 public:
  Connection(Server& server, tcp::socket socket, const ClientAddress& client)
      : server_(server), socket_(std::move(socket)), timer_(server.io_), client_(client) {
    ++server_.stats_.open;
  }
  ~Connection() {
    server_.clients_.Remove(client_);
    --server_.stats_.open;
  }

  void Start() {
    buffer_.reserve(server_.limits_.max_head_bytes);
    WaitForHead();
  }

 private:
  // The deadline covers the whole head, however it trickles in.
  void WaitForHead() {
    if (HandleBuffered()) return;
    Arm(server_.limits_.head_timeout);
    Read();
  }

  void Read() {
    socket_.async_read_some(
        boost::asio::buffer(chunk_),
        [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
          if (ec) return self->Close();
          self->buffer_.append(self->chunk_.data(), n);
          if (self->HandleBuffered()) return;
          if (self->buffer_.size() >= self->server_.limits_.max_head_bytes) {
            return self->Fail(431);
          }
          self->Read();
        });
  }

  // Answers the request whose head is in the buffer, if a whole one is.
  bool HandleBuffered() {
    size_t length = HeadLength(buffer_);
    if (length == 0) return false;
    if (length > server_.limits_.max_head_bytes) {
      Fail(431);
      return true;
    }
    ParsedHead parsed = ParseHead(absl::string_view(buffer_).substr(0, length));
    buffer_.erase(0, length);
    if (parsed.error != 0) {
      Fail(parsed.error);
      return true;
    }
    const Request& request = parsed.request;
    ++requests_;
    bool keep_alive = request.keep_alive && !request.has_body &&
                      requests_ < server_.limits_.max_requests_per_connection;
    Response response = server_.handler_(request);
    Send(Render(response, request.method == "HEAD", !keep_alive), keep_alive);
    return true;
  }

  // A request the parser refused: answer it and close.
  void Fail(int status) {
    ++server_.stats_.bad_requests;
    Send(Render(Plain(status), false, true), false);
  }

  void Send(std::string bytes, bool keep_alive) {
    out_ = std::move(bytes);
    Arm(server_.limits_.write_timeout);
    boost::asio::async_write(
        socket_, boost::asio::buffer(out_),
        [self = shared_from_this(), keep_alive](const boost::system::error_code& ec, size_t) {
          if (ec) return self->Close();
          if (!keep_alive) return self->Linger();
          self->WaitForHead();
        });
  }

  // Closing with unread bytes from the client (a body, the rest of an
  // oversized head, pipelined requests) makes the kernel send a reset,
  // which can destroy the answer before the client reads it. So: end our
  // side, and drop what still comes until the client closes or a second
  // passes (RFC 9112 §9.6).
  void Linger() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    Arm(std::min<std::chrono::milliseconds>(server_.limits_.head_timeout,
                                             std::chrono::milliseconds(1000)),
        /*counted=*/false);
    Drain();
  }

  void Drain() {
    socket_.async_read_some(
        boost::asio::buffer(chunk_),
        [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
          if (ec) return self->Close();
          self->Drain();
        });
  }

  void Arm(std::chrono::milliseconds timeout, bool counted = true) {
    timer_.expires_after(timeout);
    timer_.async_wait([weak = weak_from_this(), counted](const boost::system::error_code& ec) {
      if (ec) return;  // re-armed or cancelled
      if (auto self = weak.lock()) {
        if (counted) ++self->server_.stats_.closed_timeout;
        self->Close();
      }
    });
  }

  void Close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  Server& server_;
  tcp::socket socket_;
  boost::asio::steady_timer timer_;
  ClientAddress client_;
  std::string buffer_;
  std::array<char, 2048> chunk_;
  std::string out_;
  uint32_t requests_ = 0;
};

Server::Server(const Limits& limits, Handler handler)
    : limits_(limits), handler_(std::move(handler)), clients_(limits.max_connections_per_client) {}

absl::StatusOr<std::unique_ptr<Server>> Server::Bind(const std::string& listen,
                                                     const Limits& limits, Handler handler) {
  absl::StatusOr<Endpoint> ep = ParseEndpoint(listen);
  if (!ep.ok()) return ep.status();
  std::unique_ptr<Server> server(new Server(limits, std::move(handler)));
  boost::system::error_code ec;
  boost::asio::ip::address address =
      boost::asio::ip::make_address(FormatIpAddress(ep->address, ep->v6), ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat(listen, ": ", ec.message()));
  tcp::endpoint endpoint(address, ep->port);
  tcp::acceptor& a = server->acceptor_;
  a.open(endpoint.protocol(), ec);
  // A restart binds at once although connections of the last run linger.
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && endpoint.protocol() == tcp::v6()) a.set_option(boost::asio::ip::v6_only(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot listen on ", listen, ": ", ec.message()));
  server->port_ = a.local_endpoint().port();
  return server;
}

Server::~Server() { Stop(); }

void Server::Start() {
  if (thread_.joinable()) return;
  Accept();
  thread_ = std::thread([this] { io_.run(); });
}

void Server::Stop() {
  boost::asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    io_.stop();
  });
  if (thread_.joinable()) thread_.join();
}

void Server::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors, most likely: try again shortly, not in a spin.
      accept_retry_.expires_after(std::chrono::milliseconds(100));
      accept_retry_.async_wait([this](const boost::system::error_code& wait) {
        if (!wait) Accept();
      });
      return;
    }
    Admit(std::move(socket));
    Accept();
  });
}

void Server::Admit(tcp::socket socket) {
  boost::system::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone; the socket closes as it goes out of scope
  if (stats_.open >= limits_.max_connections) {
    ++stats_.refused_over_limit;
    return;
  }
  ClientAddress client = AddressOf(peer);
  if (!clients_.TryAdd(client)) {
    ++stats_.refused_client_limit;
    return;
  }
  ++stats_.accepted;
  std::make_shared<Connection>(*this, std::move(socket), client)->Start();
}

}  // namespace dnsd::http
