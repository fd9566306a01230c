#pragma once
// report: Results -> SVG charts, drawn here so no plotting runtime is needed
// and they render on GitHub and in MkDocs. Pure functions.
//   charts/entry-NN.svg  allocs/op and B/op per variant, a group per toolchain
//   charts/sweep-ID-S.svg allocs/op of sweep S against its parameter
//   charts/verdicts.svg  the verdict of every claim on every toolchain
// Every bar and cell carries data-* attributes with the number it shows, so
// a test can check the picture against results.json.

#include <string>
#include <utility>
#include <vector>

#include "results.h"

namespace eh {

std::string entry_chart_svg(const Results& r, const ScenarioRecord& s);
std::string verdict_heatmap_svg(const Results& r);
/// A claim's row label in the heatmap: "3. n-moves-to-heap", "* 3. x" for
/// the harness's own, "string-concat: c" for a source other than the catalog.
std::string heatmap_label(const ScenarioRecord& s, const ClaimRecord& c);

/// "charts/entry-03.svg" (a catalog entry), "charts/ID.svg" (another source).
std::string entry_chart_path(const ScenarioRecord& s);

/// A sweep: allocs/op against the parameter, a line per toolchain, with
/// the value from which a toolchain allocates more marked.
std::string sweep_chart_svg(const Results& r, const ScenarioRecord& s, const std::string& sweep);
/// "charts/sweep-map-by-key-bug.svg"
std::string sweep_chart_path(const ScenarioRecord& s, const std::string& sweep);
/// The sweeps of a scenario (their names), in spec order.
std::vector<std::string> sweeps_of(const ScenarioRecord& s);

/// Every chart of the results: (path relative to the reports, SVG text).
std::vector<std::pair<std::string, std::string>> all_charts(const Results& r);

}  // namespace eh
