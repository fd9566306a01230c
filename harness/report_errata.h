#pragma once
// report: Results -> reports/ERRATA.md, the page a catalog maintainer reads:
// for every claim of the catalog refuted on any toolchain, the catalog's own
// words, what was measured where, where the claim does hold (a claim of the
// harness's that is confirmed there), and a corrected sentence whose numbers
// come from the measurements; then the catalog's fixes that allocate more
// than the code they fix. Claims of the harness's own never appear.
//
// errata() builds the page as data, errata_markdown() renders it: a test
// checks the data against the results (each correction under its verdict,
// every number filled), so the page cannot contradict itself.

#include <string>
#include <vector>

#include "deltas.h"
#include "report_markdown.h"
#include "results.h"

namespace eh {

struct ErratumHolds {
  std::string claim;  // a harness claim of the scenario
  std::string text;
  std::string toolchain;  // where it is confirmed
  std::string decisive;
};

struct Erratum {
  const ScenarioRecord* scenario = nullptr;
  const ClaimRecord* claim = nullptr;
  std::vector<std::string> refuted;                                       // toolchains that refute it
  std::vector<std::pair<std::string, Verdict>> others;                    // its verdict on the rest
  std::vector<std::pair<std::string, std::vector<std::string>>> numbers;  // decisive text -> toolchains
  std::vector<ErratumHolds> holds;
  std::string correction;  // filled; "" when the spec proposes none
  /// Where a build configuration's verdict is not its toolchain's default one
  /// (a claim that holds by default and fails under PGO, or the reverse).
  std::vector<ConfigChange> by_config;
};

struct Errata {
  std::vector<Erratum> claims;
  std::vector<std::pair<const ScenarioRecord*, FixDelta>> costly_fixes;
};

Errata errata(const Results& r);
std::string errata_markdown(const Results& r, const ReportPlace& place = {});

/// The claim's correction with its placeholders filled: {toolchains} by the
/// toolchains given, {v.allocs}/{v.bytes}/{v.ns} by variant v's numbers
/// there ("0", or "2 (go1.19.8) or 3 (go1.26.8, go1.27.3)" when they differ).
std::string fill_correction(const ScenarioRecord& s, const ClaimRecord& c, const std::vector<std::string>& toolchains);

}  // namespace eh
