// The referee's own helpers must be able to say no, or the tests that lean
// on them prove nothing.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
// ldns last: its macros break standard headers.
#include "dnsd/testing/ldns_referee.h"

namespace dnsd::testing {
namespace {

TEST(TxtZoneLineTest, SplitsAt255OctetsAndEscapesQuotes) {
  std::string text = absl::StrCat(std::string(255, 'a'), "b\"c\\");
  EXPECT_EQ(TxtZoneLine("x.example.", text),
            absl::StrCat("x.example. 300 IN TXT \"", std::string(255, 'a'), "\" \"b\\\"c\\\\\""));
  EXPECT_EQ(TxtOfZoneLineWithLdns(TxtZoneLine("x.example.", text)), text);
  EXPECT_EQ(TxtZoneLine("x.example.", ""), "x.example. 300 IN TXT \"\"");
}

TEST(TxtOfZoneLineWithLdnsTest, IsNotVacuous) {
  // A string over 255 octets is not a character-string, an unescaped quote
  // ends one early, and a record of another type is not a TXT record.
  EXPECT_EQ(TxtOfZoneLineWithLdns(
                absl::StrCat("x.example. 300 IN TXT \"", std::string(256, 'a'), "\"")),
            "<error>");
  EXPECT_NE(TxtOfZoneLineWithLdns("x.example. 300 IN TXT \"v=STSv1; \"id=\""), "v=STSv1; \"id=");
  EXPECT_EQ(TxtOfZoneLineWithLdns("x.example. 300 IN A 192.0.2.1"), "<error>");
}

}  // namespace
}  // namespace dnsd::testing
