#pragma once
// run: the generated module -> go commands -> parsed observations.
//
// Per variant and toolchain, facts come from one compiled test binary:
//   go test -c -gcflags=-m       compile once; -m messages, or build errors
//   <binary> TestEscapeHarness   exact allocation counts and stacks, and one
//            + Benchmark          benchmark result (ns/op, B/op, allocs/op)
//   <binary> -test.memprofile    only when a spec reads the pprof view,
//   go tool pprof -traces         then pprof's own view of that profile
// Timing samples for `faster` expectations come later, one benchmark process
// at a time, variants interleaved round by round.

#include <chrono>
#include <functional>
#include <string>

#include "fs.h"
#include "generate.h"
#include "judge.h"
#include "process.h"
#include "spec.h"
#include "toolchain.h"

namespace eh {

struct RunOptions {
  std::string work_dir;  // the module is written to work_dir/gosrc, binaries to work_dir/bin
  std::map<std::string, std::string> inherited_env;
  std::chrono::milliseconds compile_timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds run_timeout{std::chrono::minutes(2)};
  std::string benchtime = "200ms";        // the facts run's single benchmark
  int timing_samples = 10;                // samples per variant for timing claims
  std::string timing_benchtime = "200ms"; // per sample
};

/// Progress reports: what is running now, for the terminal.
using ProgressFn = std::function<void(const std::string& what)>;

class Runner {
 public:
  Runner(ProcessRunner& processes, FileSystem& fs, const GeneratedModule& module, RunOptions options);

  /// Writes the generated module under work_dir (files whose content is
  /// unchanged are left alone).
  bool prepare(std::string* err);

  /// Facts for every variant of `s` on `tc`.
  Observations facts(const Scenario& s, const Toolchain& tc, const ProgressFn& progress = {});

  /// Timing samples for the variants `s`'s faster expectations compare,
  /// added to `obs`. Does nothing when there are none.
  void timing(const Scenario& s, const Toolchain& tc, Observations& obs, const ProgressFn& progress = {});

  /// How many processes this runner started (go and test binaries).
  int processes_started() const { return started_; }

 private:
  VariantObservation variant_facts(const Scenario& s, const Variant& v, const GoPackage& p, const Toolchain& tc);
  ProcessResult run(Command c);
  Command go_command(const Toolchain& tc, std::vector<std::string> args, std::chrono::milliseconds timeout) const;
  std::string binary_path(const Toolchain& tc, const GoPackage& p) const;
  /// Compiler lines of `text` that map to the spec, as Diagnostics.
  std::vector<Diagnostic> map_diagnostics(const std::string& text) const;
  /// Why-chains of one variant: a build with -m=2 and the JSON optimisation log.
  void explain_variant(const GoPackage& p, const Toolchain& tc, VariantObservation& o);
  void explain_dependencies(const GoPackage& p, const Toolchain& tc, VariantObservation& o);
  /// Fills o.places from o.sites and o.chains.
  void locate_allocations(const GoPackage& p, const Toolchain& tc, VariantObservation& o) const;
  /// A build failure's messages mapped to spec lines, for the error reason.
  std::string build_error(const ProcessResult& r, const Command& c) const;

  ProcessRunner& processes_;
  FileSystem& fs_;
  const GeneratedModule& module_;
  RunOptions opt_;
  int started_ = 0;
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
