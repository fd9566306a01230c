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
  /// Of the mallocs, those the tiny allocator packed into blocks it had
  /// started: the heap profile records none of them (-1: not measured).
  std::int64_t tiny = -1;

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
  std::int64_t size = 0;  // the size of each object, when the profile says (0: unknown)
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
  /// Each run of the benchmark function: b.N and the nanoseconds its loop took.
  std::vector<std::pair<std::int64_t, std::int64_t>> bench_runs;
  /// The mallocs of those runs in all, and of them the tiny-packed ones,
  /// when the harness asked for them.
  std::int64_t bench_mallocs = 0;
  std::int64_t bench_tiny = 0;
  /// Lines of a records file that do not carry the run's nonce: something
  /// other than the harness wrote there (the first one, for the message).
  int foreign_lines = 0;
  std::string first_foreign;
};

/// The "escape-harness: counts ..." and "escape-harness: site ..." lines of
/// `text`, wherever a line holds them (the measured code may print text
/// without a newline before them): what TestEscapeHarness prints when run by
/// hand. Malformed lines are ignored.
HarnessFacts parse_harness_facts(std::string_view text);

/// The records file of one run of a test binary: every line must start with
/// `nonce` and a space; the rest reads as parse_harness_facts reads a line.
HarnessFacts parse_records(std::string_view text, std::string_view nonce);

/// One -test.count round of a benchmark: its last run's b.N and ns/op.
struct BenchRound {
  std::int64_t iterations = 0;
  double ns_per_op = 0;
};

/// Each -test.count round of a benchmark from its runs: a round starts at
/// b.N = 1 (the testing package's first, calibrating run) and its result is
/// its last run.
std::vector<BenchRound> bench_rounds(const std::vector<std::pair<std::int64_t, std::int64_t>>& runs);
/// The ns/op of each of those rounds.
std::vector<double> round_results(const std::vector<std::pair<std::int64_t, std::int64_t>>& runs);

/// The samples of `go tool pprof -traces` output, each with its value (the
/// sample index chosen on the command line) and frames, innermost first,
/// with " (inline)" marks removed.
std::vector<AllocSite> parse_pprof_traces(std::string_view text);

}  // namespace eh
