#pragma once
// report: Results -> reports/MATRIX.md, the verdicts across toolchains.
// A pure function of the results, like EVIDENCE.md.

#include <string>

#include "report_markdown.h"
#include "results.h"

namespace eh {

/// One row per claim (the sources' first, the harness's apart), one column
/// per toolchain (the verdict and the observation that decided it, never
/// cut), and the toolchains between which a claim's verdict changes; then
/// the fixes that allocate more than their bug.
std::string matrix_markdown(const Results& r, const ReportPlace& place = {});

}  // namespace eh
