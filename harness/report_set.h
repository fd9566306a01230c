#pragma once
// The report set: the one list of the files a run writes into its output
// directory, all pure functions of the results. `run`, `report`, `merge`
// and the freshness test read this list, so a new report is one line here.

#include <string>
#include <vector>

#include "fs.h"
#include "report_compiler.h"
#include "report_markdown.h"
#include "results.h"

namespace eh {

struct ReportFile {
  std::string path;  // relative to the output directory: "EVIDENCE.md", "charts/entry-01.svg"
  std::string content;
  bool listed = true;  // named in the summary line (charts are not: there are many)
};

/// Every report of `r`: results.json, EVIDENCE.md, MATRIX.md, ERRATA.md and the charts.
std::vector<ReportFile> report_files(const Results& r, const ReportPlace& place = {});

/// The reports `errorcheck --out` writes beside the set: compiler.json, and
/// COMPILER.md and its heatmap compiler.svg, functions of it. `run` and `report` carry them over as
/// they are.
std::vector<ReportFile> compiler_report_files(const CompilerReport& r);

/// The listed paths of `files` under `out`, joined with ", ": for messages.
std::string listed_paths(const std::string& out, const std::vector<ReportFile>& files);

/// Replaces the report set in `out` with `files`, as one step: the new set
/// is written to a directory beside `out` (with the other files of `out`
/// linked in) and the two directories are exchanged (renameat2). Reports no
/// longer produced (a chart of a scenario that is gone) go with the old set.
/// On any failure `out` is left as it was.
bool write_report_set(FileSystem& fs, const std::string& out, const std::vector<ReportFile>& files, std::string* err);

/// The name prefix of the staging directories beside `out`.
std::string staging_prefix(const std::string& out);

/// Removes what a killed run left beside `out` (a staged or an old set).
void remove_staging_leftovers(FileSystem& fs, const std::string& out);

}  // namespace eh
