// Parsing domain files into the compact YAML tree (config/yaml_tree.h):
// libyaml's path against the scanner, one file per iteration, on the files
// of a folder bench/gen_config.py wrote (README.md, "Parsing a domain
// file"). The files are read into memory first: only the parse is timed.
//
//   build/release/bench/yaml_tree_bench FOLDER [COUNT] [--benchmark_...]
//
// takes the first COUNT files (20,000 unless given) of FOLDER by name.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/yaml_libyaml.h"
#include "config/yaml_scanner.h"
#include "config/yaml_tree.h"

namespace dnsd::bench {
namespace {

std::vector<std::string>& Files() {
  static std::vector<std::string> files;
  return files;
}

template <typename ParseFn>
void ParseEach(benchmark::State& state, ParseFn parse) {
  const std::vector<std::string>& files = Files();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    std::optional<config::YamlTree> tree = parse(files[i]);
    benchmark::DoNotOptimize(tree);
    bytes += static_cast<int64_t>(files[i].size());
    if (++i == files.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_Libyaml(benchmark::State& state) { ParseEach(state, config::ParseWithLibyaml); }
BENCHMARK(BM_Libyaml)->Unit(benchmark::kMicrosecond);

void BM_Scanner(benchmark::State& state) { ParseEach(state, config::ScanYaml); }
BENCHMARK(BM_Scanner)->Unit(benchmark::kMicrosecond);

// What the loader calls: the scanner, and libyaml for what it hands back.
void BM_Parse(benchmark::State& state) { ParseEach(state, config::YamlTree::Parse); }
BENCHMARK(BM_Parse)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dnsd::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s FOLDER [COUNT] [--benchmark_...]\n", argv[0]);
    return 2;
  }
  size_t count = argc == 3 ? std::strtoul(argv[2], nullptr, 10) : 20000;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  if (paths.size() > count) paths.resize(count);
  if (paths.empty()) {
    std::fprintf(stderr, "no .yaml files in %s\n", argv[1]);
    return 1;
  }
  // Both parsers must read every file, and alike, or the comparison means
  // nothing.
  size_t bytes = 0, scanned = 0, libyaml = 0, differ = 0;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::string file = text.str();
    std::optional<dnsd::config::YamlTree> a = dnsd::config::ScanYaml(file);
    std::optional<dnsd::config::YamlTree> b = dnsd::config::ParseWithLibyaml(file);
    scanned += a.has_value();
    libyaml += b.has_value();
    differ += a && b && !(*a == *b);
    bytes += file.size();
    dnsd::bench::Files().push_back(std::move(file));
  }
  std::fprintf(stderr,
               "%zu files, %zu bytes (%.0f a file); the scanner takes %zu, libyaml %zu; "
               "%zu trees differ\n",
               paths.size(), bytes, static_cast<double>(bytes) / paths.size(), scanned, libyaml,
               differ);
  if (differ != 0) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
