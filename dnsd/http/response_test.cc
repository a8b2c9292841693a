#include "dnsd/http/response.h"

#include "gtest/gtest.h"

namespace dnsd::http {
namespace {

TEST(RenderTest, StatusFieldsAndBody) {
  Response r;
  r.body = "version: STSv1\r\n";
  EXPECT_EQ(Render(r, false, false),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n"
            "Cache-Control: no-cache\r\n\r\nversion: STSv1\r\n");
}

TEST(RenderTest, HeadKeepsTheLengthAndDropsTheBody) {
  Response r = Plain(405);
  r.allow = "GET, HEAD";
  EXPECT_EQ(Render(r, true, true),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\nContent-Length: 23\r\n"
            "Cache-Control: no-cache\r\nAllow: GET, HEAD\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace dnsd::http
