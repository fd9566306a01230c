#include "spec.h"

#include <algorithm>
#include <fmt/format.h>

namespace eh {

int CodeBlock::line_count() const {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

bool line_has_marker(std::string_view line, std::string_view marker) {
  auto comment = line.find("//");
  if (comment == std::string_view::npos) return false;
  auto is_id = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; };
  for (auto at = line.find('@', comment); at != std::string_view::npos; at = line.find('@', at + 1)) {
    auto rest = line.substr(at + 1);
    if (rest.starts_with(marker) && (rest.size() == marker.size() || !is_id(rest[marker.size()]))) return true;
  }
  return false;
}

namespace {

int marker_in(const CodeBlock& block, const std::string& marker) {
  int n = 1;
  std::string_view text = block.text;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    if (line_has_marker(line, marker)) return n;
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
    ++n;
  }
  return 0;
}

}  // namespace

const Variant* Scenario::find_variant(const std::string& name) const {
  for (const auto& v : variants)
    if (v.name == name) return &v;
  return nullptr;
}

std::vector<std::string> Scenario::holds_expressions(const std::string& variant) const {
  std::vector<std::string> out;
  for (const auto& c : claims)
    for (const auto& e : c.expect)
      if (e.kind == ExpectKind::holds && e.variant == variant && std::find(out.begin(), out.end(), e.expr) == out.end())
        out.push_back(e.expr);
  return out;
}

MarkerRef Scenario::find_marker(const Variant& variant, const std::string& marker) const {
  if (marker == "call") return MarkerRef{nullptr, 0, true};
  for (const CodeBlock* b : {&variant.code, &variant.setup, &common})
    if (int line = marker_in(*b, marker); line > 0) return {b, line};
  return {};
}

std::string Expectation::describe() const {
  auto unit = [](Metric m) { return m == Metric::allocs ? "allocs/op" : "B/op"; };
  auto by = [&](std::string_view what) -> std::string {
    if (!by_at_least) return "";
    return by_relative ? fmt::format(" by at least {}%", (*by_at_least * Rational(100)).to_string())
                       : fmt::format(" by at least {} {}", by_at_least->to_string(), what);
  };
  switch (kind) {
    case ExpectKind::allocs:
    case ExpectKind::bytes: {
      Metric m = kind == ExpectKind::allocs ? Metric::allocs : Metric::bytes;
      switch (compare) {
        case Compare::exactly: return fmt::format("{} of {} = {}", unit(m), variant, value.to_string());
        case Compare::at_least: return fmt::format("{} of {} >= {}", unit(m), variant, value.to_string());
        case Compare::at_most: return fmt::format("{} of {} <= {}", unit(m), variant, value.to_string());
        case Compare::approx:
          return fmt::format("{} of {} ~ {} +/- {}{}", unit(m), variant, value.to_string(),
                             tolerance_relative ? (tolerance * Rational(100)).to_string() : tolerance.to_string(),
                             tolerance_relative ? "%" : "");
      }
      break;
    }
    case ExpectKind::fewer: return fmt::format("{} of {} < {}{}", unit(metric), variant, than, by(unit(metric)));
    case ExpectKind::diagnostic:
      return fmt::format("-m on {} @{} {} /{}/", variant, marker, present ? "matches" : "does not match", matches);
    case ExpectKind::site: {
      std::string view_note = view == SiteView::pprof ? " (pprof view)" : "";
      if (has_amount) {
        const char* op = compare == Compare::exactly ? "=" : compare == Compare::at_least ? ">=" : "<=";
        return fmt::format("allocs/op of {} under {} {} {}{}", variant, function, op, value.to_string(), view_note);
      }
      return fmt::format("{} {} for allocations of {}{}", function, present ? "accounts" : "does not account", variant,
                         view_note);
    }
    case ExpectKind::holds: return fmt::format("{} holds in {}", expr, variant);
    case ExpectKind::similar:
      return fmt::format("ns/op of {} within {}% of {}", variant, (*by_at_least * Rational(100)).to_string(), than);
    case ExpectKind::faster: return fmt::format("ns/op of {} < {}{}", variant, than, by("ns/op"));
  }
  return "?";
}

}  // namespace eh
