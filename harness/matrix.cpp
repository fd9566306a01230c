#include "matrix.h"

#include <fmt/format.h>

namespace eh {

std::vector<std::string> parse_matrix(const std::string& file, const std::string& text,
                                      std::vector<InputError>& errors) {
  SourceText src(file, text);
  std::vector<std::string> out;
  for (int n = 1; n <= src.line_count(); ++n) {
    std::string_view line = src.line(n);
    line = line.substr(0, line.find('#'));
    auto b = line.find_first_not_of(" \t");
    if (b == std::string_view::npos) continue;
    auto e = line.find_last_not_of(" \t");
    std::string_view spec = line.substr(b, e - b + 1);
    if (spec.find_first_of(" \t") != std::string_view::npos) {
      errors.push_back(make_error(src, SourcePos{file, n, static_cast<int>(b) + 1},
                                  "one toolchain per line: a go binary, a GOROOT or a version like go1.27.3"));
      continue;
    }
    out.emplace_back(spec);
  }
  if (out.empty() && errors.empty()) errors.push_back(InputError{SourcePos{file, 0, 0}, "no toolchains listed", ""});
  return out;
}

}  // namespace eh
