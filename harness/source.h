#pragma once
// Positions in scenario files and errors that point at them.

#include <string>
#include <string_view>
#include <vector>

namespace eh {

/// A place in an input file, 1-based as compilers print it. line == 0 means
/// the file as a whole (an empty directory, an unreadable file).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;

  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

/// "file:line:col" (or "file:line", or "file" when those are unknown).
std::string to_string(const SourcePos& pos);

/// The text of a file split into lines, kept so an error can quote the line
/// it is about.
class SourceText {
 public:
  SourceText() = default;
  SourceText(std::string file, std::string text);

  const std::string& file() const { return file_; }
  const std::string& text() const { return text_; }
  /// Line n (1-based) without its newline; empty when out of range.
  std::string_view line(int n) const;
  int line_count() const { return static_cast<int>(starts_.size()); }

 private:
  std::string file_;
  std::string text_;
  std::vector<std::size_t> starts_;
};

/// One problem in an input, formatted like a compiler error with the
/// offending line and a caret under the column:
///
///     scenarios/x.yaml:4:3: unknown key 'expcet' in claim (did you mean 'expect'?)
///         expcet:
///         ^
struct InputError {
  SourcePos pos;
  std::string message;
  std::string context;  // the offending line, empty when there is none

  std::string format() const;
};

/// An InputError for `pos` that quotes its line from `text`.
InputError make_error(const SourceText& text, SourcePos pos, std::string message);

}  // namespace eh
