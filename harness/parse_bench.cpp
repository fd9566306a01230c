#include "parse_bench.h"

#include <cctype>
#include <charconv>
#include <cmath>

namespace eh {
namespace {

std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

bool parse_double(std::string_view s, double& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

/// A configuration line per benchfmt: a key of non-space, non-upper-case
/// characters, a colon, then a space or tab (or the end).
bool config_line(std::string_view line, std::string& key, std::string& value) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (char c : line.substr(0, colon))
    if (c == ' ' || c == '\t' || std::isupper(static_cast<unsigned char>(c))) return false;
  if (colon + 1 < line.size() && line[colon + 1] != ' ' && line[colon + 1] != '\t') return false;
  key = std::string(line.substr(0, colon));
  std::string_view v = line.substr(colon + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
  value = std::string(v);
  return true;
}

}  // namespace

std::optional<double> BenchResult::metric(const std::string& unit) const {
  auto it = metrics.find(unit);
  if (it == metrics.end()) return std::nullopt;
  return it->second;
}

std::vector<BenchResult> parse_bench_output(std::string_view text) {
  std::vector<BenchResult> out;
  std::map<std::string, std::string> config;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    if (line.starts_with("Benchmark")) {
      auto f = fields(line);
      // Name, iterations, then value/unit pairs; the name is "Benchmark"
      // followed by an upper-case letter, digit, '_' or nothing.
      if (f.size() < 4 || f.size() % 2 != 0) continue;
      std::string_view name = f[0];
      if (name.size() > 9 && std::islower(static_cast<unsigned char>(name[9]))) continue;
      std::int64_t iters = 0;
      auto [p, ec] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), iters);
      if (ec != std::errc() || p != f[1].data() + f[1].size() || iters <= 0) continue;
      BenchResult r;
      r.iterations = iters;
      bool ok = true;
      for (std::size_t i = 2; i + 1 < f.size(); i += 2) {
        double v = 0;
        if (!parse_double(f[i], v)) {
          ok = false;
          break;
        }
        r.metrics[std::string(f[i + 1])] = v;
      }
      if (!ok) continue;
      r.name = std::string(name);
      if (auto dash = name.rfind('-'); dash != std::string_view::npos && dash + 1 < name.size()) {
        int procs = 0;
        auto tail = name.substr(dash + 1);
        auto [pp, ec2] = std::from_chars(tail.data(), tail.data() + tail.size(), procs);
        if (ec2 == std::errc() && pp == tail.data() + tail.size() && procs > 0) {
          r.procs = procs;
          r.name = std::string(name.substr(0, dash));
        }
      }
      r.config = config;
      out.push_back(std::move(r));
      continue;
    }
    std::string key, value;
    if (config_line(line, key, value) && key != "escape-harness") config[key] = value;
  }
  return out;
}

}  // namespace eh
