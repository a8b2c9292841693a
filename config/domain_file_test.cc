// LoadDomainFile: the domain file schema and every kind of error, each at
// its exact line:column.
#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "config/domain_file.h"
#include "config/family.h"
#include "config/loader.h"
#include "policy/dkim/test_keys.h"
#include "config/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using namespace ::dnsd::config::testing;  // NOLINT: helpers and key constants

class DomainFileTest : public ::testing::Test {
 protected:
  Loaded<DomainConfig> Load(absl::string_view yaml) {
    return LoadDomainFile(dir_.Write("d.yaml", yaml), catalog_, provider_);
  }
  std::vector<std::string> Errors(absl::string_view yaml) {
    return Brief(Load(yaml).errors);
  }

  TempDir dir_;
  Catalog catalog_ = TestCatalog();
  ProviderSettings provider_ = TestProvider();
};

TEST_F(DomainFileTest, LoadsEverySection) {
  Loaded<DomainConfig> loaded = Load(absl::StrCat(
      R"(domain: Example.COM.
mode: enforce
include_subdomains: true
dmarc_delegation: cname
spf:
  senders: [office365, google]
  netblocks: [203.0.113.0/24, "2001:db8:1::/48", 192.0.2.7]
  terms: ["exists:%{i}._spf.mta.salesforce.com"]
  all: fail
dmarc:
  p: reject
  sp: quarantine
  pct: 100
  rua: ["mailto:agg@reports.provider.test"]
  fo: 1
  ri: 86400
dkim:
  selector1: {cname: Selector1-example-com._domainkey.example.onmicrosoft.com}
  s2026: {k: rsa, p: ")",
      kRsa2048, R"(", h: [sha256], t: [s], s: [email], n: "rotated"}
  old: {revoked: true}
  ed: {k: ed25519, p: ")",
      kEd25519Raw, R"("}
)"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const DomainConfig& d = *loaded.value;
  EXPECT_EQ(d.domain, "example.com");
  EXPECT_EQ(d.pos().line, 1);
  EXPECT_EQ(d.pos().column, 9);
  EXPECT_EQ(d.mode, Mode::kEnforce);
  EXPECT_TRUE(d.include_subdomains);
  EXPECT_EQ(d.dmarc.delegation, Delegation::kCname);
  EXPECT_THAT(d.spf.senders, ElementsAre("office365", "google"));
  ASSERT_EQ(d.spf.netblocks.size(), 3u);
  EXPECT_EQ(FormatIpPrefix(d.spf.netblocks[0]), "203.0.113.0/24");
  EXPECT_EQ(FormatIpPrefix(d.spf.netblocks[1]), "2001:db8:1::/48");
  EXPECT_EQ(FormatIpPrefix(d.spf.netblocks[2]), "192.0.2.7/32");
  EXPECT_THAT(d.spf.terms, ElementsAre("exists:%{i}._spf.mta.salesforce.com"));
  EXPECT_EQ(d.spf.all, AllQualifier::kFail);
  EXPECT_EQ(d.dmarc.p, "reject");
  EXPECT_EQ(d.dmarc.sp, "quarantine");
  EXPECT_EQ(d.dmarc.pct, 100);
  EXPECT_THAT(d.dmarc.rua, ElementsAre("mailto:agg@reports.provider.test"));
  EXPECT_EQ(d.dmarc.fo, "1");
  EXPECT_EQ(d.dmarc.ri, 86400u);
  EXPECT_FALSE(d.dmarc.np.has_value());
  ASSERT_EQ(d.dkim.selectors.size(), 4u);  // sorted by selector
  EXPECT_EQ(d.dkim.selectors[0].selector, "ed");
  EXPECT_THAT(d.dkim.selectors[0].key.text(), StartsWith("v=DKIM1; k=ed25519; p="));
  EXPECT_EQ(d.dkim.selectors[0].key.key_bits, 256);
  EXPECT_EQ(d.dkim.selectors[1].selector, "old");
  EXPECT_EQ(d.dkim.selectors[1].key.kind, DkimKey::Kind::kRevoked);
  EXPECT_EQ(d.dkim.selectors[2].selector, "s2026");
  EXPECT_EQ(d.dkim.selectors[2].key.kind, DkimKey::Kind::kKey);
  EXPECT_EQ(d.dkim.selectors[2].key.public_key(), kRsa2048);
  EXPECT_EQ(d.dkim.selectors[2].key.key_bits, 2048);
  EXPECT_EQ(d.dkim.selectors[2].key.text(),
            absl::StrCat("v=DKIM1; k=rsa; p=", kRsa2048, "; h=sha256; t=s; s=email; n=rotated"));
  EXPECT_EQ(d.dkim.selectors[2].pos.line, 19);
  EXPECT_EQ(d.dkim.selectors[3].selector, "selector1");
  EXPECT_EQ(d.dkim.selectors[3].key.kind, DkimKey::Kind::kCname);
  EXPECT_EQ(d.dkim.selectors[3].key.text(),
            "selector1-example-com._domainkey.example.onmicrosoft.com");
}

TEST_F(DomainFileTest, DefaultsAreMonitorWithNothingElse) {
  Loaded<DomainConfig> loaded = Load("domain: example.org\n");
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_EQ(loaded.value->mode, Mode::kMonitor);
  EXPECT_FALSE(loaded.value->include_subdomains);
  EXPECT_EQ(loaded.value->dmarc.delegation, Delegation::kNs);
  EXPECT_EQ(loaded.value->dmarc.p, "none");
  EXPECT_EQ(loaded.value->spf.all, AllQualifier::kSoftfail);
}

TEST_F(DomainFileTest, MultilineKeysLoseTheirWhitespace) {
  std::string key = kRsa2048;
  std::string folded = key.substr(0, 100) + "\n      " + key.substr(100);
  Loaded<DomainConfig> loaded = Load(absl::StrCat(
      "domain: example.org\ndkim:\n  s1:\n    p: >-\n      ", folded, "\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_EQ(loaded.value->dkim.selectors[0].key.public_key(), key);
}

TEST_F(DomainFileTest, UnknownKeyWithHint) {
  EXPECT_THAT(Errors("domain: example.com\nincldue_subdomains: true\n"
                     "spf:\n  sendres: [google]\n  colour: red\n"),
              ElementsAre("2:1: unknown key 'incldue_subdomains'; did you "
                          "mean 'include_subdomains'?",
                          "4:3: unknown key 'sendres'; did you mean 'senders'?",
                          "5:3: unknown key 'colour'"));
}

TEST_F(DomainFileTest, DuplicateKey) {
  EXPECT_THAT(Errors("domain: example.com\nmode: monitor\nmode: monitor\n"),
              ElementsAre("3:1: duplicate key 'mode' (first at line 2)"));
}

TEST_F(DomainFileTest, WrongTypes) {
  EXPECT_THAT(
      Errors("domain: example.com\n"
             "spf:\n"
             "  senders: office365\n"
             "  netblocks: {a: 1}\n"
             "  terms: [[nested]]\n"
             "include_subdomains: yes\n"
             "dmarc_delegation:\n"
             "dkim: [s1]\n"),
      ElementsAre(
          "3:12: spf.senders: expected a list of strings, got 'office365'",
          "4:14: spf.netblocks: expected a list of strings, got a mapping",
          "5:11: spf.terms: expected a string, got a list",
          "6:21: include_subdomains: expected true or false, got 'yes'",
          "7:1: dmarc_delegation: expected one of ns, cname, got nothing",
          "8:7: dkim: expected a mapping, got a list"));
}

TEST_F(DomainFileTest, QuotedNumbersAreStrings) {
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\n"
                     "dmarc: {p: reject, pct: \"50\"}\n"),
              ElementsAre("3:25: dmarc.pct: expected an integer from 0 to 100, "
                          "got the quoted string '50'; remove the quotes"));
}

TEST_F(DomainFileTest, BadNetblocks) {
  EXPECT_THAT(Errors("domain: example.com\n"
                     "spf:\n"
                     "  netblocks:\n"
                     "    - 203.0.113.1/24\n"
                     "    - 203.0.113.0/33\n"
                     "    - 2001:db8::/32\n"
                     "    - 2001:DB8::/32\n"
                     "    - not-an-ip\n"
                     "    - 10.0.0.0/8\n"),
              ElementsAre("4:7: '203.0.113.1/24' has host bits set; did you "
                          "mean '203.0.113.0/24'?",
                          "5:7: '203.0.113.0/33' has a bad prefix length (0 "
                          "to 32)",
                          "7:7: '2001:DB8::/32' is listed twice",
                          "8:7: 'not-an-ip' is not an IP prefix"));
}

// A list near the 16 MiB file limit: duplicates are still reported at
// their own line:column, in file order, and nothing else is. (The check is
// hashed: about 1.5 s in a release build, most of it yaml-cpp; 29 s when
// every item was compared with those before it. Not timed here: see
// config/README.md, "Large files".)
TEST_F(DomainFileTest, DuplicatesAmongManyNetblocks) {
  constexpr int kNetblocks = 100000;
  auto address = [](int i) {
    return absl::StrCat("10.", (i >> 16) & 255, ".", (i >> 8) & 255, ".", i & 255);
  };
  std::string yaml = "domain: example.com\nspf:\n  netblocks:\n";
  for (int i = 0; i < kNetblocks; ++i) absl::StrAppend(&yaml, "    - ", address(i), "/32\n");
  // The 12,346th again, as a bare address (the same host prefix), and the
  // last one again, at lines 100,004 and 100,005.
  absl::StrAppend(&yaml, "    - ", address(12345), "\n", "    - ", address(kNetblocks - 1),
                  "/32\n");
  Loaded<DomainConfig> loaded = Load(yaml);
  EXPECT_THAT(Brief(loaded.errors),
              ElementsAre("100004:7: '10.0.48.57' is listed twice",
                          "100005:7: '10.1.134.159/32' is listed twice"));
}

TEST_F(DomainFileTest, UnknownAndDuplicateSenders) {
  EXPECT_THAT(
      Errors("domain: example.com\n"
             "spf:\n"
             "  senders: [offce365, google, google, nosuch, Google]\n"),
      ElementsAre("3:13: unknown sender 'offce365'; did you mean 'office365'?",
                  "3:31: sender 'google' is listed twice",
                  "3:39: unknown sender 'nosuch'",
                  "3:47: unknown sender 'Google'; did you mean 'google'?"));
}

// What people type for a service: its display name, or an alias the
// catalog lists.
TEST_F(DomainFileTest, UnknownSenderNamedByDisplayNameOrAlias) {
  for (Sender& s : catalog_.senders) {
    if (s.id == "google") {
      s.name = "Google Workspace";
      s.aliases = {"gsuite", "G-Suite"};
    }
    if (s.id == "office365") {
      s.name = "Microsoft 365";
      s.aliases = {"o365"};
    }
  }
  EXPECT_THAT(
      Errors("domain: example.com\n"
             "spf:\n"
             "  senders: [gsuite, google-workspace, o365, microsoft365, Office-365, outlook]\n"),
      ElementsAre("3:13: unknown sender 'gsuite'; did you mean 'google' (Google Workspace)?",
                  "3:21: unknown sender 'google-workspace'; did you mean 'google' (Google "
                  "Workspace)?",
                  "3:39: unknown sender 'o365'; did you mean 'office365' (Microsoft 365)?",
                  "3:45: unknown sender 'microsoft365'; did you mean 'office365' (Microsoft "
                  "365)?",
                  "3:59: unknown sender 'Office-365'; did you mean 'office365'?",
                  "3:71: unknown sender 'outlook'"));
}

TEST_F(DomainFileTest, SpfTermsMustBeSingleTerms) {
  EXPECT_THAT(
      Errors("domain: example.com\n"
             "spf:\n"
             "  terms:\n"
             "    - \"exists:%{i}._spf.mta.salesforce.com\"\n"
             "    - \"\"\n"
             "    - \"a mx\"\n"
             "    - \"-all\"\n"
             "    - v=spf1\n"
             "    - redirect=_spf.example.com\n"
             "    - include:_spf.google.com\n"
             "    - exp=why.%{d}\n"
             "    - \"ip4:192.0.2.1/33\"\n"
             "    - \"exists:%{x}.test\"\n"
             "    - a:mail.example.123\n"
             "  all: neutral\n"),
      ElementsAre("5:7: an SPF term is empty",
                  "6:7: SPF term 'a mx' has a space; list each term "
                  "separately",
                  "7:7: SPF term '-all' is set by spf.all (softfail | "
                  "fail)",
                  "8:7: SPF term 'v=spf1' is added by dnsd; leave it out",
                  "9:7: SPF term 'redirect=_spf.example.com' cannot be "
                  "used: a redirect replaces the whole record",
                  "11:7: SPF term 'exp=why.%{d}': exp= is ignored inside an "
                  "included record (RFC 7208 §6.2)",
                  "12:7: SPF term 'ip4:192.0.2.1/33': 'ip4:192.0.2.1/33': bad "
                  "CIDR length '/33'",
                  "13:7: SPF term 'exists:%{x}.test': 'exists:%{x}.test': bad "
                  "macro in '%{x}.test': unknown macro letter 'x'",
                  "14:7: SPF term 'a:mail.example.123': 'a:mail.example.123': "
                  "'mail.example.123' does not end in a macro or a '.' and a valid "
                  "top-level label",
                  "15:8: spf.all: expected one of softfail, fail, got "
                  "'neutral'"));
}

TEST_F(DomainFileTest, EveryDmarcTagIsChecked) {
  EXPECT_THAT(
      Errors("domain: example.com\n"
             "mode: enforce\n"
             "dmarc:\n"
             "  p: rejet\n"
             "  sp: maybe\n"
             "  np: 1\n"
             "  pct: 101\n"
             "  rua: [\"agg@reports.provider.test\"]\n"
             "  ruf: \"mailto:f@example.com\"\n"
             "  adkim: x\n"
             "  aspf: relaxed\n"
             "  fo: \"1:2\"\n"
             "  ri: -1\n"
             "  rf: iodef\n"
             "  psd: yes\n"
             "  t: true\n"
             "  v: DMARC1\n"),
      ElementsAre(
          "4:6: dmarc.p: expected one of none, quarantine, reject, got "
          "'rejet'; did you mean 'reject'?",
          "5:7: dmarc.sp: expected one of none, quarantine, reject, got "
          "'maybe'",
          "6:7: dmarc.np: expected one of none, quarantine, reject, got '1'",
          "7:8: dmarc.pct: expected an integer from 0 to 100, got '101'",
          "8:9: report URI 'agg@reports.provider.test' must start with "
          "mailto:; reports are sent by email",
          "9:8: dmarc.ruf: expected a list of strings, got "
          "'mailto:f@example.com'",
          "10:10: dmarc.adkim: expected one of r, s, got 'x'",
          "11:9: dmarc.aspf: expected one of r, s, got 'relaxed'",
          "12:7: dmarc.fo: fo '1:2' must be options 0, 1, d, s separated by "
          "':'",
          "13:7: dmarc.ri: expected an integer from 0 to 4294967295, got '-1'",
          "14:7: dmarc.rf: expected one of afrf, got 'iodef'",
          "15:8: dmarc.psd: expected one of y, n, u, got 'yes'",
          "16:6: dmarc.t: expected one of y, n, got 'true'",
          "17:3: unknown key 'v'"));
}

TEST_F(DomainFileTest, ReportUrisAreChecked) {
  EXPECT_THAT(
      Errors("domain: example.com\n"
             "dmarc:\n"
             "  rua:\n"
             "    - mailto:a@x.test,mailto:b@x.test\n"
             "    - mailto:a@x.test!10q\n"
             "    - mailto:agg@reports.provider.test!10m\n"
             "    - mailto:agg@reports.provider.test!10m\n"),
      ElementsAre("4:7: report URI 'mailto:a@x.test,mailto:b@x.test' contains "
                  "',' or ';', which would split the DMARC record; "
                  "percent-encode them (%2C, %3B)",
                  "5:7: report URI 'mailto:a@x.test!10q' has a bad size "
                  "limit; write e.g. !10m (k, m, g, t)",
                  "7:7: 'mailto:agg@reports.provider.test!10m' is listed "
                  "twice"));
}

TEST_F(DomainFileTest, MonitorModeRefusesAStrongerPolicy) {
  EXPECT_THAT(Errors("domain: example.com\nmode: monitor\ndmarc:\n"
                     "  p: reject\n  sp: none\n  np: quarantine\n"),
              ElementsAre("4:6: dmarc.p: mode monitor publishes none, not "
                          "reject; use mode: enforce to publish reject",
                          "6:7: dmarc.np: mode monitor publishes none, not "
                          "quarantine; use mode: enforce to publish "
                          "quarantine"));
  // Monitor is the default mode.
  EXPECT_THAT(Errors("domain: example.com\ndmarc: {p: quarantine}\n"),
              ElementsAre("2:12: dmarc.p: mode monitor publishes none, not "
                          "quarantine; use mode: enforce to publish "
                          "quarantine"));
  Loaded<DomainConfig> ok = Load(
      "domain: example.com\ndmarc: {p: none, rua: [\"mailto:a@x.test\"]}\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value->dmarc.p, "none");
}

TEST_F(DomainFileTest, EnforceNeedsAPolicy) {
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\n"),
              ElementsAre("2:7: mode: enforce needs a dmarc section with p"));
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc:\n  pct: 5\n"),
              ElementsAre("4:3: dmarc: missing required key 'p'"));
}

TEST_F(DomainFileTest, BlockedStoresTheEffectivePolicy) {
  Loaded<DomainConfig> loaded = Load(
      "domain: example.com\nmode: blocked\n"
      "dmarc: {p: none, pct: 10, rua: [\"mailto:a@x.test\"]}\n");
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_EQ(loaded.value->dmarc.p, "reject");
  EXPECT_EQ(loaded.value->dmarc.sp, "reject");
  EXPECT_EQ(loaded.value->dmarc.np, "reject");
  EXPECT_FALSE(loaded.value->dmarc.pct.has_value());
  EXPECT_EQ(loaded.value->dmarc.adkim, 's');
  EXPECT_THAT(loaded.value->dmarc.rua, ElementsAre("mailto:a@x.test"));
}

TEST_F(DomainFileTest, DkimKeysAreDecodedAndMeasured) {
  EXPECT_THAT(
      Errors(absl::StrCat("domain: example.com\n"
                          "dkim:\n"
                          "  bad64: {p: \"MIIB!!\"}\n"
                          "  short: {p: \"",
                          kRsa512,
                          "\"}\n"
                          "  ed: {k: ed25519, p: \"",
                          kEd25519Spki,
                          "\"}\n"
                          "  empty: {p: \"\"}\n"
                          "  ec: {k: ecdsa, p: \"",
                          kEcP256, "\"}\n")),
      ElementsAre("3:14: dkim.bad64.p: p is not base64: '!' at character 5",
                  "4:14: dkim.short.p: RSA key is 512 bits; DKIM needs 1024 "
                  "to 4096",
                  "5:23: dkim.ed.p: Ed25519 key is 44 bytes; RFC 8463 wants "
                  "the raw 32-byte public key; this is a "
                  "SubjectPublicKeyInfo, use its last 32 bytes",
                  "6:14: dkim.empty.p: is empty; to revoke a key write "
                  "revoked: true",
                  "7:11: dkim.ec.k: expected one of rsa, ed25519, got 'ecdsa'",
                  "7:21: dkim.ec.p: p holds a id-ecPublicKey key, not an RSA "
                  "key (rsaEncryption)"));
}

TEST_F(DomainFileTest, EachSelectorIsExactlyOneThing) {
  EXPECT_THAT(
      Errors(absl::StrCat("domain: example.com\n"
                          "dkim:\n"
                          "  both: {p: \"",
                          kRsa1024,
                          "\", cname: x.example}\n"
                          "  none: {k: rsa}\n"
                          "  gone: {revoked: false}\n"
                          "  cn: {cname: \"bad name.example\", h: [sha256]}\n"
                          "  S1: {revoked: true}\n"
                          "  s1: {revoked: true}\n"
                          "  \"s 2\": {revoked: true}\n"
                          "  tags:\n"
                          "    p: \"",
                          kRsa1024,
                          "\"\n"
                          "    h: [sha512]\n"
                          "    t: [y, y]\n"
                          "    s: [mail]\n"
                          "    n: \"a;b\"\n")),
      ElementsAre(
          "3:9: selector 'both' takes only one of p (a key), cname or "
          "revoked: true",
          "4:9: selector 'none' needs one of p (a key), cname or revoked: true",
          "5:19: dkim.gone.revoked: false says nothing; remove it, or give p "
          "or cname",
          "6:15: dkim.cn.cname: domain name 'bad name.example' contains ' '; "
          "only letters, digits, '-' and '_' are allowed",
          "6:38: dkim.cn.h: applies only to a selector with a key (p)",
          "8:3: selector 's1' is listed twice",
          "9:3: selector 's 2' contains ' '; only letters, digits, '-' and "
          "'_' are allowed",
          "12:9: dkim.tags.h: expected one of sha256, sha1, got 'sha512'",
          "13:12: dkim.tags.t: 'y' is listed twice",
          "14:9: dkim.tags.s: expected one of email, *, got 'mail'; did you "
          "mean 'email'?",
          "15:8: dkim.tags.n: n 'a;b' contains ';'; notes are printable "
          "ASCII, with ';' written =3B and '=' as =3D"));
}

TEST_F(DomainFileTest, NamesMustFitUnderTheProvidersZones) {
  EXPECT_THAT(Errors("domain: x._spf.provider.test\n"),
              ElementsAre("1:9: domain 'x._spf.provider.test' is inside the "
                          "provider's zone _spf.provider.test"));
  std::string long_domain =
      absl::StrCat(std::string(60, 'a'), ".", std::string(60, 'b'), ".",
                   std::string(60, 'c'), ".", std::string(60, 'd'), ".test");
  EXPECT_THAT(Errors(absl::StrCat("domain: ", long_domain,
                                  "\ndmarc_delegation: cname\n")),
              ElementsAre(absl::StrCat("1:9: the domain's DMARC CNAME target ",
                                       long_domain,
                                       "._dmarc.provider.test would be 269 "
                                       "characters; the limit is 253")));
  EXPECT_THAT(
      Errors(absl::StrCat("domain: ", long_domain,
                          "\ndkim: {s1: {revoked: true}}\n")),
      ElementsAre("2:8: selector 's1' makes a name of 262 characters; the "
                  "limit is 253"));
}

TEST_F(DomainFileTest, DomainIsRequiredAndValid) {
  EXPECT_THAT(Errors("mode: monitor\n"),
              ElementsAre("1:1: missing required key 'domain'"));
  EXPECT_THAT(Errors("domain: \"exa mple.com\"\n"),
              ElementsAre("1:9: domain: domain name 'exa mple.com' contains "
                          "' '; only letters, digits, '-' and '_' are "
                          "allowed"));
  EXPECT_THAT(Errors(""), ElementsAre("1:1: expected a mapping, got nothing"));
  EXPECT_THAT(Errors("- domain: example.com\n"),
              ElementsAre("1:1: expected a mapping, got a list"));
}

TEST_F(DomainFileTest, YamlSyntaxErrorsHaveTheirPosition) {
  EXPECT_THAT(Errors("domain: example.com\nspf:\n  senders: [office365\n"
                     "mode: enforce\n"),
              ElementsAre("4:5: YAML syntax error: end of sequence flow not "
                          "found"));
  EXPECT_THAT(Errors("domain: example.com\n  mode: enforce\n"),
              ElementsAre("2:7: YAML syntax error: illegal map value"));
  EXPECT_THAT(Errors("domain: example.com\ndkim: {s1: {revoked: true}\n"
                     "mode: monitor\n"),
              ElementsAre("3:1: YAML syntax error: end of map flow not found"));
  EXPECT_THAT(Errors("domain: \"a\\qb\"\n"),
              ElementsAre("1:13: YAML syntax error: unknown escape character: "
                          "q"));
  EXPECT_THAT(Errors("domain: example.com\n\tmode: monitor\n"),
              ElementsAre("2:1: YAML syntax error: illegal tab when looking "
                          "for indentation"));
  EXPECT_THAT(Errors("domain: &x example.com\nmode: *y\n"),
              ElementsAre("2:7: YAML syntax error: the referenced anchor is "
                          "not defined"));
}

// A message is one line of printable text whatever octets the file holds:
// what a library's message or a key path takes from the file is escaped.
TEST_F(DomainFileTest, MessagesEscapeTheFilesOctets) {
  EXPECT_THAT(Errors("domain: \"a\\\xff" "b\"\n"),
              ElementsAre("1:13: YAML syntax error: unknown escape character: \\xff"));
  EXPECT_THAT(Errors("domain: \"a\\\x1b[2Jb\"\n"),
              ElementsAre("1:13: YAML syntax error: unknown escape character: \\x1b"));
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc: {p: reject}\n"
                     "bimi:\n  \"d\\x1b[2J\\xff\": {l: [1]}\n"),
              ElementsAre("5:3: BIMI selector: selector 'd\\x1b[2J\\xc3\\xbf' contains "
                          "'\\x1b'; only letters, digits, '-' and '_' are allowed",
                          "5:23: bimi.d\\x1b[2J\\xc3\\xbf.l: expected a string, got a list"));
}

TEST_F(DomainFileTest, OneDocumentPerFile) {
  EXPECT_THAT(Errors("domain: a.example\n---\ndomain: b.example\n"),
              ElementsAre("2:1: a second YAML document starts here; a file "
                          "holds one document"));
  // Documents are counted only when a line starts with a marker. After an
  // end marker a second document is found; a marker after a \r or a byte
  // order mark is a syntax error to yaml-cpp; none is taken for one document.
  EXPECT_THAT(Errors("domain: a.example\n...\ndomain: b.example\n"),
              ElementsAre(::testing::HasSubstr("a second YAML document starts here")));
  EXPECT_THAT(Errors("domain: a.example\r---\rdomain: b.example\r"), Not(IsEmpty()));
  EXPECT_THAT(Errors("domain: a.example\n\xef\xbb\xbf---\ndomain: b.example\n"),
              Not(IsEmpty()));
  // A marker elsewhere in a line starts nothing.
  EXPECT_THAT(Errors("domain: example.com  # --- ...\n"), IsEmpty());
}

// ConfigState keeps a ReadDomain for every domain file, in one block with
// make_shared's 16 bytes of counts; jemalloc rounds the block up to a size
// class. At most 752 bytes keeps it in the 768-byte class (it was 896).
TEST(ReadDomainTest, FitsItsAllocatorSizeClass) { EXPECT_LE(sizeof(ReadDomain), 752u); }

// A read is kept for as long as its file does not change: its positions
// share the name it was read under, and its diagnostics are in file order
// (the reader emits them section by section) with no slack.
TEST_F(DomainFileTest, AReadSharesItsNameAndKeepsItsDiagnosticsInFileOrder) {
  FileName path = dir_.Write("example.com.yaml", R"(domain: example.com
mode: monitor
dmarc:
  ri: 3600
  pct: 50
)");
  ReadDomain read = ReadDomainFile(path);
  EXPECT_TRUE(read.domain.file.SharedWith(path));
  EXPECT_TRUE(read.domain.pos().file.SharedWith(path));
  ASSERT_NE(read.errors, nullptr);
  EXPECT_THAT(Brief(*read.errors),
              ElementsAre(StartsWith("2:7: mode monitor without a dmarc rua"),
                          StartsWith("4:7: ri is historic"),
                          StartsWith("5:8: pct is historic")));
  EXPECT_EQ(read.errors->capacity(), read.errors->size());
  for (const Diagnostic& d : *read.errors) EXPECT_TRUE(d.pos.file.SharedWith(path));

  std::string quiet =
      dir_.Write("example.org.yaml", "domain: example.org\ndmarc: {rua: [\"mailto:a@example.org\"]}\n");
  EXPECT_EQ(ReadDomainFile(quiet).errors, nullptr);
}

// A file read again keeps the copy of each key it still has, byte for
// byte (the served record points into it), and takes a changed key as read.
TEST_F(DomainFileTest, AReadAgainKeepsTheKeysThatDidNotChange) {
  auto file = [](absl::string_view second_key, absl::string_view cname) {
    return absl::StrCat("domain: example.com\ndkim:\n  a: {k: rsa, p: \"", kRsa2048,
                        "\"}\n  b: {k: rsa, p: \"", second_key, "\"}\n  c: {cname: ", cname,
                        "}\n");
  };
  FileName path(dir_.Write("example.com.yaml", file(kRsa1024, "c.vendor.test")));
  std::shared_ptr<const ReadDomain> first = RereadDomainFile(path, nullptr, path.string());
  const std::vector<DkimSelector>& before = first->domain.dkim.selectors;
  ASSERT_EQ(before.size(), 3u);

  dir_.Write("example.com.yaml", file(kRsa1024, "c.vendor.test") + "# edited\n");
  std::shared_ptr<const ReadDomain> same = RereadDomainFile(path, first, path.string());
  ASSERT_NE(same, first);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(same->domain.dkim.selectors[i].key.record.get(), before[i].key.record.get()) << i;
  }

  dir_.Write("example.com.yaml", file(kRsa2048, "c2.vendor.test"));
  std::shared_ptr<const ReadDomain> changed = RereadDomainFile(path, same, path.string());
  const std::vector<DkimSelector>& after = changed->domain.dkim.selectors;
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].key.record.get(), before[0].key.record.get());
  // b's new key is a's bytes: equal content may be shared, whichever selector held it.
  EXPECT_EQ(after[1].key.public_key(), kRsa2048);
  EXPECT_EQ(after[1].key.record.get(), before[0].key.record.get());
  EXPECT_EQ(after[2].key.text(), "c2.vendor.test");
  EXPECT_NE(after[2].key.target, before[2].key.target);
  EXPECT_EQ(before[1].key.public_key(), kRsa1024);  // the first read is as it was
}

// The first read of a file since it was written leaves its access time,
// and so its inode, alone: a swap to a new release folder reads a million
// files that were all just written.
TEST_F(DomainFileTest, ReadingAFileLeavesItsAccessTimeAlone) {
  std::string path = dir_.Write("example.com.yaml", "domain: example.com\n");
  auto access_time = [&] {
    struct stat st;
    EXPECT_EQ(stat(path.c_str(), &st), 0);
    return st.st_atim.tv_sec;
  };
  auto age_access_time = [&] {  // older than the write: a read would renew it
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    timespec times[2] = {{st.st_mtim.tv_sec - 86400 * 2, 0}, st.st_mtim};
    ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  };
  // This file system keeps access times (relatime): a plain read renews it.
  age_access_time();
  time_t aged = access_time();
  { std::ifstream in(path); std::string line; std::getline(in, line); }
  ASSERT_NE(access_time(), aged) << "the test needs a file system that records access times";

  age_access_time();
  aged = access_time();
  ReadDomain read = ReadDomainFile(path);
  EXPECT_EQ(read.domain.domain, "example.com");
  EXPECT_EQ(access_time(), aged);
}

// Another program's file, copied in by mistake: its error, and no warning
// about a domain it does not name. A section's errors still show.
TEST_F(DomainFileTest, AFileThatNamesNoDomainGetsNoWarnings) {
  Loaded<DomainConfig> loaded = Load("listen: [\"127.0.0.1:53\"]\nprovider: {ttl: 5}\n");
  EXPECT_THAT(Brief(loaded.errors),
              ElementsAre("1:1: none of the 2 keys here is known: is this a dnsd file?",
                          "1:1: missing required key 'domain'"));
  EXPECT_THAT(Brief(loaded.warnings), IsEmpty());
  loaded = Load("spf: {senders: [offce365]}\n");
  EXPECT_THAT(Brief(loaded.errors), ElementsAre("1:1: missing required key 'domain'",
                                                StartsWith("1:17: unknown sender 'offce365'")));
  EXPECT_THAT(Brief(loaded.warnings), IsEmpty());
}

TEST_F(DomainFileTest, MissingFile) {
  Loaded<DomainConfig> loaded =
      LoadDomainFile((dir_.path() / "nope.yaml").string(), catalog_, provider_);
  EXPECT_THAT(Brief(loaded.errors),
              ElementsAre("0:0: cannot open the file: it does not exist"));
  EXPECT_FALSE(loaded.value.has_value());
  loaded = LoadDomainFile(dir_.path().string(), catalog_, provider_);
  EXPECT_THAT(Brief(loaded.errors),
              ElementsAre("0:0: cannot read: not a regular file"));
}


// What stays of a read once dnsd serve releases its model: the name, file,
// position and version, and the catalog ids its compile reads, in the
// order the model gives them.
TEST_F(DomainFileTest, AReleasedHeadKeepsWhatAReloadComparesAndTheCatalogIds) {
  FileName path = dir_.Write("example.com.yaml",
                             "domain: example.com\nspf: {senders: [google, mailchimp, a-b_c]}\n");
  ReadDomain read = ReadDomainFile(path);
  const DomainConfig& model = read.domain;
  ASSERT_EQ(model.model(), &model);
  std::vector<std::string> ids = InputsOf(model);
  EXPECT_THAT(ids, ElementsAre("google", "mailchimp", "a-b_c"));

  std::shared_ptr<const DomainHead> head = DomainHead::Released(model, ids);
  EXPECT_EQ(head->model(), nullptr);
  EXPECT_EQ(head->domain, "example.com");
  EXPECT_EQ(head->version, model.version);
  EXPECT_TRUE(head->file.SharedWith(path));
  EXPECT_EQ(head->pos().line, model.pos().line);
  EXPECT_EQ(InputsOf(*head), ids);
  // Domains that name the same senders hold their ids once.
  std::shared_ptr<const DomainHead> same = DomainHead::Released(model, ids);
  EXPECT_EQ(static_cast<const ReleasedHead&>(*same).inputs.str().data(),
            static_cast<const ReleasedHead&>(*head).inputs.str().data());
  EXPECT_THAT(InputsOf(*DomainHead::Released(model, {})), ::testing::IsEmpty());
  // A model's own inputs are read from it, never from a released copy.
  EXPECT_THAT(model.released_inputs(), ::testing::IsEmpty());
}

// A released read is read again as it was: the same bytes give the same
// model under the same version; other bytes a new read.
TEST_F(DomainFileTest, AReleasedReadIsReadAgainUnderItsVersion) {
  FileName path = dir_.Write("example.com.yaml", "domain: example.com\nmode: enforce\n");
  ReadStamp last = ReadDomainFile(path).stamp();
  Reread same = RereadReleased(path, last, /*model_if_same=*/false);
  EXPECT_TRUE(same.same);
  EXPECT_EQ(same.read, nullptr);
  Reread model = RereadReleased(path, last, /*model_if_same=*/true);
  EXPECT_TRUE(model.same);
  ASSERT_NE(model.read, nullptr);
  EXPECT_EQ(model.read->domain.version, last.version);
  EXPECT_EQ(model.read->domain.mode, Mode::kEnforce);

  dir_.Write("example.com.yaml", "domain: example.com\nmode: monitor\n");
  Reread changed = RereadReleased(path, last, /*model_if_same=*/true);
  EXPECT_FALSE(changed.same);
  ASSERT_NE(changed.read, nullptr);
  EXPECT_NE(changed.read->domain.version, last.version);
  EXPECT_EQ(changed.read->domain.mode, Mode::kMonitor);
}

}  // namespace
}  // namespace dnsd::config
