#include "parse_m.h"

#include <charconv>

namespace eh {
namespace {

bool take_number(std::string_view& s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p == s.data() || out <= 0) return false;
  s.remove_prefix(static_cast<std::size_t>(p - s.data()));
  return true;
}

}  // namespace

bool parse_compiler_line(std::string_view line, CompilerLine& out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.front() == '#' || line.front() == ' ' || line.front() == '\t') return false;
  // The file name ends at the first ':' followed by a digit; file names
  // with such a colon are not produced by the go command.
  std::size_t colon = 0;
  for (;;) {
    colon = line.find(':', colon);
    if (colon == std::string_view::npos || colon == 0) return false;
    if (colon + 1 < line.size() && line[colon + 1] >= '0' && line[colon + 1] <= '9') break;
    ++colon;
  }
  std::string_view rest = line.substr(colon + 1);
  int ln = 0, col = 0;
  if (!take_number(rest, ln) || rest.empty() || rest.front() != ':') return false;
  rest.remove_prefix(1);
  if (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
    if (!take_number(rest, col) || rest.empty() || rest.front() != ':') return false;
    rest.remove_prefix(1);
  }
  if (rest.empty() || rest.front() != ' ') return false;
  rest.remove_prefix(1);
  int indent = 0;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1), ++indent;
  if (rest.empty()) return false;
  out.file = std::string(line.substr(0, colon));
  out.line = ln;
  out.column = col;
  out.message = std::string(rest);
  out.indent = indent;
  return true;
}

std::vector<CompilerLine> parse_compiler_output(std::string_view text) {
  std::vector<CompilerLine> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    CompilerLine c;
    if (parse_compiler_line(line, c)) out.push_back(std::move(c));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace eh
