#pragma once
// The outcome of a run: every toolchain, scenario, claim verdict and variant
// observation. Reports are pure functions of Results, and Results round-trip
// through results.json exactly, so reports can be regenerated (and checked
// for staleness) from the committed JSON alone.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "judge.h"
#include "observation.h"
#include "spec.h"

namespace eh {

inline constexpr int kResultsSchema = 1;

struct ToolchainInfo {
  std::string version;  // "go1.26.8": the key of every per-toolchain map
  std::string goos;
  std::string goarch;
  std::string cpu;  // of the machine it ran on

  friend bool operator==(const ToolchainInfo&, const ToolchainInfo&) = default;
};

struct ClaimRecord {
  std::string id;
  std::string text;
  Aspect aspect = Aspect::symptom;
  std::map<std::string, ClaimVerdict> verdicts;  // by toolchain version
  std::string correction;                        // the spec's, placeholders unfilled
  std::vector<std::string> holds_in;             // variants where the claim does hold
};

struct VariantRecord {
  std::string name;
  std::string about;
  std::string reconstructed;
  std::string adapted;
  std::string min_go;                                 // "" when none
  std::map<std::string, VariantObservation> results;  // by toolchain version
};

struct ScenarioRecord {
  std::string id;
  int entry = 0;
  std::string title;
  std::string summary;
  std::string file;         // the spec, relative to the repository root
  std::string source_hash;  // GeneratedModule::scenario_hash when it ran
  std::vector<ClaimRecord> claims;
  std::vector<VariantRecord> variants;

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

  const ScenarioRecord* scenario(std::string_view id) const;
};

/// The record of one scenario before any toolchain ran: names, texts, hash.
ScenarioRecord make_record(const Scenario& s, const std::string& source_hash);

/// Adds one toolchain's observations and verdicts to a record.
void add_toolchain_results(ScenarioRecord& record, const Scenario& s, const std::string& toolchain,
                           const Observations& obs, const JudgeOptions& opt);

/// Orders toolchains oldest first (by Go version; unparseable ones last).
void sort_toolchains(Results& r);

/// ns/op to show for an observation: the median of the timing samples when
/// there are any, else the single benchmark result.
std::optional<double> ns_per_op(const VariantObservation& o);

}  // namespace eh
