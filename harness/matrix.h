#pragma once
// The Go version matrix: which toolchains `run --matrix` uses, read from a
// file a user can edit (scenarios/toolchains.txt): one --go spec per line,
// optionally followed by a build configuration (config.h: `go pgo`,
// `go GOARCH=arm64`); '#' starts a comment.

#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "source.h"

namespace eh {

/// The matrix file's name, beside the specs it is for.
inline constexpr const char* kMatrixFileName = "toolchains.txt";

/// One toolchain of the matrix file, and where it is written (so that a
/// toolchain that cannot be run is reported at its line).
struct MatrixLine {
  std::string spec;
  BuildConfig config = BuildConfig::standard;
  SourcePos pos;
  std::string line;  // the line as written
};

/// The toolchains in `text`, in order; errors name the line.
std::vector<MatrixLine> parse_matrix(const std::string& file, const std::string& text, std::vector<InputError>& errors);

}  // namespace eh
