// The HTTP server over loopback sockets: pipelined requests, keep-alive,
// the limits (head size, per-client connections, head timeout). Timing is
// never asserted: the integration test measures it (test_mta_sts_https.py).
#include "dnsd/http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dnsd::http {
namespace {

class Client {
 public:
  explicit Client(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{10, 0};  // a hung test fails instead of hanging
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& bytes) { ASSERT_EQ(write(fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())); }
  // Everything until the server closes (or 10 s pass).
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fd_, buf, sizeof buf)) > 0;) out.append(buf, n);
    return out;
  }

 private:
  int fd_;
  bool connected_ = false;
};

Response Echo(const Request& r) {
  Response out;
  out.body = absl::StrCat(r.method, " ", r.path, " ", r.host);
  return out;
}

std::unique_ptr<Server> Start(const Limits& limits) {
  auto server = Server::Bind("127.0.0.1:0", limits, Echo);
  EXPECT_TRUE(server.ok()) << server.status();
  (*server)->Start();
  return *std::move(server);
}

TEST(ServerTest, AnswersPipelinedRequestsInOrderAndClosesWhenAsked) {
  auto server = Start(Limits{});
  Client c(server->port());
  ASSERT_TRUE(c.connected());
  c.Send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: y\r\n\r\n"
         "GET /c HTTP/1.1\r\nHost: z\r\nConnection: close\r\n\r\n");
  std::string all = c.ReadAll();
  size_t a = all.find("GET /a x");
  size_t c_pos = all.find("GET /c z");
  EXPECT_NE(a, std::string::npos) << all;
  EXPECT_NE(c_pos, std::string::npos) << all;
  EXPECT_LT(a, c_pos);
  EXPECT_FALSE(absl::StrContains(all, "HEAD /b y"));  // HEAD: no body
  EXPECT_EQ(server->stats().accepted.load(), 1u);
}

TEST(ServerTest, AnOversizedHeadIs431) {
  Limits limits;
  limits.max_head_bytes = 1024;
  auto server = Start(limits);
  Client c(server->port());
  c.Send(absl::StrCat("GET / HTTP/1.1\r\nHost: x\r\nX: ", std::string(2000, 'a')));
  EXPECT_TRUE(absl::StartsWith(c.ReadAll(), "HTTP/1.1 431 ")) ;
  EXPECT_EQ(server->stats().bad_requests.load(), 1u);
}

TEST(ServerTest, AMalformedRequestIs400AndClosed) {
  auto server = Start(Limits{});
  Client c(server->port());
  c.Send("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string all = c.ReadAll();
  EXPECT_TRUE(absl::StartsWith(all, "HTTP/1.1 400 ")) << all;
  EXPECT_FALSE(absl::StrContains(all, "200 OK"));
}

TEST(ServerTest, ARequestWithABodyIsAnsweredThenClosed) {
  auto server = Start(Limits{});
  Client c(server->port());
  c.Send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  std::string all = c.ReadAll();
  EXPECT_TRUE(absl::StrContains(all, "Connection: close")) << all;
  EXPECT_TRUE(absl::StrContains(all, "POST /p x")) << all;
}

TEST(ServerTest, PerClientCapClosesTheExtraConnection) {
  Limits limits;
  limits.max_connections_per_client = 1;
  auto server = Start(limits);
  Client first(server->port());
  first.Send("GET /1 HTTP/1.1\r\nHost: x\r\n");  // stays open, head unfinished
  Client second(server->port());
  EXPECT_EQ(second.ReadAll(), "");  // closed without an answer
  first.Send("Connection: close\r\n\r\n");
  EXPECT_TRUE(absl::StrContains(first.ReadAll(), "GET /1 x"));
  EXPECT_EQ(server->stats().refused_client_limit.load(), 1u);
}

TEST(ServerTest, AClientThatNeverFinishesItsHeadIsClosed) {
  Limits limits;
  limits.head_timeout = std::chrono::milliseconds(100);
  auto server = Start(limits);
  Client c(server->port());
  c.Send("GET / HTTP/1.1\r\nHo");
  EXPECT_EQ(c.ReadAll(), "");
  EXPECT_EQ(server->stats().closed_timeout.load(), 1u);
}

TEST(ServerTest, BindsIpv6) {
  auto server = Server::Bind("[::1]:0", Limits{}, Echo);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_NE((*server)->port(), 0);
}

TEST(ServerTest, BindRefusesABadAddress) {
  EXPECT_FALSE(Server::Bind("localhost:80", Limits{}, Echo).ok());
}

}  // namespace
}  // namespace dnsd::http
