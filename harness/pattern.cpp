#include "pattern.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <map>
#include <memory>
#include <mutex>

namespace eh {
namespace {

RE2::Options options() {
  RE2::Options o;
  o.set_log_errors(false);  // errors are returned, with the spec's position, not logged
  return o;
}

/// Compiled patterns by source; specs use a handful, matched many times,
/// from the facts phase's threads.
const RE2* compiled(const std::string& pattern) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<RE2>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(pattern);
  if (it != cache.end()) return it->second.get();
  auto re = std::make_unique<RE2>(pattern, options());
  if (!re->ok()) re.reset();
  return cache.emplace(pattern, std::move(re)).first->second.get();
}

}  // namespace

std::optional<std::string> pattern_error(const std::string& pattern) {
  RE2 re(pattern, options());
  if (re.ok()) return std::nullopt;
  static constexpr std::pair<RE2::ErrorCode, const char*> kWords[] = {
      {RE2::ErrorBadEscape, "an escape RE2 does not know (\\1-style backreferences are not RE2)"},
      {RE2::ErrorBadCharClass, "a bad character class"},
      {RE2::ErrorBadCharRange, "a bad character range"},
      {RE2::ErrorMissingBracket, "a '[' that is not closed"},
      {RE2::ErrorMissingParen, "a '(' that is not closed"},
      {RE2::ErrorUnexpectedParen, "a ')' that closes nothing"},
      {RE2::ErrorTrailingBackslash, "a '\\' at the end"},
      {RE2::ErrorRepeatArgument, "a repetition of nothing"},
      {RE2::ErrorRepeatSize, "a bad repetition count"},
      {RE2::ErrorRepeatOp, "a bad repetition operator"},
      {RE2::ErrorBadPerlOp, "a (?...) group RE2 does not have (no lookahead or lookbehind)"},
      {RE2::ErrorBadUTF8, "invalid UTF-8"},
      {RE2::ErrorBadNamedCapture, "a bad named group"},
      {RE2::ErrorPatternTooLarge, "a pattern too large"},
  };
  for (auto [code, words] : kWords)
    if (re.error_code() == code) return fmt::format("{}, at '{}'", words, re.error_arg());
  return re.error();
}

bool pattern_search(const std::string& pattern, const std::string& text) {
  const RE2* re = compiled(pattern);
  return re && RE2::PartialMatch(text, *re);
}

}  // namespace eh
