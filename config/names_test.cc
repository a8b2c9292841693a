#include "config/names.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::HasSubstr;

// A name of exactly `length` characters made of 50-character labels.
std::string NameOfLength(size_t length) {
  std::string name;
  while (name.size() < length) {
    if (!name.empty()) name += '.';
    name += std::string(std::min<size_t>(50, length - name.size()), 'a');
  }
  return name;
}

TEST(NormalizeDomainNameTest, LowercasesAndStripsOneTrailingDot) {
  EXPECT_EQ(*NormalizeDomainName("Example.COM."), "example.com");
  EXPECT_EQ(*NormalizeDomainName("example.com"), "example.com");
  EXPECT_EQ(*NormalizeDomainName("_dmarc.Example.com"), "_dmarc.example.com");
  EXPECT_EQ(*NormalizeDomainName("xn--bcher-kva.example"),
            "xn--bcher-kva.example");
  EXPECT_EQ(*NormalizeDomainName("localhost"), "localhost");
}

TEST(NormalizeDomainNameTest, RejectsEmptyNamesAndLabels) {
  EXPECT_THAT(NormalizeDomainName("").status().message(), HasSubstr("empty"));
  EXPECT_THAT(NormalizeDomainName(".").status().message(), HasSubstr("empty"));
  EXPECT_THAT(NormalizeDomainName("example.com..").status().message(),
              HasSubstr("empty label"));
  EXPECT_THAT(NormalizeDomainName(".example.com").status().message(),
              HasSubstr("empty label"));
  EXPECT_THAT(NormalizeDomainName("a..b").status().message(),
              HasSubstr("empty label"));
}

TEST(NormalizeDomainNameTest, LabelLengthLimitIs63) {
  EXPECT_TRUE(NormalizeDomainName(std::string(63, 'a') + ".test").ok());
  EXPECT_EQ(
      NormalizeDomainName(std::string(64, 'a') + ".test").status().message(),
      "domain name '" + std::string(64, 'a') +
          ".test' has a label of 64 characters; the limit is 63");
}

TEST(NormalizeDomainNameTest, NameLengthLimitIs253WithoutTheDot) {
  EXPECT_TRUE(NormalizeDomainName(NameOfLength(253)).ok());
  EXPECT_TRUE(NormalizeDomainName(NameOfLength(253) + ".").ok());
  EXPECT_THAT(NormalizeDomainName(NameOfLength(254)).status().message(),
              HasSubstr("is 254 characters long; the limit is 253"));
}

TEST(NormalizeDomainNameTest, RejectsCharactersOutsideLettersDigitsHyphen) {
  for (const char* bad : {"exa mple.com", "*.example.com", "ex@mple.com",
                          "caf\xc3\xa9.example"}) {
    EXPECT_FALSE(NormalizeDomainName(bad).ok()) << bad;
  }
  EXPECT_FALSE(NormalizeDomainName(absl::string_view("a\0b", 3)).ok());
  EXPECT_EQ(NormalizeDomainName("a/b.test").status().message(),
            "domain name 'a/b.test' contains '/'; only letters, digits, '-' "
            "and '_' are allowed");
}

TEST(NormalizeDkimSelectorTest, SameRulesAndDotsButNoTrailingDot) {
  EXPECT_EQ(*NormalizeDkimSelector("S2026"), "s2026");
  EXPECT_EQ(*NormalizeDkimSelector("mail.2026"), "mail.2026");
  EXPECT_THAT(NormalizeDkimSelector("s1.").status().message(),
              HasSubstr("ends with a dot"));
  EXPECT_FALSE(NormalizeDkimSelector("").ok());
  EXPECT_FALSE(NormalizeDkimSelector("s 1").ok());
  EXPECT_FALSE(NormalizeDkimSelector(std::string(64, 's')).ok());
}

TEST(IsAtOrBelowTest, ComparesWholeLabels) {
  EXPECT_TRUE(IsAtOrBelow("example.com", "example.com"));
  EXPECT_TRUE(IsAtOrBelow("a.example.com", "example.com"));
  EXPECT_TRUE(IsAtOrBelow("a.b.example.com", "example.com"));
  EXPECT_FALSE(IsAtOrBelow("badexample.com", "example.com"));
  EXPECT_FALSE(IsAtOrBelow("com", "example.com"));
  EXPECT_FALSE(IsAtOrBelow("example.com", ""));
}

}  // namespace
}  // namespace dnsd::config
