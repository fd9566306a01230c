#pragma once
// report: Results -> SVG charts, drawn here so no plotting runtime is needed
// and they render on GitHub and in MkDocs. Pure functions.
//   charts/entry-NN.svg  allocs/op and B/op per variant, a group per toolchain
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

/// "charts/entry-03.svg"
std::string entry_chart_path(const ScenarioRecord& s);

/// Every chart of the results: (path relative to the reports, SVG text).
std::vector<std::pair<std::string, std::string>> all_charts(const Results& r);

}  // namespace eh
