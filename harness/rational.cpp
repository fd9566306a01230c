#include "rational.h"

#include <compare>
#include <numeric>
#include <stdexcept>

namespace eh {
namespace {

__extension__ using i128 = __int128;

Rational from_wide(i128 num, i128 den) {
  if (den == 0) throw std::domain_error("rational: division by zero");
  if (den < 0) {
    num = -num;
    den = -den;
  }
  i128 a = num < 0 ? -num : num;
  i128 b = den;
  while (b != 0) {
    i128 t = a % b;
    a = b;
    b = t;
  }
  if (a > 1) {
    num /= a;
    den /= a;
  }
  constexpr i128 lim = INT64_MAX;
  if (num > lim || num < -lim || den > lim) throw std::overflow_error("rational: overflow");
  return Rational(static_cast<std::int64_t>(num), static_cast<std::int64_t>(den));
}

}  // namespace

Rational::Rational(std::int64_t num, std::int64_t den) {
  if (den == 0) throw std::domain_error("rational: zero denominator");
  if (den < 0) {
    num = -num;
    den = -den;
  }
  std::int64_t g = std::gcd(num < 0 ? -num : num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  num_ = num;
  den_ = den;
}

std::optional<Rational> Rational::parse(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s.front() == '-' || s.front() == '+') {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  auto digits = [](std::string_view d) {
    if (d.empty() || d.size() > 18) return false;
    for (char c : d)
      if (c < '0' || c > '9') return false;
    return true;
  };
  auto to_int = [](std::string_view d) {
    std::int64_t v = 0;
    for (char c : d) v = v * 10 + (c - '0');
    return v;
  };
  if (auto slash = s.find('/'); slash != std::string_view::npos) {
    auto n = s.substr(0, slash), d = s.substr(slash + 1);
    if (!digits(n) || !digits(d) || to_int(d) == 0) return std::nullopt;
    return Rational(neg ? -to_int(n) : to_int(n), to_int(d));
  }
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (!whole.empty() && !digits(whole)) return std::nullopt;
  if (!frac.empty() && !digits(frac)) return std::nullopt;
  if (whole.size() + frac.size() > 18) return std::nullopt;
  std::int64_t den = 1;
  for (std::size_t i = 0; i < frac.size(); ++i) den *= 10;
  std::int64_t num = (whole.empty() ? 0 : to_int(whole)) * den + (frac.empty() ? 0 : to_int(frac));
  return Rational(neg ? -num : num, den);
}

std::string Rational::to_string(int max_places) const {
  // A decimal expansion terminates iff den has no prime factors but 2 and 5.
  std::int64_t d = den_;
  int twos = 0, fives = 0;
  while (d % 2 == 0) d /= 2, ++twos;
  while (d % 5 == 0) d /= 5, ++fives;
  int places = std::max(twos, fives);
  if (d != 1 || places > max_places) return std::to_string(num_) + "/" + std::to_string(den_);
  return to_decimal(places);
}

std::string Rational::to_decimal(int places) const {
  i128 scale = 1;
  for (int i = 0; i < places; ++i) scale *= 10;
  i128 n = static_cast<i128>(num_) * scale;
  bool neg = n < 0;
  if (neg) n = -n;
  i128 q = (n + den_ / 2) / den_;  // round half up on the magnitude
  i128 whole = q / scale, frac = q % scale;
  std::string out = (neg && q != 0 ? "-" : "") + std::to_string(static_cast<long long>(whole));
  if (places > 0 && frac != 0) {
    std::string f = std::to_string(static_cast<long long>(frac));
    f.insert(0, static_cast<std::size_t>(places) - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}

Rational operator+(const Rational& a, const Rational& b) {
  return from_wide(static_cast<i128>(a.num_) * b.den_ + static_cast<i128>(b.num_) * a.den_,
                   static_cast<i128>(a.den_) * b.den_);
}
Rational operator-(const Rational& a, const Rational& b) {
  return from_wide(static_cast<i128>(a.num_) * b.den_ - static_cast<i128>(b.num_) * a.den_,
                   static_cast<i128>(a.den_) * b.den_);
}
Rational operator*(const Rational& a, const Rational& b) {
  return from_wide(static_cast<i128>(a.num_) * b.num_, static_cast<i128>(a.den_) * b.den_);
}
Rational operator/(const Rational& a, const Rational& b) {
  return from_wide(static_cast<i128>(a.num_) * b.den_, static_cast<i128>(a.den_) * b.num_);
}
std::strong_ordering operator<=>(const Rational& a, const Rational& b) {
  i128 l = static_cast<i128>(a.num_) * b.den_, r = static_cast<i128>(b.num_) * a.den_;
  return l < r ? std::strong_ordering::less : l > r ? std::strong_ordering::greater : std::strong_ordering::equal;
}

}  // namespace eh
