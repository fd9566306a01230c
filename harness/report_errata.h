#pragma once
// report: Results -> reports/ERRATA.md, the page a catalog maintainer reads:
// for every claim refuted on any toolchain, what the catalog says, what was
// measured where, where the claim does hold, and a corrected sentence whose
// numbers come from the measurements. A pure function of the results.

#include <string>

#include "results.h"

namespace eh {

std::string errata_markdown(const Results& r);

/// The claim's correction with its placeholders filled: {toolchains} by the
/// toolchains that refute it, {v.allocs}/{v.bytes}/{v.ns} by variant v's
/// numbers there ("0", or "0 on go1.19.8, 1 on go1.26.8" when they differ).
std::string fill_correction(const ScenarioRecord& s, const ClaimRecord& c, const std::vector<std::string>& toolchains);

}  // namespace eh
