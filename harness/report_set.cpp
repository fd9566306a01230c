#include "report_set.h"

#include "report_errata.h"
#include "report_markdown.h"
#include "report_matrix.h"
#include "report_svg.h"
#include "results_json.h"
#include "text.h"

namespace eh {

std::vector<ReportFile> report_files(const Results& r) {
  std::vector<ReportFile> files = {
      {"results.json", results_to_json(r)},
      {"EVIDENCE.md", evidence_markdown(r)},
      {"MATRIX.md", matrix_markdown(r)},
      {"ERRATA.md", errata_markdown(r)},
  };
  for (auto& [path, svg] : all_charts(r)) files.push_back({path, std::move(svg), false});
  return files;
}

std::string listed_paths(const std::string& out, const std::vector<ReportFile>& files) {
  std::vector<std::string> paths;
  for (const auto& f : files)
    if (f.listed) paths.push_back(join_path(out, f.path));
  return join(paths, ", ");
}

bool write_report_set(FileSystem& fs, const std::string& out, const std::vector<ReportFile>& files, std::string* err) {
  std::vector<std::pair<std::string, std::string>> batch;
  for (const auto& f : files) {
    std::string path = join_path(out, f.path);
    if (auto slash = f.path.rfind('/'); slash != std::string::npos)
      if (!fs.make_dirs(join_path(out, f.path.substr(0, slash)), err)) return false;
    batch.emplace_back(std::move(path), f.content);
  }
  return fs.write_all(batch, err);
}

}  // namespace eh
