#include "report_set.h"

#include <fmt/format.h>

#include "report_errata.h"
#include "report_markdown.h"
#include "report_matrix.h"
#include "report_svg.h"
#include "results_json.h"
#include "text.h"

namespace eh {
namespace {

/// Whether `rel` (relative to the output directory) belongs to the report
/// set: a report file, or anything under a directory the set owns (charts/).
bool owned(const std::vector<ReportFile>& files, const std::string& rel) {
  for (const auto& f : files) {
    if (f.path == rel) return true;
    auto slash = f.path.find('/');
    if (slash != std::string::npos && rel.starts_with(f.path.substr(0, slash + 1))) return true;
  }
  return false;
}

/// Links what the old directory holds besides the report set into the new
/// one: a user's own files, the lock, results.json when `report` keeps it.
bool carry_over(FileSystem& fs, const std::string& from, const std::string& to, const std::string& rel,
                const std::vector<ReportFile>& files, std::string* err) {
  auto names = fs.list(rel.empty() ? from : join_path(from, rel), err);
  if (!names) return false;
  for (const auto& n : *names) {
    const bool dir = n.ends_with("/");
    const std::string r = join_path(rel, dir ? n.substr(0, n.size() - 1) : n);
    if (is_temporary_file(n) || owned(files, r)) continue;
    if (dir) {
      if (!fs.make_dirs(join_path(to, r), err) || !carry_over(fs, from, to, r, files, err)) return false;
    } else if (!fs.link(join_path(from, r), join_path(to, r), err)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<ReportFile> report_files(const Results& r, const ReportPlace& place) {
  std::vector<ReportFile> files = {
      {"results.json", results_to_json(r)},
      {"EVIDENCE.md", evidence_markdown(r, place)},
      {"MATRIX.md", matrix_markdown(r, place)},
      {"ERRATA.md", errata_markdown(r, place)},
  };
  for (auto& [path, svg] : all_charts(r)) files.push_back({path, std::move(svg), false});
  return files;
}

std::vector<ReportFile> compiler_report_files(const CompilerReport& r) {
  return {{"compiler.json", compiler_json(r)},
          {"COMPILER.md", compiler_markdown(r)},
          {"compiler.svg", compiler_heatmap_svg(r), false}};
}

std::string listed_paths(const std::string& out, const std::vector<ReportFile>& files) {
  std::vector<std::string> paths;
  for (const auto& f : files)
    if (f.listed) paths.push_back(join_path(out, f.path));
  return join(paths, ", ");
}

std::string staging_prefix(const std::string& out) { return "." + split_path(out).second + ".set-"; }

void remove_staging_leftovers(FileSystem& fs, const std::string& out_path) {
  const std::string out = fs.resolve(out_path);
  auto [parent, name] = split_path(out);
  std::string err;
  const std::string prefix = staging_prefix(out);
  if (auto names = fs.list(parent.empty() ? "." : parent, &err))
    for (const auto& n : *names)
      if (n.starts_with(prefix) && n.ends_with("/")) fs.remove_tree(join_path(parent, n.substr(0, n.size() - 1)), &err);
}

bool write_report_set(FileSystem& fs, const std::string& out_path, const std::vector<ReportFile>& files,
                      std::string* err) {
  // The new set is built beside the old one and swapped in with one rename:
  // a reader, a kill or an I/O error sees the old set or the new, never a mix.
  const std::string out = fs.resolve(out_path);
  auto [parent, name] = split_path(out);
  std::string staged;
  if (!fs.make_temp_dir(parent, staging_prefix(out), &staged, err)) return false;
  auto give_up = [&] {
    std::string ignore;
    fs.remove_tree(staged, &ignore);
    return false;
  };
  std::vector<std::pair<std::string, std::string>> batch;
  for (const auto& f : files) {
    if (auto slash = f.path.rfind('/'); slash != std::string::npos)
      if (!fs.make_dirs(join_path(staged, f.path.substr(0, slash)), err)) return give_up();
    batch.emplace_back(join_path(staged, f.path), f.content);
  }
  if (!fs.write_all(batch, err)) return give_up();
  fault_point("set-written");
  if (fs.kind(out) == FileKind::dir && !carry_over(fs, out, staged, "", files, err)) return give_up();
  fault_point("set-carried");
  if (!fs.exchange(staged, out, err)) return give_up();
  fault_point("set-swapped");
  // `staged` now names the old set; a failure to remove it loses nothing
  // (the next run removes it).
  std::string ignore;
  fs.remove_tree(staged, &ignore);
  return true;
}

}  // namespace eh
