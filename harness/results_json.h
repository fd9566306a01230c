#pragma once
// Results <-> results.json. The field names of schema 1 are a contract with
// CI and other tools (see README.md); new fields may be added, none renamed.

#include <optional>
#include <string>

#include "results.h"

namespace eh {

/// Pretty-printed JSON, keys in a fixed order, ending in a newline.
std::string results_to_json(const Results& r);

/// Parses results.json; nothing with *err set (naming the field) on bad input.
std::optional<Results> results_from_json(const std::string& text, std::string* err);

/// One observation alone, in the form it has inside results.json (the cache
/// stores these).
std::string observation_to_json_text(const VariantObservation& o);
std::optional<VariantObservation> observation_from_json_text(const std::string& text, std::string* err);

}  // namespace eh
