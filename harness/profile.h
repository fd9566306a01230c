#pragma once
// profile: what a module's benchmarks allocate, site by site, joined with why
// the compiler put it on the heap. Each benchmark runs twice with a fixed
// iteration count (-test.benchtime=Kx and (K+N)x) at -test.memprofilerate=1;
// the difference of the two memory profiles is what N iterations allocate,
// with setup and the framework's own work cancelled. Pure: the command
// (profile_command.cpp) runs the processes, this turns their output into
// sites.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "names.h"
#include "pprof_raw.h"
#include "scan.h"

namespace eh {

enum class SiteCategory {
  escape,          // the compiler reported an escape at this position
  no_escape,       // on the heap with no escape message (size not constant, too large, ...)
  runtime_growth,  // append or map growth inside the runtime, charged to the line that grew it
  outside,         // in code the build did not analyse (the standard library, a dependency)
};
constexpr std::array<Named<SiteCategory>, 4> enum_names(SiteCategory) {
  return {{{SiteCategory::escape, "escape"},
           {SiteCategory::no_escape, "heap-without-escape"},
           {SiteCategory::runtime_growth, "runtime-growth"},
           {SiteCategory::outside, "outside-analysed-code"}}};
}
std::string_view describe(SiteCategory c);

/// The compiler's view of the analysed packages.
struct Analysis {
  std::vector<std::string> packages;  // import paths whose code was built with -m=2
  std::vector<Finding> findings;      // files absolute
  std::vector<CompilerNote> notes;    // files absolute
  /// Source text by absolute path (the line an allocation is charged to);
  /// unset or nullopt: not read.
  std::function<std::optional<std::string>(const std::string&)> source;
};

struct Site {
  std::string benchmark;      // "BenchmarkLogFieldType/Stringers" (no -P suffix)
  std::string bench_package;  // the benchmark's package
  std::string package;        // the site's (its function's) package
  std::string function;
  std::string file;  // absolute, as the profile names it
  int line = 0;
  int column = 0;                                // from the compiler's finding; 0 without one
  std::int64_t objects = 0, bytes = 0, ops = 0;  // the two runs' difference, over `ops` iterations
  SiteCategory category = SiteCategory::escape;
  std::string code;  // the source line, trimmed; empty when it could not be read
  std::string reason;
  std::optional<Finding> finding;
  std::optional<ProfileFrame> caller;  // outside: the innermost frame in analysed code

  double objects_per_op() const { return ops ? static_cast<double>(objects) / static_cast<double>(ops) : 0; }
  double bytes_per_op() const { return ops ? static_cast<double>(bytes) / static_cast<double>(ops) : 0; }
};

struct BenchmarkProfile {
  std::string package;
  std::string name;  // full, sub-benchmarks included, no -P suffix
  std::int64_t ops = 0;
  std::optional<double> benchmem_allocs, benchmem_bytes;  // per op, -benchmem of the longer run
  std::int64_t objects = 0, bytes = 0;                    // every sample under the benchmark, difference
  std::int64_t framework_objects = 0;                     // of them, the testing package's own
  std::string error;                                      // why it was not profiled
  double objects_per_op() const { return ops ? static_cast<double>(objects) / static_cast<double>(ops) : 0; }
  double bytes_per_op() const { return ops ? static_cast<double>(bytes) / static_cast<double>(ops) : 0; }
};

/// The sites of one benchmark from its two profiles; fills `bench`'s totals.
std::vector<Site> attribute(const RawProfile& shorter, const RawProfile& longer, const Analysis& analysis,
                            BenchmarkProfile& bench);

/// Whether `function` belongs to an analysed package ("pkg.F", "pkg.(*T).M",
/// "pkg_test.BenchmarkX").
bool analysed(const Analysis& a, const std::string& function);

/// Escapes the compiler reported (and that allocate) at a line no site of
/// any benchmark reached; test files and the generated _testmain.go left out.
std::vector<Finding> unreached(const Analysis& a, const std::vector<Site>& sites);

}  // namespace eh
