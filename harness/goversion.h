#pragma once
// Go release versions as the toolchain reports them ("go1.26.8") and as specs
// write minimums ("1.21").

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace eh {

/// A Go release number. Pre-releases ("go1.27rc1") order before the release
/// ; "devel" builds are not representable.
struct GoVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  int prerelease = 0;  // 0 for releases, N for betaN, 100+N for rcN

  /// Accepts "go1.26.8", "1.26.8", "1.21", "go1.27rc1", "go1.21beta2".
  static std::optional<GoVersion> parse(std::string_view text);
  /// "1.21" or "1.26.8": the shortest form that round-trips.
  std::string to_string() const;

  friend bool operator==(const GoVersion&, const GoVersion&) = default;
  friend std::strong_ordering operator<=>(const GoVersion& a, const GoVersion& b);
};

}  // namespace eh
