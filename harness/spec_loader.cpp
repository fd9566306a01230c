#include "spec_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <span>

#include "go_syntax.h"
#include "pattern.h"
#include "spec_parser.h"
#include "text.h"
#include "yaml_document.h"

namespace eh {
namespace {

// The tables below are the schema: one row per key, with its type, default
// and meaning (schema_reference() renders them) and the function that reads
// it. Rules that span keys (exactly one amount, a tolerance only with
// approx) are in finish_*; rules that span the file (references, quotes,
// imports) in spec_check.cpp.

using P = Parser;
using N = const YAML::Node&;

const Key<Scenario> kScenarioKeys[] = {
    {"id", true, "id", "", "the scenario's name ([a-z0-9-], up to 64): its directory in gosrc/",
     [](P& p, N v, Scenario& s) {
       if (auto x = p.identifier(v, "id")) s.id = *x, s.pos = p.pos(v);
     }},
    {"entry", false, "integer 1-999", "", "the catalog entry whose words the claims test",
     [](P& p, N v, Scenario& s) {
       if (auto x = p.integer(v, "entry", 1, 999)) s.entry = static_cast<int>(*x), s.entry_pos = p.pos(v);
     }},
    {"source", false, "string", "the catalog",
     "where the claims come from when they are not a catalog entry's: a URL, a book, or words like `folklore`",
     [](P& p, N v, Scenario& s) {
       if (auto x = p.string(v, "source")) s.source = *x;
     }},
    {"title", true, "string", "", "a heading for the reports",
     [](P& p, N v, Scenario& s) {
       if (auto x = p.string(v, "title")) s.title = *x;
     }},
    {"summary", false, "string", "", "one paragraph for the reports",
     [](P& p, N v, Scenario& s) {
       if (auto x = p.string(v, "summary")) s.summary = *x;
     }},
    {"imports", false, "list of import paths", "", "imports of the common code (each variant adds its own)",
     [](P& p, N v, Scenario& s) {
       if (auto x = p.imports(v, &s.imports_pos)) s.imports = *x;
     }},
    {"common", false, "Go code", "", "Go shared by every variant (types, helpers), gofmt-clean, no package clause",
     [](P& p, N v, Scenario& s) {
       if (auto x = p.code(v, "common")) s.common = *x;
     }},
    {"variants", true, "list of variants", "",
     "the code measured: bug, fixes, and variants that show where a claim holds",
     [](P& p, N v, Scenario& s) { p.variants(v, s); }},
    {"claims", true, "list of claims", "", "what the source says, each with the expectations that test it",
     [](P& p, N v, Scenario& s) { p.claims(v, s); }},
    {"not_encoded", false, "list of {quote, reason}", "",
     "sentences of the catalog entry that no claim tests, each with the reason (the coverage table shows them)",
     [](P& p, N v, Scenario& s) { p.not_encoded(v, s); }},
};

const Key<Variant> kVariantKeys[] = {
    {"name", true, "id", "", "the variant's name ([a-z0-9-]): a package of gosrc/",
     [](P& p, N v, Variant& x) {
       if (auto y = p.identifier(v, "name")) x.name = *y, x.pos = p.pos(v);
     }},
    {"about", false, "string", "", "what the variant shows, for the reports",
     [](P& p, N v, Variant& x) {
       if (auto y = p.string(v, "about")) x.about = *y;
     }},
    {"code", true, "Go code", "", "the variant's Go; `// @name` in a comment marks a line for diagnostics",
     [](P& p, N v, Variant& x) {
       if (auto y = p.code(v, "code")) x.code = *y;
     }},
    {"setup", false, "Go code", "", "package-level Go for the call's arguments",
     [](P& p, N v, Variant& x) {
       if (auto y = p.code(v, "setup")) x.setup = *y;
     }},
    {"imports", false, "list of import paths", "", "imports of this variant's code, besides the scenario's",
     [](P& p, N v, Variant& x) {
       if (auto y = p.imports(v, &x.imports_pos)) x.imports = *y;
     }},
    {"call", true, "Go expression", "", "the measured call, one expression on one line",
     [](P& p, N v, Variant& x) { p.call(v, x); }},
    {"results", false, "list of Go types", "none", "the call's result types, stored in package-level sinks",
     [](P& p, N v, Variant& x) { p.results(v, x); }},
    {"boundary", false, "noinline or inline", "noinline",
     "`inline` writes the call in the benchmark loop itself, so the compiler may inline it",
     [](P& p, N v, Variant& x) {
       if (auto y = p.choice<Boundary>(v, "boundary", "boundary")) x.boundary = *y;
     }},
    {"gcflags", false, "list of compiler flags", "none",
     "flags for the variant's package (`-l`: no inlining), besides -m=2; part of the cache key, shown in the reports",
     [](P& p, N v, Variant& x) { p.gcflags(v, x); }},
    {"calls", false, "integer 1-10000000", "10000", "calls counted for the exact allocations per call",
     [](P& p, N v, Variant& x) {
       if (auto y = p.integer(v, "calls", 1, 10'000'000)) x.calls = static_cast<int>(*y);
     }},
    {"warmup", false, "integer 0-1000000", "as many as `calls`", "calls made before counting starts",
     [](P& p, N v, Variant& x) {
       if (auto y = p.integer(v, "warmup", 0, 1'000'000)) x.warmup = static_cast<int>(*y);
     }},
    {"min_go", false, "Go version", "", "runs on this Go and newer; `skipped`, with the reason, on older toolchains",
     [](P& p, N v, Variant& x) { x.min_go = p.version(v, "min_go"); }},
    {"before_go", false, "Go version", "", "runs only on toolchains older than this",
     [](P& p, N v, Variant& x) { x.before_go = p.version(v, "before_go"); }},
    {"reconstructed", false, "string", "", "why this code was written here, where the catalog lost it",
     [](P& p, N v, Variant& x) {
       if (auto y = p.string(v, "reconstructed")) x.reconstructed = *y;
     }},
    {"adapted", false, "string", "", "what was changed from the catalog's code, and why",
     [](P& p, N v, Variant& x) {
       if (auto y = p.string(v, "adapted")) x.adapted = *y;
     }},
    {"fixes", false, "variant name", "", "the variant this one is a fix of: the reports tabulate what the fix changes",
     [](P& p, N v, Variant& x) {
       if (auto y = p.string(v, "fixes")) x.fixes = *y, x.fixes_pos = p.pos(v);
     }},
    {"params", false, "{name: [values]}", "",
     "a sweep: one variant per value, named `name/p=v`; `${p}` in code, setup, call and about is the value",
     [](P& p, N v, Variant& x) { p.params(v, x); }},
};

const Key<Claim> kClaimKeys[] = {
    {"id", true, "id", "", "the claim's name ([a-z0-9-])",
     [](P& p, N v, Claim& c) {
       if (auto x = p.identifier(v, "id")) c.id = *x, c.pos = p.pos(v);
     }},
    {"text", true, "string", "", "the claim in our words",
     [](P& p, N v, Claim& c) {
       if (auto x = p.string(v, "text")) c.text = *x;
     }},
    {"aspect", true, "symptom, cause, fix or note", "", "which part of the entry it comes from",
     [](P& p, N v, Claim& c) {
       if (auto x = p.choice<Aspect>(v, "aspect", "aspect")) c.aspect = *x;
     }},
    {"quote", false, "string or list of strings", "",
     "the source's words the claim tests, verbatim (required for a catalog entry's claims; checked against the "
     "catalog)",
     [](P& p, N v, Claim& c) { c.quotes = p.quotes(v, "quote"); }},
    {"origin", false, "source or harness", "source",
     "`harness`: a claim of the harness's own (where a claim holds or fails), shown apart and never counted as the "
     "source's",
     [](P& p, N v, Claim& c) {
       if (auto x = p.choice<Origin>(v, "origin", "origin")) c.origin = *x;
     }},
    {"expect", true, "list of expectations", "", "what must be observed; see the kinds below",
     [](P& p, N v, Claim& c) { p.expectations(v, c); }},
    {"combine", false, "all or any", "all",
     "`any`: one expectation holding is enough (\"in the profile\", when several profiles may be meant)",
     [](P& p, N v, Claim& c) {
       if (auto x = p.choice<Combine>(v, "combine", "combination")) c.combine = *x;
     }},
    {"min_go", false, "Go version", "", "the claim's own qualifier: judged on this Go and newer, else `skipped`",
     [](P& p, N v, Claim& c) { c.min_go = p.version(v, "min_go"); }},
    {"before_go", false, "Go version", "",
     "the claim's own qualifier (\"in pre-1.14 Go\"): judged only on older toolchains, else `skipped`",
     [](P& p, N v, Claim& c) { c.before_go = p.version(v, "before_go"); }},
    {"correction", false, "string with placeholders", "",
     "for ERRATA.md, should the claim be refuted: a corrected sentence (placeholders below)",
     [](P& p, N v, Claim& c) {
       if (auto x = p.string(v, "correction")) c.correction = *x, c.correction_pos = p.pos(v);
     }},
    {"holds_where", false, "list of claim ids", "",
     "harness claims of this scenario that show where this claim does hold (ERRATA's \"where it holds\")",
     [](P& p, N v, Claim& c) {
       if (auto x = p.string_list(v, "holds_where", &c.holds_where_pos)) c.holds_where = *x;
     }},
};

const Key<NotEncoded> kNotEncodedKeys[] = {
    {"quote", true, "string", "", "the sentence (or a part of it), verbatim",
     [](P& p, N v, NotEncoded& n) {
       auto q = p.quotes(v, "quote");
       if (q.size() == 1) n.quote = q.front();
       else if (q.size() > 1)
         p.error(v, "quote: a not_encoded entry quotes one sentence");
     }},
    {"reason", true, "string", "", "why no claim tests it",
     [](P& p, N v, NotEncoded& n) {
       if (auto x = p.string(v, "reason")) n.reason = *x;
     }},
};

/// Every expectation key once; kExpectationKinds says which kind takes which.
const Key<Expectation> kExpectationKeys[] = {
    {"kind", true, "expectation kind", "", "what is checked (the rows of the next table)", [](P&, N, Expectation&) {}},
    {"variant", true, "variant name", "", "the variant observed (a sweep's name: every value of it)",
     [](P& p, N v, Expectation& e) { p.reference(v, "variant", e.variant, e.variant_pos); }},
    {"than", true, "variant name", "", "the variant compared with",
     [](P& p, N v, Expectation& e) { p.reference(v, "than", e.than, e.than_pos); }},
    {"exactly", false, "number", "", "the amount is exactly this (an exact fraction like 1/3 or 0.006)",
     [](P& p, N v, Expectation& e) { p.amount(v, "exactly", Compare::exactly, e); }},
    {"at_least", false, "number", "", "the amount is at least this (cpu view: a percentage)",
     [](P& p, N v, Expectation& e) { p.amount(v, "at_least", Compare::at_least, e); }},
    {"at_most", false, "number", "", "the amount is at most this",
     [](P& p, N v, Expectation& e) { p.amount(v, "at_most", Compare::at_most, e); }},
    {"approx", false, "number", "", "the amount is this, within `tolerance`",
     [](P& p, N v, Expectation& e) { p.amount(v, "approx", Compare::approx, e); }},
    {"tolerance", false, "number or percentage", "", "for `approx`: an absolute amount, or up to 100% of it",
     [](P& p, N v, Expectation& e) {
       if (auto x = p.number(v, "tolerance", true, &e.tolerance_relative)) e.tolerance = *x;
     }},
    {"metric", true, "allocs or bytes", "", "what `fewer` compares",
     [](P& p, N v, Expectation& e) {
       if (auto x = p.choice<Metric>(v, "metric", "metric")) e.metric = *x;
     }},
    {"by_at_least", false, "number or percentage", "",
     "the least difference: per call, or a percentage of `than`'s value (`faster`: a percentage)",
     [](P& p, N v, Expectation& e) {
       if (auto x = p.number(v, "by_at_least", true, &e.by_relative)) e.by_at_least = *x;
     }},
    {"within", true, "percentage", "", "`similar`: the margin the 95% interval of the ratio must lie in",
     [](P& p, N v, Expectation& e) {
       bool pct = false;
       if (auto x = p.number(v, "within", true, &pct)) {
         if (!pct) p.error(v, "within: a 'similar' expectation takes a percentage, like 10%");
         e.by_at_least = *x;
         e.by_relative = true;
       }
     }},
    {"marker", true, "marker name", "", "the `// @marker` of the line (or `call`, the call's line)",
     [](P& p, N v, Expectation& e) { p.reference(v, "marker", e.marker, e.marker_pos); }},
    {"matches", true, "regular expression", "", "an RE2 pattern a message on that line must (or must not) match",
     [](P& p, N v, Expectation& e) { p.pattern(v, e); }},
    {"dialect", false, "-m or -m=2", "-m",
     "`-m=2`: match the extra lines of -m=2 (explanations, \"capturing by ref\", inlining costs)",
     [](P& p, N v, Expectation& e) {
       if (auto x = p.choice<Dialect>(v, "dialect", "dialect")) e.dialect = *x;
     }},
    {"copy", false, "out-of-line or inlined", "out-of-line",
     "`inlined`: the messages of the copy inlined at the measured call (at the call's line), not the function's own",
     [](P& p, N v, Expectation& e) {
       if (auto x = p.choice<Copy>(v, "copy", "copy")) e.copy = *x;
     }},
    {"present", false, "boolean", "true", "false: no message matches / the function accounts for nothing",
     [](P& p, N v, Expectation& e) {
       if (auto x = p.boolean(v, "present")) e.present = *x;
     }},
    {"function", true, "glob", "", "a function name pattern: `*` any run, `?` one character",
     [](P& p, N v, Expectation& e) {
       if (auto x = p.string(v, "function")) e.function = *x;
     }},
    {"view", false, "full, pprof or cpu", "full",
     "the profile read: full allocating stacks, go tool pprof's heap view, or a CPU profile (share of samples)",
     [](P& p, N v, Expectation& e) {
       if (auto x = p.choice<SiteView>(v, "view", "site view")) e.view = *x;
     }},
    {"expr", true, "Go expression", "", "a boolean expression evaluated in the variant's package after the calls",
     [](P& p, N v, Expectation& e) { p.holds_expr(v, e); }},
    {"ratio_at_least", true, "number", "",
     "`largest`: how many times `than`'s largest object `variant`'s must be at least",
     [](P& p, N v, Expectation& e) {
       if (auto x = p.number(v, "ratio_at_least", false, nullptr)) e.ratio_at_least = *x;
     }},
};

/// The keys each kind takes, besides `kind`, and what it checks.
struct KindKeys {
  ExpectKind kind;
  std::vector<std::string_view> keys;
  const char* help;
};
const KindKeys kExpectationKinds[] = {
    {ExpectKind::allocs,
     {"variant", "exactly", "at_least", "at_most", "approx", "tolerance"},
     "allocations per call of `variant` (mallocs over `calls`, exact), one of the amounts"},
    {ExpectKind::bytes,
     {"variant", "exactly", "at_least", "at_most", "approx", "tolerance"},
     "bytes per call of `variant`, one of the amounts"},
    {ExpectKind::fewer,
     {"variant", "than", "metric", "by_at_least"},
     "`variant` allocates fewer objects or bytes than `than` (at every repeat)"},
    {ExpectKind::diagnostic,
     {"variant", "marker", "matches", "present", "dialect", "copy"},
     "a compiler message on the marked line matches `matches`"},
    {ExpectKind::site,
     {"variant", "function", "present", "view", "exactly", "at_least", "at_most"},
     "`function` is on the stacks of `variant`'s allocations (objects per call), or of its CPU samples (a share)"},
    {ExpectKind::faster,
     {"variant", "than", "by_at_least"},
     "`variant`'s median ns/op is below `than`'s, significantly (U test), by at least the margin (95% interval)"},
    {ExpectKind::holds, {"variant", "expr"}, "a Go boolean expression is true in `variant`'s package"},
    {ExpectKind::similar,
     {"variant", "than", "within"},
     "the 95% interval of the ratio of the medians lies within the margin (equivalence)"},
    {ExpectKind::largest,
     {"variant", "than", "function", "ratio_at_least"},
     "the largest single object allocated under `function` by `variant` is at least `ratio_at_least` times "
     "`than`'s (how one growth step scales)"},
};

const KindKeys& keys_of(ExpectKind k) {
  for (const auto& x : kExpectationKinds)
    if (x.kind == k) return x;
  throw std::logic_error("an expectation kind without keys");
}

bool valid_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return s.front() != '-' && s.back() != '-';
}

bool valid_import(std::string_view s) {
  if (s.empty() || s.front() == '/' || s.back() == '/') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
          c == '_' || c == '-'))
      return false;
  return s.find("..") == std::string_view::npos;
}

/// The first byte that is not valid UTF-8, or a NUL, as (line, column, what); line 0 when none.
std::tuple<int, int, const char*> first_bad_byte(std::string_view s) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return {line, col, "a NUL byte: a spec is text"};
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    const char* bad = "file is not valid UTF-8";
    if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) return {line, col, bad};
    for (int k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80) return {line, col, bad};
    // Reject overlong forms and surrogates so "valid" means what Go accepts.
    const auto c1 = len > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if ((len == 2 && c < 0xC2) || (len == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))) ||
        (len == 4 && ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90) || c > 0xF4)))
      return {line, col, bad};
    if (c == '\n') line++, col = 0;
    i += static_cast<std::size_t>(len);
    ++col;
  }
  return {0, 0, nullptr};
}

}  // namespace

std::string suggest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  int best_d = 1 << 30;
  for (const auto& c : candidates) {
    int d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = &c;
  }
  if (best && best_d <= std::max<int>(2, static_cast<int>(word.size()) / 3))
    return fmt::format(" (did you mean '{}'?)", *best);
  return fmt::format(" (expected one of: {})", join(candidates, ", "));
}

std::string kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null: return "nothing";
    default: return fmt::format("'{}'", n.Scalar());
  }
}

SourcePos Parser::pos(const YAML::Node& n) const {
  auto m = n.Mark();
  if (m.line < 0) return {src_.file(), 0, 0};
  return {src_.file(), m.line + 1, m.column + 1};
}

void Parser::error(SourcePos p, std::string msg) { errors_.push_back(make_error(src_, std::move(p), std::move(msg))); }
void Parser::error(const YAML::Node& n, std::string msg) { error(pos(n), std::move(msg)); }

template <class T>
void Parser::read_map(const YAML::Node& n, std::string_view what, std::span<const Key<T>* const> keys, T& out) {
  std::vector<std::string> names;
  for (const auto* k : keys) names.emplace_back(k->name);
  std::map<std::string, int> seen;  // key -> line
  for (const auto& kv : n) {
    const YAML::Node k = kv.first;  // a copy: the iterator's pair is a temporary
    if (!k.IsScalar()) {
      error(k, fmt::format("{}: keys must be plain words", what));
      continue;
    }
    const std::string& key = k.Scalar();
    auto row = std::find_if(keys.begin(), keys.end(), [&](const Key<T>* r) { return key == r->name; });
    if (row == keys.end()) {
      error(k, fmt::format("unknown key '{}' in {}{}", key, what, suggest(key, names)));
      continue;
    }
    if (seen.count(key)) {
      error(k, fmt::format("duplicate key '{}' in {} (first at line {})", key, what, seen[key]));
      continue;
    }
    seen[key] = pos(k).line;
    (*row)->read(*this, kv.second, out);
  }
  for (const auto* k : keys)
    if (k->required && !seen.count(k->name)) error(n, fmt::format("{} is missing required key '{}'", what, k->name));
}

template <class T, std::size_t N>
std::vector<const Key<T>*> rows(const Key<T> (&table)[N]) {
  std::vector<const Key<T>*> out;
  for (const auto& k : table) out.push_back(&k);
  return out;
}

std::optional<std::string> Parser::string(const YAML::Node& n, std::string_view key) {
  if (!n.IsScalar()) {
    error(n, fmt::format("{}: expected a string, got {}", key, kind_name(n)));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<long long> Parser::integer(const YAML::Node& n, std::string_view key, long long lo, long long hi) {
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    long long v = 0;
    bool ok =
        !s.empty() && s.size() < 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (ok) v = std::stoll(s);
    if (ok && v >= lo && v <= hi) return v;
  }
  error(n, fmt::format("{}: expected an integer from {} to {}, got {}", key, lo, hi, kind_name(n)));
  return std::nullopt;
}

std::optional<bool> Parser::boolean(const YAML::Node& n, std::string_view key) {
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  error(n, fmt::format("{}: expected true or false, got {}", key, kind_name(n)));
  return std::nullopt;
}

std::optional<Rational> Parser::number(const YAML::Node& n, std::string_view key, bool allow_percent, bool* percent) {
  if (n.IsScalar()) {
    std::string s = n.Scalar();
    bool pct = allow_percent && !s.empty() && s.back() == '%';
    if (pct) s.pop_back();
    if (auto r = Rational::parse(s); r && *r >= Rational(0)) {
      if (pct && *r > Rational(100)) {
        error(n, fmt::format("{}: a percentage from 0% to 100%, got {}%", key, r->to_string()));
        return std::nullopt;
      }
      if (percent) *percent = pct;
      return pct ? *r / Rational(100) : *r;
    }
  }
  error(n, fmt::format("{}: expected a non-negative number like 3, 0.006 or 1/3{}, got {}", key,
                       allow_percent ? " (or a percentage like 10%)" : "", kind_name(n)));
  return std::nullopt;
}

std::optional<std::vector<std::string>> Parser::string_list(const YAML::Node& n, std::string_view key,
                                                            std::vector<SourcePos>* positions) {
  if (!n.IsSequence()) {
    error(n, fmt::format("{}: expected a list, got {}", key, kind_name(n)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& item : n) {
    if (auto s = string(item, key)) {
      out.push_back(*s);
      if (positions) positions->push_back(pos(item));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> Parser::identifier(const YAML::Node& n, std::string_view key) {
  auto s = string(n, key);
  if (!s) return std::nullopt;
  if (!valid_id(*s)) {
    error(n, fmt::format("{}: '{}' is not a valid id: use 1 to 64 of a-z, 0-9 and '-', not starting or ending "
                         "with '-' (ids become directory names)",
                         key, *s));
    return std::nullopt;
  }
  return s;
}

std::optional<GoVersion> Parser::version(const YAML::Node& n, std::string_view key) {
  auto x = string(n, key);
  if (!x) return std::nullopt;
  auto ver = GoVersion::parse(*x);
  if (!ver || x->starts_with("go")) {
    error(n, fmt::format("{}: expected a Go version like \"1.21\" or \"1.20.3\", got '{}'", key, *x));
    return std::nullopt;
  }
  return ver;
}

template <NamedEnum E>
std::optional<E> Parser::choice(const YAML::Node& n, std::string_view key, std::string_view what) {
  auto x = string(n, key);
  if (!x) return std::nullopt;
  if (auto v = parse_enum<E>(*x)) return v;
  error(n, fmt::format("{}: unknown {} '{}'{}", key, what, *x, suggest(*x, enum_name_list<E>())));
  return std::nullopt;
}

std::vector<Quote> Parser::quotes(const YAML::Node& n, std::string_view key) {
  std::vector<Quote> out;
  auto one = [&](const YAML::Node& item) {
    if (auto s = string(item, key)) {
      if (s->empty() || s->find('\n') != std::string::npos)
        error(item, fmt::format("{}: quote words of one line of the source, not empty", key));
      else
        out.push_back(Quote{*s, pos(item)});
    }
  };
  if (n.IsSequence()) {
    for (const auto& item : n) one(item);
  } else {
    one(n);
  }
  return out;
}

std::optional<CodeBlock> Parser::code(const YAML::Node& n, std::string_view key) {
  auto s = string(n, key);
  if (!s) return std::nullopt;
  CodeBlock b;
  b.file = src_.file();
  b.text = *s;
  if (!b.text.empty() && b.text.back() != '\n') b.text += '\n';
  // Where does the text start? For a block scalar the mark is on '|' or '>'
  // and the content starts on a following line, indented; otherwise the text
  // starts at the mark.
  SourcePos p = pos(n);
  std::string_view l = src_.line(p.line);
  const auto col = static_cast<std::size_t>(p.column);
  bool block = p.column >= 1 && col <= l.size() && (l[col - 1] == '|' || l[col - 1] == '>');
  if (block) {
    int line = p.line + 1;
    while (line <= src_.line_count() && src_.line(line).find_first_not_of(" \t\r") == std::string_view::npos) ++line;
    std::string_view first = src_.line(line);
    b.first_line = line;
    b.indent = static_cast<int>(std::min(first.find_first_not_of(' '), first.size()));
    // Leading blank lines are kept by YAML; count them back.
    for (char c : b.text) {
      if (c != '\n') break;
      --b.first_line;
    }
  } else {
    b.first_line = p.line;
    b.indent = p.column - 1 + (n.Tag() == "!" ? 1 : 0);  // past an opening quote
  }
  int line_no = 0;
  for (std::string_view rest = b.text; !rest.empty(); ++line_no) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    if (line.starts_with("package ") || line.starts_with("import ") || line == "import (") {
      error(SourcePos{src_.file(), b.first_line + line_no, b.indent + 1},
            fmt::format("{}: write Go code without a package clause or imports: the generator writes the package "
                        "clause, and imports go in 'imports:'",
                        key));
      return std::nullopt;
    }
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  }
  return b;
}

std::optional<std::vector<std::string>> Parser::imports(const YAML::Node& n, std::vector<SourcePos>* positions) {
  std::vector<SourcePos> at;
  auto list = string_list(n, "imports", &at);
  if (!list) return std::nullopt;
  for (std::size_t i = 0; i < list->size(); ++i)
    if (!valid_import((*list)[i])) {
      error(at[i], fmt::format("imports: '{}' is not a Go import path", (*list)[i]));
      return std::nullopt;
    }
  *positions = at;
  return list;
}

void Parser::reference(const YAML::Node& n, const char* key, std::string& out, SourcePos& where) {
  if (auto x = string(n, key)) out = *x;
  where = pos(n);
}

void Parser::amount(const YAML::Node& n, const char* key, Compare c, Expectation& e) {
  if (e.has_amount) {
    error(n, fmt::format("{}: give one amount ({} is given already)", key, e.compare));
    return;
  }
  e.compare = c;
  e.has_amount = true;
  if (auto x = number(n, key, true, &e.value_percent)) e.value = *x;
}

void Parser::pattern(const YAML::Node& n, Expectation& e) {
  auto x = string(n, "matches");
  if (!x) return;
  e.matches = *x;
  if (auto why = pattern_error(e.matches)) error(n, fmt::format("matches: not a pattern RE2 takes: {}", *why));
}

void Parser::holds_expr(const YAML::Node& n, Expectation& e) {
  auto x = string(n, "expr");
  if (!x) return;
  e.expr = *x;
  if (e.expr.empty() || e.expr.find('\n') != std::string::npos) {
    error(n, "expr: expected one line of Go, a boolean expression like 'pinned()'");
  } else if (auto bad = one_go_expression(e.expr)) {
    error(offset_pos(n, bad->offset), fmt::format("expr: not one Go expression: {}", bad->message));
  }
}

SourcePos Parser::offset_pos(const YAML::Node& n, std::size_t offset) const {
  SourcePos p = pos(n);
  // A plain or quoted scalar on one line: the offset is a column further on.
  if (n.Tag() == "!") ++p.column;  // past the opening quote
  p.column += static_cast<int>(offset);
  return p;
}

void Parser::call(const YAML::Node& n, Variant& v) {
  auto x = string(n, "call");
  if (!x) return;
  v.call = *x;
  v.call_pos = pos(n);
  while (!v.call.empty() && (v.call.back() == '\n' || v.call.back() == ' ')) v.call.pop_back();
  if (v.call.empty() || v.call.find('\n') != std::string::npos) {
    error(n, "call: expected one line of Go: the call the benchmark measures, like 'walk(list)'");
  } else if (auto bad = one_go_expression(v.call)) {
    error(offset_pos(n, bad->offset), fmt::format("call: not one Go expression: {}", bad->message));
  }
}

void Parser::results(const YAML::Node& n, Variant& v) {
  std::vector<SourcePos> at;
  auto x = string_list(n, "results", &at);
  if (!x) return;
  v.results = *x;
  for (std::size_t i = 0; i < x->size(); ++i)
    if ((*x)[i].empty() || one_go_expression((*x)[i]))
      error(at[i], fmt::format("results: '{}' is not a Go type", (*x)[i]));
}

void Parser::gcflags(const YAML::Node& n, Variant& v) {
  std::vector<SourcePos> at;
  auto x = string_list(n, "gcflags", &at);
  if (!x) return;
  for (std::size_t i = 0; i < x->size(); ++i) {
    const std::string& f = (*x)[i];
    // One flag per item, no quoting: the harness passes them to go itself.
    if (!f.starts_with("-") || f.find_first_of(" \t'\"\\") != std::string::npos || f.starts_with("-json") ||
        f.starts_with("-m"))
      error(at[i], fmt::format("gcflags: '{}' is not one compiler flag (like -l or -N); -m and -json are the "
                               "harness's own",
                               f));
    else
      v.gcflags.push_back(f);
  }
}

void Parser::params(const YAML::Node& n, Variant& v) {
  if (!n.IsMap() || n.size() != 1) {
    error(n, fmt::format("params: expected one parameter and its values, like {{n: [4, 8, 9]}}, got {}", kind_name(n)));
    return;
  }
  for (const auto& kv : n) {
    const YAML::Node k = kv.first;
    auto name = identifier(k, "params");
    std::vector<SourcePos> at;
    auto values = string_list(kv.second, "params", &at);
    if (!name || !values) return;
    if (values->empty()) error(kv.second, "params: give at least one value");
    for (std::size_t i = 0; i < values->size(); ++i)
      if (!valid_id((*values)[i]))
        error(at[i],
              fmt::format("params: '{}' is not a value of a-z, 0-9 and '-' (values name packages)", (*values)[i]));
    v.param = *name;
    v.param_values = *values;
  }
}

void Parser::not_encoded(const YAML::Node& n, Scenario& s) {
  each(n, "not_encoded", "sentences", [&](const YAML::Node& item) {
    if (!item.IsMap()) {
      error(item, fmt::format("a not_encoded entry is a mapping with keys quote and reason; got {}", kind_name(item)));
      return;
    }
    NotEncoded x;
    auto keys = rows(kNotEncodedKeys);
    read_map<NotEncoded>(item, "not_encoded entry", keys, x);
    s.not_encoded.push_back(std::move(x));
  });
}

void Parser::each(const YAML::Node& n, std::string_view key, std::string_view what,
                  const std::function<void(const YAML::Node&)>& f) {
  if (!n.IsSequence() || n.size() == 0) {
    error(n, fmt::format("{}: expected a non-empty list of {}, got {}", key, what, kind_name(n)));
    return;
  }
  for (const auto& item : n) f(item);
}

void Parser::variants(const YAML::Node& n, Scenario& s) {
  each(n, "variants", "variants", [&](const YAML::Node& vn) {
    if (!vn.IsMap()) {
      error(vn, fmt::format("a variant is a mapping with keys name, code, call; got {}", kind_name(vn)));
      return;
    }
    Variant v;
    v.pos = pos(vn);
    auto keys = rows(kVariantKeys);
    read_map<Variant>(vn, "variant", keys, v);
    if (v.min_go && v.before_go && !(*v.min_go < *v.before_go))
      error(pos(vn["before_go"]), fmt::format("before_go: {} is not after min_go {}: no Go version runs this variant",
                                              v.before_go->to_string(), v.min_go->to_string()));
    s.variants.push_back(std::move(v));
  });
}

void Parser::claims(const YAML::Node& n, Scenario& s) {
  each(n, "claims", "claims", [&](const YAML::Node& cn) {
    if (!cn.IsMap()) {
      error(cn, fmt::format("a claim is a mapping with keys id, text, aspect, expect; got {}", kind_name(cn)));
      return;
    }
    Claim c;
    c.pos = pos(cn);
    auto keys = rows(kClaimKeys);
    read_map<Claim>(cn, "claim", keys, c);
    if (c.min_go && c.before_go && !(*c.min_go < *c.before_go))
      error(pos(cn["before_go"]), fmt::format("before_go: {} is not after min_go {}: no Go version judges this claim",
                                              c.before_go->to_string(), c.min_go->to_string()));
    s.claims.push_back(std::move(c));
  });
}

void Parser::expectations(const YAML::Node& n, Claim& c) {
  each(n, "expect", "expectations", [&](const YAML::Node& en) {
    if (auto e = expectation(en)) c.expect.push_back(std::move(*e));
  });
}

std::optional<Expectation> Parser::expectation(const YAML::Node& n) {
  if (!n.IsMap()) {
    error(n, fmt::format("an expectation is a mapping with a 'kind' key; got {}", kind_name(n)));
    return std::nullopt;
  }
  Expectation e;
  e.pos = pos(n);
  const YAML::Node kind = n["kind"];
  if (!kind) {
    error(n, fmt::format("expectation is missing required key 'kind' (one of: {})",
                         join(enum_name_list<ExpectKind>(), ", ")));
    return std::nullopt;
  }
  auto k = choice<ExpectKind>(kind, "kind", "expectation kind");
  if (!k) return std::nullopt;
  e.kind = *k;
  const KindKeys& allowed = keys_of(*k);
  std::vector<const Key<Expectation>*> keys = {&kExpectationKeys[0]};
  for (const auto& row : kExpectationKeys)
    if (std::find(allowed.keys.begin(), allowed.keys.end(), row.name) != allowed.keys.end()) keys.push_back(&row);
  // Kept even with errors, so that its references (variant, than, marker)
  // are checked in the same pass; the scenario is refused all the same.
  const std::string what = fmt::format("{} expectation", *k);
  read_map<Expectation>(n, what, keys, e);
  finish_expectation(n, what, e);
  return e;
}

void Parser::finish_expectation(const YAML::Node& n, const std::string& what, Expectation& e) {
  const bool amount_kind = e.kind == ExpectKind::allocs || e.kind == ExpectKind::bytes;
  if (amount_kind && !e.has_amount) error(n, fmt::format("{} needs one of exactly, at_least, at_most, approx", what));
  if (e.kind == ExpectKind::site && e.compare == Compare::approx) error(n, fmt::format("{} takes no approx", what));
  if (e.has_amount && e.value_percent && !(e.kind == ExpectKind::site && e.view == SiteView::cpu))
    error(n, fmt::format("{}: amounts are per call; a percentage is for the cpu view's share of samples", what));
  if (e.kind == ExpectKind::site && e.view == SiteView::cpu && e.has_amount && !e.value_percent)
    error(n, fmt::format("{}: the cpu view's amount is a share of samples, like 10%", what));
  if (e.kind == ExpectKind::site && e.has_amount && n["present"])
    error(pos(n["present"]), "present: a site expectation takes either 'present' or an amount, not both");
  if (n["tolerance"] && e.compare != Compare::approx)
    error(pos(n["tolerance"]), "tolerance: only an 'approx' expectation takes a tolerance");
  else if (amount_kind && e.compare == Compare::approx && !n["tolerance"])
    error(n, fmt::format("{}: 'approx' needs a 'tolerance' (like 10% or 16)", what));
  if (e.kind == ExpectKind::faster && e.by_at_least && !e.by_relative)
    error(pos(n["by_at_least"]), "by_at_least: a 'faster' expectation takes a percentage, like 10%");
  if (e.by_relative && e.by_at_least && *e.by_at_least > Rational(1))
    error(n, fmt::format("{}: a margin of at most 100%", what));
  if (!e.variant.empty() && e.variant == e.than)
    error(e.than_pos, fmt::format("than: a variant cannot be compared with itself ('{}')", e.than));
}

std::optional<Scenario> Parser::parse() {
  if (auto [line, col, what] = first_bad_byte(src_.text()); line > 0) {
    error(SourcePos{src_.file(), line, col}, what);
    return std::nullopt;
  }
  YamlDocument doc;
  try {
    doc = load_yaml_document(src_.text());
  } catch (const YAML::ParserException& e) {
    error(SourcePos{src_.file(), e.mark.line + 1, e.mark.column + 1}, fmt::format("YAML syntax error: {}", e.msg));
    return std::nullopt;
  }
  if (doc.documents > 1) {
    error(SourcePos{src_.file(), doc.second.line + 1, doc.second.column + 1},
          fmt::format("a second YAML document: a spec file holds one scenario ({} documents here)", doc.documents));
    return std::nullopt;
  }
  YAML::Node root = doc.root;
  if (!root.IsMap()) {
    error(root.IsNull() ? SourcePos{src_.file(), 0, 0} : pos(root),
          fmt::format("a scenario spec is a mapping with keys {}, got {}", "id, entry, title, variants, claims",
                      kind_name(root)));
    return std::nullopt;
  }
  std::size_t before = errors_.size();
  Scenario s;
  s.file = src_.file();
  s.text_hash = fnv1a_hex(src_.text());
  s.pos = {src_.file(), 1, 1};
  auto keys = rows(kScenarioKeys);
  read_map<Scenario>(root, "scenario", keys, s);
  if (root["entry"] && root["source"])
    error(root["source"],
          "source: a scenario tests a catalog entry (entry:) or claims from another source (source:), "
          "not both");
  if (!root["entry"] && !root["source"])
    error(root,
          "scenario: give 'entry' (the catalog entry it tests) or 'source' (where its claims come from: a URL, "
          "a book, or words like folklore)");
  check_scenario(*this, s, options_);
  if (errors_.size() != before) return std::nullopt;
  return s;
}

std::optional<Scenario> parse_scenario(const std::string& file, const std::string& text,
                                       std::vector<InputError>& errors, const LoadOptions& options) {
  return Parser(file, text, errors, options).parse();
}

namespace {

/// The id a spec declares, read without checking anything else; "" when
/// it has none that can be read.
/// Why a directory entry named *.yaml cannot be read as a spec, or "".
std::string not_a_spec_file(FileKind k) {
  switch (k) {
    case FileKind::file: return "";
    case FileKind::none: return "cannot read the file: a dangling symbolic link, or it was removed";
    case FileKind::loop: return "a loop of symbolic links: a spec is a regular file";
    case FileKind::dir: return "a directory named like a spec: a spec is a regular file";
    case FileKind::fifo: return "a FIFO, not a regular file: refused (reading it would wait for a writer)";
    case FileKind::device: return "a device, not a regular file: refused";
    case FileKind::socket: return "a socket, not a regular file: refused";
    case FileKind::other: return "not a regular file: refused";
  }
  return "not a regular file: refused";
}

std::pair<std::string, SourcePos> peek_id(const std::string& path, const std::string& text) {
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsMap() && root["id"] && root["id"].IsScalar()) {
      const auto mark = root["id"].Mark();
      return {root["id"].Scalar(), SourcePos{path, mark.line + 1, mark.column + 1}};
    }
  } catch (const YAML::Exception&) {
  }
  return {"", {}};
}

}  // namespace

LoadResult load_scenarios(const FileSystem& fs, const std::string& dir, const LoadOptions& options) {
  LoadResult out;
  std::string err;
  auto names = fs.list(dir, &err);
  if (!names) {
    out.errors.push_back(InputError{SourcePos{dir, 0, 0}, err.substr(err.find(": ") + 2), ""});
    return out;
  }
  std::vector<std::string> specs;
  for (const auto& n : *names)
    if (n.ends_with(".yaml") || n.ends_with(".yml")) specs.push_back(n);
  if (specs.empty()) {
    out.errors.push_back(InputError{SourcePos{dir, 0, 0},
                                    "no scenario specs (*.yaml) in this directory; see README.md for the format", ""});
    return out;
  }
  struct Seen {
    std::string file;
    int line;
  };
  std::map<std::string, Seen> ids;
  std::map<int, Seen> entries;
  for (const auto& name : specs) {
    std::string path = join_path(dir, name);
    // Only regular files are specs: reading a FIFO would block for ever.
    if (std::string why = not_a_spec_file(fs.kind(path)); !why.empty()) {
      out.errors.push_back(InputError{SourcePos{path, 0, 0}, why, ""});
      continue;
    }
    auto text = fs.read(path, &err);
    if (!text) {
      out.errors.push_back(InputError{SourcePos{path, 0, 0}, "cannot read the file", ""});
      continue;
    }
    auto s = parse_scenario(path, *text, out.errors, options);
    SourceText src(path, *text);
    // A file with errors is still checked for an id another file uses, so
    // that one run lists every problem.
    const auto [id, id_pos] = s ? std::pair{s->id, s->pos} : peek_id(path, *text);
    if (auto it = ids.find(id); !id.empty() && it != ids.end()) {
      out.errors.push_back(make_error(
          src, id_pos,
          fmt::format("duplicate scenario id '{}': {}:{} already uses it", id, it->second.file, it->second.line)));
      continue;
    }
    if (!s) continue;
    if (auto it = entries.find(s->entry); s->from_catalog() && it != entries.end()) {
      out.errors.push_back(make_error(
          src, s->entry_pos,
          fmt::format("catalog entry {} is already covered by {}:{}", s->entry, it->second.file, it->second.line)));
      continue;
    }
    ids[s->id] = {path, s->pos.line};
    if (s->from_catalog()) entries[s->entry] = {path, s->entry_pos.line};
    out.scenarios.push_back(std::move(*s));
  }
  std::sort(out.scenarios.begin(), out.scenarios.end(), [](const Scenario& a, const Scenario& b) {
    return scenario_order(a.entry, a.id) < scenario_order(b.entry, b.id);
  });
  // Each file's errors in the order of its lines, whichever check found them.
  std::stable_sort(out.errors.begin(), out.errors.end(), [](const InputError& a, const InputError& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column) < std::tie(b.pos.file, b.pos.line, b.pos.column);
  });
  return out;
}

std::vector<NotEncoded> load_catalog_notes(const FileSystem& fs, const std::string& path, const CatalogText& catalog,
                                           std::vector<InputError>& errors) {
  std::string err;
  auto text = fs.read(path, &err);
  if (!text) {
    errors.push_back(InputError{SourcePos{path, 0, 0}, "cannot read the file", ""});
    return {};
  }
  Parser p(path, *text, errors, LoadOptions{});
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::ParserException& e) {
    p.error(SourcePos{path, e.mark.line + 1, e.mark.column + 1}, fmt::format("YAML syntax error: {}", e.msg));
    return {};
  }
  Scenario holder;
  if (!root.IsMap() || !root["not_encoded"]) {
    p.error(root, "a notes file is a mapping with one key, not_encoded");
    return {};
  }
  p.not_encoded(root["not_encoded"], holder);
  for (const auto& n : holder.not_encoded) {
    auto outside = catalog.sentences_of(0);
    bool found = std::any_of(outside.begin(), outside.end(),
                             [&](const CatalogSentence* s) { return s->text.find(n.quote.text) != std::string::npos; });
    if (!found) p.error(n.quote.pos, "quote: not the words of a sentence of the catalog outside its entries");
  }
  return holder.not_encoded;
}

std::string schema_reference() {
  auto table = [](std::string_view title, const auto& keys) {
    std::string out = fmt::format("**{}**\n\n| key | takes | default | meaning |\n|---|---|---|---|\n", title);
    for (const auto& k : keys)
      out += fmt::format("| `{}`{} | {} | {} | {} |\n", k.name, k.required ? " (required)" : "", k.type,
                         *k.fallback ? k.fallback : "", k.help);
    return out + "\n";
  };
  std::string out = table("Scenario", kScenarioKeys) + table("Variant", kVariantKeys) + table("Claim", kClaimKeys) +
                    table("not_encoded entry", kNotEncodedKeys) + table("Expectation", kExpectationKeys);
  out +=
      "**Expectation kinds** (each takes `kind`, `variant` and the keys listed)\n\n| kind | keys | checks |\n"
      "|---|---|---|\n";
  for (const auto& k : kExpectationKinds) {
    std::vector<std::string> keys;
    for (auto key : k.keys)
      if (key != "variant") keys.push_back(fmt::format("`{}`", key));
    out += fmt::format("| `{}` | {} | {} |\n", k.kind, join(keys, ", "), k.help);
  }
  out +=
      "\n**Placeholders of `correction`** (filled from the measurements of the toolchains that refute the claim; "
      "a value that differs between them is given per toolchain)\n\n- `{toolchains}`: those toolchains\n";
  for (const auto& m : kCorrectionMetrics) out += fmt::format("- `{{V.{}}}`: variant V's {}\n", m.name, m.help);
  return out + "\n";
}

}  // namespace eh
