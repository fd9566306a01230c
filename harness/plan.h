#pragma once
// plan: what a run will do, computed once before anything runs. For every
// toolchain x scenario x variant: its package, where its test binary goes and
// runs, its cache keys, whether a site expectation reads pprof's view, and
// whether (and with which variants) it is timed. The runner and the progress
// line read the plan; nothing re-derives these facts.

#include <cstddef>
#include <string>
#include <vector>

#include "generate.h"
#include "spec.h"
#include "stats.h"
#include "toolchain.h"

namespace eh {

/// How timing samples are taken; part of the timing cache key. Sampling is
/// a group sequential test: `looks` looks, equally spaced, the last after
/// `samples` per variant, each at its O'Brien-Fleming level (stats.h), so a
/// large difference is decided after the first look's samples and only a
/// close call takes them all.
struct TimingSettings {
  std::string cpu;                  // samples are only reused on the same CPU model
  int samples = 60;                 // per variant, at the last look
  int looks = 3;                    // 1: one fixed-sample test
  std::string benchtime = "100ms";  // per sample
  int samples_per_process = 10;     // the most -test.count of one timing run
  double alpha = 0.05;              // the test's overall two-sided level

  /// The looks: after ceil(k * samples / looks) samples, k = 1..looks.
  std::vector<stats::Look> design() const;
};

/// One variant on one toolchain.
struct VariantPlan {
  const Toolchain* toolchain = nullptr;
  const Scenario* scenario = nullptr;
  const Variant* variant = nullptr;
  const GoPackage* package = nullptr;
  std::string package_dir;  // absolute: where its test binary runs
  std::string binary;       // absolute path of its test binary
  std::string facts_key;
  std::string timing_key;             // "" when not timed
  std::vector<std::string> partners;  // the variants its timing is compared with
  bool pprof = false;                 // a site expectation reads go tool pprof's view
  bool cpu = false;                   // a site expectation reads a CPU profile
  std::string gate;                   // why it does not run on this toolchain; "" when it does

  bool timed() const { return !timing_key.empty(); }
};

struct RunPlan {
  std::vector<Toolchain> toolchains;
  const std::vector<Scenario>* scenarios = nullptr;
  std::string module_root;  // absolute: the generated module in the work directory
  std::string work_dir;
  TimingSettings timing;
  std::vector<stats::Look> looks;  // timing.design(): what the runner samples to and the judge decides at
  std::vector<std::vector<std::vector<VariantPlan>>> variants;  // [toolchain][scenario][variant]
  /// Per scenario, the timed variants in the order timing expectations name
  /// them: the order of each round of samples.
  std::vector<std::vector<std::string>> timed;

  const VariantPlan* find(std::size_t toolchain, std::size_t scenario, std::string_view variant) const;
  /// Progress steps: one per variant's facts, and (unless quick) one per
  /// timing process of a variant that runs to the last look.
  int steps(bool quick) const;
};

RunPlan make_plan(const std::vector<Scenario>& scenarios, const GeneratedModule& module,
                  std::vector<Toolchain> toolchains, const std::string& work_dir, const TimingSettings& timing);

/// Why `v` does not run on `tc` ("needs Go 1.21 or newer; go1.19.8 is older"), or "" when it does.
std::string version_gate(const Toolchain& tc, const Variant& v);

}  // namespace eh
