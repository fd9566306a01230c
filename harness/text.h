#pragma once
// Small text helpers the parsers, the runner and the reports share. Pure
// functions over std::string_view; nothing here knows about Go or reports.

#include <string>
#include <string_view>
#include <vector>

namespace eh {

/// `s` without leading and trailing blanks (space, tab, CR, LF).
std::string_view trim(std::string_view s);

/// trim(s) without one trailing ':' (and the blanks before it), as the
/// compiler ends the header line of an explanation ("x escapes to heap:").
std::string_view trim_colon(std::string_view s);

/// The parts joined with `sep` between them.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

/// `text` with every `from` replaced by `to` (left to right, not again
/// inside what was put in).
std::string replace_all(std::string text, std::string_view from, std::string_view to);

/// Line `n` (1-based) of `text` without its newline; empty past the end.
std::string_view line_of(std::string_view text, int n);

/// The last `n` lines of `text`, trailing newlines dropped: for error messages.
std::string tail_lines(std::string_view text, int n);

/// The first `n` lines of `text` joined with " | ": one-line error context.
std::string first_lines(std::string_view text, int n);

/// 64-bit FNV-1a as 16 hex digits: a change detector, not a security hash.
std::string fnv1a_hex(std::string_view data);

/// "fix-pointer" -> "FixPointer": ids as Go identifiers.
std::string camel_case(std::string_view id);

/// A duration in nanoseconds in benchstat's units, four significant digits:
/// "12.45ns", "713.2µs", "59.80ms", "1.200s".
std::string format_time(double ns);

/// `v` with at most three decimals and no trailing zeros ("4.5", "0.123"),
/// whole from `whole_from` on ("126543").
std::string format_short(double v, double whole_from);

/// A share as a percentage with one decimal: "87.3%".
std::string format_percent(double share);

/// "1 error", "2 errors".
std::string count_of(std::size_t n, std::string_view singular, std::string_view plural);

/// The Levenshtein distance from a to b; with `within`, from a to the
/// closest part of b (for a quote that should be words of a sentence).
int edit_distance(std::string_view a, std::string_view b, bool within = false);

}  // namespace eh
