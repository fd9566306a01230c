#include "matrix.h"

#include <fmt/format.h>

namespace eh {

std::vector<MatrixLine> parse_matrix(const std::string& file, const std::string& text,
                                     std::vector<InputError>& errors) {
  SourceText src(file, text);
  std::vector<MatrixLine> out;
  for (int n = 1; n <= src.line_count(); ++n) {
    const std::string_view whole = src.line(n);
    std::string_view line = whole.substr(0, whole.find('#'));
    auto b = line.find_first_not_of(" \t");
    if (b == std::string_view::npos) continue;
    auto e = line.find_last_not_of(" \t");
    std::string_view rest = line.substr(b, e - b + 1);
    const std::size_t gap = rest.find_first_of(" \t");
    std::string_view spec = rest.substr(0, gap);
    BuildConfig config = BuildConfig::standard;
    if (gap != std::string_view::npos) {
      const std::size_t cb = rest.find_first_not_of(" \t", gap);
      std::string_view word = rest.substr(cb);
      const int col = static_cast<int>(b + cb) + 1;
      if (word.find_first_of(" \t") != std::string_view::npos) {
        errors.push_back(make_error(src, SourcePos{file, n, col},
                                    "one toolchain and at most one configuration per line: a go binary, a GOROOT "
                                    "or a version like go1.27.3, then one of " +
                                        config_spellings()));
        continue;
      }
      auto c = parse_config(word);
      if (!c) {
        errors.push_back(make_error(src, SourcePos{file, n, col},
                                    fmt::format("unknown configuration '{}' (a line is one toolchain, then at most one "
                                                "configuration); the known ones: {}",
                                                word, config_spellings())));
        continue;
      }
      config = *c;
    }
    out.push_back(
        MatrixLine{std::string(spec), config, SourcePos{file, n, static_cast<int>(b) + 1}, std::string(whole)});
  }
  if (out.empty() && errors.empty()) errors.push_back(InputError{SourcePos{file, 0, 0}, "no toolchains listed", ""});
  return out;
}

}  // namespace eh
