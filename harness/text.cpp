#include "text.h"

#include <algorithm>
#include <cstdint>
#include <vector>
#include <fmt/format.h>

namespace eh {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim_colon(std::string_view s) {
  s = trim(s);
  if (s.ends_with(':')) s = trim(s.substr(0, s.size() - 1));
  return s;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (&p != &parts.front()) out += sep;
    out += p;
  }
  return out;
}

std::string_view line_of(std::string_view text, int n) {
  std::size_t b = 0;
  for (int i = 1; i < n; ++i) {
    b = text.find('\n', b);
    if (b == std::string_view::npos) return {};
    ++b;
  }
  std::size_t e = text.find('\n', b);
  return text.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
}

std::string tail_lines(std::string_view text, int n) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t pos = text.size();
  for (int i = 0; i < n && pos != std::string_view::npos && pos > 0; ++i) pos = text.rfind('\n', pos - 1);
  if (pos == std::string_view::npos) {
    pos = 0;
  } else if (pos > 0 || text[0] == '\n') {
    ++pos;
  }
  return std::string(text.substr(pos));
}

std::string first_lines(std::string_view text, int n) {
  std::string out;
  std::size_t b = 0;
  for (int i = 0; i < n && b < text.size(); ++i) {
    std::size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    if (i > 0) out += " | ";
    out += text.substr(b, e - b);
    b = e + 1;
  }
  return out;
}

std::string fnv1a_hex(std::string_view data) {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

std::string camel_case(std::string_view id) {
  std::string out;
  bool up = true;
  for (char c : id) {
    if (c == '-') {
      up = true;
      continue;
    }
    out += up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    up = false;
  }
  return out;
}

std::string format_time(double ns) {
  struct Unit {
    double scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{1e9, "s"}, {1e6, "ms"}, {1e3, "\u00b5s"}, {1, "ns"}};
  for (const auto& u : kUnits) {
    if (ns < u.scale && u.scale > 1) continue;
    double v = ns / u.scale;
    int decimals = v >= 1000 ? 0 : v >= 100 ? 1 : v >= 10 ? 2 : 3;
    return fmt::format("{:.{}f}{}", v, decimals, u.name);
  }
  return fmt::format("{}ns", ns);
}

std::string format_short(double v, double whole_from) {
  if (v >= whole_from) return fmt::format("{:.0f}", v);
  std::string s = fmt::format("{:.3f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string format_percent(double share) { return fmt::format("{:.1f}%", share * 100); }

std::string count_of(std::size_t n, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

int edit_distance(std::string_view a, std::string_view b, bool within) {
  // Levenshtein, one row at a time. `within`: b's prefix and suffix are
  // free (row 0 all zeros, the minimum of the last row), so a is matched
  // against b's closest infix.
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = within ? 0 : static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return within ? *std::min_element(prev.begin(), prev.end()) : prev[b.size()];
}

}  // namespace eh
