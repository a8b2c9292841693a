// UdpListener's busy mode: a socket whose recvmmsg batch comes back full
// leaves the worker's epoll set and is drained by posted handlers; a short
// batch puts it back. Every query is answered across both changes, an idle
// socket wakes its worker again after a busy spell, and a stop while busy
// ends the worker.
#include "dnsd/server/udp_listener.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "config/compile.h"
#include "config/loader.h"
#include "config/test_util.h"
#include "dnsd/server/socket.h"
#include "gtest/gtest.h"

namespace dnsd {
namespace {

// What one Drain handles before it yields (udp_listener.cc): 8 rounds of 64.
constexpr int kPerWakeup = 8 * 64;

// A query for a name no zone holds: answered REFUSED, which is all a test
// of the transport needs.
std::vector<uint8_t> Query(uint16_t id) {
  std::vector<uint8_t> q = {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0, 0, 0, 1,
                            0, 0, 0, 0, 0, 0};
  for (const char* label : {"example", "org"}) {
    q.push_back(static_cast<uint8_t>(strlen(label)));
    q.insert(q.end(), label, label + strlen(label));
  }
  q.insert(q.end(), {0, 0, 1, 0, 1});  // root, A, IN
  return q;
}

class UdpListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::ConfigSet set;
    set.server.provider = config::testing::TestProvider();
    auto compiled = config::CompileSnapshot(set, /*generation=*/1);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    holder_ = std::make_unique<SnapshotHolder>(std::move(compiled->snapshot), 1);

    absl::StatusOr<Endpoint> ep = ParseEndpoint("127.0.0.1:0");
    ASSERT_TRUE(ep.ok());
    absl::StatusOr<int> fd = OpenListenSocket(*ep, SocketKind::kUdp);
    ASSERT_TRUE(fd.ok()) << fd.status();
    // Room for every datagram a test queues before the worker runs.
    int size = 16 << 20;
    if (setsockopt(*fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0) {
      setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    }
    int got = 0;
    socklen_t len = sizeof(got);
    getsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &got, &len);
    room_ = got;
    server_.sin_family = AF_INET;
    server_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    server_.sin_port = htons(LocalPort(*fd));
    listener_ = std::make_unique<UdpListener>(io_, *fd, /*v6=*/false, /*pktinfo=*/false, *holder_,
                                              0, stats_, /*limiter=*/nullptr);

    client_ = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(client_, 0);
    setsockopt(client_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
    timeval timeout{2, 0};
    setsockopt(client_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  void TearDown() override {
    if (client_ >= 0) close(client_);
  }

  // Whether the listening socket can queue `n` queries (its buffer).
  bool Holds(int n) const { return room_ >= n * 2048; }

  void SendQueries(int n) {
    for (int i = 0; i < n; ++i) {
      std::vector<uint8_t> q = Query(static_cast<uint16_t>(sent_++));
      ASSERT_EQ(sendto(client_, q.data(), q.size(), 0, reinterpret_cast<const sockaddr*>(&server_),
                       sizeof(server_)),
                static_cast<ssize_t>(q.size()));
    }
  }

  // Reads answers until `n` came or none came for the timeout.
  int ReadAnswers(int n) {
    int got = 0;
    uint8_t buffer[4096];
    while (got < n && recv(client_, buffer, sizeof(buffer), 0) > 0) ++got;
    return got;
  }

  boost::asio::io_context io_{1};
  WorkerStats stats_;
  std::unique_ptr<SnapshotHolder> holder_;
  std::unique_ptr<UdpListener> listener_;
  sockaddr_in server_{};
  int client_ = -1;
  int room_ = 0;
  int sent_ = 0;
};

TEST_F(UdpListenerTest, ABusySocketLeavesEpollAndComesBackWhenABatchIsShort) {
  if (!Holds(kPerWakeup + 10)) GTEST_SKIP() << "receive buffer too small: " << room_;
  listener_->Start();
  EXPECT_TRUE(listener_->watched());
  SendQueries(kPerWakeup + 10);
  // The wakeup: eight full batches, then it yields with more queued.
  ASSERT_EQ(io_.run_one(), 1u);
  EXPECT_FALSE(listener_->watched());
  EXPECT_EQ(ReadAnswers(kPerWakeup), kPerWakeup);
  // The posted drain: ten, a short batch, back in epoll.
  ASSERT_EQ(io_.run_one(), 1u);
  EXPECT_TRUE(listener_->watched());
  EXPECT_EQ(ReadAnswers(10), 10);
  // Idle, one query: epoll wakes the worker for it.
  SendQueries(1);
  ASSERT_EQ(io_.run_one_for(std::chrono::seconds(2)), 1u);
  EXPECT_TRUE(listener_->watched());
  EXPECT_EQ(ReadAnswers(1), 1);
}

TEST_F(UdpListenerTest, AShortBatchNeverLeavesEpoll) {
  listener_->Start();
  SendQueries(3);
  ASSERT_EQ(io_.run_one_for(std::chrono::seconds(2)), 1u);
  EXPECT_TRUE(listener_->watched());
  EXPECT_EQ(ReadAnswers(3), 3);
}

TEST_F(UdpListenerTest, AStopWhileBusyEndsTheWorker) {
  if (!Holds(kPerWakeup + 10)) GTEST_SKIP() << "receive buffer too small: " << room_;
  listener_->Start();
  SendQueries(kPerWakeup + 10);
  ASSERT_EQ(io_.run_one(), 1u);
  ASSERT_FALSE(listener_->watched());
  // What Server::Stop posts: the posted drain then finds it stopped, and
  // nothing is left for the worker to run.
  listener_->Stop();
  io_.run_for(std::chrono::seconds(2));
  EXPECT_TRUE(io_.stopped());  // out of work, not out of time
  EXPECT_EQ(ReadAnswers(kPerWakeup), kPerWakeup);
  timeval brief{0, 200 * 1000};
  setsockopt(client_, SOL_SOCKET, SO_RCVTIMEO, &brief, sizeof(brief));
  EXPECT_EQ(ReadAnswers(10), 0);  // the ten left were never read
}

}  // namespace
}  // namespace dnsd
