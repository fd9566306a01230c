#pragma once
// run: the generated module -> go commands -> parsed observations.
//
// Two phases. Facts are deterministic and run in parallel (--jobs); per
// variant and toolchain they come from one compile and one test binary:
//   go test -c -vet=off -gcflags='-m=2 -json=0,file://DIR'
//                                compile once: -m messages (or build errors),
//                                why-chains by both routes, the binary (no
//                                vet: a catalog's bug may be what vet flags)
//   <binary> TestEscapeHarness   exact allocation counts and stacks, and one
//            + Benchmark          benchmark result (ns/op, B/op, allocs/op)
//   go build -gcflags=PKG=-m=2   only when the calls allocate in another
//                                package: that package's chains
//   <binary> -test.memprofile    only when a spec reads the pprof view,
//   go tool pprof -traces         then pprof's own view of that profile
// Timing samples (phase two) run one benchmark process at a time with
// nothing else of the harness running, variants interleaved round by round.
// Both phases consult the result cache first.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "cache.h"
#include "fs.h"
#include "generate.h"
#include "judge.h"
#include "process.h"
#include "spec.h"
#include "toolchain.h"

namespace eh {

struct RunOptions {
  std::string work_dir;    // the module is written to work_dir/gosrc, binaries to work_dir/bin
  int jobs = 2;            // facts run this many variants at once
  std::string cache_dir;   // "" for no cache
  bool read_cache = true;  // false: run afresh (and refresh the cache)
  std::string cpu;         // timing results are only reused on the same CPU model
  std::map<std::string, std::string> inherited_env;
  std::chrono::milliseconds compile_timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds run_timeout{std::chrono::minutes(2)};
  std::string benchtime = "200ms";  // the facts run's single benchmark
  // Timing: this machine's ns/op varies by 10-20% from one 100 ms sample to
  // the next (a shared, virtualised CPU); 60 samples bring the 95%
  // interval of the median near 3% for most benchmarks, and the few whose
  // times are bimodal get more rounds (bench/overhead measures it).
  int timing_samples = 60;                 // samples per variant for timing claims
  std::string timing_benchtime = "100ms";  // per sample
  int samples_per_process = 10;            // -test.count of one timing run
  // Variants whose median is still less precise than this (95% interval
  // half-width over the median) get more rounds, up to the cap.
  double timing_target = 0.03;
  int timing_max_samples = 180;
};

/// Progress reports: what is running now, for the terminal. Called from the
/// worker threads, one call at a time.
using ProgressFn = std::function<void(const std::string& what)>;

/// The facts of every scenario, indexed [toolchain][scenario].
using FactsTable = std::vector<std::vector<Observations>>;

class Runner {
 public:
  Runner(ProcessRunner& processes, FileSystem& fs, const GeneratedModule& module, RunOptions options);

  /// Writes the generated module under work_dir (files whose content is
  /// unchanged are left alone).
  bool prepare(std::string* err);

  /// Phase one: the facts of every variant of every scenario on every
  /// toolchain, `jobs` at a time. `done(t, i)` is called, one call at a
  /// time, when scenario i is complete on toolchain t.
  FactsTable facts(const std::vector<Scenario>& scenarios, const std::vector<Toolchain>& toolchains,
                   const ProgressFn& progress = {},
                   const std::function<void(std::size_t, std::size_t, const Observations&)>& done = {});

  /// Timing samples for the variants `s`'s faster expectations compare,
  /// added to `obs`. Does nothing when there are none.
  void timing(const Scenario& s, const Toolchain& tc, Observations& obs, const ProgressFn& progress = {});

  /// How many processes this runner started: go commands and test binaries.
  int go_processes() const { return go_started_; }
  int binary_processes() const { return binaries_started_; }
  int processes_started() const { return go_started_ + binaries_started_; }
  int cache_hits() const { return cache_.hits(); }

  /// The cache key of a variant's facts on a toolchain.
  std::string facts_key(const Scenario& s, const Variant& v, const Toolchain& tc) const;

 private:
  VariantObservation variant_facts(const Scenario& s, const Variant& v, const GoPackage& p, const Toolchain& tc);
  VariantObservation measure(const Scenario& s, const Variant& v, const GoPackage& p, const Toolchain& tc);
  ProcessResult run(Command c);
  Command go_command(const Toolchain& tc, std::vector<std::string> args, std::chrono::milliseconds timeout) const;
  std::string binary_path(const Toolchain& tc, const GoPackage& p) const;
  /// Compiler lines of `text` that map to the spec, as Diagnostics.
  std::vector<Diagnostic> map_diagnostics(const std::string& text) const;
  /// Why-chains of one variant: a build with -m=2 and the JSON optimisation log.
  void explain_dependencies(const GoPackage& p, const Toolchain& tc, VariantObservation& o);
  /// Fills o.places from o.sites and o.chains.
  void locate_allocations(const GoPackage& p, const Toolchain& tc, VariantObservation& o) const;
  /// A build failure's messages mapped to spec lines, for the error reason.
  std::string build_error(const ProcessResult& r, const Command& c) const;

  /// Relative paths for what mentions the work directory or GOROOT, so
  /// results read the same on any machine ("x/bug/code.go", "$GOROOT/src/...").
  void normalise_paths(const Toolchain& tc, VariantObservation& o) const;

  ProcessRunner& processes_;
  FileSystem& fs_;
  const GeneratedModule& module_;
  RunOptions opt_;
  ResultCache cache_;
  std::atomic<int> go_started_{0};
  std::atomic<int> binaries_started_{0};
  std::mutex progress_mu_;
};

/// The "model name" of /proc/cpuinfo, or "".
std::string cpu_model(const FileSystem& fs);

/// Now, as "2026-11-30T01:33:24Z".
std::string utc_now_iso8601();

/// The last `n` lines of `text`, for error messages.
std::string tail_lines(std::string_view text, int n);

/// What to quote of a failed test binary's output: the first panic or fatal
/// error with the lines after it, else the last lines.
std::string failure_excerpt(std::string_view text);

}  // namespace eh
