#pragma once
// The Go version matrix: which toolchains `run --matrix` uses, read from a
// file a user can edit (scenarios/toolchains.txt): one --go spec per line,
// '#' starts a comment.

#include <optional>
#include <string>
#include <vector>

#include "source.h"

namespace eh {

inline constexpr const char* kDefaultMatrixFile = "scenarios/toolchains.txt";

/// The specs in `text`, in order; errors name the line.
std::vector<std::string> parse_matrix(const std::string& file, const std::string& text,
                                      std::vector<InputError>& errors);

}  // namespace eh
