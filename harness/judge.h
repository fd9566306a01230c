#pragma once
// judge: expectations + observations -> verdicts. Pure functions.
//
// An expectation is confirmed, refuted (with the observed value beside the
// expected one), inconclusive (what was measured cannot decide it: timing
// without a significant difference, counts that differ between processes,
// a profile amount known only as a range that straddles the bound), skipped
// (quick mode, a toolchain outside the variant's or the claim's range) or
// error (the variant did not build or run). A claim's verdict combines its
// expectations by kCombineRules (below): with `combine: all` (the default)
// an error anywhere makes the claim an error, so a harness fault is never
// hidden behind another expectation's verdict.
//
// Numbers are as exact as they are shown. Counts are exact fractions, over
// every process that measured them (a claim must hold at each). Amounts
// read from the heap profile are ranges where the profile cannot see every
// object: the tiny allocator packs pointer-free objects under 16 bytes into
// shared blocks and the profile records only each block; some toolchains
// cut the allocator's frames from a stack. Timing is a group sequential
// test (O'Brien-Fleming looks): at each look, the U test and the interval
// of the ratio of the medians at the look's level against the claimed
// margin; the first look that decides gives the verdict.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "goversion.h"
#include "observation.h"
#include "spec.h"
#include "stats.h"

namespace eh {

enum class Verdict { confirmed, refuted, inconclusive, skipped, error };
constexpr std::array<Named<Verdict>, 5> enum_names(Verdict) {
  return {{{Verdict::confirmed, "confirmed"},
           {Verdict::refuted, "refuted"},
           {Verdict::inconclusive, "inconclusive"},
           {Verdict::skipped, "skipped"},
           {Verdict::error, "error"}}};
}

struct ExpectationVerdict {
  Verdict verdict = Verdict::error;
  std::string expectation;  // Expectation::describe()
  std::string expected;
  std::string observed;
  std::string reason;    // for skipped, error and inconclusive
  std::string decisive;  // the observation that decided it, short enough for a table cell

  friend bool operator==(const ExpectationVerdict&, const ExpectationVerdict&) = default;
};

struct ClaimVerdict {
  Verdict verdict = Verdict::error;
  std::string reason;  // the first non-confirmed expectation's reason or observation
  std::vector<ExpectationVerdict> expectations;

  /// The observation that decided the verdict: the first expectation whose
  /// verdict is the claim's (its `decisive`, else its reason).
  std::string decisive() const;

  friend bool operator==(const ClaimVerdict&, const ClaimVerdict&) = default;
};

struct JudgeOptions {
  bool quick = false;   // timing expectations are skipped ("quick mode")
  double alpha = 0.05;  // significance level of the U test, 1 - the intervals' confidence
  /// Timing's group sequential design (stats::obrien_fleming at alpha):
  /// each look's level applies to the samples up to it. Empty: one
  /// fixed-sample test at alpha on every sample.
  std::vector<stats::Look> looks;
  std::string no_timing;                  // why timing expectations are skipped here ("" when they are not)
  std::string toolchain;                  // "go1.26.8", for claims' own Go ranges
  std::optional<GoVersion> toolchain_go;  // its version; empty for devel toolchains
};

ExpectationVerdict judge_expectation(const Scenario& s, const Expectation& e, const Observations& obs,
                                     const JudgeOptions& opt);
ClaimVerdict judge_claim(const Scenario& s, const Claim& c, const Observations& obs, const JudgeOptions& opt);

/// How a claim's verdict follows from its expectations': the first verdict
/// of the list that any expectation has, else the fallback.
struct CombineRule {
  Combine how;
  std::array<Verdict, 4> first_of;
  Verdict otherwise;
};
inline constexpr CombineRule kCombineRules[] = {
    {Combine::all, {Verdict::error, Verdict::refuted, Verdict::inconclusive, Verdict::skipped}, Verdict::confirmed},
    {Combine::any, {Verdict::confirmed, Verdict::error, Verdict::inconclusive, Verdict::skipped}, Verdict::refuted},
};

/// Whether more timing samples could decide timing expectation `e`: its
/// sequential test has not decided at the looks the samples reach, and a
/// look remains. False for other kinds, and when `e` cannot be judged at
/// all (a variant that did not run).
bool timing_open(const Expectation& e, const Observations& obs, const JudgeOptions& opt);

/// Combines expectation verdicts by kCombineRules.
Verdict combine(const std::vector<ExpectationVerdict>& vs, Combine how = Combine::all);

/// kCombineRules and the other rules a claim's verdict follows, in words,
/// for README.md's spec reference.
std::string verdict_rules();

/// Full-string glob match: '*' any run of characters, '?' one character.
bool glob_match(std::string_view pattern, std::string_view text);

/// The frame that asked for the memory: the innermost frame below the
/// allocator's own (runtime.mallocgc and the profiling hooks), such as
/// runtime.newobject, runtime.convT64 or runtime.growslice.
const std::string& allocating_frame(const AllocSite& site);

/// "2", "0.006", "~0.3333": a per-call rate for reports, exact when it has
/// a decimal of at most 4 places, else rounded and marked with '~'.
std::string format_rate(const Rational& r);

/// The -m wording of a message printed at -m=2, or nothing when -m does not
/// print it: "can inline f with cost 25 as: ..." -> "can inline f".
std::optional<std::string> m1_wording(const Diagnostic& d);

/// The counts of every process that measured them (`repeats`, or `counts` alone).
std::vector<AllocCounts> count_repeats(const VariantObservation& o);

}  // namespace eh
