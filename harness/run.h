#pragma once
// run: the plan -> go commands -> parsed observations.
//
// Two phases. Facts are deterministic and run in parallel (--jobs); per
// variant and toolchain they come from one compile and one test binary:
//   go test -c -vet=off -gcflags='-m=2 -json=0,file://DIR'
//                                compile once: -m messages (or build errors),
//                                why-chains by both routes, the binary (no
//                                vet: a catalog's bug may be what vet flags)
//   <binary> TestEscapeHarness   exact allocation counts and stacks, and one
//            + Benchmark          benchmark result (ns/op, B/op, allocs/op)
//   go build -overlay=...        quick mode instead of the two above, per
//     + driver I                 scenario: one build of all its variants and
//                                one driver binary, run once per variant and
//                                counting process (batch.h)
//   go build -gcflags=PKG=-m=2   only when the calls allocate in another
//                                package: that package's chains
//   go test -c, <binary>          pgo only, first: a CPU profile of the
//     -test.cpuprofile            benchmark built as by default; the compile
//                                 above then reads it (-pgo=)
//   <binary> -test.memprofile    only when a spec reads the pprof view,
//   go tool pprof -traces         then pprof's own view of that profile
// Timing samples (phase two) run one benchmark process at a time with
// nothing else of the harness running, variants interleaved round by round.
// Both phases consult the result cache first. Where things go and what is
// timed comes from the RunPlan (plan.h); the runner only carries it out.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "cache.h"
#include "context.h"
#include "fs.h"
#include "generate.h"
#include "load.h"
#include "observation.h"
#include "parse_facts.h"
#include "plan.h"
#include "process.h"

namespace eh {

/// The facts of every scenario, indexed [toolchain][scenario].
using FactsTable = std::vector<std::vector<Observations>>;

struct RunOptions {
  int jobs = 2;            // facts run this many variants at once
  std::string cache_dir;   // "" for no cache
  bool read_cache = true;  // false: run afresh (and refresh the cache)
  std::map<std::string, std::string> inherited_env;
  std::chrono::milliseconds compile_timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds run_timeout{std::chrono::minutes(2)};
  std::string benchtime = "200ms";  // the facts run's single benchmark
  /// False: the facts run counts and records but runs no benchmark (no
  /// ns/op, no B/op: quick mode, whose verdicts read neither). A cached
  /// result without the benchmark is then enough; with it, a cached result
  /// made without one is measured again.
  bool facts_benchmark = true;
  /// Processes that count each variant's allocations: a claim must hold in
  /// every one (some counts differ from one process to the next).
  int count_processes = 3;
  /// Quick mode: the facts of a scenario's variants measured from one
  /// linked driver binary (batch.h) instead of a test binary each.
  bool batch = true;
  std::string cpu_benchtime = "1s";  // the benchmark under a CPU profile
  std::string date;                  // the run's (ISO 8601, UTC): stored with the timing samples it takes
  /// Read around each timing process: a process during which other
  /// processes used `busy_cores` or more (on average) is run again, up to
  /// `busy_retakes` times, after `busy_wait`, then twice that, and so on;
  /// samples still taken on a busy machine are kept and counted
  /// (busy_samples), and decide nothing (judge.h). None: no check.
  const CpuMeter* cpu = nullptr;
  double busy_cores = 0.25;
  int busy_retakes = 3;
  std::chrono::milliseconds busy_wait{1000};
};

/// Progress reports: what is running now, for the terminal. Called from the
/// worker threads, one call at a time.
using ProgressFn = std::function<void(const std::string& what)>;
/// Called, one call at a time, when scenario `s` is complete on toolchain `t`.
using ScenarioDoneFn = std::function<void(std::size_t t, std::size_t s, const Observations&)>;

class Runner {
 public:
  Runner(ProcessRunner& processes, FileSystem& fs, const GeneratedModule& module, const RunPlan& plan,
         RunOptions options, const Interrupts& interrupts);

  /// Writes the generated module under the work directory (files whose
  /// content is unchanged are left alone).
  bool prepare(std::string* err);

  /// Phase one: the facts of every variant of the plan, `jobs` at a time.
  FactsTable facts(const ProgressFn& progress = {}, const ScenarioDoneFn& done = {});

  /// Timing samples for the timed variants of scenario `s` on toolchain `t`,
  /// added to `obs`. Does nothing when there are none.
  void timing(std::size_t t, std::size_t s, Observations& obs, const ProgressFn& progress = {});

  /// How many processes this runner started: go commands and test binaries.
  int go_processes() const { return go_started_; }
  int binary_processes() const { return binaries_started_; }
  int processes_started() const { return go_started_ + binaries_started_; }
  int cache_hits() const { return cache_.hits(); }

 private:
  VariantObservation variant_facts(const VariantPlan& vp);
  /// The cached facts of `vp`, when the cache has a usable entry.
  std::optional<VariantObservation> cached_facts(const VariantPlan& vp);
  /// Normalises `o`'s paths and keeps it in the cache when it is worth keeping.
  void keep(const VariantPlan& vp, VariantObservation& o);
  /// Where a batch build's overlay takes `vp`'s harness file from.
  std::string batch_content(const VariantPlan& vp) const;
  /// The absolute path of `vp`'s harness_test.go in the work directory's module.
  std::string test_file_path(const VariantPlan& vp) const;
  /// Whether quick mode's batches are on (batch.h).
  bool batching() const { return opt_.batch && !opt_.facts_benchmark; }
  /// Whether `vp` may be measured in a batch (quick mode, a plain build, no profile view).
  bool batchable(const VariantPlan& vp) const;
  /// Builds one driver binary for `vps` (one toolchain, one scenario):
  /// each variant's compile facts, or none for all when the build fails.
  std::vector<std::optional<VariantObservation>> build_batch(const std::vector<const VariantPlan*>& vps,
                                                             std::string* driver);
  /// The facts of one (toolchain, scenario)'s variants `vps`, batched where they can be.
  std::vector<VariantObservation> scenario_facts(const std::vector<const VariantPlan*>& vps,
                                                 const ProgressFn& progress);
  VariantObservation measure(const VariantPlan& vp);
  /// The JSON optimisation log of package `p` that a compile wrote into `logdir`.
  std::string json_log(const std::string& logdir, const GoPackage& p) const;
  /// The compile: diagnostics and chains into `o`; false (o.status error) when it fails.
  bool compile(const VariantPlan& vp, VariantObservation& o);
  /// The test binary's facts run: counts, sites, holds, one benchmark
  /// result; or quick mode's from a batch driver's variant `index`.
  bool run_facts(const VariantPlan& vp, VariantObservation& o, const std::string& driver = "", int index = 0);
  /// What go tool pprof -traces shows for a memory profile of the benchmark.
  bool read_pprof_view(const VariantPlan& vp, VariantObservation& o);
  /// A CPU profile of the benchmark, its stacks read through go tool pprof.
  bool read_cpu_profile(const VariantPlan& vp, VariantObservation& o);
  /// Runs the variant's test binary (or `binary`) with a records file and a
  /// nonce of its own, and reads the records back (`tag` names the file);
  /// `returned`: whether a batch driver wrote its "done" line there.
  ProcessResult run_recorded(const VariantPlan& vp, std::vector<std::string> args, const std::string& tag,
                             HarnessFacts* facts, const std::map<std::string, std::string>& env = {},
                             const std::string& binary = "", bool* returned = nullptr);
  /// What the variant's package is compiled with: -m=2 and the JSON log
  /// into `logdir` (none when ""), its own and its configuration's flags.
  std::string compiler_flags(const VariantPlan& vp, const std::string& logdir) const;
  /// The variant's `go test -c -o output`: its own and its configuration's
  /// -gcflags, with -m=2 and the JSON log into `logdir` (none when ""), and
  /// -pgo= the profile `o` was measured with.
  Command build_command(const VariantPlan& vp, const VariantObservation& o, const std::string& output,
                        const std::string& logdir) const;
  /// pgo: a CPU profile of the variant's benchmark, built as by default, into
  /// pgo_profile_path; its hash and samples (or why none) into `o`.
  bool take_pgo_profile(const VariantPlan& vp, VariantObservation& o);
  std::string pgo_profile_path(const VariantPlan& vp) const;
  /// The timing cache key: the plan's, and for pgo the profile's hash.
  std::string timing_key(const VariantPlan& vp, const VariantObservation& o) const;
  ProcessResult run(const Command& c);
  /// `go tool pprof ARGS` as the toolchain's pprof binary run directly
  /// (named_pprof, looked up once per toolchain); through the go command
  /// when go does not name it.
  Command pprof_command(const Toolchain& tc, std::vector<std::string> args);
  Command go_command(const Toolchain& tc, std::vector<std::string> args, std::chrono::milliseconds timeout) const;
  /// The variant's test binary (or `binary`) with `args`, run in its package
  /// directory, under the configuration's emulator when it has one.
  Command binary_command(const VariantPlan& vp, std::vector<std::string> args, const std::string& binary = "") const;
  /// Compiler lines of `text` that map to the spec, as Diagnostics.
  std::vector<Diagnostic> map_diagnostics(const std::string& text) const;
  /// Why-chains of the allocations the calls make in other packages.
  void explain_dependencies(const VariantPlan& vp, VariantObservation& o);
  /// Fills o.places from o.sites and o.chains.
  void locate_allocations(const VariantPlan& vp, VariantObservation& o) const;
  /// A build failure's messages mapped to spec lines, for the error reason.
  std::string build_error(const ProcessResult& r, const Command& c) const;
  /// Timed variants of (t, s) whose samples are not cached; builds binaries missing after cached facts.
  std::vector<std::string> timing_to_take(std::size_t t, std::size_t s, Observations& obs, const ProgressFn& progress);

  /// Relative paths for what mentions the work directory or GOROOT, so
  /// results read the same on any machine ("x/bug/code.go", "$GOROOT/src/...").
  void normalise_paths(const Toolchain& tc, VariantObservation& o) const;

  ProcessRunner& processes_;
  FileSystem& fs_;
  const GeneratedModule& module_;
  const RunPlan& plan_;
  RunOptions opt_;
  const Interrupts& interrupts_;
  ResultCache cache_;
  std::atomic<int> go_started_{0};
  std::atomic<int> binaries_started_{0};
  std::mutex progress_mu_;
  std::mutex pprof_mu_;
  std::map<std::string, std::string> pprof_tools_;  // toolchain key -> its pprof ("": through go)
};

/// The "model name" of /proc/cpuinfo, or "".
std::string cpu_model(const FileSystem& fs);

/// What to quote of a failed test binary's output: the first panic or fatal
/// error with the lines after it, else the last lines.
std::string failure_excerpt(std::string_view text);

}  // namespace eh
