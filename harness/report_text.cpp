#include "report_text.h"

#include <fmt/format.h>

#include "report_markdown.h"

namespace eh {

std::string show_text(const Results& r, const ScenarioRecord& s) {
  std::string out = s.from_catalog() ? fmt::format("Entry {}: {}  [{}]\n", s.entry, s.title, s.id)
                                     : fmt::format("{}  [{}; source: {}]\n", s.title, s.id, s.source);
  if (!s.summary.empty()) out += s.summary + "\n";
  out += fmt::format("spec: {}   results: {} ({})\n\nClaims\n", s.file, r.date, r.generated_by);
  for (const auto& c : s.claims) {
    out += fmt::format("  {} [{}]: {}\n", c.id, to_string(c.aspect), c.text);
    for (const auto& [tc, v] : c.verdicts) {
      out += fmt::format("    {:<12} {}\n", tc, to_string(v.verdict));
      for (const auto& e : v.expectations) {
        out += fmt::format("      - {}: {}\n", e.expectation, to_string(e.verdict));
        if (!e.expected.empty()) out += fmt::format("          expected {}\n", e.expected);
        if (!e.observed.empty()) out += fmt::format("          observed {}\n", e.observed);
        if (!e.reason.empty()) out += fmt::format("          ({})\n", e.reason);
      }
    }
  }
  out += fmt::format("\nVariants\n  {:<20} {:<10} {:>10} {:>12} {:>12}\n", "variant", "toolchain", "allocs/op", "B/op",
                     "ns/op");
  for (const auto& v : s.variants)
    for (const auto& [tc, o] : v.results) {
      if (o.status != RunStatus::ok) {
        out += fmt::format("  {:<20} {:<10} {}: {}\n", v.name, tc, o.status == RunStatus::skipped ? "skipped" : "error",
                           o.reason);
        continue;
      }
      auto ns = ns_per_op(o);
      out += fmt::format("  {:<20} {:<10} {:>10} {:>12} {:>12}\n", v.name, tc,
                         o.counts ? format_rate(o.counts->allocs_per_call()) : "-",
                         o.counts ? format_rate(o.counts->bytes_per_call()) : "-", ns ? format_ns(*ns) : "-");
    }
  std::string why;
  for (const auto& v : s.variants)
    for (const auto& [tc, o] : v.results) {
      if (o.chains.empty()) continue;
      why += fmt::format("  {} on {}\n", v.name, tc);
      for (const auto& c : o.chains) {
        why += fmt::format("    {} ({}{})\n", c.subject,
                           c.package.empty() ? fmt::format("{}:{}", c.pos.file, c.pos.line)
                                             : fmt::format("{}:{}", c.pos.file, c.pos.line),
                           c.routes == Routes::disagree ? "; -m=2 and the JSON log differ" : "");
        for (const auto& st : c.steps) why += fmt::format("      {}\n", st.text);
      }
    }
  if (!why.empty()) out += "\nWhy it escapes\n" + why;
  return out;
}

}  // namespace eh
