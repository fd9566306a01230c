#pragma once
// The report set: the one list of the files a run writes into its output
// directory, all pure functions of the results. `run`, `report`, `merge`
// and the freshness test read this list, so a new report is one line here.

#include <string>
#include <vector>

#include "fs.h"
#include "results.h"

namespace eh {

struct ReportFile {
  std::string path;  // relative to the output directory: "EVIDENCE.md", "charts/entry-01.svg"
  std::string content;
  bool listed = true;  // named in the summary line (charts are not: there are many)
};

/// Every report of `r`: results.json, EVIDENCE.md, MATRIX.md, ERRATA.md and the charts.
std::vector<ReportFile> report_files(const Results& r);

/// The listed paths of `files` under `out`, joined with ", ": for messages.
std::string listed_paths(const std::string& out, const std::vector<ReportFile>& files);

/// Writes `files` under `out` as one set (FileSystem::write_all).
bool write_report_set(FileSystem& fs, const std::string& out, const std::vector<ReportFile>& files, std::string* err);

}  // namespace eh
