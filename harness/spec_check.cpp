// What spans one scenario, checked once its keys are read: every problem is
// reported at the position of the value that causes it, and all of them in
// one run (spec_parser.h).

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "go_syntax.h"
#include "spec_parser.h"
#include "text.h"

namespace eh {
namespace {

/// One variant per value of each sweep, named "bug/n=8", in package "bug-n8".
void expand_sweeps(Scenario& s) {
  std::vector<Variant> out;
  for (auto& v : s.variants) {
    if (v.param_values.empty()) {
      v.dir = v.name;
      out.push_back(std::move(v));
      continue;
    }
    const std::string placeholder = "${" + v.param + "}";
    for (const auto& value : v.param_values) {
      Variant x = v;
      x.param_values.clear();
      x.sweep = v.name;
      x.value = value;
      x.name = fmt::format("{}/{}={}", v.name, v.param, value);
      x.dir = fmt::format("{}-{}{}", v.name, v.param, value);
      x.code.text = replace_all(x.code.text, placeholder, value);
      x.setup.text = replace_all(x.setup.text, placeholder, value);
      x.call = replace_all(x.call, placeholder, value);
      x.about = replace_all(x.about, placeholder, value);
      for (auto& r : x.results) r = replace_all(r, placeholder, value);
      out.push_back(std::move(x));
    }
  }
  s.variants = std::move(out);
}

/// Each expectation naming a sweep becomes one per value; `than` follows
/// the value when it names a sweep over the same values.
void expand_expectations(Scenario& s) {
  for (auto& c : s.claims) {
    std::vector<Expectation> out;
    for (auto& e : c.expect) {
      auto targets = s.variants_named(e.variant);
      if (targets.size() <= 1 || targets.front()->sweep != e.variant) {
        out.push_back(std::move(e));
        continue;
      }
      for (const Variant* v : targets) {
        Expectation x = e;
        x.variant = v->name;
        if (auto than = s.variants_named(e.than); than.size() > 1)
          for (const Variant* t : than)
            if (t->param == v->param && t->value == v->value) x.than = t->name;
        out.push_back(std::move(x));
      }
    }
    c.expect = std::move(out);
  }
}

void check_names(Parser& p, const Scenario& s) {
  std::map<std::string, int> names, dirs, claims;
  for (const auto& v : s.variants) {
    if (v.name.empty()) continue;
    if (names.count(v.name))
      p.error(v.pos, fmt::format("duplicate variant name '{}' (first at line {})", v.name, names[v.name]));
    else if (dirs.count(v.dir))
      p.error(v.pos, fmt::format("variant '{}' would share the package directory '{}' with another (line {})", v.name,
                                 v.dir, dirs[v.dir]));
    names.emplace(v.name, v.pos.line);
    dirs.emplace(v.dir, v.pos.line);
  }
  for (const auto& c : s.claims) {
    if (c.id.empty()) continue;
    if (claims.count(c.id))
      p.error(c.pos, fmt::format("duplicate claim id '{}' (first at line {})", c.id, claims[c.id]));
    claims.emplace(c.id, c.pos.line);
  }
}

/// A variant name is known, or an error says which are.
bool known_variant(Parser& p, const Scenario& s, const std::string& name, const SourcePos& where, const char* key) {
  if (!s.variants_named(name).empty()) return true;
  std::vector<std::string> names;
  for (const auto& v : s.variants) names.push_back(v.sweep.empty() ? v.name : v.sweep);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  p.error(where, fmt::format("{}: no variant named '{}' in this scenario{}", key, name, suggest(name, names)));
  return false;
}

/// The lines of a variant's blocks that carry `// @marker`.
std::vector<int> marker_lines(const Scenario& s, const Variant& v, const std::string& marker) {
  std::vector<int> out;
  for (const CodeBlock* b : {&v.code, &v.setup, &s.common}) {
    int n = 1;
    std::string_view text = b->text;
    for (std::size_t at = 0; at < text.size(); ++n) {
      std::size_t nl = text.find('\n', at);
      if (line_has_marker(text.substr(at, nl - at), marker)) out.push_back(b->first_line + n - 1);
      if (nl == std::string_view::npos) break;
      at = nl + 1;
    }
  }
  return out;
}

/// An empty name or marker is one the expectation lacks or could not read:
/// the schema has said so at its place, and nothing more is said here.
void check_expectation(Parser& p, const Scenario& s, const Expectation& e) {
  if (e.variant.empty() || !known_variant(p, s, e.variant, e.variant_pos, "variant")) return;
  if (!e.than.empty() && (e.kind == ExpectKind::fewer || e.kind == ExpectKind::faster ||
                          e.kind == ExpectKind::similar || e.kind == ExpectKind::largest))
    known_variant(p, s, e.than, e.than_pos, "than");
  if (e.kind != ExpectKind::diagnostic || e.marker.empty() || e.marker == "call") return;
  const Variant& v = *s.variants_named(e.variant).front();
  std::vector<int> lines = marker_lines(s, v, e.marker);
  if (lines.empty())
    p.error(e.marker_pos, fmt::format("marker: no line of variant '{}' (nor of its setup or the common code) "
                                      "carries '// @{}'",
                                      v.name, e.marker));
  else if (lines.size() > 1)
    p.error(e.marker_pos, fmt::format("marker: '// @{}' is on two lines of variant '{}' ({} and {}): a marker names "
                                      "one line",
                                      e.marker, v.name, lines[0], lines[1]));
}

void check_correction(Parser& p, const Scenario& s, const Claim& c) {
  for (std::size_t b = c.correction.find('{'); b != std::string::npos; b = c.correction.find('{', b + 1)) {
    auto e = c.correction.find('}', b);
    std::string name = c.correction.substr(b + 1, e == std::string::npos ? std::string::npos : e - b - 1);
    if (name == "toolchains") continue;
    auto dot = name.rfind('.');
    std::string variant = dot == std::string::npos ? "" : name.substr(0, dot);
    std::string metric = dot == std::string::npos ? "" : name.substr(dot + 1);
    const bool known = std::any_of(std::begin(kCorrectionMetrics), std::end(kCorrectionMetrics),
                                   [&](const CorrectionMetric& m) { return m.name == metric; });
    if (e == std::string::npos || !s.find_variant(variant) || !known)
      p.error(c.correction_pos,
              fmt::format("correction: '{{{}}}' is not a placeholder; use {{toolchains}} or {{variant.allocs}}, "
                          "{{variant.bytes}}, {{variant.ns}} with a variant of this scenario",
                          name));
  }
}

void check_claim(Parser& p, const Scenario& s, const Claim& c) {
  for (const auto& e : c.expect) check_expectation(p, s, e);
  check_correction(p, s, c);
  for (std::size_t i = 0; i < c.holds_where.size(); ++i) {
    const Claim* h = s.find_claim(c.holds_where[i]);
    if (!h) {
      std::vector<std::string> ids;
      for (const auto& x : s.claims)
        if (x.origin == Origin::harness) ids.push_back(x.id);
      p.error(c.holds_where_pos[i], fmt::format("holds_where: no claim '{}' in this scenario{}", c.holds_where[i],
                                                ids.empty() ? "" : suggest(c.holds_where[i], ids)));
    } else if (h->origin != Origin::harness) {
      p.error(c.holds_where_pos[i], fmt::format("holds_where: '{}' is a claim of the source; name a claim with "
                                                "origin: harness, which shows where this one holds",
                                                h->id));
    }
  }
  if (c.origin == Origin::harness && !c.quotes.empty())
    p.error(c.quotes.front().pos, "quote: a claim of the harness's own (origin: harness) quotes no source");
  if (c.origin == Origin::source && c.quotes.empty() && s.from_catalog())
    p.error(c.pos,
            fmt::format("claim '{}': quote the catalog's words it tests (quote:), or mark it origin: harness", c.id));
}

/// The sentence of the entry whose words come closest to `quote`, as a
/// suggestion, when it is close enough to be the one meant.
std::string closest_sentence(const CatalogText& catalog, int entry, std::string_view quote) {
  const CatalogSentence* best = nullptr;
  int best_d = 1 << 30;
  for (const auto* sent : catalog.sentences_of(entry))
    if (int d = edit_distance(quote, sent->text, true); d < best_d) best_d = d, best = sent;
  if (!best || best_d > std::max<int>(3, static_cast<int>(quote.size()) / 4)) return "";
  return fmt::format("; the closest sentence is '{}'", best->text);
}

void check_quotes(Parser& p, const Scenario& s, const LoadOptions& o) {
  if (!s.from_catalog()) return;
  if (!o.catalog) {
    if (!o.catalog_error.empty())
      p.error(s.entry_pos, fmt::format("entry: the catalog cannot be read, so its quotes cannot be checked: {} (pass "
                                       "--catalog FILE)",
                                       o.catalog_error));
    return;
  }
  const CatalogText& catalog = *o.catalog;
  const CatalogEntry* entry = catalog.entry(s.entry);
  if (!entry) {
    p.error(s.entry_pos, fmt::format("entry: the catalog ({}) has no entry {}", catalog.file, s.entry));
    return;
  }
  auto check = [&](const Quote& q) {
    if (!catalog.find_quote(s.entry, q.text))
      p.error(q.pos, fmt::format("quote: not the words of catalog entry {} ({}){}", s.entry, entry->title,
                                 closest_sentence(catalog, s.entry, q.text)));
  };
  for (const auto& c : s.claims)
    for (const auto& q : c.quotes) check(q);
  for (const auto& n : s.not_encoded)
    if (!n.quote.text.empty()) check(n.quote);
}

/// Go refuses an import the file does not use: say so at the import.
void check_imports(Parser& p, const Scenario& s) {
  auto unused = [&](const std::string& path, const Variant& v) {
    std::string name = package_name_of(path);
    if (name.empty()) return false;
    for (const auto& texts : {s.code_texts(v), s.harness_texts(v)})
      for (const auto& t : texts)
        if (uses_package(t, name)) return false;
    return true;
  };
  for (std::size_t i = 0; i < s.imports.size(); ++i)
    for (const auto& v : s.variants)
      if (unused(s.imports[i], v)) {
        p.error(s.imports_pos[i], fmt::format("imports: '{}' is not used by the common code nor by variant '{}' (Go "
                                              "refuses an unused import)",
                                              s.imports[i], v.name));
        break;
      }
  for (const auto& v : s.variants) {
    if (!v.sweep.empty() && v.value != s.variants_named(v.sweep).front()->value) continue;  // once per sweep
    for (std::size_t i = 0; i < v.imports.size(); ++i)
      if (unused(v.imports[i], v))
        p.error(v.imports_pos[i], fmt::format("imports: '{}' is not used by the code of variant '{}' (Go refuses an "
                                              "unused import)",
                                              v.imports[i], v.sweep.empty() ? v.name : v.sweep));
  }
}

/// Names starting with "harness" are the generated test file's own: a
/// spec's Go declaring or using one could collide with them.
void check_reserved(Parser& p, const Scenario& s) {
  auto check_block = [&](const CodeBlock& b) {
    if (auto at = first_identifier_with_prefix(b.text, kReservedPrefix))
      p.error(b.pos_at(at->first), fmt::format("'{}': names starting with '{}' are the harness's own in the generated "
                                               "package; rename it",
                                               at->second, kReservedPrefix));
  };
  check_block(s.common);
  for (const auto& v : s.variants) {
    if (!v.sweep.empty() && v.value != s.variants_named(v.sweep).front()->value) continue;  // once per sweep
    check_block(v.code);
    check_block(v.setup);
    if (auto at = first_identifier_with_prefix(v.call, kReservedPrefix)) {
      SourcePos pos = v.call_pos;
      pos.column += static_cast<int>(at->first);
      p.error(pos, fmt::format("'{}': names starting with '{}' are the harness's own in the generated package",
                               at->second, kReservedPrefix));
    }
  }
}

}  // namespace

void check_scenario(Parser& p, Scenario& s, const LoadOptions& o) {
  expand_sweeps(s);
  expand_expectations(s);
  check_names(p, s);
  for (const auto& c : s.claims) check_claim(p, s, c);
  for (const auto& v : s.variants)
    if (!v.fixes.empty() && known_variant(p, s, v.fixes, v.fixes_pos, "fixes") && v.fixes == v.name)
      p.error(v.fixes_pos, fmt::format("fixes: a variant cannot be a fix of itself ('{}')", v.name));
  check_quotes(p, s, o);
  check_imports(p, s);
  check_reserved(p, s);
}

}  // namespace eh
