#pragma once
// merge: results produced separately (one toolchain per CI job, or several
// machines) into one. Pure; a conflict is an error, never an overwrite.

#include <optional>
#include <string>
#include <vector>

#include "results.h"

namespace eh {

struct NamedResults {
  std::string name;  // the file it came from, for messages
  Results results;
};

/// The union of `inputs`: toolchains, scenarios, claims' verdicts and
/// variants' observations. Nothing, with *err set, when two inputs both have
/// results for one toolchain, or a scenario was generated from different
/// code (source_hash) in two of them.
std::optional<Results> merge_results(const std::vector<NamedResults>& inputs, std::string* err);

/// A run laid over the previous results of its output directory: the cells
/// (scenario x toolchain) the run measured replace the previous ones, every
/// other cell is kept with its own date and toolchain facts. `current` maps
/// each scenario of the specs (all of them, --only or not) to its
/// source_hash: previous cells of a scenario that is gone, or whose spec or
/// code changed since, are dropped, each with a line in *dropped.
Results update_results(const Results& previous, Results run, const std::map<std::string, std::string>& current,
                       std::vector<std::string>* dropped);

}  // namespace eh
