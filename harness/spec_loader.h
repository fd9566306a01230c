#pragma once
// spec -> Scenario: reads and validates the YAML files in scenarios/.
//
// Every problem found is reported, not only the first, each with file, line,
// column and the offending line (source.h). A file with errors yields no
// Scenario; the caller decides whether the run may go on (the CLI does not:
// bad input exits 2 before anything runs).

#include <optional>
#include <string>
#include <vector>

#include "fs.h"
#include "source.h"
#include "spec.h"

namespace eh {

/// Parses one spec. `file` is the name used in messages.
std::optional<Scenario> parse_scenario(const std::string& file, const std::string& text,
                                       std::vector<InputError>& errors);

struct LoadResult {
  std::vector<Scenario> scenarios;  // sorted by entry number, then id
  std::vector<InputError> errors;
};

/// Loads every *.yaml / *.yml file of `dir` and checks what spans files:
/// scenario ids and entry numbers are unique, the directory is not empty.
LoadResult load_scenarios(const FileSystem& fs, const std::string& dir);

/// The keys a spec may use at each level, for documentation and suggestions.
const std::vector<std::string>& scenario_keys();

}  // namespace eh
