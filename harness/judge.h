#pragma once
// judge: expectations + observations -> verdicts. Pure functions.
//
// An expectation is confirmed, refuted (with the observed value beside the
// expected one), inconclusive (timing without a significant difference),
// skipped (quick mode, or a toolchain too old for the variant) or error
// (the variant did not build or run). A claim's verdict combines its
// expectations: error if any is error; else refuted if any is refuted; else
// inconclusive if any is; else skipped if any is; else confirmed.

#include <map>
#include <string>
#include <vector>

#include "observation.h"
#include "spec.h"

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
  std::string reason;  // for skipped, error and inconclusive

  friend bool operator==(const ExpectationVerdict&, const ExpectationVerdict&) = default;
};

struct ClaimVerdict {
  Verdict verdict = Verdict::error;
  std::string reason;  // the first non-confirmed expectation's reason or observation
  std::vector<ExpectationVerdict> expectations;

  friend bool operator==(const ClaimVerdict&, const ClaimVerdict&) = default;
};

struct JudgeOptions {
  bool quick = false;   // timing expectations are skipped ("quick mode")
  double alpha = 0.05;  // significance level of the U test
};

ExpectationVerdict judge_expectation(const Scenario& s, const Expectation& e, const Observations& obs,
                                     const JudgeOptions& opt);
ClaimVerdict judge_claim(const Scenario& s, const Claim& c, const Observations& obs, const JudgeOptions& opt);

/// Combines expectation verdicts by the rule above.
Verdict combine(const std::vector<ExpectationVerdict>& vs);

/// Full-string glob match: '*' any run of characters, '?' one character.
bool glob_match(std::string_view pattern, std::string_view text);

/// The frame that asked for the memory: the innermost frame below the
/// allocator's own (runtime.mallocgc and the profiling hooks), such as
/// runtime.newobject, runtime.convT64 or runtime.growslice.
const std::string& allocating_frame(const AllocSite& site);

/// "2", "0.006", "~0.3333": a per-call rate for reports, exact when it has
/// a decimal of at most 4 places, else rounded and marked with '~'.
std::string format_rate(const Rational& r);

}  // namespace eh
