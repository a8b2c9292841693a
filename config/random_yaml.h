// Random YAML documents in the styles configuration files are written in,
// and mutations of them (mostly broken), for the tests that hold the
// compact tree's parsers (config/yaml_tree.h) to yaml-cpp and to each
// other. Deterministic for a seed.
#ifndef DNSD_CONFIG_RANDOM_YAML_H_
#define DNSD_CONFIG_RANDOM_YAML_H_

#include <cstdint>
#include <random>
#include <string>

namespace dnsd::config::testing {

class RandomYaml {
 public:
  explicit RandomYaml(uint32_t seed) : rng_(seed) {}

  // A block mapping of scalars, flow collections, nested mappings and
  // sequences, with comments (some in UTF-8), blank lines and trailing
  // spaces.
  std::string Document();

  // Changes a few bytes of `text` for the characters YAML cares about.
  std::string Mutate(std::string text);
  // Changes a few bytes for any byte: tabs, carriage returns, NULs, UTF-8
  // and stray bytes over 0x7f.
  std::string MutateBytes(std::string text);
  // Moves a line's indentation by a space or two, or copies, drops or
  // joins a line.
  std::string MutateLines(std::string text);

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(int percent) { return Pick(100) < percent; }

  std::string Scalar();
  std::string Key();
  std::string Flow(int depth);
  std::string Comment();
  void EndLine(std::string& out);
  void Value(int indent, int depth, std::string& out);
  void BlockMap(int indent, int depth, std::string& out);
  void BlockSeq(int indent, int depth, std::string& out);

  std::mt19937 rng_;
};

}  // namespace dnsd::config::testing

#endif  // DNSD_CONFIG_RANDOM_YAML_H_
