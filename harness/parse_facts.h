#pragma once
// parse: what TestEscapeHarness prints (see generate.h), and the allocating
// stacks `go tool pprof -traces` prints for a memory profile.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rational.h"

namespace eh {

/// Mallocs and bytes over a known number of calls: exact rates.
struct AllocCounts {
  std::int64_t calls = 0;
  std::int64_t mallocs = 0;
  std::int64_t bytes = 0;

  Rational allocs_per_call() const { return Rational(mallocs, calls); }
  Rational bytes_per_call() const { return Rational(bytes, calls); }
  friend bool operator==(const AllocCounts&, const AllocCounts&) = default;
};

/// Allocations made from one stack, innermost frame first.
struct AllocSite {
  std::int64_t objects = 0;
  std::int64_t bytes = 0;
  std::vector<std::string> stack;
  std::string at_file;  // the allocating line: innermost frame outside the runtime
  int at_line = 0;
  friend bool operator==(const AllocSite&, const AllocSite&) = default;
};

struct HarnessFacts {
  std::optional<AllocCounts> counts;
  std::vector<AllocSite> sites;
  /// Whether the calibration allocation (new([4]int)) kept the runtime
  /// frames above it. Reported, not judged on: go1.27 drops them for new(T)
  /// but keeps them for make, so the judge reads each stack instead.
  /// Unknown when the line is missing.
  std::optional<bool> allocator_frames;
  /// The value of each `holds` expression, by its Go text.
  std::map<std::string, bool> holds;
};

/// The "escape-harness: counts ..." and "escape-harness: site ..." lines of
/// `text`, wherever a line holds them (the measured code may print text
/// without a newline before them). Malformed lines are ignored.
HarnessFacts parse_harness_facts(std::string_view text);

/// The samples of `go tool pprof -traces` output, each with its value (the
/// sample index chosen on the command line) and frames, innermost first,
/// with " (inline)" marks removed.
std::vector<AllocSite> parse_pprof_traces(std::string_view text);

}  // namespace eh
