#pragma once
// report: Results -> reports/MATRIX.md, the verdicts across toolchains.
// A pure function of the results, like EVIDENCE.md.

#include <string>

#include "results.h"

namespace eh {

/// One row per claim, one column per toolchain (verdict and key number), and
/// the toolchains between which a claim's verdict changes.
std::string matrix_markdown(const Results& r);

/// The key number, short enough for a table cell.
std::string short_key_number(const ClaimVerdict& v);

}  // namespace eh
