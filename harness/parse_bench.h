#pragma once
// parse: `go test -bench` output in the Go benchmark format
// (golang.org/x/perf/benchfmt): configuration lines "key: value" and result
// lines "BenchmarkName-N  iterations  value unit  value unit ...".

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eh {

struct BenchResult {
  std::string name;  // without the "-N" GOMAXPROCS suffix
  int procs = 1;
  std::int64_t iterations = 0;
  std::map<std::string, double> metrics;      // unit -> value: "ns/op", "B/op", "allocs/op", ...
  std::map<std::string, std::string> config;  // configuration in effect: goos, goarch, pkg, cpu

  std::optional<double> metric(const std::string& unit) const;
};

/// Every result line in `text`, each with the configuration lines seen
/// before it. Malformed lines are skipped.
std::vector<BenchResult> parse_bench_output(std::string_view text);

}  // namespace eh
