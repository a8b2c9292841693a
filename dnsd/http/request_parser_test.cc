// The request-head parser: what it takes, what it refuses and with which
// status, and where a head ends.
#include "dnsd/http/request_parser.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dnsd::http {
namespace {

TEST(HeadLengthTest, EndsAtTheFirstEmptyLine) {
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 27u);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2"), 27u);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\nHost: a\n\n"), 24u);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n"), 0u);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n\r"), 0u);
  EXPECT_EQ(HeadLength(""), 0u);
  // Empty lines before the request line are skipped, not an end (RFC 9112 §2.2).
  EXPECT_EQ(HeadLength("\r\n\r\n"), 0u);
  EXPECT_EQ(HeadLength("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 29u);
}

TEST(ParseHeadTest, ReadsRequestLineAndFields) {
  ParsedHead p = ParseHead(
      "GET /.well-known/mta-sts.txt?x=1 HTTP/1.1\r\nhOsT:  MTA-STS.Example.com:443 \r\n"
      "User-Agent: t\r\n\r\n");
  ASSERT_EQ(p.error, 0);
  EXPECT_EQ(p.request.method, "GET");
  EXPECT_EQ(p.request.path, "/.well-known/mta-sts.txt");
  EXPECT_EQ(p.request.query, "x=1");
  EXPECT_EQ(p.request.host, "MTA-STS.Example.com:443");
  EXPECT_EQ(p.request.minor_version, 1);
  EXPECT_TRUE(p.request.keep_alive);
  EXPECT_FALSE(p.request.has_body);
}

TEST(ParseHeadTest, KeepAliveByVersionAndConnection) {
  EXPECT_FALSE(ParseHead("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(ParseHead("GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  EXPECT_TRUE(ParseHead("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").request.keep_alive);
  EXPECT_EQ(ParseHead("GET / HTTP/1.0\r\n\r\n").error, 0);  // Host is optional in 1.0
}

TEST(ParseHeadTest, NoticesBodies) {
  EXPECT_TRUE(ParseHead("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n").request.has_body);
  EXPECT_FALSE(ParseHead("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").request.has_body);
  EXPECT_TRUE(
      ParseHead("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n").request.has_body);
}

TEST(ParseHeadTest, AbsoluteFormTakesItsAuthorityAsHost) {
  ParsedHead p = ParseHead("GET http://mta-sts.a.example/x?q HTTP/1.1\r\nHost: other\r\n\r\n");
  ASSERT_EQ(p.error, 0);
  EXPECT_EQ(p.request.host, "mta-sts.a.example");
  EXPECT_EQ(p.request.path, "/x");
  EXPECT_EQ(p.request.query, "q");
}

TEST(ParseHeadTest, RefusesWhatIsMalformed) {
  for (const char* head : {
           "GET / HTTP/1.1\r\n\r\n",                              // no Host in 1.1
           "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",         // two
           "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",                   // two spaces
           "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
           "GET /\tx HTTP/1.1\r\nHost: a\r\n\r\n",
           "GET x HTTP/1.1\r\nHost: a\r\n\r\n",                    // not a path
           "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",                    // not a token
           "GET / HTTP/1.1\r\nHost : a\r\n\r\n",                   // space before colon
           "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",         // obs-fold
           "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",                 // bare CR
           "GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
           "GET / HTTP/1.1\r\nno colon\r\n\r\n",
           "GET / HTTP/1\r\nHost: a\r\n\r\n",
           "GET / FTP/1.1\r\nHost: a\r\n\r\n",
           "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n",
           "GET http://u@h/ HTTP/1.1\r\nHost: a\r\n\r\n",
           "",
       }) {
    EXPECT_EQ(ParseHead(head).error, 400) << head;
  }
  EXPECT_EQ(ParseHead("GET / HTTP/2.0\r\nHost: a\r\n\r\n").error, 505);
}

TEST(ParseHeadTest, TooManyFieldsIs431) {
  std::string head = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < kMaxFields; ++i) absl::StrAppend(&head, "X-", i, ": y\r\n");
  EXPECT_EQ(ParseHead(head + "\r\n").error, 431);
}

}  // namespace
}  // namespace dnsd::http
