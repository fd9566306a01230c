#include "why.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <tuple>

namespace eh {
namespace {

using Key = std::tuple<std::string, int, int, std::string>;

Key key_of(const EscapeChain& c) { return {c.file, c.line, c.column, c.subject}; }

/// The steps as both routes can be compared: text, and the position of
/// "from" steps (the JSON log also places "flow" steps; -m=2 does not).
std::vector<std::tuple<std::string, std::string, int, int>> comparable(const EscapeChain& c) {
  std::vector<std::tuple<std::string, std::string, int, int>> out;
  for (const auto& s : c.steps)
    out.emplace_back(s.text, s.text.starts_with("from ") ? s.file : "", s.text.starts_with("from ") ? s.line : 0,
                     s.text.starts_with("from ") ? s.column : 0);
  return out;
}

std::vector<WhyStep> map_steps(const EscapeChain& c, const GeneratedModule& module) {
  std::vector<WhyStep> out;
  for (const auto& s : c.steps) {
    WhyStep w;
    w.text = s.text;
    if (s.text.starts_with("from ") && s.line > 0) {
      w.generated = fmt::format("{}:{}:{}", s.file, s.line, s.column);
      if (auto p = module.to_spec(s.file, s.line, s.column)) {
        w.pos = p->pos;
        w.region = p->region;
        w.code_line = p->code_line;
      }
    }
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace

std::vector<WhyChain> explain(const std::vector<EscapeChain>& m2, const std::vector<EscapeChain>& json,
                              const GeneratedModule& module) {
  std::map<Key, const EscapeChain*> from_m2, from_json;
  for (const auto& c : m2) from_m2.emplace(key_of(c), &c);
  for (const auto& c : json) from_json.emplace(key_of(c), &c);
  std::map<Key, WhyChain> out;  // ordered by position
  auto add = [&](const EscapeChain& c, Routes routes) {
    auto where = module.to_spec(c.file, c.line, c.column);
    if (!where) return;  // the harness's own code
    WhyChain w;
    w.subject = c.subject;
    w.pos = where->pos;
    w.region = where->region;
    w.code_line = where->code_line;
    w.generated = fmt::format("{}:{}:{}", c.file, c.line, c.column);
    w.steps = map_steps(c, module);
    w.routes = routes;
    out.emplace(key_of(c), std::move(w));
  };
  for (const auto& [k, c] : from_m2) {
    auto j = from_json.find(k);
    if (j == from_json.end()) {
      add(*c, Routes::m2_only);
    } else if (comparable(*c) == comparable(*j->second)) {
      add(*c, Routes::both);
    } else {
      add(*c, Routes::disagree);
      if (auto it = out.find(k); it != out.end()) it->second.json_steps = map_steps(*j->second, module);
    }
  }
  for (const auto& [k, c] : from_json)
    if (!from_m2.count(k)) add(*c, Routes::json_only);
  std::vector<WhyChain> v;
  for (auto& [_, w] : out) v.push_back(std::move(w));
  return v;
}

std::string package_of(std::string_view f) {
  auto slash = f.rfind('/');
  auto dot = f.find('.', slash == std::string_view::npos ? 0 : slash + 1);
  return std::string(dot == std::string_view::npos ? f : f.substr(0, dot));
}

std::vector<WhyChain> explain_points(const std::vector<EscapeChain>& m2, const std::vector<AllocPoint>& points,
                                     const std::string& goroot) {
  auto shorten = [&](const std::string& file) {
    std::string src = goroot.empty() ? "" : goroot + "/src/";
    return !src.empty() && file.starts_with(src) ? file.substr(src.size()) : file;
  };
  std::vector<WhyChain> out;
  for (const auto& c : m2) {
    const AllocPoint* at = nullptr;
    for (const auto& p : points)
      if (p.file == c.file && p.line == c.line) at = &p;
    if (!at) continue;
    WhyChain w;
    w.package = at->package;
    w.subject = c.subject;
    w.pos = SourcePos{shorten(c.file), c.line, c.column};
    w.generated = fmt::format("{}:{}:{}", c.file, c.line, c.column);
    w.routes = Routes::m2_only;
    for (const auto& s : c.steps) {
      WhyStep st;
      st.text = s.text;
      if (s.line > 0) {
        st.pos = SourcePos{shorten(s.file), s.line, s.column};
        st.generated = fmt::format("{}:{}:{}", s.file, s.line, s.column);
      }
      w.steps.push_back(std::move(st));
    }
    if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(std::move(w));
  }
  return out;
}

}  // namespace eh
