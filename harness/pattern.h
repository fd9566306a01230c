#pragma once
// The spec's regular expressions (`matches:`), in RE2's syntax: matched in
// time linear in the text, with no recursion, so no pattern of a spec can
// hang or crash the harness on a long compiler message. Patterns RE2 does
// not take (backreferences, lookaround) are spec errors at their position.

#include <optional>
#include <string>
#include <string_view>

namespace eh {

/// Why `pattern` is not a valid regular expression, or nothing when it is.
std::optional<std::string> pattern_error(const std::string& pattern);

/// True when `pattern` matches somewhere in `text`. An invalid pattern
/// matches nothing (the spec loader has rejected those).
bool pattern_search(const std::string& pattern, const std::string& text);

}  // namespace eh
