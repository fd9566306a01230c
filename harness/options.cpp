#include "options.h"

#include <fmt/format.h>

#include <stdexcept>

namespace eh {
namespace {

constexpr std::uint32_t kRunLike = kCmdRun | kCmdCheck;

// Every option, once per meaning; a name may have a row per group of
// commands where it means something else there.
constexpr OptionRow kOptions[] = {
    {"--only", "ID", "", "run only this scenario", kRunLike, true},
    {"--go", "SPEC", "go",
     "a go to use: a go binary, a GOROOT, or a version such as go1.27.3 (run via GOTOOLCHAIN); default: go on PATH",
     kRunLike | kCmdErrorcheck, true},
    {"--go", "SPEC", "go", "the go to use (as for run); twice with --diff: the older, then the newer",
     kCmdScan | kCmdProfile, true},
    {"--config", "NAME", "",
     "build configuration for the --go toolchains (default, pgo, noinline, GOARCH=arm64, GOARCH=386, GOAMD64=v3); "
     "repeat for several; default: default",
     kRunLike, true},
    {"--matrix", "", "", "use every toolchain (and configuration) listed in the matrix file",
     kRunLike | kCmdErrorcheck},
    {"--matrix-file", "FILE", "", "the matrix file (default: toolchains.txt beside the specs, in --scenarios)",
     kRunLike | kCmdErrorcheck},
    {"--suite", "DIR", "",
     "a suite: a GOROOT (its test/escape*.go) or a directory of escape*.go (default: each toolchain's own GOROOT)",
     kCmdErrorcheck, true},
    {"--out", "DIR", "", "write COMPILER.md and compiler.json there", kCmdErrorcheck},
    {"--baseline", "FILE", "",
     "a compiler.json to compare with: an expectation whose verdict changed on a toolchain both judged is drift "
     "(exit 1)",
     kCmdErrorcheck},
    {"--out", "DIR", "reports",
     "where the report set is written; the cells this run does not measure are kept from its results.json", kCmdRun},
    {"--out", "DIR", "", "also write the report set there, as run does (default: compare only)", kCmdCheck},
    {"--replace", "", "",
     "start a new report set instead of keeping the previous results.json's other cells (needed when it is unreadable)",
     kRunLike},
    {"--out", "DIR", "",
     "the report set to rewrite from its results.json (default: the directory of --results, or reports)", kCmdReport},
    {"--out", "DIR", "", "the report set whose results.json to read (default: reports)", kCmdShow},
    {"--out", "DIR", "reports", "where the merged results.json and the reports are written", kCmdMerge},
    {"--out", "FILE", "",
     "write the format there (the summary still goes to stdout; without --out, md/json/sarif go to stdout, the "
     "summary to stderr)",
     kCmdScan | kCmdProfile},
    {"--scenarios", "DIR", "scenarios", "where the specs are", kRunLike | kCmdGen | kCmdList | kCmdErrorcheck},
    {"--gosrc", "DIR", "gosrc", "where the generated module is written", kCmdGen},
    {"--catalog", "FILE", "", "the catalog the quotes are checked against (default: catalog/ beside the scenarios)",
     kRunLike | kCmdGen | kCmdList},
    {"--quick", "", "", "no timing: timing claims are `skipped`, and no ns/op is measured", kRunLike},
    {"--samples", "N", "60",
     "the most timing samples per variant (100 ms each), taken only while a comparison is undecided", kRunLike, false,
     2, 1000},
    {"--looks", "K", "3",
     "looks of the sequential timing test (O'Brien-Fleming), equally spaced up to --samples; 1: a fixed-sample test",
     kRunLike, false, 1, 10},
    {"--timeout", "SECONDS", "120",
     "limit for each test-binary run (compiles get 5 minutes or this, whichever is longer)", kRunLike, false, 1,
     24 * 3600},
    {"--timeout", "SECONDS", "1800", "kill go build after this many seconds", kCmdScan, false, 1, 24 * 3600},
    {"--timeout", "SECONDS", "600", "kill a build or a benchmark run (its process group) after this many seconds",
     kCmdProfile, false, 1, 24 * 3600},
    {"--timeout", "SECONDS", "300", "kill a file's compile after this many seconds (that file is an error)",
     kCmdErrorcheck, false, 1, 24 * 3600},
    {"--jobs", "N", "", "files compiled at once (default: the number of cores)", kCmdErrorcheck, false, 1, 256},
    {"--jobs", "N", "",
     "benchmarks measured at once (default: the number of cores); allocation counts do not depend on it", kCmdProfile,
     false, 1, 256},
    {"--work", "DIR", "",
     "where the module is built (default: a directory under $XDG_CACHE_HOME/escape-harness, one per output "
     "directory)",
     kRunLike},
    {"--jobs", "N", "",
     "variants measured at once in the facts phase (default: the number of cores); timing always runs alone", kRunLike,
     false, 1, 256},
    {"--no-cache", "", "", "measure everything afresh (the cache is refreshed)", kRunLike},
    {"--cache-dir", "DIR", "", "the result cache (default: $XDG_CACHE_HOME/escape-harness/results)", kRunLike},
    {"--export-benchstat", "FILE", "", "the samples in the Go benchmark format, for benchstat", kRunLike},
    {"--export-junit", "FILE", "",
     "a JUnit XML test case per claim and toolchain (exports are rewritten after every scenario)", kRunLike},
    {"--baseline", "FILE", "", "the recorded results.json to compare with (required)", kCmdCheck},
    {"--against", "VERSION", "",
     "compare this run's one toolchain (a new Go release) with the baseline's VERSION column instead; prints how "
     "many verdicts the release changes",
     kCmdCheck},
    {"--results", "FILE", "", "compare this results.json instead of running", kCmdCheck},
    {"--results", "FILE", "", "the results to read (default: results.json in --out)", kCmdReport | kCmdShow},
    {"--results", "FILE", "reports/results.json", "the verdicts to link", kCmdScan | kCmdProfile},
    {"--dir", "DIR", ".", "where to run go (the module root)", kCmdScan | kCmdProfile},
    {"--format", "F", "summary", "summary, md, json or sarif (SARIF 2.1.0)", kCmdScan | kCmdProfile},
    {"--bench", "REGEX", ".", "the benchmarks to profile (as go test -bench)", kCmdProfile},
    {"--benchtime", "Nx", "100x", "iterations measured per benchmark: the difference of runs at 10x and (10+N)x",
     kCmdProfile},
    {"--top", "N", "10", "sites shown per benchmark and overall in the summary", kCmdProfile, false, 1, 100000},
    {"--diff", "", "", "with two --go: the heap allocations the newer toolchain adds, removes or changes",
     kCmdScan | kCmdProfile},
    {"--fail-on-new", "", "", "with --diff: exit 1 when the newer toolchain adds an allocation",
     kCmdScan | kCmdProfile},
};

const OptionRow* find_row(CommandId command, std::string_view name) {
  for (const auto& r : kOptions)
    if (r.name == name && (r.commands & command)) return &r;
  return nullptr;
}

}  // namespace

std::span<const OptionRow> option_rows() { return kOptions; }

std::vector<const OptionRow*> options_of(CommandId command) {
  std::vector<const OptionRow*> out;
  for (const auto& r : kOptions)
    if (r.commands & command) out.push_back(&r);
  return out;
}

std::optional<Args> Args::parse(CommandId command, bool positional, const std::vector<std::string>& args,
                                std::string* err) {
  Args out;
  out.command_ = command;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i], value;
    bool has_value = false;
    if (auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a.resize(eq);
      has_value = true;
    }
    if (a == "--help" || a == "-h") {
      out.help_ = true;
      continue;
    }
    if (!a.starts_with("-") && positional) {
      out.positional_.push_back(a);
      continue;
    }
    const OptionRow* row = find_row(command, a);
    if (!row) {
      *err = a.starts_with("-") ? fmt::format("unknown option '{}'", a) : fmt::format("unexpected argument '{}'", a);
      return std::nullopt;
    }
    if (row->value.empty()) {
      if (has_value) {
        *err = fmt::format("{} takes no value", a);
        return std::nullopt;
      }
      out.values_[a].emplace_back();
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        *err = fmt::format("{} needs a value", a);
        return std::nullopt;
      }
      value = args[++i];
    }
    if (row->max > row->min) {
      int v = 0;
      std::size_t used = 0;
      try {
        v = std::stoi(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != value.size() || v < row->min || v > row->max) {
        *err = fmt::format("{}: expected a number from {} to {}, got '{}'", a, row->min, row->max, value);
        return std::nullopt;
      }
    }
    out.values_[a].push_back(std::move(value));
  }
  return out;
}

const OptionRow& Args::row(std::string_view name) const {
  const OptionRow* r = find_row(command_, name);
  if (!r) throw std::logic_error(fmt::format("option {} is not one of this command's", name));
  return *r;
}

bool Args::flag(std::string_view name) const {
  row(name);
  return values_.count(name) > 0;
}

bool Args::given(std::string_view name) const {
  row(name);
  return values_.count(name) > 0;
}

std::string Args::text(std::string_view name) const {
  const OptionRow& r = row(name);
  auto it = values_.find(name);
  return it == values_.end() ? std::string(r.fallback) : it->second.back();
}

int Args::number(std::string_view name) const {
  std::string t = text(name);
  return t.empty() ? 0 : std::stoi(t);
}

std::vector<std::string> Args::all(std::string_view name) const {
  row(name);
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

void Args::set(std::string_view name, std::string value) {
  row(name);
  values_[std::string(name)] = {std::move(value)};
}

}  // namespace eh
