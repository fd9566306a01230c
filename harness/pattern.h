#pragma once
// Regular expressions (ECMAScript, as the spec's `matches:` is written),
// behind two functions so that one translation unit instantiates std::regex.

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
