#pragma once
// catalog: what `run` and `check` do, from options to a verdict summary.
//
//   options -> specs (loaded, --only) -> toolchains (probed) -> RunPlan
//           -> Runner: facts, then timing -> Results -> the report set
//           -> RunSummary (a pure function of the results and the options)
//
// The CLI parses the command line into CatalogOptions, calls run_catalog and
// prints; everything between is here.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "context.h"
#include "catalog_text.h"
#include "judge.h"
#include "matrix.h"
#include "toolchain.h"
#include "report_markdown.h"
#include "results.h"

namespace eh {

/// Exit statuses. Refuted claims are findings and do not change the status.
enum ExitStatus : int {
  kExitOk = 0,           // every claim got a verdict other than error
  kExitClaimErrors = 1,  // some claims are error (the rest judged, reports written), or reports unwritable
  kExitBadInput = 2,     // spec errors or usage; nothing ran
  kExitToolchain = 3,    // the toolchain cannot be run at all
};

struct CatalogOptions {
  std::string command = "run";  // in messages: "escape-harness run: ..."
  std::string scenarios = "scenarios";
  std::string catalog;  // "" for catalog/ beside the scenarios
  std::vector<std::string> only;
  std::vector<std::string> go;             // --go specs; empty with no matrix: the go on PATH
  std::vector<std::string> configs;        // --config names, for the --go toolchains; empty: the default
  std::optional<std::string> matrix_file;  // set: the matrix file's toolchains too
  std::string out = "reports";
  bool write_reports = true;  // check: only with --out
  bool replace = false;       // true: the previous results.json's cells are not kept
  bool quick = false;
  int samples = 60;  // per variant at the last look
  int looks = 3;
  int timeout_s = 120;
  std::string work;  // "" for the default under the cache home
  int jobs = 0;      // 0: the number of cores
  bool no_cache = false;
  std::string cache_dir;  // "" for the default
  std::string export_benchstat;
  std::string export_junit;
};

struct CatalogOutcome {
  int status = kExitOk;
  std::optional<Results> results;  // when the run got as far as judging
};

/// Loads, plans, runs, judges and writes the reports. `baseline` (check)
/// decides which JUnit cases fail.
CatalogOutcome run_catalog(const CatalogOptions& o, CliContext& ctx, const Results* baseline = nullptr);

/// What a run ends with on the terminal.
struct RunSummary {
  std::map<Verdict, int> counts;          // the sources' claims: every verdict, zero counts included
  std::map<Verdict, int> harness_counts;  // the harness's own claims, apart
  std::vector<std::string> refuted;       // "entry 3 n-moves-to-heap (go1.26.8)"
  std::vector<std::string> errors;        // "entry 3 x (go1.26.8): reason"
  /// The 95% interval half-widths of the timed medians, as % of the median.
  std::vector<double> timing_widths;
  std::size_t fewest_samples = 0, most_samples = 0;
};

RunSummary summarize(const Results& r);

/// The summary as printed; `paint` colours a word ("green", "yellow", "red", "bold").
std::string format_summary(const RunSummary& s,
                           const std::function<std::string(const std::string&, const char*)>& paint);

/// Default directories under $XDG_CACHE_HOME/escape-harness (or ~/.cache).
std::string default_cache_dir(const CliContext& ctx);

/// The toolchain specs to probe: --go ones, then the matrix file's; the go
/// on PATH when there are none. Nothing (after the message) when the matrix
/// file is bad.
std::optional<std::vector<MatrixLine>> toolchain_specs(CliContext& ctx, const CatalogOptions& o);
/// Asks each spec what toolchain it is, every one of them, so that one run
/// names every toolchain that cannot be used (at its matrix-file line).
/// Nothing (with the exit status in *status) when one cannot be run or two
/// are the same.
std::optional<std::vector<Toolchain>> probe_all(CliContext& ctx, const CatalogOptions& o,
                                                const std::vector<MatrixLine>& specs, int* status);
std::string default_work_dir(const CliContext& ctx, const std::string& out);

/// The export files, rewritten after every scenario so an interrupted run
/// leaves usable ones; each write is atomic.
void write_exports(CliContext& ctx, const CatalogOptions& o, const Results& r, const Results* baseline);

/// The specs of a directory and the catalog their quotes are checked
/// against (with its notes on the sentences outside the entries).
struct Specs {
  std::vector<Scenario> scenarios;  // after --only
  std::vector<Scenario> all;        // every spec of the directory
  std::optional<CatalogText> catalog;
  std::vector<NotEncoded> notes;
};

/// Specs from `dir`, every error printed; nothing on any error. The catalog
/// is `catalog_file`, or catalog/ beside `dir` when that is "".
std::optional<Specs> load_specs(CliContext& ctx, const std::string& dir, const std::string& catalog_file);

/// The place of the report set `out` (as given on the command line): its
/// results.json, and the way from it back to the current directory, for the
/// reports' headers and links.
ReportPlace report_place(const CliContext& ctx, const std::string& out);

/// Where the catalog of the specs in `dir` is looked for by default.
std::string default_catalog_file(const std::string& dir);

/// A results.json read and parsed, the error printed as `escape-harness CMD: ...`.
std::optional<Results> read_results(CliContext& ctx, const std::string& path, std::string_view cmd);

}  // namespace eh
