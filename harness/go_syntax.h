#pragma once
// Just enough of Go's lexical rules to check what specs hand the generator
// before anything compiles: that a `call:` or a `holds` expression is one Go
// expression (it is pasted into generated code, so `f() }; func init() {`
// must not get through), and which packages a block of code uses (an unused
// import is a compile error). Strings, raw strings, runes and comments are
// skipped as Go's scanner does. Pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace eh {

struct SyntaxProblem {
  std::size_t offset = 0;  // 0-based, in the text checked
  std::string message;
};

/// Why `text` is not a single Go expression (a statement separator, a
/// bracket that is not closed or closes what it did not open, a comment, a
/// newline, an unterminated literal), or nothing when it is one.
std::optional<SyntaxProblem> one_go_expression(std::string_view text);

/// Whether `code` uses package `name` ("strings.ToUpper"): the identifier
/// followed by '.', outside literals and comments, not after a '.'.
bool uses_package(std::string_view code, std::string_view name);

/// The prefix of the names the generated test file declares (harnessLoop,
/// harnessfmt, ...): a spec's Go may not use it.
inline constexpr std::string_view kReservedPrefix = "harness";

/// The first identifier of `code` that starts with `prefix` and is not a
/// field or method (not after a '.'), outside literals and comments: its
/// offset and the identifier.
std::optional<std::pair<std::size_t, std::string>> first_identifier_with_prefix(std::string_view code,
                                                                                std::string_view prefix);

/// The name a package is imported as: the last element of its path, without
/// a major-version element ("github.com/x/y/v2" -> "y", "gopkg.in/yaml.v3"
/// -> "yaml", "math/rand" -> "rand"), or "" where only the package clause
/// could say ("github.com/x/go-yaml").
std::string package_name_of(std::string_view import_path);

}  // namespace eh
