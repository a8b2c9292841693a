// The compact tree (config/yaml_tree.h) must read every document it takes
// exactly as yaml-cpp does, and decline the rest, so that YamlReader's
// values and diagnostics do not depend on which parser read a file. Each
// test compares the two through YamlNode, the interface YamlReader reads.
#include "config/yaml_tree.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/random_yaml.h"
#include "config/test_util.h"
#include "config/yaml_node.h"
#include "config/yaml_readings.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace dnsd::config {
namespace {

using ::dnsd::config::testing::ReadFile;

namespace fs = std::filesystem;

std::optional<std::string> Fast(const std::string& text) { return FastReading(text); }
std::optional<std::string> Slow(const std::string& text) { return YamlCppReading(text); }

// Whenever the fast parser takes a text, yaml-cpp takes it too and reads
// the same tree. Returns whether the fast parser took it.
bool Agrees(const std::string& text) {
  std::optional<std::string> fast = Fast(text);
  if (!fast) return false;
  std::optional<std::string> slow = Slow(text);
  EXPECT_TRUE(slow.has_value()) << "yaml-cpp refuses what the tree takes:\n" << text;
  if (slow) {
    EXPECT_EQ(*fast, *slow) << "for:\n" << text;
  }
  return true;
}

TEST(YamlTreeTest, ReadsTheExamplesAsYamlCppDoes) {
  int files = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(std::string(DNSD_SOURCE_DIR) + "/config/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    // Folded block scalars (">-"), which yaml-cpp reads.
    bool block_scalar = entry.path().filename() == "bigkey.example.yaml" ||
                        entry.path().filename() == "senders.yaml";
    EXPECT_EQ(Agrees(ReadFile(entry.path())), !block_scalar) << entry.path();
  }
  EXPECT_GE(files, 5);
}

// Every file bench/gen_config.py writes, the files of the million-domain
// start this parser is for.
TEST(YamlTreeTest, ReadsGeneratedConfigurationsAsYamlCppDoes) {
  fs::path dir = fs::temp_directory_path() / absl::StrCat("yaml_tree_test_", getpid());
  ASSERT_TRUE(testing::GenerateConfig(DNSD_SOURCE_DIR, dir, 300, 5));
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "cfg")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    // senders.yaml is config/examples' catalog: block scalars.
    bool block_scalar = entry.path().filename() == "senders.yaml";
    EXPECT_EQ(Agrees(ReadFile(entry.path())), !block_scalar) << entry.path();
  }
  EXPECT_EQ(files, 302);  // the domains, dnsd.yaml, senders.yaml
  fs::remove_all(dir);
}

TEST(YamlTreeTest, ReadsScalarsKindsAndPositions) {
  std::optional<YamlTree> tree = YamlTree::Parse(
      "a: 1\n"
      "b: 'x y'\n"
      "c:\n"
      "  - \"q\"\n"
      "  - ~\n"
      "d: {e: [f, g]}\n");
  ASSERT_TRUE(tree);
  const YamlTree::Node& root = tree->node(tree->root());
  ASSERT_EQ(root.kind, YamlTree::Kind::kMap);
  ASSERT_EQ(root.size, 4u);
  absl::Span<const uint32_t> pairs = tree->Children(root);
  const YamlTree::Node& b = tree->node(pairs[3]);
  EXPECT_EQ(tree->Scalar(b), "x y");
  EXPECT_FALSE(b.plain);
  EXPECT_EQ(b.line, 1u);
  EXPECT_EQ(b.column, 3u);
  const YamlTree::Node& c = tree->node(pairs[5]);
  ASSERT_EQ(c.kind, YamlTree::Kind::kSequence);
  EXPECT_EQ(tree->node(tree->Children(c)[1]).kind, YamlTree::Kind::kNull);
}

// What the tree leaves to yaml-cpp, valid YAML or not.
TEST(YamlTreeTest, DeclinesWhatItDoesNotHandle) {
  const char* declined[] = {
      "",                                 // no document
      "# only a comment\n",               //
      "~\n",                              // a null root
      "a: &x 1\nb: *x\n",                 // anchors and aliases
      "a: !!str 1\n",                     // tags
      "a: !custom 1\n",                   //
      "<<: {a: 1}\n",                     // a merge key
      "a: |\n  text\n",                   // block scalars
      "a: >\n  text\n",                   //
      "a: two\n  lines\n",                // a scalar over two lines
      "a: \"two\n  lines\"\n",            //
      "a: \"\\x41\"\n",                   // escapes
      "a: 1\n---\nb: 2\n",                // a second document
      "--- a\n",                          // a document marker
      "%YAML 1.2\n---\na: 1\n",           // directives
      "\357\273\277a: 1\n",               // a byte order mark
      "a:\tb\n",                          // a tab
      "a: 1\r\nb: 2\r\n",                 // carriage returns
      "a: caf\xc3\xa9\n",                 // UTF-8
      "? [a]\n: 1\n",                     // a list as a key
      ": 1\n",                            // a null key
      "a: [1\n",                          // syntax errors
      "a: 1\n b: 2\n",                    //
      "a: 'x\n",                          //
      "- a\nb: 1\n",                      //
      "a: {b\n, c: d}\n",                 // a key with no value, then a line break
      "a: [{b\n}]\n",                     //
  };
  for (const char* text : declined) {
    EXPECT_FALSE(YamlTree::Parse(text).has_value()) << text;
  }
  std::string deep;
  for (int i = 0; i <= YamlTree::kMaxDepth; ++i) deep += "[";
  for (int i = 0; i <= YamlTree::kMaxDepth; ++i) deep += "]";
  EXPECT_FALSE(YamlTree::Parse(deep).has_value());
  // Just inside the limit it is taken.
  deep = std::string(YamlTree::kMaxDepth, '[') + std::string(YamlTree::kMaxDepth, ']');
  EXPECT_TRUE(Agrees(deep));
}

// The property: on random documents and on mutations of them (mostly
// broken), the tree either declines or reads what yaml-cpp reads. It must
// also take most well-formed documents, or it would be no fast path.
TEST(YamlTreeTest, AgreesWithYamlCppOnRandomDocuments) {
  testing::RandomYaml gen(20261203);
  int documents = 0, taken = 0, mutated_taken = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string text = gen.Document();
    ++documents;
    if (Agrees(text)) ++taken;
    for (const std::string& mutated : {gen.Mutate(text), gen.Mutate(text), gen.Mutate(text),
                                       gen.MutateBytes(text), gen.MutateLines(text)}) {
      if (Agrees(mutated)) ++mutated_taken;
    }
    if (HasFailure()) break;
  }
  // Some are declined by design (a "?" in a flow list, as in a URL); about
  // 70% are taken.
  EXPECT_GE(taken, documents * 6 / 10) << taken << " of " << documents << " taken";
  // Some mutations stay valid YAML and are compared too.
  EXPECT_GT(mutated_taken, 0);
}

}  // namespace
}  // namespace dnsd::config
