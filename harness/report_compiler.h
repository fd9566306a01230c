#pragma once
// report: the verdicts of Go's escape tests (errorcheck) per suite and
// toolchain -> the summary on the terminal, COMPILER.md and compiler.json.
// Pure functions of the report.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "errorcheck.h"

namespace eh {

/// A suite: a GOROOT's escape tests (named by its version) or given files.
struct CompilerSuite {
  std::string name;  // "go1.26.8", or the directory, or "files"
  std::string dir;
  std::vector<std::string> files;  // absolute paths
};

enum class FileStatus { judged, skipped, error };
constexpr std::array<Named<FileStatus>, 3> enum_names(FileStatus) {
  return {{{FileStatus::judged, "judged"}, {FileStatus::skipped, "skipped"}, {FileStatus::error, "error"}}};
}

/// One file of a suite compiled by one toolchain.
struct FileVerdicts {
  std::string suite, toolchain, file;
  FileStatus status = FileStatus::judged;
  std::string reason;     // skipped or error: why
  ErrorcheckFile parsed;  // its recipe and expectations
  ErrorcheckResult result;
};

struct CompilerReport {
  std::vector<std::string> toolchains;  // oldest first
  std::vector<std::string> suites;
  std::vector<FileVerdicts> files;
};

/// Per suite and toolchain: expectations held, failed and skipped, the
/// messages no expectation took, the files skipped and in error.
std::string compiler_summary(const CompilerReport& r);
/// The counts, then per file the expectations whose verdict differs between
/// toolchains with every compiler's messages on that line.
std::string compiler_markdown(const CompilerReport& r);
/// An entry per expectation and toolchain (suite, file, line, regexp,
/// toolchain, verdict, messages), the unexpected messages, the files' status.
std::string compiler_json(const CompilerReport& r);

/// A heatmap: a row per file of each suite, a column per toolchain, each
/// cell its expectations held of those judged (green all, orange not all,
/// grey the file skipped or in error).
std::string compiler_heatmap_svg(const CompilerReport& r);

/// compiler_json's text read back (COMPILER.md is a function of it, so it
/// can be checked for staleness); nothing, with the reason, when it is not.
std::optional<CompilerReport> compiler_from_json(const std::string& text, std::string* err);

/// An expectation whose verdict on a toolchain differs from the baseline's
/// (both judged it: a file skipped on either side is not compared).
struct CompilerChange {
  std::string suite, file, toolchain, regexp, was, now;
  int line = 0;
};

/// A run's verdicts against a baseline's, as `check` compares results.
struct CompilerComparison {
  std::vector<CompilerChange> changes;
  /// Toolchains of the run the baseline never saw (a new release in the
  /// matrix): drift too, nothing says their verdicts are the old ones.
  std::vector<std::string> only_in_run;
  int compared = 0;  // expectations judged on both sides

  bool drift() const { return !changes.empty() || !only_in_run.empty(); }
};
CompilerComparison compare_compiler(const CompilerReport& baseline, const CompilerReport& now);
/// "drift: 2 changes against FILE" and each (toolchains with no baseline
/// among them), or "no drift: N ...".
std::string format_compiler_changes(const CompilerComparison& c, const std::string& baseline_name);

}  // namespace eh
