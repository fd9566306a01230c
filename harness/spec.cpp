#include "spec.h"

#include <algorithm>
#include <fmt/format.h>

namespace eh {

SourcePos CodeBlock::pos_at(std::size_t offset) const {
  const std::string_view before = std::string_view(text).substr(0, std::min(offset, text.size()));
  const auto nl = before.rfind('\n');
  const std::size_t col = nl == std::string_view::npos ? before.size() : before.size() - nl - 1;
  return SourcePos{file, first_line + static_cast<int>(std::count(before.begin(), before.end(), '\n')),
                   indent + 1 + static_cast<int>(col)};
}

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

const Claim* Scenario::find_claim(const std::string& claim_id) const {
  for (const auto& c : claims)
    if (c.id == claim_id) return &c;
  return nullptr;
}

std::vector<const Variant*> Scenario::variants_named(const std::string& name) const {
  std::vector<const Variant*> out;
  for (const auto& v : variants)
    if (v.name == name || (!v.sweep.empty() && v.sweep == name)) out.push_back(&v);
  return out;
}

std::vector<std::string> Scenario::holds_expressions(const std::string& variant) const {
  std::vector<std::string> out;
  for (const auto& c : claims)
    for (const auto& e : c.expect)
      if (e.kind == ExpectKind::holds && e.variant == variant && std::find(out.begin(), out.end(), e.expr) == out.end())
        out.push_back(e.expr);
  return out;
}

std::vector<std::string> Scenario::code_texts(const Variant& v) const {
  return {common.text, v.code.text, v.setup.text};
}

std::vector<std::string> Scenario::harness_texts(const Variant& v) const {
  std::vector<std::string> out = holds_expressions(v.name);
  out.push_back(v.call);
  out.insert(out.end(), v.results.begin(), v.results.end());
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
  auto pct = [](const Rational& r) { return (r * Rational(100)).to_string(); };
  auto by = [&](std::string_view what) -> std::string {
    if (!by_at_least) return "";
    return by_relative ? fmt::format(" by at least {}%", pct(*by_at_least))
                       : fmt::format(" by at least {} {}", by_at_least->to_string(), what);
  };
  static constexpr const char* kOps[] = {"=", ">=", "<=", "~"};
  const char* op = kOps[static_cast<int>(compare)];
  switch (kind) {
    case ExpectKind::allocs:
    case ExpectKind::bytes: {
      Metric m = kind == ExpectKind::allocs ? Metric::allocs : Metric::bytes;
      if (compare != Compare::approx) return fmt::format("{} of {} {} {}", unit(m), variant, op, value.to_string());
      return fmt::format("{} of {} ~ {} +/- {}{}", unit(m), variant, value.to_string(),
                         tolerance_relative ? pct(tolerance) : tolerance.to_string(), tolerance_relative ? "%" : "");
    }
    case ExpectKind::fewer: return fmt::format("{} of {} < {}{}", unit(metric), variant, than, by(unit(metric)));
    case ExpectKind::diagnostic: {
      return fmt::format("{} on {} @{}{} {} /{}/", dialect == Dialect::m ? "-m" : "-m=2", variant, marker,
                         copy == Copy::inlined ? " inlined" : "", present ? "matches" : "does not match", matches);
    }
    case ExpectKind::site: {
      if (view == SiteView::cpu) {
        if (has_amount) return fmt::format("CPU samples of {} under {} {} {}%", variant, function, op, pct(value));
        return fmt::format("{} {} in the CPU profile of {}", function, present ? "shows" : "does not show", variant);
      }
      std::string view_note = view == SiteView::pprof ? " (pprof view)" : "";
      if (has_amount)
        return fmt::format("allocs/op of {} under {} {} {}{}", variant, function, op, value.to_string(), view_note);
      return fmt::format("{} {} for allocations of {}{}", function, present ? "accounts" : "does not account", variant,
                         view_note);
    }
    case ExpectKind::holds: return fmt::format("{} holds in {}", expr, variant);
    case ExpectKind::similar:
      return fmt::format("{}{} within {}% of {}", kTimingDescription, variant, pct(*by_at_least), than);
    case ExpectKind::faster: return fmt::format("{}{} < {}{}", kTimingDescription, variant, than, by("ns/op"));
    case ExpectKind::largest:
      return fmt::format("largest object under {}: {} >= {} x {}", function, variant,
                         ratio_at_least ? ratio_at_least->to_string() : "?", than);
  }
  return "?";
}

}  // namespace eh
