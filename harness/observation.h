#pragma once
// What running one variant on one toolchain showed: the parsed, mapped
// output of the go commands (run.h produces it, judge.h reads it). Plain data.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "generate.h"
#include "parse_bench.h"
#include "parse_facts.h"
#include "source.h"
#include "why.h"

namespace eh {

/// A compiler message on a line that came from the spec. The compile runs
/// at -m=2, which prints every -m message too: `level` 1 is one -m prints
/// (in -m=2's wording: "can inline f with cost 25 as: ..."), level 2 one only
/// -m=2 prints ("x escapes to heap" heading an explanation, "capturing by
/// ref", "cannot inline").
struct Diagnostic {
  SourcePos pos;  // in the spec file
  Region region = Region::code;
  int level = 1;
  int code_line = 0;      // line within the variant's code (or setup/common block), 1-based
  std::string generated;  // "param-address/bug/code.go:9:11"
  std::string message;    // "n does not escape"
  std::string code;       // the source line, trimmed

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Where a variant's calls allocate, summed over the stacks that allocate
/// there: the innermost frame outside the runtime, and the runtime function
/// that asked for the memory.
struct AllocPlace {
  std::string function;   // "escapeharness/x/bug.index", "fmt.errorf"
  std::string allocator;  // "runtime.newobject"
  std::string where;      // "code line 4:7" in the variant's code, or "fmt/errors.go:42"
  SourcePos spec;         // in the spec, for the variant's own code; line 0 otherwise
  std::int64_t objects = 0;
  int chain = -1;  // index in `chains` of the escape that explains it, or -1

  friend bool operator==(const AllocPlace&, const AllocPlace&) = default;
};

enum class RunStatus {
  ok,
  skipped,  // not run on this toolchain (too old for the variant); `reason` says why
  error,    // did not build or run; `reason` says why, mapped to the spec where possible
};
constexpr std::array<Named<RunStatus>, 3> enum_names(RunStatus) {
  return {{{RunStatus::ok, "ok"}, {RunStatus::skipped, "skipped"}, {RunStatus::error, "error"}}};
}

/// CPU samples of the benchmark with one stack (innermost frame first).
struct CpuStack {
  std::int64_t samples = 0;
  std::vector<std::string> stack;

  friend bool operator==(const CpuStack&, const CpuStack&) = default;
};

struct VariantObservation {
  RunStatus status = RunStatus::ok;
  std::string reason;
  std::vector<Diagnostic> diagnostics;
  std::optional<AllocCounts> counts;  // exact, from TestEscapeHarness (the first process)
  /// The counts of every process that measured them, `counts` first: a
  /// claim is judged over all of them (a map's hash seed can change the
  /// count from one process to the next).
  std::vector<AllocCounts> repeats;
  std::vector<AllocSite> sites;          // allocating stacks, runtime frames included
  std::optional<bool> allocator_frames;  // the calibration new([4]int) kept its runtime frames (reported only)
  std::map<std::string, bool> holds;     // `holds` expressions and their values
  std::optional<BenchResult> bench;      // one go test -bench result (ns/op, B/op, allocs/op)
  std::optional<std::vector<AllocSite>> pprof_sites;  // what go tool pprof -traces shows
  std::int64_t pprof_calls = 0;                       // calls behind pprof_sites
  std::int64_t pprof_mallocs = 0;                     // the mallocs of those calls, counted
  std::int64_t pprof_tiny = -1;                       // of them, packed by the tiny allocator (-1: unknown)
  std::vector<double> samples;                        // ns/op, one per timing run
  std::vector<std::int64_t> sample_iterations;        // b.N of each of those runs
  std::string samples_taken;                          // the date of the run that took them
  int busy_samples = 0;                               // of them, taken on a busy machine (RunOptions::cpu)
  double busy_cores = 0;                              // the most cores others used during one of those runs
  double seconds = 0;                                 // its processes' time in this run (0: from the cache)
  std::optional<std::vector<CpuStack>> cpu;           // a CPU profile of the benchmark, when a spec reads one
  std::int64_t cpu_total = 0;                         // its samples in all
  std::vector<WhyChain> chains;                       // why things escape in the variant's code (-m=2, -json)
  std::vector<AllocPlace> places;                     // where its calls allocate, with the chain explaining each
  std::string chains_note;                            // why there are no chains, when the routes could not run
  // Under the pgo configuration: the CPU profile it was built with (a hash
  // of the file kept in the work directory) and its samples, or why none.
  std::string pgo_profile;
  std::int64_t pgo_samples = 0;
  std::string pgo_note;  // "" when built with a profile
};

/// A scenario's observations on one toolchain, by variant name.
using Observations = std::map<std::string, VariantObservation>;

}  // namespace eh
