#pragma once
// report: Results -> EVIDENCE.md. A pure function: the same results.json
// always gives the same bytes, so a test can tell when the committed
// EVIDENCE.md is stale.

#include <string>

#include "results.h"

namespace eh {

/// Where a report is written, for what it says about itself: the results
/// file it was made from, and the way from the report's directory back to
/// the directory the specs' paths are relative to ("..": reports/ in a
/// checkout), so its links resolve.
struct ReportPlace {
  std::string results = "reports/results.json";
  std::string to_root = "..";

  /// A link target for `path` (relative to the root): through to_root, or
  /// as it is when absolute.
  std::string link(const std::string& path) const;
};

std::string evidence_markdown(const Results& r, const ReportPlace& place = {});

/// The observation that decided a claim's verdict on one toolchain.
std::string key_number(const ClaimVerdict& v);

/// ns/op for tables: whole numbers from 100 up, else up to 3 decimals.
std::string format_ns(double ns);

}  // namespace eh
