#include "goversion.h"

#include <charconv>

namespace eh {
namespace {

bool take_int(std::string_view& s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p == s.data() || out < 0) return false;
  s.remove_prefix(static_cast<std::size_t>(p - s.data()));
  return true;
}

}  // namespace

std::optional<GoVersion> GoVersion::parse(std::string_view s) {
  if (s.starts_with("go")) s.remove_prefix(2);
  GoVersion v;
  if (!take_int(s, v.major) || s.empty() || s.front() != '.') return std::nullopt;
  s.remove_prefix(1);
  if (!take_int(s, v.minor)) return std::nullopt;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    if (!take_int(s, v.patch)) return std::nullopt;
  } else if (s.starts_with("rc") || s.starts_with("beta")) {
    bool rc = s.starts_with("rc");
    s.remove_prefix(rc ? 2 : 4);
    if (!take_int(s, v.prerelease) || v.prerelease == 0 || v.prerelease >= 100) return std::nullopt;
    if (rc) v.prerelease += 100;  // every beta orders before every rc
  }
  if (!s.empty()) return std::nullopt;
  return v;
}

std::string GoVersion::to_string() const {
  std::string out = std::to_string(major) + "." + std::to_string(minor);
  if (patch > 0) out += "." + std::to_string(patch);
  if (prerelease > 100) out += "rc" + std::to_string(prerelease - 100);
  else if (prerelease > 0)
    out += "beta" + std::to_string(prerelease);
  return out;
}

std::strong_ordering operator<=>(const GoVersion& a, const GoVersion& b) {
  if (auto c = a.major <=> b.major; c != 0) return c;
  if (auto c = a.minor <=> b.minor; c != 0) return c;
  // A pre-release of 1.N comes before 1.N.0.
  bool ap = a.prerelease > 0, bp = b.prerelease > 0;
  if (ap != bp) return ap ? std::strong_ordering::less : std::strong_ordering::greater;
  if (ap) return a.prerelease <=> b.prerelease;
  return a.patch <=> b.patch;
}

}  // namespace eh
