#include "report_markdown.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "deltas.h"
#include "markdown.h"
#include "report_svg.h"
#include "stats.h"
#include "text.h"

namespace eh {
namespace {

std::string anchor(const ScenarioRecord& s) { return s.entry ? fmt::format("entry-{}", s.entry) : "scenario-" + s.id; }

/// Whose words a scenario's claims are: "the catalog" or its source.
std::string whose(const ScenarioRecord& s) { return s.from_catalog() ? "the catalog" : fmt::format("*{}*", s.source); }

std::string heading(const ScenarioRecord& s) {
  return s.from_catalog() ? fmt::format("Entry {}: {}", s.entry, s.title) : fmt::format("{} ({})", s.title, s.source);
}

std::string ns_cell(const VariantObservation& o) {
  if (o.samples.size() >= 2) {
    auto ci = stats::median_ci(o.samples);
    if (!std::isfinite(ci->lo) || !std::isfinite(ci->hi))
      return fmt::format("{} (n={}: too few samples for a 95% interval)", format_time(ci->median), o.samples.size());
    return fmt::format("{} [{}, {}] (n={})", format_time(ci->median), format_time(ci->lo), format_time(ci->hi),
                       o.samples.size());
  }
  auto ns = ns_per_op(o);
  return ns ? format_time(*ns) + " (one run)" : "-";
}

std::string top_frames(const VariantObservation& o) {
  if (!o.counts || o.sites.empty()) return "";
  std::map<std::string, std::int64_t> by;
  for (const auto& s : o.sites) by[allocating_frame(s)] += s.objects;
  std::vector<std::string> out;
  for (const auto& [f, n] : by)
    out.push_back(fmt::format("{} ({}/op)", md_code(f), format_rate(Rational(n, o.counts->calls))));
  return join(out, ", ");
}

/// allocs/op or B/op of an observation: exact, or the range over processes.
std::string rate_cell(const VariantObservation& o, Metric m) {
  auto rs = count_repeats(o);
  if (rs.empty()) return "-";
  Rational lo = m == Metric::allocs ? rs[0].allocs_per_call() : rs[0].bytes_per_call(), hi = lo;
  for (const auto& c : rs) {
    Rational x = m == Metric::allocs ? c.allocs_per_call() : c.bytes_per_call();
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  return lo == hi ? format_rate(lo) : fmt::format("{} to {} (varies)", format_rate(lo), format_rate(hi));
}

/// "code line 2:26", "common line 5:3", "the call": a place in the variant's own code.
std::string where(Region region, int code_line, int column) {
  if (region == Region::call) return "the call";
  return column > 0 ? fmt::format("{} line {}:{}", region, code_line, column)
                    : fmt::format("{} line {}", region, code_line);
}

void write_chain(std::string& out, const WhyChain& c, const ReportPlace& place) {
  if (c.package.empty()) {
    out += fmt::format("- {} at {} ([{}:{}]({}#L{}))", md_code(c.subject), where(c.region, c.code_line, c.pos.column),
                       c.pos.file, c.pos.line, place.link(c.pos.file), c.pos.line);
    if (c.routes == Routes::m2_only) out += " — explained by -m=2 only";
    if (c.routes == Routes::json_only) out += " — in the JSON log only";
  } else {
    out += fmt::format("- {} at `{}:{}`", md_code(c.subject), c.pos.file, c.pos.line);
  }
  out += "\n";
  for (const auto& st : c.steps) {
    out += fmt::format("  - {}", md_code(st.text));
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
      out += fmt::format("    - {}{}\n", md_code(st.text),
                         st.pos.line > 0 ? " — " + where(st.region, st.code_line, st.pos.column) : std::string());
  }
}

/// Each place a variant's calls allocate, with the escape that explains it.
void write_places(std::string& out, const VariantObservation& o, const ReportPlace& place) {
  out += "Where the calls allocate (objects the heap profile records per call):\n\n";
  for (const auto& pl : o.places) {
    out += fmt::format("- {}/op by `{}` in `{}` at {}", format_rate(Rational(pl.objects, o.counts->calls)),
                       pl.allocator, pl.function, pl.spec.line > 0 ? pl.where : md_code(pl.where));
    if (pl.chain < 0) {
      out += " — the runtime allocates here itself (growing a map or slice, converting); no escape to explain\n";
      continue;
    }
    const WhyChain& c = o.chains[static_cast<std::size_t>(pl.chain)];
    if (c.package.empty()) {
      out += fmt::format(" — {} above\n", md_code(c.subject));
      continue;
    }
    out += ":\n";
    std::string chain;
    write_chain(chain, c, place);
    for (std::size_t b = 0; b < chain.size();) {  // indented under the place
      auto nl = chain.find('\n', b);
      out += "  " + chain.substr(b, nl - b + 1);
      b = nl + 1;
    }
  }
  out += "\n";
}

/// The why-chains of one variant on one toolchain, in a collapsible block.
std::string why_block(const VariantRecord& v, const std::string& tc, const VariantObservation& o,
                      const ReportPlace& place) {
  bool allocates = o.counts && o.counts->mallocs > 0;
  std::vector<const WhyChain*> own;
  for (const auto& c : o.chains)
    if (c.package.empty()) own.push_back(&c);
  if (own.empty() && !allocates) return "";
  int disagree = 0;
  for (const auto* c : own) disagree += c->routes != Routes::both;
  std::string out =
      fmt::format("<details><summary><code>{}</code> on {}: {} allocs/op; {} in its code{}</summary>\n\n", v.name, tc,
                  rate_cell(o, Metric::allocs), count_of(own.size(), "escape", "escapes"),
                  disagree ? fmt::format(" ({} explained differently by -m=2 and the JSON log)", disagree) : "");
  for (const auto* c : own) write_chain(out, *c, place);
  if (!own.empty() && !disagree) out += "\n-m=2 and the JSON optimisation log give the same chains.\n\n";
  if (!o.places.empty() && o.counts) write_places(out, o, place);
  if (!o.chains_note.empty()) out += fmt::format("({})\n\n", o.chains_note);
  out += "</details>\n\n";
  return out;
}

/// "confirmed<br>0 allocs/op (expected >= 1)": a verdict with what decided it.
std::string verdict_cell(const ClaimRecord& c, const std::string& tc) {
  auto it = c.verdicts.find(tc);
  if (it == c.verdicts.end()) return "-";
  std::string why = it->second.decisive();
  return why.empty() ? md_verdict(it->second.verdict)
                     : fmt::format("{}<br>{}", md_verdict(it->second.verdict), md_cell(why));
}

std::string claims_table(const Results& r,
                         const std::vector<std::pair<const ScenarioRecord*, const ClaimRecord*>>& rows) {
  std::string out = "| entry | claim | aspect |";
  for (const auto& t : r.toolchains) out += fmt::format(" {} |", t.key());
  out += "\n|---:|---|---|";
  for (std::size_t i = 0; i < r.toolchains.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& [s, c] : rows) {
    out += fmt::format("| [{}](#{}) | {} | {} |", s->entry ? std::to_string(s->entry) : s->id, anchor(*s),
                       md_cell(c->text), c->aspect);
    for (const auto& t : r.toolchains) out += " " + verdict_cell(*c, t.key()) + " |";
    out += "\n";
  }
  return out + "\n";
}

/// Verdict counts per toolchain of the claims `pick` selects.
std::string count_table(const Results& r, bool harness) {
  std::string out = "| toolchain |";
  for (Verdict v : enum_values<Verdict>()) out += fmt::format(" {} |", v);
  out += "\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto& t : r.toolchains) {
    std::map<Verdict, int> n;
    for (const auto& s : r.scenarios)
      for (const auto& c : s.claims)
        if ((c.origin == Origin::harness) == harness)
          if (auto it = c.verdicts.find(t.key()); it != c.verdicts.end()) ++n[it->second.verdict];
    out += fmt::format("| {} |", t.key());
    for (Verdict v : enum_values<Verdict>()) out += fmt::format(" {} |", n[v]);
    out += "\n";
  }
  return out + "\n";
}

std::string summary(const Results& r) {
  std::vector<std::pair<const ScenarioRecord*, const ClaimRecord*>> source, harness;
  for (const auto& s : r.scenarios)
    for (const auto& c : s.claims) (c.origin == Origin::harness ? harness : source).emplace_back(&s, &c);
  std::string out = "## Summary\n\nThe claims of the sources (the catalog's words, quoted in each entry):\n\n";
  out += count_table(r, false) + claims_table(r, source);
  if (!harness.empty())
    out +=
        "The harness's own claims — not the catalog's: they show where a claim holds or fails, and are never "
        "counted as the catalog's:\n\n" +
        count_table(r, true) + claims_table(r, harness);
  std::string worse;
  for (const auto& s : r.scenarios)
    for (const auto& d : fix_deltas(s, r.toolchains))
      if (d.costs_more)
        worse += fmt::format("- [{}](#{}) `{}` against `{}` on {}: {} allocs/op, {} B/op\n", heading(s), anchor(s),
                             d.fix, d.bug, d.toolchain, delta_text(d.bug_allocs, d.fix_allocs),
                             delta_text(d.bug_bytes, d.fix_bytes));
  if (!worse.empty()) out += "**Fixes that allocate more than the code they fix:**\n\n" + worse + "\n";
  return out;
}

/// The entry's sentences, each with the claims that test it and their
/// verdicts, or why none does.
std::string coverage_section(const Results& r, const ScenarioRecord& s) {
  std::string out =
      "### What the catalog says\n\nEvery sentence of the entry, in order, with the claims that test it "
      "(their verdicts per toolchain) or why none does.\n\n| | the catalog says | tested by |";
  for (const auto& t : r.toolchains) out += fmt::format(" {} |", t.key());
  out += "\n|---|---|---|";
  for (std::size_t i = 0; i < r.toolchains.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& row : s.coverage) {
    out += fmt::format("| {} | \"{}\" |", row.label.empty() ? "" : "*" + row.label + "*", md_cell(row.text));
    if (row.claims.empty()) {
      out += fmt::format(" *not measured*: {} |",
                         md_cell(row.not_encoded.empty() ? "(no reason given)" : row.not_encoded));
      for (std::size_t i = 0; i < r.toolchains.size(); ++i) out += " |";
      out += "\n";
      continue;
    }
    std::vector<std::string> ids;
    for (const auto& id : row.claims) ids.push_back(md_code(id));
    out += " " + join(ids, "<br>") + " |";
    for (const auto& t : r.toolchains) {
      std::vector<std::string> vs;
      for (const auto& id : row.claims)
        if (const ClaimRecord* c = s.claim(id); c && c->verdicts.count(t.key()))
          vs.push_back(md_verdict(c->verdicts.at(t.key()).verdict));
      out += " " + join(vs, "<br>") + " |";
    }
    out += "\n";
  }
  return out + "\n";
}

void write_claim(std::string& out, const ScenarioRecord& s, const ClaimRecord& c) {
  out += fmt::format("- **{}** (*{}*) — {}\n", c.id, c.aspect, c.text);
  for (const auto& q : c.quotes)
    out += fmt::format("  - {} says: \"{}\"\n", s.from_catalog() ? "The catalog" : "The source", q);
  if (!c.qualifier.empty()) out += fmt::format("  - Judged on {} only: the claim's own qualifier.\n", c.qualifier);
  if (!c.holds_where.empty()) {
    std::vector<std::string> ids;
    for (const auto& id : c.holds_where) ids.push_back(md_code(id));
    out += fmt::format("  - Where it holds: {}\n", join(ids, ", "));
  }
  for (const auto& [tc, v] : c.verdicts) {
    out += fmt::format("  - {}: {}{}\n", tc, md_verdict(v.verdict), v.expectations.empty() ? " — " + v.reason : "");
    for (const auto& e : v.expectations) {
      out += fmt::format("    - {} — {}", md_code(e.expectation), e.verdict);
      if (!e.expected.empty()) out += fmt::format("; expected {}", e.expected);
      if (!e.observed.empty()) out += fmt::format("; observed {}", e.observed);
      if (!e.reason.empty()) out += fmt::format(" ({})", e.reason);
      out += "\n";
    }
  }
}

std::string deltas_section(const Results& r, const ScenarioRecord& s) {
  auto deltas = fix_deltas(s, r.toolchains);
  if (deltas.empty()) return "";
  std::string out =
      "### What each fix changes\n\nEach fix against the variant it fixes (counts exact; times are "
      "medians of the timing samples, or one benchmark run where the spec times nothing).\n\n"
      "| fix | against | toolchain | allocs/op | B/op | ns/op | |\n|---|---|---|---|---|---|---|\n";
  for (const auto& d : deltas)
    out += fmt::format("| `{}` | `{}` | {} | {} | {} | {}{} | {}{} |\n", d.fix, d.bug, d.toolchain,
                       delta_text(d.bug_allocs, d.fix_allocs), delta_text(d.bug_bytes, d.fix_bytes),
                       delta_time(d.bug_ns, d.fix_ns), d.timed || !d.bug_ns || !d.fix_ns ? "" : " (one run each)",
                       d.costs_more ? "**the fix allocates more than its bug**" : "",
                       d.varies ? " (counts vary between processes; first shown)" : "");
  return out + "\n";
}

std::string variants_section(const ScenarioRecord& s) {
  std::string out =
      "### Variants\n\n| variant | toolchain | allocs/op | B/op | ns/op | allocating frames | notes |\n"
      "|---|---|---:|---:|---:|---|---|\n";
  for (const auto& v : s.variants) {
    std::vector<std::string> parts;
    if (!v.reconstructed.empty()) parts.push_back("*reconstructed*");
    if (!v.adapted.empty()) parts.push_back("*adapted*");
    if (!v.fixes.empty()) parts.push_back(fmt::format("fixes `{}`.", v.fixes));
    if (!v.about.empty()) parts.push_back(v.about);
    if (!v.gcflags.empty()) parts.push_back(fmt::format("(compiled with {})", md_code(join(v.gcflags, " "))));
    if (!v.min_go.empty()) parts.push_back(fmt::format("(needs Go {})", v.min_go));
    std::string notes = md_cell(join(parts, " "));
    for (const auto& [tc, o] : v.results) {
      if (o.status != RunStatus::ok) {
        out += fmt::format("| `{}` | {} | {} | | | | {}{}{} |\n", v.name, tc,
                           o.status == RunStatus::skipped ? "skipped" : "**error**", md_cell(o.reason),
                           notes.empty() ? "" : "; ", notes);
        continue;
      }
      out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", v.name, tc, rate_cell(o, Metric::allocs),
                         rate_cell(o, Metric::bytes), ns_cell(o), top_frames(o), notes);
    }
  }
  return out;
}

/// Messages worth showing: what escape analysis decided.
bool escape_message(const std::string& m) {
  return m.find("escape") != std::string::npos || m.find("moved to heap") != std::string::npos ||
         m.find("leaking param") != std::string::npos || m.find("leaks to") != std::string::npos ||
         m.find("capturing by") != std::string::npos;
}

/// The compiler's escape decisions on spec lines: -m's wording beside -m=2's.
std::string compiler_section(const ScenarioRecord& s, const ReportPlace& place) {
  std::string lines;
  for (const auto& v : s.variants)
    for (const auto& [tc, o] : v.results) {
      // One row per spec line: what -m says there, and what -m=2 adds.
      std::map<std::pair<int, int>, std::pair<std::vector<std::string>, std::vector<std::string>>> at;
      std::map<std::pair<int, int>, const Diagnostic*> first;
      for (const auto& d : o.diagnostics) {
        if (!escape_message(d.message)) continue;
        auto key = std::pair{d.pos.line, d.region == Region::call ? 1 : 0};
        first.emplace(key, &d);
        auto& [m1, m2] = at[key];
        (d.level == 1 ? m1 : m2).push_back(md_cell(d.message));
      }
      for (const auto& [key, msgs] : at) {
        const Diagnostic& d = *first.at(key);
        lines += fmt::format("| `{}` | {} | [{}:{}]({}#L{}) | {} | {} | {} |\n", v.name, tc, d.pos.file, d.pos.line,
                             place.link(d.pos.file), d.pos.line, md_code(d.code), join(msgs.first, "<br>"),
                             join(msgs.second, "<br>"));
      }
    }
  if (lines.empty()) return "";
  return "\n### Compiler messages\n\nThe escape decisions on the spec's lines, in `-gcflags=-m`'s wording and the "
         "lines `-m=2` adds (the inlined copy of a function reports at the call's line).\n\n"
         "| variant | toolchain | spec line | code | -m | -m=2 adds |\n|---|---|---|---|---|---|\n" +
         lines;
}

/// The compiler's -m messages on spec lines in `a` and not in `b`.
std::vector<const Diagnostic*> messages_not_in(const VariantObservation& a, const VariantObservation& b) {
  std::vector<const Diagnostic*> out;
  for (const auto& d : a.diagnostics) {
    if (d.level != 1) continue;
    bool there = std::any_of(b.diagnostics.begin(), b.diagnostics.end(), [&](const Diagnostic& x) {
      return x.level == 1 && x.pos.line == d.pos.line && x.region == d.region && x.message == d.message;
    });
    if (!there) out.push_back(&d);
  }
  return out;
}

/// One configuration of one scenario against its toolchain's default build.
std::string configuration_block(const ScenarioRecord& s, const ToolchainInfo& t, const Results& r,
                                const ReportPlace& place) {
  const std::string key = t.key();
  std::string out = fmt::format("#### {}\n\n{}.\n\n", key, config_about(t));
  std::vector<std::string> changed;
  for (const auto& c : s.claims)
    for (const auto& ch : config_changes(r, c))
      if (ch.key == key)
        changed.push_back(fmt::format("  - `{}`{}: {} by default ({}); {} here ({})\n", c.id,
                                      c.origin == Origin::harness ? " (the harness's own)" : "",
                                      md_verdict(ch.base_verdict), md_cell(ch.base_decisive), md_verdict(ch.verdict),
                                      md_cell(ch.decisive)));
  out += changed.empty() ? std::string("- No claim's verdict changes.\n")
                         : "- Verdicts that change:\n" + join(changed, "");
  // A configuration the toolchain cannot build: one line, not one per variant.
  std::set<std::string> skipped;
  bool all_skipped = true;
  for (const auto& v : s.variants)
    if (auto it = v.results.find(key); it != v.results.end()) {
      all_skipped &= it->second.status == RunStatus::skipped;
      skipped.insert(it->second.reason);
    }
  if (all_skipped && skipped.size() == 1)
    return out + fmt::format("- Every variant skipped: {}.\n\n", *skipped.begin());
  for (const auto& v : s.variants) {
    auto it = v.results.find(key), base = v.results.find(t.version);
    if (it == v.results.end()) continue;
    const VariantObservation& o = it->second;
    if (o.status != RunStatus::ok) {
      out += fmt::format("- `{}`: {} — {}\n", v.name, o.status == RunStatus::skipped ? "skipped" : "**error**",
                         md_cell(o.reason));
      continue;
    }
    std::vector<std::string> parts;
    if (!o.pgo_profile.empty())
      parts.push_back(fmt::format("built with a CPU profile of its benchmark ({} samples)", o.pgo_samples));
    if (!o.pgo_note.empty()) parts.push_back(o.pgo_note);
    std::string lines;
    if (base != v.results.end() && base->second.status == RunStatus::ok) {
      const VariantObservation& b = base->second;
      const std::string a0 = rate_cell(b, Metric::allocs), a1 = rate_cell(o, Metric::allocs);
      const std::string b0 = rate_cell(b, Metric::bytes), b1 = rate_cell(o, Metric::bytes);
      if (a0 != a1 || b0 != b1) parts.push_back(fmt::format("allocs/op {} → {}, B/op {} → {}", a0, a1, b0, b1));
      auto line = [&](const char* sign, const Diagnostic* d) {
        lines += fmt::format("  - {} [{}:{}]({}#L{}) {}: {}\n", sign, d->pos.file, d->pos.line, place.link(d->pos.file),
                             d->pos.line, md_code(d->code), md_cell(d->message));
      };
      for (const Diagnostic* d : messages_not_in(o, b)) line("+", d);
      for (const Diagnostic* d : messages_not_in(b, o)) line("−", d);
    }
    if (parts.empty() && lines.empty()) continue;
    out += fmt::format("- `{}`{}{}\n", v.name, parts.empty() ? "" : ": ", join(parts, "; "));
    out += lines;
  }
  return out + "\n";
}

/// What each build configuration changes from its toolchain's default build.
std::string configurations_section(const Results& r, const ScenarioRecord& s, const ReportPlace& place) {
  std::string blocks;
  for (const auto& t : r.toolchains)
    if (!t.config.empty()) blocks += configuration_block(s, t, r, place);
  if (blocks.empty()) return "";
  return "\n### Build configurations\n\nEach configuration against the default build of the same toolchain: the "
         "verdicts that change, the counts that differ, and the compiler's `-m` messages on the spec's lines that "
         "differ (`+` only in that configuration, `−` only by default).\n\n" +
         blocks;
}

void write_scenario(std::string& out, const Results& r, const ScenarioRecord& s, const ReportPlace& place) {
  out += fmt::format("<a id=\"{}\"></a>\n\n## {}\n\n", anchor(s), heading(s));
  if (!s.summary.empty()) out += s.summary + "\n\n";
  out += fmt::format("Spec: [`{}`]({})", s.file, place.link(s.file));
  if (s.from_catalog() && !r.catalog_file.empty() && !s.coverage.empty())
    out += fmt::format(" · the entry in the catalog: [`{}` line {}]({}#L{})", r.catalog_file, s.coverage.front().line,
                       place.link(r.catalog_file), s.coverage.front().line);
  out += "\n\n";
  // Cells kept from an earlier run (a run of some scenarios or toolchains
  // keeps the others): say when each toolchain's were measured.
  bool mixed = false;
  for (const auto& [tc, run] : s.runs) mixed |= run.date != r.date || run.quick != r.quick;
  if (mixed) {
    std::vector<std::string> when;
    for (const auto& [tc, run] : s.runs)
      when.push_back(fmt::format("{} on {}{}{}", tc, run.date, run.quick ? " (quick: no timing)" : "",
                                 run.date == r.date ? " (this run)" : " (kept from an earlier run)"));
    out += "Measured: " + join(when, "; ") + ".\n\n";
  }
  // Code the harness wrote where the catalog had none, or changed: say so first.
  std::vector<std::string> notes;
  for (const auto& v : s.variants) {
    if (!v.reconstructed.empty()) notes.push_back(fmt::format("> **Reconstructed** `{}`: {}", v.name, v.reconstructed));
    if (!v.adapted.empty()) notes.push_back(fmt::format("> **Adapted** `{}`: {}", v.name, v.adapted));
  }
  if (!notes.empty()) out += join(notes, "\n>\n") + "\n\n";
  if (s.from_catalog() && !s.coverage.empty()) out += coverage_section(r, s);
  std::string own, harness;
  for (const auto& c : s.claims) write_claim(c.origin == Origin::harness ? harness : own, s, c);
  out += fmt::format("### The claims of {}\n\n{}\n", whose(s), own);
  if (!harness.empty())
    out +=
        "### The harness's own claims\n\nNot the catalog's: where its claims hold or fail. They are shown apart "
        "and never counted as the catalog's.\n\n" +
        harness + "\n";
  out += deltas_section(r, s) + variants_section(s);
  out += fmt::format("\n![{}: allocs/op and B/op per variant and toolchain]({})\n", heading(s), entry_chart_path(s));
  for (const auto& sweep : sweeps_of(s))
    out += fmt::format("\n![{}: allocs/op of the sweep {} against its parameter]({})\n", heading(s), sweep,
                       sweep_chart_path(s, sweep));
  out += compiler_section(s, place);
  out += configurations_section(r, s, place);
  std::string why;
  for (const auto& v : s.variants)
    for (const auto& [tc, o] : v.results)
      if (o.status == RunStatus::ok) why += why_block(v, tc, o, place);
  if (!why.empty()) out += "\n### Why it escapes\n\n" + why;
  out += "\n";
}

}  // namespace

std::string key_number(const ClaimVerdict& v) { return v.decisive(); }

std::string ReportPlace::link(const std::string& path) const {
  if (path.starts_with("/")) return path;
  return to_root.empty() || to_root == "." ? path : to_root + "/" + path;
}

std::string format_ns(double ns) { return format_short(ns, 100); }

std::string evidence_markdown(const Results& r, const ReportPlace& place) {
  std::string out = "# Evidence: escape analysis, find the bug\n\n";
  out += fmt::format(
      "Generated by escape-harness from `{}`; do not edit. Regenerate with\n"
      "`build/escape-harness run` (or `build/escape-harness report` from the JSON alone).\n\n",
      place.results);
  out += fmt::format("- Run: {} ({}){}\n", r.date, r.generated_by, quick_note(r));
  for (const auto& t : r.toolchains)
    out += fmt::format("- Toolchain: {}{} {}/{} on {}{}\n", t.version, t.config.empty() ? "" : "/" + t.config, t.goos,
                       t.goarch, t.cpu.empty() ? "unknown CPU" : t.cpu, t.config.empty() ? "" : "; " + config_about(t));
  if (!r.catalog_file.empty())
    out += fmt::format("- Catalog: [`{}`]({}); every quote below is its own words, verbatim (a test checks it)\n",
                       r.catalog_file, place.link(r.catalog_file));
  out +=
      "\nVerdicts: *confirmed* (the claim holds), *REFUTED* (measured otherwise: a finding), *inconclusive* "
      "(what was measured cannot decide it: no significant timing difference, counts that differ between "
      "processes, a profile amount known only as a range), *skipped* (with the reason), *ERROR* (the variant "
      "could not be built or run). allocs/op and B/op are exact: mallocs and bytes counted over a fixed number "
      "of calls (runtime.MemStats), in three processes; where the processes differ the range is shown. Amounts "
      "read from the heap profile are ranges where the profile cannot see every object (tiny-allocator blocks, "
      "cut stacks). Timing: medians with 95% intervals; a ratio is decided by its 95% interval.\n\n";
  out += summary(r);
  for (const auto& s : r.scenarios) write_scenario(out, r, s, place);
  if (!r.catalog_notes.empty()) {
    out +=
        "## Outside the entries\n\nThe catalog's sentences outside its entries, and why no claim tests them.\n\n"
        "| the catalog says | not measured |\n|---|---|\n";
    for (const auto& n : r.catalog_notes)
      out += fmt::format("| \"{}\" | {} |\n", md_cell(n.text), md_cell(n.not_encoded));
    out += "\n";
  }
  return out;
}

}  // namespace eh
