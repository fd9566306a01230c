#include "spec_loader.h"

#include "pattern.h"
#include "text.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>

namespace eh {
namespace {

const std::vector<std::string> kScenarioKeys = {"id",      "entry",  "title",    "summary",
                                                "imports", "common", "variants", "claims"};
const std::vector<std::string> kVariantKeys = {"name",   "about",     "code",          "setup",  "imports",
                                               "call",   "results",   "boundary",      "calls",  "warmup",
                                               "min_go", "before_go", "reconstructed", "adapted"};
const std::vector<std::string> kClaimKeys = {"id", "text", "aspect", "expect", "correction", "holds_in"};

// Keys each expectation kind accepts besides `kind`.
const std::map<std::string, std::vector<std::string>> kExpectationKeys = {
    {"allocs", {"variant", "exactly", "at_least", "at_most", "approx", "tolerance"}},
    {"bytes", {"variant", "exactly", "at_least", "at_most", "approx", "tolerance"}},
    {"fewer", {"variant", "than", "metric", "by_at_least"}},
    {"diagnostic", {"variant", "marker", "matches", "present"}},
    {"site", {"variant", "function", "present", "view", "exactly", "at_least", "at_most"}},
    {"faster", {"variant", "than", "by_at_least"}},
    {"holds", {"variant", "expr"}},
    {"similar", {"variant", "than", "within"}},
};

int edit_distance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// " (did you mean 'x'?)" for the closest candidate within a small distance,
/// else the list of candidates.
std::string suggest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  int best_d = 1 << 30;
  for (const auto& c : candidates) {
    int d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = &c;
  }
  if (best && best_d <= std::max<int>(2, static_cast<int>(word.size()) / 3))
    return fmt::format(" (did you mean '{}'?)", *best);
  std::string all;
  for (const auto& c : candidates) all += (all.empty() ? "" : ", ") + c;
  return fmt::format(" (expected one of: {})", all);
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

/// The first byte that is not valid UTF-8, as (line, column), or line 0.
std::pair<int, int> first_invalid_utf8(std::string_view s) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) return {line, col};
    for (int k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80) return {line, col};
    // Reject overlong forms and surrogates so "valid" means what Go accepts.
    if (len == 2 && c < 0xC2) return {line, col};
    if (len == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return {line, col};
    }
    if (len == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90) || c > 0xF4) return {line, col};
    }
    if (c == '\n') ++line, col = 0;
    i += static_cast<std::size_t>(len);
    ++col;
  }
  return {0, 0};
}

using Fields = std::map<std::string, std::pair<YAML::Node, YAML::Node>>;
struct ExpectationFields;

/// Parsing state for one file: the text for error context and the errors.
class Parser {
 public:
  Parser(const std::string& file, const std::string& text, std::vector<InputError>& errors)
      : src_(file, text), errors_(errors) {}

  std::optional<Scenario> parse();

 private:
  SourcePos pos(const YAML::Node& n) const {
    auto m = n.Mark();
    if (m.line < 0) return {src_.file(), 0, 0};
    return {src_.file(), m.line + 1, m.column + 1};
  }
  void error(SourcePos p, std::string msg) { errors_.push_back(make_error(src_, std::move(p), std::move(msg))); }
  void error(const YAML::Node& n, std::string msg) { error(pos(n), std::move(msg)); }

  /// The map's entries by key, after reporting unknown and duplicate keys.
  /// `what` names the map in messages ("variant", "claim").
  std::map<std::string, std::pair<YAML::Node, YAML::Node>> fields(const YAML::Node& map, std::string_view what,
                                                                  const std::vector<std::string>& allowed);
  bool require(const std::map<std::string, std::pair<YAML::Node, YAML::Node>>& f, const YAML::Node& map,
               std::string_view what, std::initializer_list<const char*> keys);

  std::optional<std::string> string(const YAML::Node& n, std::string_view key);
  std::optional<long long> integer(const YAML::Node& n, std::string_view key, long long lo, long long hi);
  std::optional<bool> boolean(const YAML::Node& n, std::string_view key);
  std::optional<Rational> number(const YAML::Node& n, std::string_view key, bool allow_percent, bool* percent);
  std::optional<std::vector<std::string>> string_list(const YAML::Node& n, std::string_view key);
  std::optional<std::string> identifier(const YAML::Node& n, std::string_view key);
  /// One of an enum's names, by its name table; `what` names it in messages.
  template <NamedEnum E>
  std::optional<E> choice(const YAML::Node& n, std::string_view key, std::string_view what);
  std::optional<CodeBlock> code(const YAML::Node& n, std::string_view key);
  std::optional<std::vector<std::string>> imports(const YAML::Node& n);

  std::optional<Variant> variant(const YAML::Node& n);
  std::optional<Claim> claim(const YAML::Node& n);
  std::optional<Expectation> expectation(const YAML::Node& n);
  // The parts of an expectation, by kind.
  void take_ref(ExpectationFields& x, const char* key, std::string& out, SourcePos& where);
  int amounts(ExpectationFields& x, Expectation& e);
  void expect_amount(ExpectationFields& x, Expectation& e);
  void expect_comparison(ExpectationFields& x, Expectation& e);
  void expect_diagnostic(ExpectationFields& x, Expectation& e);
  void expect_site(ExpectationFields& x, Expectation& e);
  void expect_holds(ExpectationFields& x, Expectation& e);
  void check_references(Scenario& s);
  void check_correction(const Scenario& s, const Claim& c);

  SourceText src_;
  std::vector<InputError>& errors_;
};

std::map<std::string, std::pair<YAML::Node, YAML::Node>> Parser::fields(const YAML::Node& map, std::string_view what,
                                                                        const std::vector<std::string>& allowed) {
  std::map<std::string, std::pair<YAML::Node, YAML::Node>> out;
  for (const auto& kv : map) {
    const YAML::Node k = kv.first;  // a copy: the iterator's pair is a temporary
    if (!k.IsScalar()) {
      error(k, fmt::format("{}: keys must be plain words", what));
      continue;
    }
    const std::string& key = k.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(k, fmt::format("unknown key '{}' in {}{}", key, what, suggest(key, allowed)));
      continue;
    }
    if (out.count(key)) {
      error(k, fmt::format("duplicate key '{}' in {} (first at line {})", key, what, pos(out[key].first).line));
      continue;
    }
    out.emplace(key, std::make_pair(k, kv.second));
  }
  return out;
}

bool Parser::require(const std::map<std::string, std::pair<YAML::Node, YAML::Node>>& f, const YAML::Node& map,
                     std::string_view what, std::initializer_list<const char*> keys) {
  bool ok = true;
  for (const char* k : keys)
    if (!f.count(k)) {
      error(map, fmt::format("{} is missing required key '{}'", what, k));
      ok = false;
    }
  return ok;
}

std::string kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null: return "nothing";
    default: return fmt::format("'{}'", n.Scalar());
  }
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
      if (percent) *percent = pct;
      return pct ? *r / Rational(100) : *r;
    }
  }
  error(n, fmt::format("{}: expected a non-negative number like 3, 0.006 or 1/3{}, got {}", key,
                       allow_percent ? " (or a percentage like 10%)" : "", kind_name(n)));
  return std::nullopt;
}

std::optional<std::vector<std::string>> Parser::string_list(const YAML::Node& n, std::string_view key) {
  if (!n.IsSequence()) {
    error(n, fmt::format("{}: expected a list, got {}", key, kind_name(n)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& item : n) {
    auto s = string(item, key);
    if (s) out.push_back(*s);
    else
      ok = false;
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

template <NamedEnum E>
std::optional<E> Parser::choice(const YAML::Node& n, std::string_view key, std::string_view what) {
  auto x = string(n, key);
  if (!x) return std::nullopt;
  if (auto v = parse_enum<E>(*x)) return v;
  error(n, fmt::format("{}: unknown {} '{}'{}", key, what, *x, suggest(*x, enum_name_list<E>())));
  return std::nullopt;
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
  bool block = p.column >= 1 && static_cast<std::size_t>(p.column) <= l.size() &&
               (l[static_cast<std::size_t>(p.column - 1)] == '|' || l[static_cast<std::size_t>(p.column - 1)] == '>');
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

std::optional<std::vector<std::string>> Parser::imports(const YAML::Node& n) {
  auto list = string_list(n, "imports");
  if (!list) return std::nullopt;
  std::size_t i = 0;
  for (const auto& s : *list) {
    if (!valid_import(s)) {
      error(n[i], fmt::format("imports: '{}' is not a Go import path", s));
      return std::nullopt;
    }
    ++i;
  }
  return list;
}

std::optional<Scenario> Parser::parse() {
  if (auto [line, col] = first_invalid_utf8(src_.text()); line > 0) {
    error(SourcePos{src_.file(), line, col}, "file is not valid UTF-8");
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(src_.text());
  } catch (const YAML::ParserException& e) {
    error(SourcePos{src_.file(), e.mark.line + 1, e.mark.column + 1}, fmt::format("YAML syntax error: {}", e.msg));
    return std::nullopt;
  }
  if (!root.IsMap()) {
    error(root.IsNull() ? SourcePos{src_.file(), 0, 0} : pos(root),
          fmt::format("a scenario spec is a mapping with keys {}, got {}", "id, entry, title, variants, claims",
                      kind_name(root)));
    return std::nullopt;
  }
  std::size_t before = errors_.size();
  auto f = fields(root, "scenario", kScenarioKeys);
  require(f, root, "scenario", {"id", "entry", "title", "variants", "claims"});

  Scenario s;
  s.file = src_.file();
  s.pos = {src_.file(), 1, 1};
  if (f.count("id"))
    if (auto v = identifier(f["id"].second, "id")) s.id = *v, s.pos = pos(f["id"].second);
  if (f.count("entry"))
    if (auto v = integer(f["entry"].second, "entry", 1, 999))
      s.entry = static_cast<int>(*v), s.entry_pos = pos(f["entry"].second);
  if (f.count("title"))
    if (auto v = string(f["title"].second, "title")) s.title = *v;
  if (f.count("summary"))
    if (auto v = string(f["summary"].second, "summary")) s.summary = *v;
  if (f.count("imports"))
    if (auto v = imports(f["imports"].second)) s.imports = *v;
  if (f.count("common"))
    if (auto v = code(f["common"].second, "common")) s.common = *v;

  if (f.count("variants")) {
    const YAML::Node& vs = f["variants"].second;
    if (!vs.IsSequence() || vs.size() == 0) {
      error(vs, fmt::format("variants: expected a non-empty list of variants, got {}", kind_name(vs)));
    } else {
      std::map<std::string, int> seen;
      for (const auto& vn : vs) {
        auto v = variant(vn);
        if (!v) continue;
        if (seen.count(v->name)) {
          error(v->pos, fmt::format("duplicate variant name '{}' (first at line {})", v->name, seen[v->name]));
          continue;
        }
        seen[v->name] = v->pos.line;
        s.variants.push_back(std::move(*v));
      }
    }
  }
  if (f.count("claims")) {
    const YAML::Node& cs = f["claims"].second;
    if (!cs.IsSequence() || cs.size() == 0) {
      error(cs, fmt::format("claims: expected a non-empty list of claims, got {}", kind_name(cs)));
    } else {
      std::map<std::string, int> seen;
      for (const auto& cn : cs) {
        auto c = claim(cn);
        if (!c) continue;
        if (seen.count(c->id)) {
          error(c->pos, fmt::format("duplicate claim id '{}' (first at line {})", c->id, seen[c->id]));
          continue;
        }
        seen[c->id] = c->pos.line;
        s.claims.push_back(std::move(*c));
      }
    }
  }
  if (errors_.size() == before) check_references(s);
  if (errors_.size() != before) return std::nullopt;
  return s;
}

std::optional<Variant> Parser::variant(const YAML::Node& n) {
  if (!n.IsMap()) {
    error(n, fmt::format("a variant is a mapping with keys name, code, call; got {}", kind_name(n)));
    return std::nullopt;
  }
  std::size_t before = errors_.size();
  auto f = fields(n, "variant", kVariantKeys);
  require(f, n, "variant", {"name", "code", "call"});
  Variant v;
  v.pos = pos(n);
  if (f.count("name"))
    if (auto x = identifier(f["name"].second, "name")) v.name = *x, v.pos = pos(f["name"].second);
  if (f.count("about"))
    if (auto x = string(f["about"].second, "about")) v.about = *x;
  if (f.count("code"))
    if (auto x = code(f["code"].second, "code")) v.code = *x;
  if (f.count("setup"))
    if (auto x = code(f["setup"].second, "setup")) v.setup = *x;
  if (f.count("imports"))
    if (auto x = imports(f["imports"].second)) v.imports = *x;
  if (f.count("call")) {
    const YAML::Node& c = f["call"].second;
    if (auto x = string(c, "call")) {
      v.call = *x;
      v.call_pos = pos(c);
      while (!v.call.empty() && (v.call.back() == '\n' || v.call.back() == ' ')) v.call.pop_back();
      if (v.call.empty() || v.call.find('\n') != std::string::npos)
        error(c, "call: expected one line of Go: the call the benchmark measures, like 'walk(list)'");
    }
  }
  if (f.count("results")) {
    if (auto x = string_list(f["results"].second, "results")) {
      v.results = *x;
      for (std::size_t i = 0; i < x->size(); ++i)
        if ((*x)[i].empty() || (*x)[i].find_first_of("\n;{}") != std::string::npos)
          error(f["results"].second[i], fmt::format("results: '{}' is not a Go type", (*x)[i]));
    }
  }
  if (f.count("boundary"))
    if (auto x = choice<Boundary>(f["boundary"].second, "boundary", "boundary")) v.boundary = *x;
  if (f.count("calls"))
    if (auto x = integer(f["calls"].second, "calls", 1, 10'000'000)) v.calls = static_cast<int>(*x);
  if (f.count("warmup"))
    if (auto x = integer(f["warmup"].second, "warmup", 0, 1'000'000)) v.warmup = static_cast<int>(*x);
  for (const char* key : {"min_go", "before_go"}) {
    if (!f.count(key)) continue;
    const YAML::Node& m = f[key].second;
    if (auto x = string(m, key)) {
      auto ver = GoVersion::parse(*x);
      if (!ver || x->starts_with("go"))
        error(m, fmt::format("{}: expected a Go version like \"1.21\" or \"1.20.3\", got '{}'", key, *x));
      else
        (std::string_view(key) == "min_go" ? v.min_go : v.before_go) = ver;
    }
  }
  if (v.min_go && v.before_go && !(*v.min_go < *v.before_go))
    error(f["before_go"].second, fmt::format("before_go: {} is not after min_go {}: no Go version runs this variant",
                                             v.before_go->to_string(), v.min_go->to_string()));
  if (f.count("reconstructed"))
    if (auto x = string(f["reconstructed"].second, "reconstructed")) v.reconstructed = *x;
  if (f.count("adapted"))
    if (auto x = string(f["adapted"].second, "adapted")) v.adapted = *x;
  if (errors_.size() != before) return std::nullopt;
  return v;
}

std::optional<Claim> Parser::claim(const YAML::Node& n) {
  if (!n.IsMap()) {
    error(n, fmt::format("a claim is a mapping with keys id, text, aspect, expect; got {}", kind_name(n)));
    return std::nullopt;
  }
  std::size_t before = errors_.size();
  auto f = fields(n, "claim", kClaimKeys);
  require(f, n, "claim", {"id", "text", "aspect", "expect"});
  Claim c;
  c.pos = pos(n);
  if (f.count("id"))
    if (auto x = identifier(f["id"].second, "id")) c.id = *x, c.pos = pos(f["id"].second);
  if (f.count("text"))
    if (auto x = string(f["text"].second, "text")) c.text = *x;
  if (f.count("aspect"))
    if (auto x = choice<Aspect>(f["aspect"].second, "aspect", "aspect")) c.aspect = *x;
  if (f.count("correction"))
    if (auto x = string(f["correction"].second, "correction")) c.correction = *x;
  if (f.count("holds_in"))
    if (auto x = string_list(f["holds_in"].second, "holds_in")) {
      c.holds_in = *x;
      for (std::size_t i = 0; i < x->size(); ++i) c.holds_in_pos.push_back(pos(f["holds_in"].second[i]));
    }
  if (f.count("expect")) {
    const YAML::Node& es = f["expect"].second;
    if (!es.IsSequence() || es.size() == 0) {
      error(es, fmt::format("expect: expected a non-empty list of expectations, got {}", kind_name(es)));
    } else {
      for (const auto& en : es)
        if (auto e = expectation(en)) c.expect.push_back(std::move(*e));
    }
  }
  if (errors_.size() != before) return std::nullopt;
  return c;
}

/// The keys of one expectation, read by the kind's own method.
struct ExpectationFields {
  Fields f;
  const YAML::Node& node;
  std::string what;  // "allocs expectation"
};

void Parser::take_ref(ExpectationFields& x, const char* key, std::string& out, SourcePos& where) {
  if (!x.f.count(key)) return;
  if (auto v = string(x.f[key].second, key)) out = *v;
  where = pos(x.f[key].second);
}

int Parser::amounts(ExpectationFields& x, Expectation& e) {
  int n_cmp = 0;
  for (auto [key, cmp] : {std::pair{"exactly", Compare::exactly}, std::pair{"at_least", Compare::at_least},
                          std::pair{"at_most", Compare::at_most}, std::pair{"approx", Compare::approx}}) {
    if (!x.f.count(key)) continue;
    ++n_cmp;
    e.compare = cmp;
    e.has_amount = true;
    if (auto v = number(x.f[key].second, key, false, nullptr)) e.value = *v;
  }
  return n_cmp;
}

void Parser::expect_amount(ExpectationFields& x, Expectation& e) {
  auto& f = x.f;
  require(f, x.node, x.what, {"variant"});
  int n_cmp = amounts(x, e);
  if (n_cmp != 1) error(x.node, fmt::format("{} needs exactly one of exactly, at_least, at_most, approx", x.what));
  if (f.count("tolerance")) {
    if (e.compare != Compare::approx)
      error(f["tolerance"].first, "tolerance: only an 'approx' expectation takes a tolerance");
    else if (auto v = number(f["tolerance"].second, "tolerance", true, &e.tolerance_relative))
      e.tolerance = *v;
  } else if (n_cmp == 1 && e.compare == Compare::approx) {
    error(x.node, fmt::format("{}: 'approx' needs a 'tolerance' (like 10% or 16)", x.what));
  }
}

void Parser::expect_comparison(ExpectationFields& x, Expectation& e) {
  auto& f = x.f;
  const bool similar = e.kind == ExpectKind::similar;
  require(f, x.node, x.what,
          similar ? std::initializer_list<const char*>{"variant", "than", "within"}
                  : std::initializer_list<const char*>{"variant", "than"});
  take_ref(x, "than", e.than, e.than_pos);
  if (f.count("metric")) {
    if (auto v = choice<Metric>(f["metric"].second, "metric", "metric")) e.metric = *v;
  } else if (e.kind == ExpectKind::fewer) {
    error(x.node, fmt::format("{} is missing required key 'metric' (allocs or bytes)", x.what));
  }
  const char* margin = similar ? "within" : "by_at_least";
  if (f.count(margin)) {
    bool pct = false;
    if (auto v = number(f[margin].second, margin, true, &pct)) {
      e.by_at_least = *v;
      e.by_relative = pct || similar;
      if (e.kind != ExpectKind::fewer && !pct)
        error(f[margin].second, fmt::format("{}: a '{}' expectation takes a percentage, like 10%", margin, e.kind));
    }
  }
  if (!e.variant.empty() && e.variant == e.than)
    error(f["than"].second, fmt::format("than: a variant cannot be compared with itself ('{}')", e.than));
}

void Parser::expect_diagnostic(ExpectationFields& x, Expectation& e) {
  auto& f = x.f;
  require(f, x.node, x.what, {"variant", "marker", "matches"});
  take_ref(x, "marker", e.marker, e.marker_pos);
  if (f.count("matches"))
    if (auto v = string(f["matches"].second, "matches")) {
      e.matches = *v;
      if (auto why = pattern_error(e.matches))
        error(f["matches"].second, fmt::format("matches: not a valid regular expression: {}", *why));
    }
  if (f.count("present"))
    if (auto v = boolean(f["present"].second, "present")) e.present = *v;
}

void Parser::expect_site(ExpectationFields& x, Expectation& e) {
  auto& f = x.f;
  require(f, x.node, x.what, {"variant", "function"});
  if (f.count("function"))
    if (auto v = string(f["function"].second, "function")) e.function = *v;
  if (f.count("present"))
    if (auto v = boolean(f["present"].second, "present")) e.present = *v;
  if (f.count("view"))
    if (auto v = choice<SiteView>(f["view"].second, "view", "site view")) e.view = *v;
  if (int n_cmp = amounts(x, e); n_cmp > 1)
    error(x.node, fmt::format("{} takes at most one of exactly, at_least, at_most", x.what));
  else if (n_cmp == 1 && f.count("present"))
    error(f["present"].first, "present: a site expectation takes either 'present' or an amount, not both");
}

void Parser::expect_holds(ExpectationFields& x, Expectation& e) {
  auto& f = x.f;
  require(f, x.node, x.what, {"variant", "expr"});
  if (f.count("expr"))
    if (auto v = string(f["expr"].second, "expr")) {
      e.expr = *v;
      if (e.expr.empty() || e.expr.find('\n') != std::string::npos)
        error(f["expr"].second, "expr: expected one line of Go, a boolean expression like 'pinned()'");
    }
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
  std::vector<std::string> allowed = kExpectationKeys.at(std::string(to_string(*k)));
  allowed.insert(allowed.begin(), "kind");
  std::size_t before = errors_.size();
  std::string what = fmt::format("{} expectation", *k);
  ExpectationFields x{fields(n, what, allowed), n, what};
  take_ref(x, "variant", e.variant, e.variant_pos);
  switch (e.kind) {
    case ExpectKind::allocs:
    case ExpectKind::bytes: expect_amount(x, e); break;
    case ExpectKind::fewer:
    case ExpectKind::faster:
    case ExpectKind::similar: expect_comparison(x, e); break;
    case ExpectKind::diagnostic: expect_diagnostic(x, e); break;
    case ExpectKind::site: expect_site(x, e); break;
    case ExpectKind::holds: expect_holds(x, e); break;
  }
  if (errors_.size() != before) return std::nullopt;
  return e;
}

void Parser::check_correction(const Scenario& s, const Claim& c) {
  // Placeholders: {toolchains}, {variant.allocs|bytes|ns}.
  for (std::size_t b = c.correction.find('{'); b != std::string::npos; b = c.correction.find('{', b + 1)) {
    auto e = c.correction.find('}', b);
    std::string name = c.correction.substr(b + 1, e == std::string::npos ? std::string::npos : e - b - 1);
    if (name == "toolchains") continue;
    auto dot = name.rfind('.');
    std::string variant = dot == std::string::npos ? "" : name.substr(0, dot);
    std::string metric = dot == std::string::npos ? "" : name.substr(dot + 1);
    if (e == std::string::npos || !s.find_variant(variant) ||
        (metric != "allocs" && metric != "bytes" && metric != "ns"))
      error(c.pos, fmt::format("correction: '{{{}}}' is not a placeholder; use {{toolchains}} or {{variant.allocs}}, "
                               "{{variant.bytes}}, {{variant.ns}} with a variant of this scenario",
                               name));
  }
}

void Parser::check_references(Scenario& s) {
  std::vector<std::string> names;
  for (const auto& v : s.variants) names.push_back(v.name);
  auto known = [&](const std::string& name, const SourcePos& where, const char* key) {
    if (s.find_variant(name)) return true;
    error(where, fmt::format("{}: no variant named '{}' in this scenario{}", key, name, suggest(name, names)));
    return false;
  };
  for (const auto& c : s.claims) {
    for (std::size_t i = 0; i < c.holds_in.size(); ++i) known(c.holds_in[i], c.holds_in_pos[i], "holds_in");
    check_correction(s, c);
  }
  for (const auto& c : s.claims)
    for (const auto& e : c.expect) {
      if (!known(e.variant, e.variant_pos, "variant")) continue;
      if (e.kind == ExpectKind::fewer || e.kind == ExpectKind::faster || e.kind == ExpectKind::similar)
        known(e.than, e.than_pos, "than");
      if (e.kind == ExpectKind::diagnostic) {
        const Variant& v = *s.find_variant(e.variant);
        if (!s.find_marker(v, e.marker).found())
          error(e.marker_pos, fmt::format("marker: no line of variant '{}' (nor of its setup or the common code) "
                                          "carries '// @{}'",
                                          v.name, e.marker));
      }
    }
}

}  // namespace

std::optional<Scenario> parse_scenario(const std::string& file, const std::string& text,
                                       std::vector<InputError>& errors) {
  return Parser(file, text, errors).parse();
}

const std::vector<std::string>& scenario_keys() { return kScenarioKeys; }

LoadResult load_scenarios(const FileSystem& fs, const std::string& dir) {
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
    auto text = fs.read(path, &err);
    if (!text) {
      out.errors.push_back(InputError{SourcePos{path, 0, 0}, "cannot read the file", ""});
      continue;
    }
    auto s = parse_scenario(path, *text, out.errors);
    if (!s) continue;
    SourceText src(path, *text);
    if (auto it = ids.find(s->id); it != ids.end()) {
      out.errors.push_back(make_error(
          src, s->pos,
          fmt::format("duplicate scenario id '{}': {}:{} already uses it", s->id, it->second.file, it->second.line)));
      continue;
    }
    if (auto it = entries.find(s->entry); it != entries.end()) {
      out.errors.push_back(make_error(
          src, s->entry_pos,
          fmt::format("catalog entry {} is already covered by {}:{}", s->entry, it->second.file, it->second.line)));
      continue;
    }
    ids[s->id] = {path, s->pos.line};
    entries[s->entry] = {path, s->entry_pos.line};
    out.scenarios.push_back(std::move(*s));
  }
  std::sort(out.scenarios.begin(), out.scenarios.end(),
            [](const Scenario& a, const Scenario& b) { return std::tie(a.entry, a.id) < std::tie(b.entry, b.id); });
  return out;
}

}  // namespace eh
