#pragma once
// check: a run's verdicts against a recorded baseline, per claim and
// toolchain. Pure: Results in, a list of differences out.

#include <string>
#include <vector>

#include "results.h"

namespace eh {

struct VerdictChange {
  int entry = 0;         // for the order: catalog entries first, as in every report
  std::string scenario;  // its id
  std::string label;     // how messages name it: ScenarioRecord::label()
  std::string claim;
  std::string toolchain;
  std::string old_verdict;  // "" when the claim is new
  std::string new_verdict;  // "" when the claim is gone
  std::string old_number;
  std::string new_number;
};

/// A toolchain whose run and baseline were measured on CPUs of another
/// model (ToolchainInfo::cpu): its timing verdicts are the machine's.
struct CpuChange {
  std::string toolchain, baseline_cpu, run_cpu;
};

struct Comparison {
  std::vector<VerdictChange> changes;
  std::vector<std::string> only_in_run;       // toolchains with no baseline: a difference
  std::vector<std::string> only_in_baseline;  // toolchains this run did not cover: reported
  int compared = 0;                           // verdicts compared
  int not_compared_quick = 0;                 // timing verdicts skipped in quick mode on one side
  // Timing verdicts whose baseline another CPU measured: not compared, for
  // a time is a property of the machine before it is one of the compiler.
  // The claim's other expectations still are (a change of one is drift);
  // the timing verdicts that differ are listed, as what the CPU changed.
  std::vector<CpuChange> other_cpus;
  int not_compared_cpu = 0;
  std::vector<VerdictChange> cpu_changes;

  bool drift() const { return !changes.empty() || !only_in_run.empty(); }
};

/// A timing verdict skipped because its run was in quick mode: on either
/// side of a comparison it says nothing about drift.
bool quick_skip(const ClaimVerdict& v);

Comparison compare_results(const Results& baseline, const Results& run);

/// The readable report of a comparison, as `check` prints it.
std::string format_comparison(const Comparison& c, const std::string& baseline_name);

/// The baseline's column of toolchain `from` under the name `to`, the other
/// columns dropped: what `check --against` compares a new release with.
Results relabelled(const Results& baseline, const std::string& from, const std::string& to);

/// `check --against`'s report: "new Go release: go1.27.4 changes 2 verdicts
/// of go1.27.3 (in FILE)", then each change as format_comparison lists it.
std::string format_release_change(const Comparison& c, const std::string& release, const std::string& against,
                                  const std::string& baseline_name);

}  // namespace eh
