#pragma once
// The outcome of a run: every toolchain, scenario, claim verdict and variant
// observation. Reports are pure functions of Results, and Results round-trip
// through results.json exactly, so reports can be regenerated (and checked
// for staleness) from the committed JSON alone.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "judge.h"
#include "catalog_text.h"
#include "observation.h"
#include "spec.h"

namespace eh {

/// 2: quotes, origins, coverage, repeats, CPU profiles, cells dated per
/// scenario and toolchain. Schema 1 files are refused with that reason.
inline constexpr int kResultsSchema = 2;

struct ToolchainInfo {
  std::string version;  // "go1.26.8"
  std::string goos;
  std::string goarch;
  std::string cpu;     // of the machine it ran on
  std::string config;  // the build configuration's key (config.h): "" for the default, "pgo", "arm64"

  /// "go1.26.8" or "go1.26.8/pgo": the key of every per-toolchain map.
  std::string key() const { return result_key(version, config); }

  friend bool operator==(const ToolchainInfo&, const ToolchainInfo&) = default;
};

/// A timing expectation of a claim, for the timing chart: `variant` faster
/// than `than` by at least `fraction` of it (kind faster; 0 for just
/// faster), or within `fraction` of it (kind similar).
struct TimingBound {
  ExpectKind kind = ExpectKind::faster;
  std::string variant, than;
  double fraction = 0;

  friend bool operator==(const TimingBound&, const TimingBound&) = default;
};

struct ClaimRecord {
  std::string id;
  std::string text;
  Aspect aspect = Aspect::symptom;
  Origin origin = Origin::source;
  std::vector<std::string> quotes;               // the source's words it tests
  std::map<std::string, ClaimVerdict> verdicts;  // by toolchain version
  std::string correction;                        // the spec's, placeholders unfilled
  std::vector<std::string> holds_where;          // harness claims that show where it holds
  std::string qualifier;                         // "Go before 1.14" when the claim carries one
  std::vector<TimingBound> timing;               // its timing expectations with a relative bound or none
};

struct VariantRecord {
  std::string name;
  std::string about;
  std::string reconstructed;
  std::string adapted;
  std::string min_go;                                 // "" when none
  std::string fixes;                                  // the variant it fixes, "" when none
  std::string sweep, param, value;                    // a sweep's name, parameter and value; "" when none
  std::vector<std::string> gcflags;                   // compiler flags of its own
  std::map<std::string, VariantObservation> results;  // by toolchain version
};

/// One quotable unit of the source and what tests it: the claims quoting
/// it, or the reason none does.
struct CoverageRow {
  int line = 0;       // in the catalog file
  std::string label;  // "Symptom", "Cause", "Fix", "code comment", ""
  std::string text;
  std::vector<std::string> claims;
  std::string not_encoded;  // the reason, when no claim quotes it

  friend bool operator==(const CoverageRow&, const CoverageRow&) = default;
};

/// When a scenario's cells of one toolchain were measured.
struct CellRun {
  std::string date;
  bool quick = false;

  friend bool operator==(const CellRun&, const CellRun&) = default;
};

struct ScenarioRecord {
  std::string id;
  int entry = 0;
  std::string title;
  std::string summary;
  std::string source;                 // "" for a catalog entry; else where the claims come from
  std::string file;                   // the spec, relative to the repository root
  std::string source_hash;            // GeneratedModule::scenario_hash when it ran
  std::vector<CoverageRow> coverage;  // the entry's sentences, in order (catalog scenarios)
  std::vector<ClaimRecord> claims;
  std::vector<VariantRecord> variants;
  std::map<std::string, CellRun> runs;  // by toolchain: when its cells were measured

  bool from_catalog() const { return entry > 0 && source.empty(); }
  /// How messages name it: "entry 3" for a catalog entry, else its id.
  std::string label() const;

  const VariantRecord* variant(std::string_view name) const;
  const ClaimRecord* claim(std::string_view id) const;
};

struct Results {
  int schema = kResultsSchema;
  std::string generated_by;  // "escape-harness 0.1.0"
  std::string date;          // ISO 8601, UTC
  bool quick = false;
  std::vector<ToolchainInfo> toolchains;
  std::vector<ScenarioRecord> scenarios;
  std::string catalog_file;                // the catalog the quotes are the words of
  std::vector<CoverageRow> catalog_notes;  // its sentences outside the entries, each with its reason

  const ScenarioRecord* scenario(std::string_view id) const;
};

/// The record of one scenario before any toolchain ran: names, texts, hash,
/// and (with the catalog) the coverage of its entry's sentences.
ScenarioRecord make_record(const Scenario& s, const std::string& source_hash, const CatalogText* catalog);

/// The sentences of catalog entry `entry` (0: those outside the entries),
/// each with the claims whose quotes cover it or the reason none does.
std::vector<CoverageRow> coverage_of(const CatalogText& catalog, int entry, const std::vector<Claim>& claims,
                                     const std::vector<NotEncoded>& not_encoded);

/// How a cell of toolchain `t` is judged: its key and version (claims' own
/// Go ranges), quick mode, the timing test's level and looks, and no timing
/// where its configuration runs the binaries under an emulator. The run and
/// the check of the committed verdicts both use it.
JudgeOptions cell_judge_options(const ToolchainInfo& t, bool quick, double alpha, std::vector<stats::Look> looks);

/// Adds one toolchain's observations and verdicts to a record; the
/// toolchain is opt.toolchain, and `run` says when its cells were measured.
void add_toolchain_results(ScenarioRecord& record, const Scenario& s, const Observations& obs, const JudgeOptions& opt,
                           const CellRun& run);

/// What the report headers say of quick mode, after "- Run: DATE": ", quick
/// mode: timing claims skipped" when every cell was measured in quick mode,
/// a word that some were when a quick run updated a set with timing (each
/// cell's own run is in EVIDENCE.md), and "" when none was.
std::string quick_note(const Results& r);

/// A claim whose verdict under a build configuration is not its verdict in
/// the default configuration of the same toolchain (neither skipped).
struct ConfigChange {
  std::string key;   // "go1.26.8/pgo"
  std::string base;  // "go1.26.8"
  Verdict verdict = Verdict::error, base_verdict = Verdict::error;
  std::string decisive, base_decisive;
};
std::vector<ConfigChange> config_changes(const Results& r, const ClaimRecord& c);

/// What a toolchain's configuration is, in words ("" for the default).
std::string config_about(const ToolchainInfo& t);

/// Orders toolchains oldest first (by Go version; unparseable ones last),
/// each one's configurations after its default, in kConfigs' order.
void sort_toolchains(Results& r);

/// ns/op to show for an observation: the median of the timing samples when
/// there are any, else the single benchmark result.
std::optional<double> ns_per_op(const VariantObservation& o);

}  // namespace eh
