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

}  // namespace eh
