// escape-harness errorcheck: Go's escape-analysis test suites, judged on
// every toolchain of the matrix (errorcheck.h has the rules).

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "catalog.h"
#include "commands.h"
#include "errorcheck.h"
#include "report_compiler.h"
#include "report_set.h"
#include "text.h"

namespace eh {
namespace {

/// The escape*.go files of a directory, sorted.
std::vector<std::string> escape_files(const FileSystem& fs, const std::string& dir) {
  std::vector<std::string> out;
  std::string err;
  if (auto names = fs.list(dir, &err))
    for (const auto& n : *names)
      if (n.starts_with("escape") && n.ends_with(".go")) out.push_back(join_path(dir, n));
  std::sort(out.begin(), out.end());
  return out;
}

/// A suite given as a GOROOT (its test/ directory) or a directory of files;
/// named by the GOROOT's VERSION, else by the path. Nothing when neither
/// holds an escape test.
std::optional<CompilerSuite> find_suite(CliContext& ctx, const std::string& where) {
  std::string err;
  for (const std::string& dir : {join_path(where, "test"), where}) {
    auto files = escape_files(ctx.fs, dir);
    if (files.empty()) continue;
    std::string name = where;
    if (dir != where)
      if (auto v = ctx.fs.read(join_path(where, "VERSION"), &err)) name = std::string(trim(line_of(*v, 1)));
    return CompilerSuite{name, dir, files};
  }
  return std::nullopt;
}

/// `go list -export std` as an importcfg, the way Go's test driver makes
/// the standard library visible to `go tool compile`.
std::optional<std::string> std_importcfg(CliContext& ctx, const Toolchain& tc, const std::string& dir,
                                         std::string* err) {
  Command c;
  c.argv = {tc.go, "list", "-export", "-f", "{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}", "std"};
  c.env = go_environment(tc, ctx.env);
  c.cwd = dir;
  c.timeout = std::chrono::minutes(10);
  ProcessResult r = ctx.processes.run(c);
  if (!r.ok()) {
    *err = fmt::format("{}: go list -export std: {}: {}", tc.version, r.describe(c.timeout), first_lines(r.err, 3));
    return std::nullopt;
  }
  const std::string path = join_path(dir, tc.version + ".importcfg");
  if (!ctx.fs.write(path, r.out, err)) return std::nullopt;
  return path;
}

/// The first lines of what a compiler said when it would not compile a file.
std::string compiler_reason(const ProcessResult& r, std::chrono::milliseconds timeout) {
  std::string said = first_lines(r.err.empty() ? r.out : r.err, 2);
  while (!said.empty() && said.back() == '\n') said.pop_back();
  return said.empty() ? r.describe(timeout) : said;
}

struct Job {
  std::size_t index;  // for its object file's name
  const CompilerSuite* suite;
  const Toolchain* tc;
  std::string file;
  std::string importcfg;
};

FileVerdicts check_file(CliContext& ctx, const Job& j, const std::string& work, std::chrono::milliseconds timeout) {
  FileVerdicts fv;
  fv.suite = j.suite->name;
  fv.toolchain = j.tc->version;
  fv.file = std::string(split_path(j.file).second);
  std::string err;
  auto text = ctx.fs.read(j.file, &err);
  if (!text) {
    fv.status = FileStatus::error;
    fv.reason = err;
    return fv;
  }
  fv.parsed = parse_errorcheck(fv.file, *text);
  const ErrorcheckFile& f = fv.parsed;
  const int minor = j.tc->parsed ? j.tc->parsed->minor : 1000;
  if (f.skip.empty() && !f.build.empty() && !build_constraint_holds(f.build, j.tc->goos, j.tc->goarch, minor))
    fv.parsed.skip =
        fmt::format("its build constraint `{}` excludes {}/{} {}", f.build, j.tc->goos, j.tc->goarch, j.tc->version);
  if (!fv.parsed.skip.empty()) {
    fv.status = FileStatus::skipped;
    fv.reason = fv.parsed.skip;
    return fv;
  }
  Command c;
  const std::string obj = join_path(work, fmt::format("{}-{}.o", j.index, fv.file));
  c.argv = {j.tc->go, "tool", "compile", "-p=p", "-d=panic", "-C", "-e", "-importcfg=" + j.importcfg, "-o", obj};
  c.argv.insert(c.argv.end(), f.flags.begin(), f.flags.end());
  c.argv.push_back(j.file);
  c.env = go_environment(*j.tc, ctx.env);
  for (const auto& e : f.env) c.env[e.substr(0, e.find('='))] = e.substr(e.find('=') + 1);
  c.cwd = work;
  c.timeout = timeout;
  ProcessResult r = ctx.processes.run(c);
  ctx.fs.remove(obj, &err);
  if (r.outcome != Outcome::exited) {
    // A crash or a hang: this file's error, the others are judged.
    fv.status = FileStatus::error;
    fv.reason = r.describe(timeout);
    return fv;
  }
  if (r.exit_code != 0) {
    // Every escape test is -0 (expects to compile): one that does not is a
    // file this toolchain cannot build (a newer language feature, a debug
    // flag it lacks), with the compiler's words.
    fv.status = FileStatus::skipped;
    fv.reason = "the compiler would not compile it: " + replace_all(compiler_reason(r, timeout), j.file, fv.file);
    return fv;
  }
  fv.result = judge_errorcheck(f, r.out + r.err, j.file);
  return fv;
}

/// The suites to run: --suite ones, the FILEs as one, else each
/// toolchain's own GOROOT's. False (after the message) when there is none
/// or a --suite holds no escape test.
bool gather_suites(const Args& args, CliContext& ctx, const std::vector<Toolchain>& toolchains,
                   std::vector<CompilerSuite>& suites) {
  for (const auto& s : args.all("--suite")) {
    auto suite = find_suite(ctx, ctx.absolute(s));
    if (!suite) {
      fmt::print(ctx.err, "escape-harness errorcheck: --suite {}: no escape*.go there or in its test/ directory\n", s);
      return false;
    }
    suites.push_back(std::move(*suite));
  }
  if (!args.positional().empty()) {
    CompilerSuite files{"files", "", {}};
    for (const auto& f : args.positional()) files.files.push_back(ctx.absolute(f));
    suites.push_back(std::move(files));
  }
  if (suites.empty()) {
    for (const auto& tc : toolchains) {
      if (auto suite = find_suite(ctx, tc.goroot)) {
        suites.push_back(std::move(*suite));
      } else {
        fmt::print(ctx.err, "escape-harness errorcheck: {} ships no escape tests ({}/test)\n", tc.version, tc.goroot);
      }
    }
  }
  if (suites.empty()) {
    fmt::print(ctx.err, "escape-harness errorcheck: no suite to run: give --suite GOROOT_OR_DIR or FILE...\n");
    return false;
  }
  return true;
}

}  // namespace

int cmd_errorcheck(const Args& args, CliContext& ctx) {
  CatalogOptions o;
  o.command = "errorcheck";
  o.scenarios = args.text("--scenarios");
  o.go = args.all("--go");
  if (args.given("--matrix-file")) o.matrix_file = args.text("--matrix-file");
  else if (args.flag("--matrix"))
    o.matrix_file = join_path(o.scenarios, kMatrixFileName);
  auto specs = toolchain_specs(ctx, o);
  if (!specs) return kExitBadInput;
  // Go's escape tests are the compiler's, judged by its default flags (they
  // pin inlining decisions and amd64's sizes): the matrix file's
  // configurations of a toolchain are not suites of their own.
  std::erase_if(*specs, [](const MatrixLine& l) { return l.config != BuildConfig::standard; });
  int status = kExitOk;
  auto toolchains = probe_all(ctx, o, *specs, &status);
  if (!toolchains) return status;
  // Oldest first, as in every report.
  std::stable_sort(toolchains->begin(), toolchains->end(), [](const Toolchain& a, const Toolchain& b) {
    return a.parsed && b.parsed ? *a.parsed < *b.parsed : a.parsed.has_value();
  });
  std::optional<CompilerReport> baseline;
  if (args.given("--baseline")) {
    std::string err;
    auto text = ctx.fs.read(args.text("--baseline"), &err);
    if (text) baseline = compiler_from_json(*text, &err);
    if (!baseline) {
      fmt::print(ctx.err, "escape-harness errorcheck: --baseline {}: {}\n", args.text("--baseline"), err);
      return kExitBadInput;
    }
  }

  std::vector<CompilerSuite> suites;
  if (!gather_suites(args, ctx, *toolchains, suites)) return kExitBadInput;
  std::string err;
  // Beside the result cache: importcfgs and the objects of compiles in flight.
  const std::string work = join_path(std::string(split_path(default_cache_dir(ctx)).first), "errorcheck");
  if (!ctx.fs.make_dirs(work, &err)) {
    fmt::print(ctx.err, "escape-harness errorcheck: {}\n", err);
    return kExitBadInput;
  }
  // Each toolchain's standard library at once: cold, building it is most
  // of the time.
  std::vector<std::optional<std::string>> cfg_of(toolchains->size());
  std::vector<std::string> cfg_err(toolchains->size());
  {
    std::vector<std::thread> builds;
    for (std::size_t t = 0; t < toolchains->size(); ++t)
      builds.emplace_back([&, t] { cfg_of[t] = std_importcfg(ctx, (*toolchains)[t], work, &cfg_err[t]); });
    for (auto& b : builds) b.join();
  }
  std::vector<std::string> cfgs;
  for (std::size_t t = 0; t < toolchains->size(); ++t) {
    if (!cfg_of[t]) {
      fmt::print(ctx.err, "escape-harness errorcheck: {}\n", cfg_err[t]);
      return kExitToolchain;
    }
    cfgs.push_back(*cfg_of[t]);
  }
  std::vector<Job> jobs;
  for (const auto& s : suites)
    for (std::size_t t = 0; t < toolchains->size(); ++t)
      for (const auto& f : s.files) jobs.push_back(Job{jobs.size(), &s, &(*toolchains)[t], f, cfgs[t]});

  const auto timeout = std::chrono::seconds(args.number("--timeout"));
  std::vector<FileVerdicts> results(jobs.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k; (k = next++) < jobs.size() && !ctx.interrupts.signal();)
      results[k] = check_file(ctx, jobs[k], work, timeout);
  };
  const int n = args.given("--jobs") ? args.number("--jobs")
                                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back(worker);
  worker();
  for (auto& th : threads) th.join();
  if (int sig = ctx.interrupts.signal()) {
    fmt::print(ctx.err, "escape-harness errorcheck: interrupted by signal {}\n", sig);
    return 128 + sig;
  }

  CompilerReport report;
  for (const auto& tc : *toolchains) report.toolchains.push_back(tc.version);
  for (const auto& s : suites) report.suites.push_back(s.name);
  report.files = std::move(results);
  fmt::print(ctx.out, "{}", compiler_summary(report));
  if (args.given("--out")) {
    const std::string out = args.text("--out");
    const auto files = compiler_report_files(report);
    for (const auto& f : files)
      if (!ctx.fs.make_dirs(out, &err) || !ctx.fs.write(join_path(out, f.path), f.content, &err)) {
        fmt::print(ctx.err, "escape-harness errorcheck: {}\n", err);
        return kExitBadInput;
      }
    fmt::print(ctx.out, "wrote {}\n", listed_paths(out, files));
  }
  const bool errors = std::any_of(report.files.begin(), report.files.end(),
                                  [](const FileVerdicts& f) { return f.status == FileStatus::error; });
  if (baseline) {
    const CompilerComparison c = compare_compiler(*baseline, report);
    fmt::print(ctx.out, "{}", format_compiler_changes(c, args.text("--baseline")));
    if (c.drift()) return kExitClaimErrors;
  }
  return errors ? kExitClaimErrors : kExitOk;
}

}  // namespace eh
