#include "policy/dmarc/dmarc_tag_value.h"

#include <optional>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "policy/dmarc/dmarc_section.h"

namespace dnsd::config {
namespace {

// It replaced std::optional<std::string> (40 bytes) for four tags kept in
// every domain's model.
TEST(DmarcTagValueTest, IsSixteenBytes) { EXPECT_EQ(sizeof(DmarcTagValue), 16u); }

TEST(DmarcTagValueTest, ReadsLikeTheOptionalItReplaced) {
  DmarcTagValue absent;
  EXPECT_FALSE(absent.has_value());
  EXPECT_FALSE(absent);
  EXPECT_EQ(absent, std::nullopt);
  EXPECT_EQ(absent, DmarcTagValue(std::optional<std::string>()));

  DmarcTagValue sp = "quarantine";
  ASSERT_TRUE(sp);
  EXPECT_EQ(*sp, "quarantine");
  EXPECT_EQ(sp, "quarantine");
  EXPECT_NE(sp, "reject");
  EXPECT_NE(sp, std::nullopt);
  sp = std::optional<std::string>("reject");
  EXPECT_EQ(sp, "reject");
  sp.reset();
  EXPECT_EQ(sp, std::nullopt);

  // The longest legal values of each tag fit, and "" is a value, not absent.
  EXPECT_EQ(*DmarcTagValue(std::string("1:d:s")), "1:d:s");
  EXPECT_EQ(*DmarcTagValue("afrf"), "afrf");
  EXPECT_EQ(*DmarcTagValue(std::string(DmarcTagValue::kMaxSize, 'x')),
            std::string(DmarcTagValue::kMaxSize, 'x'));
  EXPECT_TRUE(DmarcTagValue(""));
  EXPECT_NE(DmarcTagValue(""), std::nullopt);

  std::ostringstream out;
  out << DmarcTagValue("none") << " " << DmarcTagValue();
  EXPECT_EQ(out.str(), "none (absent)");
}

}  // namespace
}  // namespace dnsd::config
