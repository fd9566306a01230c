#include "source.h"

#include <fmt/format.h>

namespace eh {

std::string to_string(const SourcePos& pos) {
  if (pos.line <= 0) return pos.file;
  if (pos.column <= 0) return fmt::format("{}:{}", pos.file, pos.line);
  return fmt::format("{}:{}:{}", pos.file, pos.line, pos.column);
}

SourceText::SourceText(std::string file, std::string text) : file_(std::move(file)), text_(std::move(text)) {
  starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n' && i + 1 < text_.size()) starts_.push_back(i + 1);
}

std::string_view SourceText::line(int n) const {
  if (n < 1 || n > line_count()) return {};
  std::size_t b = starts_[static_cast<std::size_t>(n - 1)];
  std::size_t e = text_.find('\n', b);
  if (e == std::string::npos) e = text_.size();
  std::string_view l(text_.data() + b, e - b);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  return l;
}

std::string InputError::format() const {
  std::string out = fmt::format("{}: {}", to_string(pos), message);
  if (!context.empty()) {
    out += fmt::format("\n    {}", context);
    if (pos.column > 0) {
      // Keep tabs so the caret lines up under tab-indented text.
      std::string pad;
      for (int i = 0; i < pos.column - 1 && i < static_cast<int>(context.size()); ++i)
        pad += context[static_cast<std::size_t>(i)] == '\t' ? '\t' : ' ';
      out += fmt::format("\n    {}^", pad);
    }
  }
  return out;
}

namespace {

/// The line with bytes that are not UTF-8, and control bytes other than a
/// tab, written as \xNN, so an error about such a byte does not print it.
std::string printable(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size();) {
    auto c = static_cast<unsigned char>(line[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= line.size() && (c >= 0x20 || c == '\t') && c != 0x7f;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(line[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    out.append(line.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace

InputError make_error(const SourceText& text, SourcePos pos, std::string message) {
  std::string context = pos.line > 0 ? printable(text.line(pos.line)) : std::string();
  return InputError{std::move(pos), std::move(message), std::move(context)};
}

}  // namespace eh
