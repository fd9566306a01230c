#include "report_compiler.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "markdown.h"

namespace eh {
namespace {

using ojson = nlohmann::ordered_json;

struct Counts {
  int held = 0, failed = 0, skipped = 0, unexpected = 0, files = 0, files_skipped = 0, files_error = 0;
};

/// Each expectation of a file with its verdict on that toolchain: a file
/// skipped or in error has its expectations skipped (the reason is the file's).
std::vector<std::pair<ErrorWant, Held>> verdicts_of(const FileVerdicts& f) {
  std::vector<std::pair<ErrorWant, Held>> out;
  if (f.status == FileStatus::judged)
    for (const auto& w : f.result.wants) out.emplace_back(w.want, w.verdict);
  else
    for (const auto& w : f.parsed.wants) out.emplace_back(w, Held::skipped);
  return out;
}

Counts count(const CompilerReport& r, const std::string& suite, const std::string& tc) {
  Counts c;
  for (const auto& f : r.files) {
    if (f.suite != suite || f.toolchain != tc) continue;
    ++c.files;
    c.files_skipped += f.status == FileStatus::skipped;
    c.files_error += f.status == FileStatus::error;
    c.unexpected += static_cast<int>(f.result.unmatched.size());
    for (const auto& [w, v] : verdicts_of(f)) {
      c.held += v == Held::held;
      c.failed += v == Held::failed;
      c.skipped += v == Held::skipped;
    }
  }
  return c;
}

/// An expectation across toolchains: (suite, file, line, index on the line).
using Key = std::tuple<std::string, std::string, int, int>;

struct Row {
  std::string regexp;
  std::map<std::string, Held> verdicts;                  // by toolchain
  std::map<std::string, std::vector<std::string>> seen;  // the messages on its line, by toolchain
};

std::map<Key, Row> rows(const CompilerReport& r) {
  std::map<Key, Row> out;
  for (const auto& f : r.files) {
    std::map<int, int> index;
    const auto vs = verdicts_of(f);
    for (std::size_t i = 0; i < vs.size(); ++i) {
      const auto& [w, v] = vs[i];
      Row& row = out[Key{f.suite, f.file, w.line, index[w.line]++}];
      row.regexp = w.regexp;
      row.verdicts[f.toolchain] = v;
      if (f.status == FileStatus::judged) row.seen[f.toolchain] = f.result.wants[i].seen;
    }
  }
  return out;
}

/// Judged on two toolchains or more, with different verdicts.
bool differs(const Row& row) {
  std::set<Held> judged;
  for (const auto& [tc, v] : row.verdicts)
    if (v != Held::skipped) judged.insert(v);
  return judged.size() > 1;
}

}  // namespace

std::string compiler_summary(const CompilerReport& r) {
  std::string out;
  for (const auto& s : r.suites) {
    out += fmt::format("suite {}:\n", s);
    for (const auto& tc : r.toolchains) {
      Counts c = count(r, s, tc);
      out += fmt::format("  on {}: {} held, {} failed, {} skipped; {} unexpected message{}; {} files ({} skipped{})\n",
                         tc, c.held, c.failed, c.skipped, c.unexpected, c.unexpected == 1 ? "" : "s", c.files,
                         c.files_skipped, c.files_error ? fmt::format(", {} error", c.files_error) : "");
    }
  }
  for (const auto& f : r.files)
    if (f.toolchain == (r.toolchains.empty() ? "" : r.toolchains.front()))
      for (const auto& p : f.parsed.problems) out += fmt::format("  {} {}: {}\n", f.suite, f.file, p);
  int differ = 0;
  for (const auto& [k, row] : rows(r)) differ += differs(row);
  out += fmt::format("{} expectation{} judged differently by the toolchains\n", differ, differ == 1 ? "" : "s");
  for (const auto& f : r.files)
    if (f.status == FileStatus::error)
      out += fmt::format("  error: {} {} on {}: {}\n", f.suite, f.file, f.toolchain, f.reason);
  return out;
}

std::string compiler_markdown(const CompilerReport& r) {
  std::string out =
      "# The compiler's own claims: Go's escape tests on every toolchain\n\n"
      "Each Go release ships escape-analysis tests (`$GOROOT/test/escape*.go`): per line, `// ERROR` regexps "
      "the compiler's `-m` messages there must match. `escape-harness errorcheck` compiles each file with each "
      "toolchain as Go's test driver does and judges every expectation by the driver's rule: `held` when a "
      "message on its line matches it, `failed` when none does, `skipped` when the toolchain cannot compile the "
      "file (the reason is listed); a message no regexp of its line takes is counted as unexpected.\n\n";
  out += "| suite | toolchain | held | failed | skipped | unexpected messages | files (skipped) |\n";
  out += "|---|---|---:|---:|---:|---:|---:|\n";
  for (const auto& s : r.suites)
    for (const auto& tc : r.toolchains) {
      Counts c = count(r, s, tc);
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} ({}) |\n", md_cell(s), tc, c.held, c.failed, c.skipped,
                         c.unexpected, c.files, c.files_skipped);
    }
  out += "\n![expectations held per file and toolchain](compiler.svg)\n";
  out += "\n## Files not judged\n\n";
  bool any = false;
  for (const auto& f : r.files)
    if (f.status != FileStatus::judged) {
      out += fmt::format("- {} `{}` on {}: {} ({})\n", md_cell(f.suite), f.file, f.toolchain, to_string(f.status),
                         md_cell(f.reason));
      any = true;
    }
  if (!any) out += "None.\n";
  out +=
      "\n## What escape analysis changed between these releases\n\n"
      "Expectations judged on two toolchains or more whose verdicts differ, with each compiler's messages on "
      "that line.\n";
  std::string last_file;
  for (const auto& [k, row] : rows(r)) {
    if (!differs(row)) continue;
    const auto& [suite, file, line, index] = k;
    if (suite + "/" + file != last_file) {
      out += fmt::format("\n### {} `{}`\n\n", md_cell(suite), file);
      last_file = suite + "/" + file;
    }
    out += fmt::format("- line {}: {}\n", line, md_code(row.regexp));
    for (const auto& [tc, v] : row.verdicts) {
      std::string seen;
      if (auto s = row.seen.find(tc); s != row.seen.end())
        for (const auto& m : s->second) seen += fmt::format("{}{}", seen.empty() ? "" : "; ", md_code(m));
      out += fmt::format("  - {}: {}{}\n", tc, to_string(v), seen.empty() ? "" : " — " + seen);
    }
  }
  return out;
}

std::string compiler_json(const CompilerReport& r) {
  ojson expectations = ojson::array(), unexpected = ojson::array(), files = ojson::array();
  for (const auto& f : r.files) {
    ojson fj{{"suite", f.suite}, {"file", f.file}, {"toolchain", f.toolchain}, {"status", to_string(f.status)}};
    if (!f.reason.empty()) fj["reason"] = f.reason;
    if (!f.parsed.problems.empty()) fj["problems"] = f.parsed.problems;
    files.push_back(fj);
    const auto vs = verdicts_of(f);
    for (std::size_t i = 0; i < vs.size(); ++i) {
      ojson e{{"suite", f.suite},         {"file", f.file},
              {"line", vs[i].first.line}, {"regexp", vs[i].first.regexp},
              {"toolchain", f.toolchain}, {"verdict", to_string(vs[i].second)}};
      e["messages"] = f.status == FileStatus::judged ? ojson(f.result.wants[i].seen) : ojson::array();
      expectations.push_back(e);
    }
    for (const auto& m : f.result.unmatched)
      unexpected.push_back(ojson{{"suite", f.suite}, {"file", f.file}, {"toolchain", f.toolchain}, {"message", m}});
  }
  // One entry per line: a diff of two runs reads as the expectations that changed.
  auto lines = [](const ojson& a) {
    std::string out = "[";
    for (std::size_t i = 0; i < a.size(); ++i) out += (i ? ",\n  " : "\n  ") + a[i].dump();
    return out + (a.empty() ? "]" : "\n ]");
  };
  return fmt::format(
      "{{\n \"toolchains\": {},\n \"suites\": {},\n \"files\": {},\n \"expectations\": {},\n \"unexpected\": "
      "{}\n}}\n",
      ojson(r.toolchains).dump(), ojson(r.suites).dump(), lines(files), lines(expectations), lines(unexpected));
}

std::string compiler_heatmap_svg(const CompilerReport& r) {
  struct Row {
    std::string suite, file;
  };
  std::vector<Row> rows_;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& s : r.suites)
    for (const auto& f : r.files)
      if (f.suite == s && !f.parsed.wants.empty() && seen.insert({f.suite, f.file}).second)
        rows_.push_back(Row{f.suite, f.file});
  const int label_w = 230, cell_w = 110, cell_h = 16, top = 44;
  const int width = label_w + cell_w * static_cast<int>(std::max<std::size_t>(1, r.toolchains.size())) + 16;
  const int height = top + cell_h * static_cast<int>(rows_.size()) + 40;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<title>Go's escape tests: expectations held per file and "
      "toolchain</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, height);
  out +=
      "<text x=\"8\" y=\"16\" font-weight=\"bold\">Go's escape tests: expectations held of those judged, per file "
      "(rows: suite file) and toolchain</text>\n";
  for (std::size_t t = 0; t < r.toolchains.size(); ++t)
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", label_w + cell_w * t + cell_w / 2,
                       top - 8, r.toolchains[t]);
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const int y = top + cell_h * static_cast<int>(i);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{} {}</text>\n", label_w - 6, y + 12,
                       rows_[i].suite, rows_[i].file);
    for (std::size_t t = 0; t < r.toolchains.size(); ++t) {
      const FileVerdicts* f = nullptr;
      for (const auto& x : r.files)
        if (x.suite == rows_[i].suite && x.file == rows_[i].file && x.toolchain == r.toolchains[t]) f = &x;
      if (!f) continue;
      int held = 0, failed = 0;
      for (const auto& [w, v] : verdicts_of(*f)) {
        held += v == Held::held;
        failed += v == Held::failed;
      }
      const bool judged = f->status == FileStatus::judged;
      const char* fill = !judged ? "#bbbbbb" : failed ? "#d95f02" : "#1b9e77";
      const std::string text = judged ? fmt::format("{}/{}", held, held + failed) : std::string(to_string(f->status));
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"white\" data-suite=\"{}\" "
          "data-file=\"{}\" data-toolchain=\"{}\" data-held=\"{}\" data-failed=\"{}\" data-status=\"{}\"><title>{} {} "
          "on "
          "{}: {}</title></rect>\n",
          label_w + cell_w * t, y, cell_w, cell_h, fill, f->suite, f->file, f->toolchain, held, failed,
          to_string(f->status), f->suite, f->file, f->toolchain,
          judged ? fmt::format("{} held, {} failed, {} unexpected", held, failed, f->result.unmatched.size())
                 : f->reason);
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
                         label_w + cell_w * t + cell_w / 2, y + 12, judged ? "white" : "#222", text);
    }
  }
  int lx = 8;
  const int ly = height - 24;
  for (auto [fill, word] : {std::pair{"#1b9e77", "all held"}, std::pair{"#d95f02", "some failed"},
                            std::pair{"#bbbbbb", "file skipped or error"}}) {
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", lx, ly, fill);
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", lx + 16, ly + 10, word);
    lx += 150;
  }
  return out + "</svg>\n";
}

namespace {

/// The value a JSON string names in E's name table; an unknown name throws.
template <NamedEnum E>
E named(const nlohmann::json& j) {
  const std::string name = j.get<std::string>();
  if (auto v = parse_enum<E>(name)) return *v;
  throw std::runtime_error(
      fmt::format("unknown name '{}' (expected one of: {})", name, fmt::join(enum_name_list<E>(), ", ")));
}

}  // namespace

std::optional<CompilerReport> compiler_from_json(const std::string& text, std::string* err) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *err = "not JSON";
    return std::nullopt;
  }
  try {
    CompilerReport r;
    r.toolchains = j.at("toolchains").get<std::vector<std::string>>();
    r.suites = j.at("suites").get<std::vector<std::string>>();
    std::map<std::tuple<std::string, std::string, std::string>, std::size_t> at;  // suite, file, toolchain
    for (const auto& fj : j.at("files")) {
      FileVerdicts f;
      f.suite = fj.at("suite").get<std::string>();
      f.file = fj.at("file").get<std::string>();
      f.toolchain = fj.at("toolchain").get<std::string>();
      f.status = named<FileStatus>(fj.at("status"));
      f.reason = fj.value("reason", "");
      f.parsed.name = f.file;
      f.parsed.problems = fj.value("problems", std::vector<std::string>{});
      at[{f.suite, f.file, f.toolchain}] = r.files.size();
      r.files.push_back(std::move(f));
    }
    for (const auto& e : j.at("expectations")) {
      FileVerdicts& f = r.files.at(at.at(
          {e.at("suite").get<std::string>(), e.at("file").get<std::string>(), e.at("toolchain").get<std::string>()}));
      ErrorWant w{e.at("line").get<int>(), e.at("regexp").get<std::string>(), false};
      f.parsed.wants.push_back(w);
      if (f.status != FileStatus::judged) continue;
      f.result.wants.push_back(
          WantResult{w, named<Held>(e.at("verdict")), e.at("messages").get<std::vector<std::string>>()});
    }
    for (const auto& u : j.at("unexpected"))
      r.files
          .at(at.at({u.at("suite").get<std::string>(), u.at("file").get<std::string>(),
                     u.at("toolchain").get<std::string>()}))
          .result.unmatched.push_back(u.at("message").get<std::string>());
    return r;
  } catch (const std::exception& e) {
    *err = e.what();
    return std::nullopt;
  }
}

CompilerComparison compare_compiler(const CompilerReport& baseline, const CompilerReport& now) {
  CompilerComparison c;
  for (const auto& tc : now.toolchains)
    if (std::find(baseline.toolchains.begin(), baseline.toolchains.end(), tc) == baseline.toolchains.end())
      c.only_in_run.push_back(tc);
  const auto before = rows(baseline);
  for (const auto& [k, row] : rows(now)) {
    auto b = before.find(k);
    if (b == before.end()) continue;
    for (const auto& [tc, v] : row.verdicts) {
      auto old = b->second.verdicts.find(tc);
      if (old == b->second.verdicts.end() || old->second == Held::skipped || v == Held::skipped) continue;
      ++c.compared;
      if (old->second != v)
        c.changes.push_back(CompilerChange{std::get<0>(k), std::get<1>(k), tc, row.regexp,
                                           std::string(to_string(old->second)), std::string(to_string(v)),
                                           std::get<2>(k)});
    }
  }
  return c;
}

std::string format_compiler_changes(const CompilerComparison& c, const std::string& baseline_name) {
  if (!c.drift()) return fmt::format("no drift: {} expectation verdicts match {}\n", c.compared, baseline_name);
  const std::size_t n = c.changes.size() + c.only_in_run.size();
  std::string out = fmt::format("drift: {} change{} against {}\n", n, n == 1 ? "" : "s", baseline_name);
  for (const auto& ch : c.changes)
    out += fmt::format("  {} {}:{} on {}: {} -> {} (`{}`)\n", ch.suite, ch.file, ch.line, ch.toolchain, ch.was, ch.now,
                       ch.regexp);
  for (const auto& t : c.only_in_run)
    out += fmt::format("  toolchain {}: in this run only, no baseline to compare with\n", t);
  return out;
}

}  // namespace eh
