#include "parse_m.h"

namespace eh {
namespace {

/// A positive decimal number at the front of `s` (at most 9 digits), or 0.
int take_number(std::string_view& s) {
  std::size_t i = 0;
  int v = 0;
  while (i < s.size() && i < 9 && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
  if (i < s.size() && s[i] >= '0' && s[i] <= '9') return 0;  // too long to be a position
  s.remove_prefix(i);
  return v;
}

}  // namespace

bool parse_compiler_line(std::string_view line, CompilerLineView& out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.front() == '#' || line.front() == ' ' || line.front() == '\t') return false;
  // The file name ends at the first ':' followed by a digit; file names
  // with such a colon are not produced by the go command.
  std::size_t colon = 0;
  for (;;) {
    const void* c = std::memchr(line.data() + colon, ':', line.size() - colon);
    if (!c) return false;
    colon = static_cast<std::size_t>(static_cast<const char*>(c) - line.data());
    if (colon == 0) return false;
    if (colon + 1 < line.size() && line[colon + 1] >= '0' && line[colon + 1] <= '9') break;
    ++colon;
  }
  std::string_view rest = line.substr(colon + 1);
  int ln = take_number(rest), col = 0;
  if (ln <= 0 || rest.empty() || rest.front() != ':') return false;
  rest.remove_prefix(1);
  if (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
    col = take_number(rest);
    if (col <= 0 || rest.empty() || rest.front() != ':') return false;
    rest.remove_prefix(1);
  }
  if (rest.empty() || rest.front() != ' ') return false;
  rest.remove_prefix(1);
  int indent = 0;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1), ++indent;
  if (rest.empty()) return false;
  out.file = line.substr(0, colon);
  out.line = ln;
  out.column = col;
  out.message = rest;
  out.indent = indent;
  return true;
}

bool parse_compiler_line(std::string_view line, CompilerLine& out) {
  CompilerLineView v;
  if (!parse_compiler_line(line, v)) return false;
  out = owned(v);
  return true;
}

std::vector<CompilerLine> parse_compiler_output(std::string_view text) {
  std::vector<CompilerLine> out;
  for_each_compiler_line(text, [&](const CompilerLineView& v) { out.push_back(owned(v)); });
  return out;
}

}  // namespace eh
