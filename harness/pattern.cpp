#include "pattern.h"

#include <map>
#include <memory>
#include <mutex>
#include <regex>

namespace eh {
namespace {

/// Compiled patterns by source; specs use a handful, matched many times.
const std::regex* compiled(const std::string& pattern) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<std::regex>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(pattern);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<std::regex> re;
  try {
    re = std::make_unique<std::regex>(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
  }
  return cache.emplace(pattern, std::move(re)).first->second.get();
}

}  // namespace

std::optional<std::string> pattern_error(const std::string& pattern) {
  try {
    std::regex re(pattern, std::regex::ECMAScript);
    return std::nullopt;
  } catch (const std::regex_error& e) {
    return std::string(e.what());
  }
}

bool pattern_search(const std::string& pattern, const std::string& text) {
  const std::regex* re = compiled(pattern);
  return re && std::regex_search(text, *re);
}

}  // namespace eh
