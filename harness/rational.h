#pragma once
// Exact fractions for allocation rates.
//
// The allocs/op column of `go test -benchmem` is truncated to an integer: an
// amortised 0.006 allocations per call prints as 0. The harness counts mallocs
// over a known number of calls instead and keeps the quotient exact, so 60
// mallocs over 10000 calls compares unequal to 0 and equal to "0.006".

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eh {

/// A non-negative or negative fraction num/den in lowest terms, den > 0.
/// Not a general arbitrary-precision type: operands stay within int64 and
/// comparisons widen to 128 bits, which is ample for counts of allocations.
class Rational {
 public:
  constexpr Rational() = default;
  Rational(std::int64_t num, std::int64_t den = 1);

  std::int64_t num() const { return num_; }
  std::int64_t den() const { return den_; }
  double to_double() const { return static_cast<double>(num_) / static_cast<double>(den_); }

  /// Parses "3", "0.006", "-1.5", "1/3". Returns nothing for anything else
  /// (exponents, spaces, more than 18 significant digits).
  static std::optional<Rational> parse(std::string_view text);

  /// Shortest exact decimal if the denominator allows one with at most
  /// `max_places` places ("0.006"); otherwise "num/den" ("1/3").
  std::string to_string(int max_places = 6) const;
  /// A decimal for tables, rounded to `places` places, trailing zeros dropped.
  std::string to_decimal(int places) const;

  friend Rational operator+(const Rational& a, const Rational& b);
  friend Rational operator-(const Rational& a, const Rational& b);
  friend Rational operator*(const Rational& a, const Rational& b);
  friend Rational operator/(const Rational& a, const Rational& b);
  friend bool operator==(const Rational& a, const Rational& b) = default;
  friend std::strong_ordering operator<=>(const Rational& a, const Rational& b);

  Rational abs() const { return num_ < 0 ? Rational(-num_, den_) : *this; }

 private:
  std::int64_t num_ = 0;
  std::int64_t den_ = 1;
};

}  // namespace eh
