#pragma once
// spec -> Scenario: reads and validates the YAML files in scenarios/.
//
// Every problem found is reported, not only the first, each with file, line,
// column and the offending line (source.h): syntax and schema problems,
// references between the parts of a spec (variants, markers, claims,
// placeholders), quotes that are not the catalog's words, and what the Go
// compiler would refuse that can be seen before compiling (an import the
// code does not use, a `call:` that is not one expression). A file with
// errors yields no Scenario; the CLI exits 2 before anything runs.
//
// The keys each level of a spec takes live in one table per level
// (spec_loader.cpp); schema_reference() renders those tables for README.md.

#include <optional>
#include <string>
#include <vector>

#include "catalog_text.h"
#include "fs.h"
#include "source.h"
#include "spec.h"

namespace eh {

struct LoadOptions {
  /// The catalog the quotes of catalog scenarios are checked against; with
  /// none, a catalog scenario is an error (its quotes cannot be checked).
  const CatalogText* catalog = nullptr;
  std::string catalog_error;  // why there is none ("catalog/x.txt: cannot read: ..."), for the message
};

/// Beside the catalog: its sentences outside the entries (the title, the
/// preamble, the summary) that no claim tests, with the reasons.
inline constexpr const char* kCatalogNotesFile = "outside-entries.yaml";

/// Reads a notes file (`not_encoded:` as in a spec); each quote must be
/// words of the catalog outside its entries. Problems go to `errors`.
std::vector<NotEncoded> load_catalog_notes(const FileSystem& fs, const std::string& path, const CatalogText& catalog,
                                           std::vector<InputError>& errors);

/// Parses one spec. `file` is the name used in messages.
std::optional<Scenario> parse_scenario(const std::string& file, const std::string& text,
                                       std::vector<InputError>& errors, const LoadOptions& options = {});

struct LoadResult {
  std::vector<Scenario> scenarios;  // sorted by entry number, then id
  std::vector<InputError> errors;
};

/// Loads every *.yaml / *.yml file of `dir` and checks what spans files:
/// scenario ids and catalog entry numbers are unique, the directory is not empty.
LoadResult load_scenarios(const FileSystem& fs, const std::string& dir, const LoadOptions& options = {});

/// The spec schema as Markdown: every key of every level with its type,
/// default and meaning, the placeholders of `correction:`, and how a claim's
/// verdict is made. README.md shows it (checked by a test).
std::string schema_reference();

}  // namespace eh
