#include "errorcheck.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

#include "pattern.h"
#include "text.h"

namespace eh {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

bool is_build_line(std::string_view line) { return line.starts_with("//go:build") || line.starts_with("// +build"); }

/// The recipe's words, split as the driver's splitQuoted does for the
/// recipes the escape tests use (no quoting among them).
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

/// `LINE`, `LINE+N`, `LINE-N` in a regexp, as name:line.
std::string replace_line(const std::string& re, std::string_view name, int line) {
  std::string out;
  for (std::size_t i = 0; i < re.size();) {
    if (re.compare(i, 4, "LINE") != 0) {
      out += re[i++];
      continue;
    }
    i += 4;
    int n = line;
    if (i < re.size() && (re[i] == '+' || re[i] == '-') && i + 1 < re.size() &&
        std::isdigit(static_cast<unsigned char>(re[i + 1]))) {
      const bool plus = re[i] == '+';
      std::size_t j = i + 1;
      int d = 0;
      while (j < re.size() && std::isdigit(static_cast<unsigned char>(re[j]))) d = d * 10 + (re[j++] - '0');
      n += plus ? d : -d;
      i = j;
    }
    out += fmt::format("{}:{}", name, n);
  }
  return out;
}

// A //go:build expression: ||, &&, !, parentheses, tags.
class BuildExpr {
 public:
  BuildExpr(std::string_view s, std::string_view goos, std::string_view goarch, int minor)
      : s_(s), goos_(goos), goarch_(goarch), minor_(minor) {}
  bool eval() { return disjunction(); }

 private:
  void space() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  bool disjunction() {
    bool v = conjunction();
    for (space(); s_.substr(i_, 2) == "||"; space()) {
      i_ += 2;
      v = conjunction() || v;
    }
    return v;
  }
  bool conjunction() {
    bool v = unary();
    for (space(); s_.substr(i_, 2) == "&&"; space()) {
      i_ += 2;
      v = unary() && v;
    }
    return v;
  }
  bool unary() {
    space();
    if (i_ < s_.size() && s_[i_] == '!') {
      ++i_;
      return !unary();
    }
    if (i_ < s_.size() && s_[i_] == '(') {
      ++i_;
      bool v = disjunction();
      space();
      if (i_ < s_.size() && s_[i_] == ')') ++i_;
      return v;
    }
    std::size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '.')) ++i_;
    return tag(s_.substr(start, i_ - start));
  }
  bool tag(std::string_view t) const {
    if (t == goos_ || t == goarch_ || t == "gc") return true;
    if (t == "unix") return goos_ != "windows" && goos_ != "plan9" && goos_ != "js" && goos_ != "wasip1";
    if (t.starts_with("go1.")) {
      int n = 0;
      for (char c : t.substr(4)) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        n = n * 10 + (c - '0');
      }
      return n <= minor_;
    }
    return false;  // goexperiment.*, cgo, other tags: not set
  }
  std::string_view s_, goos_, goarch_;
  int minor_;
  std::size_t i_ = 0;
};

/// The driver's matchPrefix: the message's file (directory cut) and line
/// are `prefix`, followed by ':' or '['.
bool match_prefix(std::string_view s, std::string_view prefix) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  auto slash = s.substr(0, colon).rfind('/');
  if (slash != std::string_view::npos) s.remove_prefix(slash + 1);
  if (s.size() <= prefix.size() || s.substr(0, prefix.size()) != prefix) return false;
  return s[prefix.size()] == '[' || s[prefix.size()] == ':';
}

/// The message without its leading "file:line: " (the driver cuts up to the
/// first space).
std::string message_text(const std::string& m) {
  auto sp = m.find(' ');
  return sp == std::string::npos ? m : m.substr(sp + 1);
}

}  // namespace

bool build_constraint_holds(std::string_view expr, std::string_view goos, std::string_view goarch, int minor) {
  return BuildExpr(expr, goos, goarch, minor).eval();
}

ErrorcheckFile parse_errorcheck(std::string_view name, std::string_view text) {
  ErrorcheckFile f;
  f.name = std::string(name);
  const auto lines = lines_of(text);
  // The recipe: the first non-empty line that is not a build constraint.
  // The constraints: any in the header, up to the package clause.
  std::string recipe;
  bool have_recipe = false;
  for (auto line : lines) {
    if (line.starts_with("package ")) break;
    if (is_build_line(line)) {
      if (line.starts_with("//go:build")) f.build = std::string(trim(line.substr(10)));
      continue;
    }
    if (have_recipe || trim(line).empty()) continue;
    recipe = std::string(trim(line.starts_with("//") ? line.substr(2) : line));
    have_recipe = true;
  }
  auto w = words(recipe);
  if (w.empty() || (w[0] != "errorcheck" && w[0] != "errorcheckwithauto")) {
    f.skip = fmt::format("not an errorcheck test (its recipe: `{}`)", recipe.empty() ? "none" : recipe);
    return f;
  }
  f.want_auto = w[0] == "errorcheckwithauto";
  std::string goexperiment, godebug;
  for (std::size_t i = 1; i < w.size() && w[i].starts_with("-"); ++i) {
    const std::string& a = w[i];
    if (a == "-0" || a == "-1" || a == "-s") continue;  // the driver's own
    if ((a == "-t" || a == "-goexperiment" || a == "-godebug" || a == "-gomodversion") && i + 1 < w.size()) {
      if (a == "-goexperiment") goexperiment += (goexperiment.empty() ? "" : ",") + w[i + 1];
      if (a == "-godebug") godebug += (godebug.empty() ? "" : ",") + w[i + 1];
      ++i;
      continue;
    }
    f.flags.push_back(a);
  }
  if (!goexperiment.empty()) f.env.push_back("GOEXPERIMENT=" + goexperiment);
  if (!godebug.empty()) f.env.push_back("GODEBUG=" + godebug);
  auto d = std::find_if(f.flags.begin(), f.flags.end(), [](const std::string& x) { return x.starts_with("-d="); });
  if (d != f.flags.end()) *d += ",ssa/check/on";
  else
    f.flags.push_back("-d=ssa/check/on");

  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const int n = static_cast<int>(i) + 1;
    if (line.find("////") != std::string_view::npos) continue;  // a doubled comment disables ERROR
    bool autogen = false;
    std::size_t at = std::string_view::npos;
    for (const char* marker : {"// ERRORAUTO ", "// GC_ERRORAUTO "}) {
      if ((at = line.find(marker)) != std::string_view::npos) {
        autogen = true;
        at += std::string_view(marker).size();
        break;
      }
    }
    if (at == std::string_view::npos)
      for (const char* marker : {"// ERROR ", "// GC_ERROR "})
        if ((at = line.find(marker)) != std::string_view::npos) {
          at += std::string_view(marker).size();
          break;
        }
    if (at == std::string_view::npos) continue;
    std::string_view rest = line.substr(at);
    bool any = false;
    for (auto q = rest.find('"'); q != std::string_view::npos; q = rest.find('"')) {
      auto e = rest.find('"', q + 1);
      if (e == std::string_view::npos) break;
      const std::string re = replace_line(std::string(rest.substr(q + 1, e - q - 1)), name, n);
      rest.remove_prefix(e + 1);
      any = true;
      if (auto why = pattern_error(re)) f.problems.push_back(fmt::format("{}:{}: regexp `{}`: {}", name, n, re, *why));
      f.wants.push_back(ErrorWant{n, re, autogen});
    }
    if (!any) f.problems.push_back(fmt::format("{}:{}: an ERROR comment without a quoted regexp", name, n));
  }
  return f;
}

std::vector<std::string> split_compiler_output(std::string_view out, bool want_auto) {
  std::vector<std::string> res;
  for (auto line : lines_of(out)) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.starts_with('\t')) {
      if (!res.empty()) res.back() += "\n" + std::string(line);
    } else if (line.starts_with("go tool") || line.starts_with("#") ||
               (!want_auto && line.starts_with("<autogenerated>"))) {
      continue;
    } else if (!trim(line).empty()) {
      res.emplace_back(line);
    }
  }
  return res;
}

ErrorcheckResult judge_errorcheck(const ErrorcheckFile& f, std::string_view compiler_output, const std::string& full) {
  ErrorcheckResult r;
  std::vector<std::string> out = split_compiler_output(compiler_output, f.want_auto);
  // The file's path as compiled, wherever it appears, becomes its name.
  if (!full.empty())
    for (auto& m : out) m = replace_all(std::move(m), full, f.name);
  const std::vector<std::string> all = out;  // for each line's messages, as the compiler printed them
  for (const auto& w : f.wants) {
    const std::string prefix = fmt::format("{}:{}", f.name, w.line);
    std::vector<std::string> here, rest;
    for (const auto& m : out) {
      const bool at = w.autogenerated ? m.starts_with("<autogenerated>") : match_prefix(m, prefix);
      (at ? here : rest).push_back(m);
    }
    WantResult wr{w, Held::failed, {}};
    for (const auto& m : all)
      if (w.autogenerated ? m.starts_with("<autogenerated>") : match_prefix(m, prefix))
        wr.seen.push_back(message_text(m));
    // Judged on what earlier regexps of the line left, as the driver does.
    std::vector<std::string> kept = rest;
    for (const auto& m : here) {
      if (pattern_search(w.regexp, message_text(m))) wr.verdict = Held::held;
      else
        kept.push_back(m);
    }
    out = std::move(kept);
    r.wants.push_back(std::move(wr));
  }
  // What is left at a line of this file no regexp took (messages about
  // other files, such as instantiated imported generics, are not its).
  for (const auto& m : out)
    if (m.starts_with(f.name + ":")) r.unmatched.push_back(m);
  return r;
}

}  // namespace eh
