#pragma once
// What each fix changes: every variant marked `fixes: bug` against its bug,
// per toolchain, in allocs/op, B/op and ns/op, absolute and relative. A fix
// that allocates more than the code it fixes, in every process that
// counted, is flagged: the reports (EVIDENCE, MATRIX, ERRATA) show it, since
// "the catalog's fix is worse" is a finding as much as a refuted claim.
// Pure functions of the results.

#include <optional>
#include <string>
#include <vector>

#include "rational.h"
#include "results.h"

namespace eh {

struct FixDelta {
  std::string fix, bug;  // variant names
  std::string toolchain;
  Rational bug_allocs, fix_allocs, bug_bytes, fix_bytes;  // first process
  bool varies = false;                                    // counts differ between processes
  std::optional<double> bug_ns, fix_ns;                   // medians of timing samples, else the facts run's
  bool timed = false;                                     // the ns come from timing samples
  bool costs_more = false;  // more objects or more bytes than its bug, in every pairing of processes
};

/// The deltas of scenario `s`, fix by fix in variant order, then by toolchain.
std::vector<FixDelta> fix_deltas(const ScenarioRecord& s, const std::vector<ToolchainInfo>& toolchains);

/// "2 → 4 (+2, +100%)": a change of an exact rate for tables.
std::string delta_text(const Rational& before, const Rational& after);
/// The same for times, in benchstat units: "12.45ns → 7.99ns (-35.8%)".
std::string delta_time(std::optional<double> before, std::optional<double> after);

}  // namespace eh
