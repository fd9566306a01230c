#pragma once
// scan --diff: what a newer toolchain changes in a module's heap
// allocations. Findings are matched by package, function and message, not
// by line, so code that only moved does not count; pure.

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "report_scan.h"

namespace eh {

struct ScanDiff {
  std::string older, newer;                          // toolchains
  std::vector<Finding> added, removed;               // in newer only, in older only
  std::vector<std::pair<Finding, Finding>> changed;  // matched, another shape or allocation
  std::array<long, kShapeCount> older_counts{}, newer_counts{};
  long unchanged = 0;

  /// Added findings that allocate (the --fail-on-new gate).
  long new_allocations() const;
};

ScanDiff diff_scans(const ScanReport& older, const ScanReport& newer);

/// Files in the diff are as the reports show them ("$GOROOT/src/...").
std::string diff_summary(const ScanDiff& d, std::size_t listed);
std::string diff_markdown(const ScanDiff& d);
std::string diff_json(const ScanDiff& d);

}  // namespace eh
