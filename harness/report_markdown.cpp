#include "report_markdown.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "report_svg.h"
#include "stats.h"

namespace eh {
namespace {

/// Text for a Markdown table cell: pipes escaped, newlines folded.
std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string code_span(std::string_view s) {
  std::string t = cell(s);
  return t.find('`') == std::string::npos ? "`" + t + "`" : "`` " + t + " ``";
}

std::string verdict_word(Verdict v) {
  switch (v) {
    case Verdict::confirmed: return "confirmed";
    case Verdict::refuted: return "**REFUTED**";
    case Verdict::inconclusive: return "*inconclusive*";
    case Verdict::skipped: return "skipped";
    case Verdict::error: return "**ERROR**";
  }
  return "?";
}

std::string anchor(const ScenarioRecord& s) { return fmt::format("entry-{}", s.entry); }

/// Messages worth showing in the evidence: what escape analysis decided.
bool escape_message(const std::string& m) {
  return m.find("escape") != std::string::npos || m.find("moved to heap") != std::string::npos ||
         m.find("leaking param") != std::string::npos;
}

std::string fmt_ns(std::optional<double> ns) {
  if (!ns) return "-";
  return format_ns(*ns);
}

std::string ns_cell(const VariantObservation& o) {
  if (o.samples.size() >= 2) {
    auto ci = stats::median_ci(o.samples);
    auto show = [](double x) { return std::isinf(x) ? std::string(x < 0 ? "-inf" : "+inf") : format_ns(x); };
    return fmt::format("{} [{}, {}] (n={})", fmt_ns(ci->median), show(ci->lo), show(ci->hi), o.samples.size());
  }
  return fmt_ns(ns_per_op(o));
}

std::string top_frames(const VariantObservation& o) {
  if (!o.counts || o.sites.empty()) return "";
  std::map<std::string, std::int64_t> by;
  for (const auto& s : o.sites) by[allocating_frame(s)] += s.objects;
  std::string out;
  for (const auto& [f, n] : by)
    out +=
        fmt::format("{}{} ({}/op)", out.empty() ? "" : ", ", code_span(f), format_rate(Rational(n, o.counts->calls)));
  return out;
}

/// "code line 2:26", "common line 5:3", "the call": a place in the variant's own code.
std::string where(Region region, int code_line, int column) {
  if (region == Region::call) return "the call";
  const char* block = region == Region::common ? "common" : region == Region::setup ? "setup" : "code";
  return column > 0 ? fmt::format("{} line {}:{}", block, code_line, column)
                    : fmt::format("{} line {}", block, code_line);
}

void write_chain(std::string& out, const WhyChain& c) {
  if (c.package.empty()) {
    out += fmt::format("- {} at {} ([{}:{}](../{}#L{}))", code_span(c.subject),
                       where(c.region, c.code_line, c.pos.column), c.pos.file, c.pos.line, c.pos.file, c.pos.line);
    if (c.routes == Routes::m2_only) out += " — explained by -m=2 only";
    if (c.routes == Routes::json_only) out += " — in the JSON log only";
  } else {
    out += fmt::format("- {} at `{}:{}`", code_span(c.subject), c.pos.file, c.pos.line);
  }
  out += "\n";
  for (const auto& st : c.steps) {
    out += fmt::format("  - {}", code_span(st.text));
    if (!c.package.empty() && st.pos.line > 0) out += fmt::format(" — `{}:{}`", st.pos.file, st.pos.line);
    else if (st.pos.line > 0)
      out += fmt::format(" — {}", where(st.region, st.code_line, st.pos.column));
    else if (!st.generated.empty())
      out += fmt::format(" — {} (harness code)", st.generated);
    out += "\n";
  }
  if (c.routes == Routes::disagree) {
    out += "  - the JSON optimisation log explains it differently:\n";
    for (const auto& st : c.json_steps)
      out += fmt::format("    - {}{}\n", code_span(st.text),
                         st.pos.line > 0 ? " — " + where(st.region, st.code_line, st.pos.column) : std::string());
  }
}

/// The why-chains of one variant on one toolchain, in a collapsible block:
/// the escapes in its own code (-m=2 and the JSON log, compared), then the
/// allocations its calls make in other packages, each with the chain -m=2
/// gives for that line of that package, or why there is none.
std::string why_block(const VariantRecord& v, const std::string& tc, const VariantObservation& o) {
  bool allocates = o.counts && o.counts->mallocs > 0;
  std::vector<const WhyChain*> own;
  for (const auto& c : o.chains)
    if (c.package.empty()) own.push_back(&c);
  if (own.empty() && !allocates) return "";
  int disagree = 0;
  for (const auto* c : own) disagree += c->routes != Routes::both;
  std::string out = fmt::format(
      "<details><summary><code>{}</code> on {}: {} allocs/op; {} escape{} in its code{}</summary>\n\n", v.name, tc,
      o.counts ? format_rate(o.counts->allocs_per_call()) : "-", own.size(), own.size() == 1 ? "" : "s",
      disagree ? fmt::format(" ({} explained differently by -m=2 and the JSON log)", disagree) : "");
  for (const auto* c : own) write_chain(out, *c);
  if (!own.empty() && !disagree) out += "\n-m=2 and the JSON optimisation log give the same chains.\n\n";
  // Each place the calls allocate, with the escape that explains it.
  if (!o.places.empty() && o.counts) {
    out += "Where the calls allocate:\n\n";
    for (const auto& pl : o.places) {
      out += fmt::format("- {}/op by `{}` in `{}` at {}", format_rate(Rational(pl.objects, o.counts->calls)),
                         pl.allocator, pl.function, pl.spec.line > 0 ? pl.where : code_span(pl.where));
      if (pl.chain < 0) {
        out += " — the runtime allocates here itself (growing a map or slice, converting); no escape to explain\n";
      } else if (o.chains[static_cast<std::size_t>(pl.chain)].package.empty()) {
        out += fmt::format(" — {} above\n", code_span(o.chains[static_cast<std::size_t>(pl.chain)].subject));
      } else {
        out += ":\n";
        std::string chain;
        write_chain(chain, o.chains[static_cast<std::size_t>(pl.chain)]);
        for (std::size_t b = 0; b < chain.size();) {  // indented under the place
          auto nl = chain.find('\n', b);
          out += "  " + chain.substr(b, nl - b + 1);
          b = nl + 1;
        }
      }
    }
    out += "\n";
  }
  if (!o.chains_note.empty()) out += fmt::format("({})\n\n", o.chains_note);
  out += "</details>\n\n";
  return out;
}

}  // namespace

std::string format_ns(double ns) {
  if (ns >= 100) return fmt::format("{:.0f}", ns);
  std::string s = fmt::format("{:.3f}", ns);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string key_number(const ClaimVerdict& v) {
  for (const auto& e : v.expectations)
    if (e.verdict == v.verdict) return !e.observed.empty() ? e.observed : e.reason;
  return v.reason;
}

std::string evidence_markdown(const Results& r) {
  std::string out;
  out += "# Evidence: escape analysis, find the bug\n\n";
  out +=
      "Generated by escape-harness from `reports/results.json`; do not edit. Regenerate with\n"
      "`build/escape-harness run` (or `build/escape-harness report` from the JSON alone).\n\n";
  out +=
      fmt::format("- Run: {} ({}){}\n", r.date, r.generated_by, r.quick ? ", quick mode: timing claims skipped" : "");
  for (const auto& t : r.toolchains)
    out += fmt::format("- Toolchain: {} {}/{} on {}\n", t.version, t.goos, t.goarch,
                       t.cpu.empty() ? "unknown CPU" : t.cpu);
  out +=
      "\nVerdicts: *confirmed* (the catalog's claim holds), *REFUTED* (measured otherwise: a finding),\n"
      "*inconclusive* (timing without a significant difference), *skipped* (with the reason),\n"
      "*ERROR* (the variant could not be built or run). allocs/op and B/op are exact: mallocs and bytes\n"
      "counted over a fixed number of calls (runtime.MemStats), not the truncated `-benchmem` column.\n\n";

  // Summary table.
  out += "## Summary\n\n| entry | claim | aspect |";
  for (const auto& t : r.toolchains) out += fmt::format(" {} |", t.version);
  out += " key number |\n|---:|---|---|";
  for (std::size_t i = 0; i < r.toolchains.size(); ++i) out += "---|";
  out += "---|\n";
  for (const auto& s : r.scenarios)
    for (const auto& c : s.claims) {
      out += fmt::format("| [{}](#{}) | {} | {} |", s.entry, anchor(s), cell(c.text), to_string(c.aspect));
      std::string key;
      for (const auto& t : r.toolchains) {
        auto it = c.verdicts.find(t.version);
        if (it == c.verdicts.end()) {
          out += " - |";
          continue;
        }
        out += fmt::format(" {} |", verdict_word(it->second.verdict));
        if (key.empty()) key = key_number(it->second);
      }
      out += fmt::format(" {} |\n", cell(key));
    }
  out += "\n";

  for (const auto& s : r.scenarios) {
    out += fmt::format("<a id=\"{}\"></a>\n\n## Entry {}: {}\n\n", anchor(s), s.entry, s.title);
    if (!s.summary.empty()) out += s.summary + "\n\n";
    out +=
        fmt::format("Spec: [`{}`](../{}) · generated Go: [`gosrc/{}/`](../gosrc/{}/)\n\n", s.file, s.file, s.id, s.id);
    // Code the harness wrote where the catalog had none, or changed: say so first.
    for (const auto& v : s.variants) {
      if (!v.reconstructed.empty()) out += fmt::format("> **Reconstructed** `{}`: {}\n>\n", v.name, v.reconstructed);
      if (!v.adapted.empty()) out += fmt::format("> **Adapted** `{}`: {}\n>\n", v.name, v.adapted);
    }
    if (out.ends_with(">\n")) {
      out.resize(out.size() - 2);
      out += "\n";
    }

    out += "### Claims\n\n";
    for (const auto& c : s.claims) {
      out += fmt::format("- *{}* — {}\n", to_string(c.aspect), c.text);
      for (const auto& [tc, v] : c.verdicts) {
        out += fmt::format("  - {}: {}\n", tc, verdict_word(v.verdict));
        for (const auto& e : v.expectations) {
          out += fmt::format("    - {} — {}", code_span(e.expectation), to_string(e.verdict));
          if (!e.expected.empty()) out += fmt::format("; expected {}", e.expected);
          if (!e.observed.empty()) out += fmt::format("; observed {}", e.observed);
          if (!e.reason.empty()) out += fmt::format(" ({})", e.reason);
          out += "\n";
        }
      }
    }
    out +=
        "\n### Variants\n\n| variant | toolchain | allocs/op | B/op | ns/op | allocating frames | notes |\n"
        "|---|---|---:|---:|---:|---|---|\n";
    for (const auto& v : s.variants) {
      std::vector<std::string> parts;
      if (!v.reconstructed.empty()) parts.push_back("*reconstructed*");
      if (!v.adapted.empty()) parts.push_back("*adapted*");
      if (!v.about.empty()) parts.push_back(v.about);
      if (!v.min_go.empty()) parts.push_back(fmt::format("(needs Go {})", v.min_go));
      std::string notes;
      for (const auto& p : parts) notes += (notes.empty() ? "" : " ") + p;
      for (const auto& [tc, o] : v.results) {
        if (o.status != RunStatus::ok) {
          out += fmt::format("| `{}` | {} | {} | | | | {} {} |\n", v.name, tc,
                             o.status == RunStatus::skipped ? "skipped" : "**error**", cell(o.reason), cell(notes));
          continue;
        }
        std::string allocs = o.counts ? format_rate(o.counts->allocs_per_call()) : "-";
        std::string bytes = o.counts ? format_rate(o.counts->bytes_per_call()) : "-";
        out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", v.name, tc, allocs, bytes, ns_cell(o),
                           top_frames(o), cell(notes));
      }
    }
    out +=
        fmt::format("\n![Entry {}: allocs/op and B/op per variant and toolchain]({})\n", s.entry, entry_chart_path(s));
    // Compiler lines that matter: escape decisions on spec lines.
    std::string lines;
    for (const auto& v : s.variants)
      for (const auto& [tc, o] : v.results)
        for (const auto& d : o.diagnostics) {
          if (!escape_message(d.message)) continue;
          lines += fmt::format("| `{}` | {} | [{}:{}](../{}#L{}) | {} | {} |\n", v.name, tc, d.pos.file, d.pos.line,
                               d.pos.file, d.pos.line, code_span(d.code), cell(d.message));
        }
    if (!lines.empty())
      out +=
          "\n### Compiler (`-gcflags=-m`)\n\n| variant | toolchain | spec line | code | message |\n"
          "|---|---|---|---|---|\n" +
          lines;
    std::string why;
    for (const auto& v : s.variants)
      for (const auto& [tc, o] : v.results)
        if (o.status == RunStatus::ok) why += why_block(v, tc, o);
    if (!why.empty()) out += "\n### Why it escapes\n\n" + why;
    out += "\n";
  }
  return out;
}

}  // namespace eh
