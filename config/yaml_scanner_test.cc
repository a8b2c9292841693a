// The scanner (config/yaml_scanner.h) against libyaml's path
// (config/yaml_libyaml.h), differentially: whatever the scanner takes,
// libyaml's path must take too and build the same tree, array for array
// (nodes, kinds, quoting, lines and columns, text, children in order). It
// must also take the files it is for, or it would be a slower no-op.
#include "config/yaml_scanner.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/random_yaml.h"
#include "config/test_util.h"
#include "config/yaml_libyaml.h"
#include "config/yaml_tree.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::dnsd::config::testing::ReadFile;

namespace fs = std::filesystem;

const char* KindName(YamlTree::Kind kind) {
  switch (kind) {
    case YamlTree::Kind::kNull: return "null";
    case YamlTree::Kind::kScalar: return "scalar";
    case YamlTree::Kind::kSequence: return "list";
    case YamlTree::Kind::kMap: return "map";
  }
  return "?";
}

// The tree node by node, to show where two trees part.
void Describe(const YamlTree& tree, uint32_t index, int depth, std::string& out) {
  const YamlTree::Node& node = tree.node(index);
  absl::StrAppend(&out, std::string(2 * depth, ' '), "#", index, " ", KindName(node.kind),
                  node.plain ? " plain" : " quoted", " @", node.line, ":", node.column, " [",
                  node.begin, "+", node.size, "]");
  if (node.kind == YamlTree::Kind::kScalar || node.kind == YamlTree::Kind::kNull) {
    absl::StrAppend(&out, " <", tree.Scalar(node), ">");
  }
  out += "\n";
  for (uint32_t child : tree.Children(node)) Describe(tree, child, depth + 1, out);
}

std::string Describe(const YamlTree& tree) {
  std::string out;
  Describe(tree, tree.root(), 0, out);
  return out;
}

// Whether the scanner took `text`; when it did, libyaml's path must build
// the same tree.
bool ScannerAgrees(const std::string& text) {
  std::optional<YamlTree> scanned = ScanYaml(text);
  if (!scanned) return false;
  std::optional<YamlTree> libyaml = ParseWithLibyaml(text);
  EXPECT_TRUE(libyaml.has_value()) << "libyaml's path declines what the scanner takes:\n"
                                   << text;
  if (libyaml) {
    EXPECT_TRUE(*scanned == *libyaml) << "the scanner reads\n"
                                      << Describe(*scanned) << "libyaml\n"
                                      << Describe(*libyaml) << "of\n"
                                      << text;
  }
  return true;
}

// The comparison sees a node one column off, or one scalar quoted instead
// of plain: the differential tests below can fail.
TEST(YamlScannerTest, TreesDifferByAColumnOrAQuote) {
  std::optional<YamlTree> a = ParseWithLibyaml("a: b\n");
  std::optional<YamlTree> b = ParseWithLibyaml("a:  b\n");
  std::optional<YamlTree> c = ParseWithLibyaml("a: 'b'\n");
  ASSERT_TRUE(a && b && c);
  EXPECT_TRUE(*a == *ParseWithLibyaml("a: b\n"));
  EXPECT_FALSE(*a == *b);
  EXPECT_FALSE(*a == *c);
}

// Every YAML file of the repository. The configuration examples are what
// the scanner is for: it takes them all but the two with block scalars.
TEST(YamlScannerTest, TakesTheExamplesAsLibyamlDoes) {
  int files = 0, taken = 0;
  for (const char* folder : {"config/examples", "deploy", "tests/fuzz/corpus/yaml_tree"}) {
    for (const auto& entry :
         fs::recursive_directory_iterator(absl::StrCat(DNSD_SOURCE_DIR, "/", folder))) {
      fs::path path = entry.path();
      if (path.extension() != ".yaml" && path.extension() != ".yml") continue;
      ++files;
      bool took = ScannerAgrees(ReadFile(path));
      taken += took;
      if (path.parent_path().parent_path().filename() == "examples" ||
          path.parent_path().filename() == "examples") {
        // Folded block scalars (">-"), and in the catalog lists over
        // several lines.
        bool block_scalar =
            path.filename() == "bigkey.example.yaml" || path.filename() == "senders.yaml";
        EXPECT_EQ(took, !block_scalar) << path;
      }
    }
  }
  EXPECT_GE(files, 70);
  EXPECT_GE(taken, 40);
}

// The files of the million-domain start the scanner is for: thousands
// written by bench/gen_config.py, each taken, each as libyaml reads it.
TEST(YamlScannerTest, TakesGeneratedDomainFilesAsLibyamlDoes) {
  fs::path dir = fs::temp_directory_path() / absl::StrCat("yaml_scanner_test_", getpid());
  ASSERT_TRUE(testing::GenerateConfig(DNSD_SOURCE_DIR, dir, 3000, 17));
  int files = 0, taken = 0;
  for (const auto& entry : fs::directory_iterator(dir / "cfg" / "domains")) {
    ++files;
    taken += ScannerAgrees(ReadFile(entry.path()));
    if (HasFailure()) break;
  }
  EXPECT_EQ(files, 3000);
  EXPECT_EQ(taken, files);
  EXPECT_TRUE(ScannerAgrees(ReadFile(dir / "cfg" / "dnsd.yaml")));
  fs::remove_all(dir);
}

// What the scanner reads itself, each as libyaml's path does.
TEST(YamlScannerTest, TakesThePlainStyles) {
  const char* taken[] = {
      "a: 1\n",
      "a: 1",                                     // no last line break
      "# c\n\n  # c\na: b  # c\n   # c\nb: c\n",  // comments anywhere
      "a: x # caf\xc3\xa9 \xc2\xa7 \xf0\x9f\x98\x80\n",  // UTF-8 in comments
      "a:\nb: ~\nc: null\nd:   # c\n",             // nulls
      "a: ''\nb: \"\"\nc: 'it''s'\nd: \"it's\"\n",  // quotes
      "'k': 1\n\"k 2\": 2\nk 3  : 3\n",            // keys
      "a: x:y x#y it's 50% a@b $x f(x)\n",         // plain scalars
      "a: https://x.test/p?q=1\n",                 //
      "a:\n  b:\n    c: d\n  e: f\ng: h\n",         // nested mappings
      "a:\n- x\n-\n- y\nb: 1\n",                    // an indentless sequence
      "a:\n  - x\n  -   y\n  -\n    k: v\n",        // an indented one
      "- a\n-\n- b\n",                            //
      "- k: v\n  j: w\n- k: x\n",                  // mappings in a sequence
      "-\n  - x\n-\n",                             //
      "a: [x, 'y', \"z\", [1, []], {}]\n",          // flow collections
      "a: {k: rsa, p: \"MIIB+/==\", h: [sha256]}\n",  //
      "a: [a, b,]\nb: {a: b,}\nc: [ x ]\n",         //
      "a: [mailto:x@y.test, https://x.test/p]\n",  // ":" in a flow scalar
      "a: [a b, c  d]\n",                          //
      "a: 1\na: 2\n",                              // a key twice: the loader's to report
  };
  for (const char* text : taken) {
    EXPECT_TRUE(ScannerAgrees(text)) << "not taken:\n" << text;
  }
}

// What it hands to libyaml, which takes some of it and declines the rest.
TEST(YamlScannerTest, LeavesTheRestToLibyaml) {
  const char* left[] = {
      "",                                  // no document
      "# only a comment\n",                //
      "~\n",                               // a root that is not a collection
      "a\n",                               //
      "[a]\n",                             //
      "  a: 1\n",                          // an indented root
      "a: &x 1\nb: *x\n",                  // anchors and aliases
      "a: !!str 1\n",                      // tags
      "a: |\n  text\n",                    // block scalars
      "a: >\n  text\n",                    //
      "a: two\n  lines\n",                 // a scalar over two lines
      "a:\n  b\n",                         // a scalar below its key
      "a: [1,\n  2]\n",                    // a flow list over two lines
      "a: [1, # c\n  2]\n",                //
      "a: \"\\x41\"\n",                    // escapes
      "a: 'x\\y'\n",                       //
      "a: x\\y\n",                         //
      "a: 1\n---\nb: 2\n",                 // document markers
      "a: 1\n...\n",                       //
      "%YAML 1.2\n---\na: 1\n",            // directives
      "\357\273\277a: 1\n",                // a byte order mark
      "a: 1 # \xef\xbb\xbf\n",             //
      "a: 1 # \xe2\x80\xa8\n",             // a line separator in a comment
      "a: 1 # \xc2\x85\n",                 // NEL
      "a: 1 # \xc0\xaf\n",                 // UTF-8 not in its shortest form
      "a: 1 # \xed\xa0\x80\n",             // a surrogate
      "a: 1 # \xff\n",                     //
      "a:\tb\n",                           // tabs
      "a: 1 #\tc\n",                       //
      "a: 1\r\nb: 2\r\n",                  // carriage returns
      "a: caf\xc3\xa9\n",                  // UTF-8 outside comments
      "? a\n: 1\n",                        // explicit keys
      "a: x,y\n",                          // flow indicators in a block scalar
      "a: x[1]\n",                         //
      "a: a&b\n",                          // indicators inside one
      "a: a|b\n",                          //
      "a: [a?b]\n",                        // "?" in a flow collection
      "a: ['a?b']\n",                      //
      "a: [a: b]\n",                       // a one-pair mapping in a flow list
      "a: {b}\n",                          // an empty value in a flow mapping
      "a: {b: }\n",                        //
      "a: {b:c}\n",                        //
      "a: {\"b\":c}\n",                    //
      "a: [a :b]\n",                       //
      "a: [a:[b]]\n",                      //
      "a: ['x'y]\n",                       //
      "a: 'x'# c\n",                       // a comment right after a quote
      "a: b: c\n",                         //
      "a: - b\n",                          //
      "- - a\n",                           // a sequence in a sequence on one line
      "a:\n    b: 1\n  c: 2\n",             // indentation between levels
      "a: 1\n b: 2\n",                     //
      "- a\nb: 1\n",                       //
      "<<: {a: 1}\n",                      // a merge key
      ": 1\n",                             //
      "a: '''\n",                          //
      "a: 'x\n",                           //
  };
  for (const char* text : left) {
    EXPECT_FALSE(ScanYaml(text).has_value()) << text;
    // Whatever libyaml makes of it is what YamlTree::Parse gives.
    std::optional<YamlTree> parsed = YamlTree::Parse(text);
    std::optional<YamlTree> libyaml = ParseWithLibyaml(text);
    EXPECT_EQ(parsed.has_value(), libyaml.has_value()) << text;
    if (parsed && libyaml) {
      EXPECT_TRUE(*parsed == *libyaml) << text;
    }
  }
  std::string deep = "a: ";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  EXPECT_FALSE(ScanYaml(deep).has_value());
  std::string long_key(1100, 'k');
  EXPECT_FALSE(ScanYaml(long_key + ": 1\n").has_value());
  EXPECT_TRUE(ScannerAgrees(std::string(900, 'k') + ": 1\n"));
}

// The property, on tens of thousands of random documents and mutations of
// them (mostly broken): the scanner takes a text only as libyaml's path
// reads it. And it takes most of what that path takes.
TEST(YamlScannerTest, AgreesWithLibyamlOnRandomDocuments) {
  testing::RandomYaml gen(20261204);
  int documents = 0, libyaml_takes = 0, taken = 0, mutations = 0, mutations_taken = 0;
  for (int i = 0; i < 12000; ++i) {
    std::string text = gen.Document();
    ++documents;
    libyaml_takes += ParseWithLibyaml(text).has_value();
    taken += ScannerAgrees(text);
    for (const std::string& mutated : {gen.Mutate(text), gen.MutateBytes(text),
                                       gen.MutateLines(text), gen.Mutate(gen.MutateLines(text))}) {
      ++mutations;
      mutations_taken += ScannerAgrees(mutated);
    }
    if (HasFailure()) break;
  }
  std::printf("%d documents: libyaml's path takes %d, the scanner %d; %d of %d mutations\n",
              documents, libyaml_takes, taken, mutations_taken, mutations);
  EXPECT_GE(taken, libyaml_takes * 2 / 3)
      << taken << " of " << documents << " taken, libyaml's path takes " << libyaml_takes;
  EXPECT_GE(mutations_taken, mutations / 20) << mutations_taken << " of " << mutations;
}

}  // namespace
}  // namespace dnsd::config
