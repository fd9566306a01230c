#include "go_syntax.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <vector>

namespace eh {
namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// The offset just past the literal or comment starting at `i`, or npos when
/// it is not terminated; `i` is at a '"', '`', '\'' or "//" / "/*".
std::size_t skip_literal(std::string_view t, std::size_t i) {
  const char q = t[i];
  if (q == '/' && i + 1 < t.size() && t[i + 1] == '/') {
    std::size_t e = t.find('\n', i);
    return e == std::string_view::npos ? t.size() : e;
  }
  if (q == '/') {  // "/*"
    std::size_t e = t.find("*/", i + 2);
    return e == std::string_view::npos ? std::string_view::npos : e + 2;
  }
  if (q == '`') {
    std::size_t e = t.find('`', i + 1);
    return e == std::string_view::npos ? std::string_view::npos : e + 1;
  }
  for (std::size_t k = i + 1; k < t.size(); ++k) {
    if (t[k] == '\\') {
      ++k;
    } else if (t[k] == q) {
      return k + 1;
    } else if (t[k] == '\n') {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

bool starts_literal(std::string_view t, std::size_t i) {
  char c = t[i];
  if (c == '"' || c == '`' || c == '\'') return true;
  return c == '/' && i + 1 < t.size() && (t[i + 1] == '/' || t[i + 1] == '*');
}

}  // namespace

std::optional<SyntaxProblem> one_go_expression(std::string_view text) {
  std::vector<std::pair<char, std::size_t>> open;  // bracket, offset
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (starts_literal(text, i)) {
      if (c == '/') return SyntaxProblem{i, "a comment cannot be part of one expression"};
      std::size_t e = skip_literal(text, i);
      if (e == std::string_view::npos) return SyntaxProblem{i, fmt::format("literal opened with {} is not closed", c)};
      i = e - 1;
      continue;
    }
    if (c == '\n' || c == '\r') return SyntaxProblem{i, "a newline: write one line of Go"};
    if (c == ';') return SyntaxProblem{i, "';' separates statements: write one Go expression"};
    if (c == '(' || c == '[' || c == '{') {
      open.emplace_back(c, i);
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      const char want = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (open.empty() || open.back().first != want)
        return SyntaxProblem{i, fmt::format("'{}' closes nothing here", c)};
      open.pop_back();
    }
  }
  if (!open.empty()) return SyntaxProblem{open.back().second, fmt::format("'{}' is not closed", open.back().first)};
  return std::nullopt;
}

namespace {

/// Calls f(offset, identifier, after_dot, rest) for each identifier of
/// `code` outside literals and comments, `rest` the text after it; stops
/// when f returns true, and returns whether it did.
template <class F>
bool each_identifier(std::string_view code, F f) {
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (starts_literal(code, i)) {
      std::size_t e = skip_literal(code, i);
      if (e == std::string_view::npos) return false;
      i = e - 1;
      continue;
    }
    if (!ident_char(code[i]) || (i > 0 && ident_char(code[i - 1]))) continue;
    std::size_t e = i;
    while (e < code.size() && ident_char(code[e])) ++e;
    const bool after_dot = i > 0 && code[i - 1] == '.';
    if (f(i, code.substr(i, e - i), after_dot, code.substr(e))) return true;
    i = e - 1;
  }
  return false;
}

}  // namespace

bool uses_package(std::string_view code, std::string_view name) {
  return each_identifier(code, [&](std::size_t, std::string_view id, bool after_dot, std::string_view rest) {
    return !after_dot && id == name && rest.starts_with('.');
  });
}

std::optional<std::pair<std::size_t, std::string>> first_identifier_with_prefix(std::string_view code,
                                                                                std::string_view prefix) {
  std::optional<std::pair<std::size_t, std::string>> out;
  each_identifier(code, [&](std::size_t at, std::string_view id, bool after_dot, std::string_view) {
    if (after_dot || !id.starts_with(prefix)) return false;
    out.emplace(at, std::string(id));
    return true;
  });
  return out;
}

std::string package_name_of(std::string_view path) {
  auto elements = [&] {
    std::vector<std::string_view> out;
    for (std::size_t b = 0; b <= path.size();) {
      std::size_t e = path.find('/', b);
      if (e == std::string_view::npos) e = path.size();
      out.push_back(path.substr(b, e - b));
      b = e + 1;
    }
    return out;
  }();
  std::string_view last = elements.back();
  auto major = [](std::string_view s) {
    return s.size() >= 2 && s[0] == 'v' &&
           std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (major(last) && elements.size() > 1) last = elements[elements.size() - 2];
  if (path.starts_with("gopkg.in/"))
    if (auto dot = last.find(".v"); dot != std::string_view::npos) last = last.substr(0, dot);
  // Where the path does not say the name ("go-yaml", "x.y"), only the
  // package clause does: say nothing rather than guess.
  if (last.find_first_of("-.") != std::string_view::npos) return "";
  return std::string(last);
}

}  // namespace eh
