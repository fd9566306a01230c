#include "cli.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <set>
#include <thread>

#include "generate.h"
#include "compare.h"
#include "matrix.h"
#include "merge.h"
#include "report_markdown.h"
#include "report_errata.h"
#include "report_matrix.h"
#include "report_scan.h"
#include "scan.h"
#include "report_exports.h"
#include "report_svg.h"
#include "report_text.h"
#include "results_json.h"
#include "run.h"
#include "spec_loader.h"
#include "stats.h"
#include "toolchain.h"

namespace eh {
namespace {

const char* kUsage =
    "usage: escape-harness <command> [options]\n"
    "\n"
    "Verifies the claims of the escape-analysis catalog against real Go toolchains.\n"
    "\n"
    "commands:\n"
    "  run      generate, build, measure and judge every scenario; write reports\n"
    "  gen      write the generated Go programs (gosrc/) only\n"
    "  list     list scenarios: ids, entry numbers, titles, claims\n"
    "  report   rewrite the Markdown reports from a results.json\n"
    "  check    run (or read results), then compare verdicts with a baseline\n"
    "  show     print one scenario's evidence from a results.json\n"
    "  scan     find the catalog's shapes in a Go module's escape analysis\n"
    "  merge    merge results.json files from separate runs into one\n"
    "\n"
    "`escape-harness <command> --help` describes each command's options.\n"
    "Exit status: 0 every claim judged; 1 some claims are `error`; 2 bad input\n"
    "(spec errors, usage), nothing ran; 3 the toolchain cannot be run.\n";

const char* kRunUsage =
    "usage: escape-harness run [options]\n"
    "\n"
    "Loads the scenario specs, generates a Go test program per variant, builds and\n"
    "runs it with the go toolchain, judges every claim, and writes\n"
    "<out>/results.json, <out>/EVIDENCE.md and <out>/MATRIX.md.\n"
    "\n"
    "options:\n"
    "  --only ID          run only this scenario (repeatable)\n"
    "  --go SPEC          a go to use (repeatable): a go binary, a GOROOT, or a\n"
    "                     version such as go1.27.3 (run via GOTOOLCHAIN);\n"
    "                     default: go on PATH\n"
    "  --matrix           use every toolchain listed in the matrix file\n"
    "  --matrix-file FILE the matrix file (default: scenarios/toolchains.txt)\n"
    "  --out DIR          where reports are written (default: reports)\n"
    "  --scenarios DIR    where the specs are (default: scenarios)\n"
    "  --quick            skip timing samples: timing claims are `skipped`\n"
    "  --samples N        timing samples per variant (default: 60, 100 ms each;\n"
    "                     up to 3x as many while a median is less precise than 3%)\n"
    "  --timeout SECONDS  limit for each test-binary run (default: 120;\n"
    "                     compiles get 5 minutes or this, whichever is longer)\n"
    "  --work DIR         where the module is built (default: a directory under\n"
    "                     $XDG_CACHE_HOME/escape-harness, one per output directory)\n"
    "  --jobs N           variants measured at once in the facts phase (default:\n"
    "                     the number of cores); timing always runs alone\n"
    "  --no-cache         measure everything afresh (the cache is refreshed)\n"
    "  --cache-dir DIR    the result cache (default:\n"
    "                     $XDG_CACHE_HOME/escape-harness/results)\n"
    "  --export-benchstat FILE  the samples in the Go benchmark format, for benchstat\n"
    "  --export-junit FILE      a JUnit XML test case per claim and toolchain\n"
    "                     (exports are rewritten after every scenario)\n";

const char* kGenUsage =
    "usage: escape-harness gen [--scenarios DIR] [--gosrc DIR]\n"
    "\n"
    "Writes the generated Go module (default: gosrc/) from the specs (default:\n"
    "scenarios/), removing generated files no spec produces any more. Nothing runs.\n";

const char* kListUsage =
    "usage: escape-harness list [--scenarios DIR]\n"
    "\n"
    "Prints each scenario's entry number, id and title, and its claims.\n";

const char* kReportUsage =
    "usage: escape-harness report [--results FILE] [--out DIR]\n"
    "\n"
    "Rewrites <out>/EVIDENCE.md and <out>/MATRIX.md from a results.json (default:\n"
    "reports/results.json, out: the directory of the results file). No toolchain runs.\n";

const char* kCheckUsage =
    "usage: escape-harness check --baseline FILE [--results FILE | run options]\n"
    "\n"
    "Does a run exactly as `run` would (same options, reports written to --out) and\n"
    "compares its verdicts, per claim and toolchain, with a recorded results.json.\n"
    "With --results FILE it compares that file instead of running. Timing verdicts\n"
    "skipped by --quick on either side are not compared.\n"
    "Exit status: 0 every verdict matches; 1 a verdict changed, or a toolchain of\n"
    "this run has no baseline (each change is printed with the old and new\n"
    "numbers); 2 bad input; 3 the toolchain cannot be run.\n";

const char* kShowUsage =
    "usage: escape-harness show ID [--results FILE]\n"
    "\n"
    "Prints one scenario's evidence (claims with verdicts and numbers, the variant\n"
    "table, the why-chains) from a results.json (default: reports/results.json).\n";

const char* kScanUsage =
    "usage: escape-harness scan [--go SPEC] [--dir DIR] [--format F] [--out FILE]\n"
    "                           [--results FILE] PATTERN...\n"
    "\n"
    "Builds the packages (./... in --dir, or import paths such as net/http) with\n"
    "-gcflags=-m=2, streams the compiler's output, and classifies every heap\n"
    "allocation it reports into the catalog's shapes: bytes-to-interface (entry 1),\n"
    "interface-boxing (2), address-taken (3), fmt-argument (4, 10), closure-capture\n"
    "(5, 13), named-result (9), make-escape (8, 12), or other. Each finding has its\n"
    "position, the compiler's message and why-chain, and the catalog entry with its\n"
    "verdict on this toolchain (from --results, default reports/results.json).\n"
    "\n"
    "options:\n"
    "  --go SPEC       the go to use (as for run)\n"
    "  --dir DIR       where to run go (the module root; default: .)\n"
    "  --format F      summary (default), md, json or sarif (SARIF 2.1.0)\n"
    "  --out FILE      write the format there (the summary still goes to stdout;\n"
    "                  without --out, md/json/sarif go to stdout, the summary to stderr)\n"
    "  --results FILE  the verdicts to link (default: reports/results.json)\n"
    "  --timeout S     kill go build after S seconds (default: 1800)\n"
    "\n"
    "Exit status: 0 scanned; 1 some package did not build (the rest is reported);\n"
    "2 usage; 3 go could not be run.\n";

const char* kMergeUsage =
    "usage: escape-harness merge A.json B.json ... [--out DIR]\n"
    "\n"
    "Merges results.json files from separate runs (one toolchain per CI job, say)\n"
    "into <out>/results.json (default out: reports) and rewrites the reports. Two\n"
    "files with results for the same toolchain, or a scenario generated from\n"
    "different code, are an error: nothing is overwritten.\n";

struct Options {
  std::vector<std::string> only;
  std::vector<std::string> go;
  std::string out = "reports";
  std::string scenarios = "scenarios";
  std::string gosrc = "gosrc";
  std::string work;
  std::string results;
  std::string baseline;
  std::string matrix_file;
  std::string export_benchstat;
  std::string dir;
  std::string format;
  std::string export_junit;
  std::vector<std::string> positional;
  bool quick = false;
  bool matrix = false;
  bool help = false;
  int samples = 60;
  int timeout_s = 120;
  int jobs = 0;  // 0: the number of cores
  std::string cache_dir;
  bool no_cache = false;
};

/// Parses options; `allowed` lists the ones this command takes.
bool parse_options(const std::vector<std::string>& args, const std::set<std::string>& allowed, Options& o,
                   std::string* err) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_value = false;
    if (auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    if (a == "--help" || a == "-h") {
      o.help = true;
      continue;
    }
    if (!a.starts_with("-") && allowed.count("FILE...")) {
      o.positional.push_back(a);
      continue;
    }
    if (!allowed.count(a)) {
      *err = a.starts_with("-") ? fmt::format("unknown option '{}'", a) : fmt::format("unexpected argument '{}'", a);
      return false;
    }
    if (a == "--quick" || a == "--matrix" || a == "--no-cache") {
      if (has_value) {
        *err = fmt::format("{} takes no value", a);
        return false;
      }
      (a == "--quick" ? o.quick : a == "--matrix" ? o.matrix : o.no_cache) = true;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        *err = fmt::format("{} needs a value", a);
        return false;
      }
      value = args[++i];
    }
    auto number = [&](int lo, int hi, int& out) {
      try {
        std::size_t used = 0;
        int v = std::stoi(value, &used);
        if (used == value.size() && v >= lo && v <= hi) {
          out = v;
          return true;
        }
      } catch (...) {
      }
      *err = fmt::format("{}: expected a number from {} to {}, got '{}'", a, lo, hi, value);
      return false;
    };
    if (a == "--only") o.only.push_back(value);
    else if (a == "--go")
      o.go.push_back(value);
    else if (a == "--out")
      o.out = value;
    else if (a == "--scenarios")
      o.scenarios = value;
    else if (a == "--gosrc")
      o.gosrc = value;
    else if (a == "--work")
      o.work = value;
    else if (a == "--results")
      o.results = value;
    else if (a == "--baseline")
      o.baseline = value;
    else if (a == "--matrix-file")
      o.matrix_file = value;
    else if (a == "--export-benchstat")
      o.export_benchstat = value;
    else if (a == "--export-junit")
      o.export_junit = value;
    else if (a == "--dir")
      o.dir = value;
    else if (a == "--format")
      o.format = value;
    else if (a == "--samples") {
      if (!number(2, 1000, o.samples)) return false;
    } else if (a == "--timeout") {
      if (!number(1, 24 * 3600, o.timeout_s)) return false;
    } else if (a == "--jobs") {
      if (!number(1, 256, o.jobs)) return false;
    } else if (a == "--cache-dir") {
      o.cache_dir = value;
    }
  }
  return true;
}

/// Loads specs, printing every error; nothing on any error.
std::optional<std::vector<Scenario>> load(CliContext& ctx, const std::string& dir) {
  LoadResult r = load_scenarios(ctx.fs, dir);
  for (const auto& e : r.errors) fmt::print(ctx.err, "{}\n", e.format());
  if (!r.errors.empty()) {
    fmt::print(ctx.err, "{} error{} in the specs; nothing was run\n", r.errors.size(), r.errors.size() == 1 ? "" : "s");
    return std::nullopt;
  }
  return std::move(r.scenarios);
}

bool select_only(CliContext& ctx, std::vector<Scenario>& all, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  std::vector<std::string> ids;
  for (const auto& s : all) ids.push_back(s.id);
  for (const auto& id : only)
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      std::string list;
      for (const auto& i : ids) list += (list.empty() ? "" : ", ") + i;
      fmt::print(ctx.err, "--only {}: no such scenario (scenarios: {})\n", id, list);
      return false;
    }
  std::erase_if(all, [&](const Scenario& s) { return std::find(only.begin(), only.end(), s.id) == only.end(); });
  return true;
}

/// Every file below `dir`, as paths relative to it.
void walk(const FileSystem& fs, const std::string& dir, const std::string& rel, std::vector<std::string>& out) {
  std::string err;
  auto names = fs.list(rel.empty() ? dir : join_path(dir, rel), &err);
  if (!names) return;
  for (const auto& n : *names) {
    if (n.ends_with("/")) walk(fs, dir, join_path(rel, n.substr(0, n.size() - 1)), out);
    else
      out.push_back(join_path(rel, n));
  }
}

/// Parses a command's options. Returns the exit status when the command is
/// already done (a usage error: 2, --help: 0), nullopt to go on.
std::optional<int> parse_command(std::string_view name, const std::set<std::string>& allowed, const char* usage,
                                 const std::vector<std::string>& args, Options& o, CliContext& ctx) {
  std::string err;
  if (!parse_options(args, allowed, o, &err)) {
    fmt::print(ctx.err, "escape-harness {}: {}\n{}", name, err, usage);
    return kExitBadInput;
  }
  if (o.help) {
    fmt::print(ctx.out, "{}", usage);
    return kExitOk;
  }
  return std::nullopt;
}

int cmd_gen(const std::vector<std::string>& args, CliContext& ctx) {
  Options o;
  std::string err;
  if (auto done = parse_command("gen", {"--scenarios", "--gosrc"}, kGenUsage, args, o, ctx)) return *done;
  auto scenarios = load(ctx, o.scenarios);
  if (!scenarios) return kExitBadInput;
  GeneratedModule m = generate(*scenarios);
  std::set<std::string> keep;
  for (const auto& f : m.files) {
    std::string path = join_path(o.gosrc, f.path);
    keep.insert(f.path);
    if (!ctx.fs.make_dirs(path.substr(0, path.rfind('/')), &err) || !ctx.fs.write(path, f.content, &err)) {
      fmt::print(ctx.err, "escape-harness gen: {}\n", err);
      return kExitBadInput;
    }
  }
  std::vector<std::string> existing;
  walk(ctx.fs, o.gosrc, "", existing);
  int removed = 0;
  for (const auto& rel : existing)
    if (!keep.count(rel) && (rel.ends_with(".go") || rel == "go.sum")) {
      if (!ctx.fs.remove(join_path(o.gosrc, rel), &err)) {
        fmt::print(ctx.err, "escape-harness gen: {}\n", err);
        return kExitBadInput;
      }
      ++removed;
    }
  fmt::print(ctx.out, "wrote {} files for {} scenarios to {}{}\n", m.files.size(), scenarios->size(), o.gosrc,
             removed ? fmt::format(" (removed {} stale)", removed) : "");
  return kExitOk;
}

int cmd_list(const std::vector<std::string>& args, CliContext& ctx) {
  Options o;
  if (auto done = parse_command("list", {"--scenarios"}, kListUsage, args, o, ctx)) return *done;
  auto scenarios = load(ctx, o.scenarios);
  if (!scenarios) return kExitBadInput;
  for (const auto& s : *scenarios) {
    std::string variants;
    for (const auto& v : s.variants) variants += (variants.empty() ? "" : ", ") + v.name;
    fmt::print(ctx.out, "{:>2}  {}  {}\n    variants: {}\n", s.entry, s.id, s.title, variants);
    for (const auto& c : s.claims) fmt::print(ctx.out, "    {:<8} {}: {}\n", to_string(c.aspect), c.id, c.text);
  }
  return kExitOk;
}

/// Writes the reports as one set: all or none replace the previous ones.
bool write_reports(CliContext& ctx, const std::string& out, const Results& r, const std::string* json_text,
                   std::string* err) {
  if (!ctx.fs.make_dirs(join_path(out, "charts"), err)) return false;
  std::vector<std::pair<std::string, std::string>> files;
  if (json_text) files.emplace_back(join_path(out, "results.json"), *json_text);
  files.emplace_back(join_path(out, "EVIDENCE.md"), evidence_markdown(r));
  files.emplace_back(join_path(out, "MATRIX.md"), matrix_markdown(r));
  files.emplace_back(join_path(out, "ERRATA.md"), errata_markdown(r));
  for (auto& [path, svg] : all_charts(r)) files.emplace_back(join_path(out, path), std::move(svg));
  return ctx.fs.write_all(files, err);
}

/// Temporary files a killed run left in `dir`; they are never reports.
void remove_stale_temporaries(CliContext& ctx, const std::string& dir) {
  std::string err;
  if (auto names = ctx.fs.list(dir, &err))
    for (const auto& n : *names)
      if (is_temporary_file(n)) ctx.fs.remove(join_path(dir, n), &err);
}

int cmd_report(const std::vector<std::string>& args, CliContext& ctx) {
  Options o;
  o.out.clear();
  std::string err;
  if (auto done = parse_command("report", {"--results", "--out"}, kReportUsage, args, o, ctx)) return *done;
  if (o.results.empty()) o.results = "reports/results.json";
  if (o.out.empty()) {
    auto slash = o.results.rfind('/');
    o.out = slash == std::string::npos ? "." : o.results.substr(0, slash);
  }
  auto text = ctx.fs.read(o.results, &err);
  if (!text) {
    fmt::print(ctx.err, "escape-harness report: {}\n", err);
    return kExitBadInput;
  }
  auto r = results_from_json(*text, &err);
  if (!r) {
    fmt::print(ctx.err, "escape-harness report: {}: {}\n", o.results, err);
    return kExitBadInput;
  }
  if (!write_reports(ctx, o.out, *r, nullptr, &err)) {
    fmt::print(ctx.err, "escape-harness report: {}\n", err);
    return kExitBadInput;
  }
  fmt::print(ctx.out, "wrote {}, {}, {} and charts/\n", join_path(o.out, "EVIDENCE.md"), join_path(o.out, "MATRIX.md"),
             join_path(o.out, "ERRATA.md"));
  return kExitOk;
}

std::string absolute(const std::string& path) {
  if (path.starts_with("/")) return path;
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  return ec ? path : join_path(cwd.string(), path);
}

std::string cache_home(const CliContext& ctx) {
  if (auto it = ctx.env.find("XDG_CACHE_HOME"); it != ctx.env.end() && !it->second.empty()) return it->second;
  if (auto h = ctx.env.find("HOME"); h != ctx.env.end() && !h->second.empty()) return h->second + "/.cache";
  return "/tmp";
}

std::string default_cache_dir(const CliContext& ctx) { return join_path(cache_home(ctx), "escape-harness/results"); }

std::string default_work_dir(const CliContext& ctx, const std::string& out) {
  // One work directory per output directory: the output lock guards both.
  return join_path(cache_home(ctx), "escape-harness/work-" + fnv1a_hex(absolute(out)).substr(0, 12));
}

const std::set<std::string> kRunOptions = {
    "--only",    "--go",   "--matrix",           "--matrix-file",  "--out",  "--scenarios", "--quick",    "--samples",
    "--timeout", "--work", "--export-benchstat", "--export-junit", "--jobs", "--no-cache",  "--cache-dir"};

/// The options each command takes ("FILE..." for positional arguments).
std::set<std::string> command_options(std::string_view cmd) {
  if (cmd == "run") return kRunOptions;
  if (cmd == "check") {
    auto o = kRunOptions;
    o.insert({"--baseline", "--results"});
    return o;
  }
  if (cmd == "gen") return {"--scenarios", "--gosrc"};
  if (cmd == "list") return {"--scenarios"};
  if (cmd == "report") return {"--results", "--out"};
  if (cmd == "merge") return {"FILE...", "--out"};
  if (cmd == "show") return {"FILE...", "--results"};
  if (cmd == "scan") return {"FILE...", "--go", "--dir", "--format", "--out", "--results", "--timeout"};
  return {};
}

/// The toolchain specs to probe: --go ones, then the matrix file's.
bool toolchain_specs(CliContext& ctx, Options& o, std::string_view cmd) {
  if (o.matrix || !o.matrix_file.empty()) {
    std::string file = o.matrix_file.empty() ? kDefaultMatrixFile : o.matrix_file, err;
    auto text = ctx.fs.read(file, &err);
    if (!text) {
      fmt::print(ctx.err, "escape-harness {}: {}\n", cmd, err);
      return false;
    }
    std::vector<InputError> errors;
    for (auto& spec : parse_matrix(file, *text, errors)) o.go.push_back(spec);
    for (const auto& e : errors) fmt::print(ctx.err, "{}\n", e.format());
    if (!errors.empty()) return false;
  }
  if (o.go.empty()) o.go.push_back("go");
  return true;
}

/// What `run` does, for `run` and `check`: the exit status, and the results
/// when the run got as far as judging.
struct RunOutcome {
  int status = kExitOk;
  std::optional<Results> results;
};

/// The export files, rewritten after every scenario so an interrupted run
/// leaves usable ones; each write is atomic.
void write_exports(CliContext& ctx, const Options& o, const Results& r, const Results* baseline) {
  std::string err;
  if (!o.export_benchstat.empty() && !ctx.fs.write(o.export_benchstat, benchstat_export(r), &err))
    fmt::print(ctx.err, "escape-harness: {}\n", err);
  if (!o.export_junit.empty() && !ctx.fs.write(o.export_junit, junit_export(r, baseline), &err))
    fmt::print(ctx.err, "escape-harness: {}\n", err);
}

RunOutcome run_catalog(Options& o, CliContext& ctx, std::string_view cmd, const Results* baseline = nullptr) {
  std::string err;
  auto scenarios = load(ctx, o.scenarios);
  if (!scenarios) return {kExitBadInput, {}};
  if (!select_only(ctx, *scenarios, o.only)) return {kExitBadInput, {}};
  if (!toolchain_specs(ctx, o, cmd)) return {kExitBadInput, {}};

  if (!ctx.fs.make_dirs(o.out, &err)) {
    fmt::print(ctx.err, "escape-harness {}: output directory: {}\n", cmd, err);
    return {kExitBadInput, {}};
  }
  // The lock also proves the directory writable before anything runs.
  auto lock = ctx.fs.lock(join_path(o.out, ".escape-harness.lock"), &err);
  if (!lock) {
    fmt::print(ctx.err, "escape-harness {}: {}; wait for it or use another --out\n", cmd, err);
    return {kExitBadInput, {}};
  }
  remove_stale_temporaries(ctx, o.out);

  auto interrupted = [&](int sig) {
    fmt::print(ctx.err, "escape-harness {}: interrupted by signal {}; reports in {} left as they were\n", cmd, sig,
               o.out);
    return RunOutcome{128 + sig, {}};
  };
  std::vector<Toolchain> toolchains;
  for (const auto& spec : o.go) {
    auto tc = probe_toolchain(ctx.processes, spec, ctx.env, &err);
    if (int sig = interrupt_signal()) return interrupted(sig);
    if (!tc) {
      fmt::print(ctx.err, "escape-harness {}: {}\n", cmd, err);
      return {kExitToolchain, {}};
    }
    for (const auto& other : toolchains)
      if (other.version == tc->version) {
        fmt::print(ctx.err, "escape-harness {}: --go {} and --go {} both run {}; give each toolchain once\n", cmd,
                   other.requested, spec, tc->version);
        return {kExitBadInput, {}};
      }
    fmt::print(ctx.err, "toolchain {}: {} ({}{})\n", spec, tc->label(), tc->go,
               tc->gotoolchain == "local" ? "" : ", GOTOOLCHAIN=" + tc->gotoolchain);
    toolchains.push_back(*tc);
  }

  GeneratedModule module = generate(*scenarios);
  RunOptions ro;
  // Absolute: go and the test binaries run in other directories.
  ro.work_dir = absolute(o.work.empty() ? default_work_dir(ctx, o.out) : o.work);
  ro.inherited_env = ctx.env;
  ro.run_timeout = std::chrono::seconds(o.timeout_s);
  ro.compile_timeout = std::max<std::chrono::milliseconds>(std::chrono::minutes(5), ro.run_timeout);
  ro.timing_samples = o.samples;
  ro.jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  ro.cache_dir = o.cache_dir.empty() ? default_cache_dir(ctx) : absolute(o.cache_dir);
  ro.read_cache = !o.no_cache;
  ro.cpu = cpu_model(ctx.fs);
  Runner runner(ctx.processes, ctx.fs, module, ro);
  if (!runner.prepare(&err)) {
    fmt::print(ctx.err, "escape-harness {}: work directory: {}\n", cmd, err);
    return {kExitBadInput, {}};
  }

  JudgeOptions jo;
  jo.quick = o.quick;
  Results results;
  results.generated_by = fmt::format("escape-harness {}", ESCAPE_HARNESS_VERSION);
  results.date = utc_now_iso8601();
  results.quick = o.quick;
  std::string cpu = cpu_model(ctx.fs);
  for (const auto& tc : toolchains) results.toolchains.push_back(ToolchainInfo{tc.version, tc.goos, tc.goarch, cpu});
  sort_toolchains(results);
  for (const auto& s : *scenarios) results.scenarios.push_back(make_record(s, module.scenario_hash(s.id)));

  Progress progress(ctx.err, ctx.term, ctx.env);
  int total = 0;  // steps: facts per variant, and one per timing process
  for (const auto& s : *scenarios) {
    int timed = 0;
    for (const auto& v : s.variants) {
      bool t = false;
      for (const auto& c : s.claims)
        for (const auto& e : c.expect)
          t |= (e.kind == ExpectKind::faster || e.kind == ExpectKind::similar) &&
               (e.variant == v.name || e.than == v.name);
      timed += t;
    }
    const int processes = (o.samples + ro.samples_per_process - 1) / ro.samples_per_process;
    total += static_cast<int>(s.variants.size()) + (o.quick ? 0 : timed * processes);
  }
  progress.set_total(total * static_cast<int>(toolchains.size()));
  auto on_step = [&](const std::string& what) { progress.step(what); };

  // Phase one: facts, in parallel. Each scenario is judged (timing pending)
  // and the exports rewritten as soon as its variants are done.
  JudgeOptions pending = jo;
  pending.quick = true;
  FactsTable table =
      runner.facts(*scenarios, toolchains, on_step, [&](std::size_t t, std::size_t i, const Observations& obs) {
        add_toolchain_results(results.scenarios[i], (*scenarios)[i], toolchains[t].version, obs,
                              o.quick ? jo : pending);
        write_exports(ctx, o, results, baseline);
      });
  // Phase two: timing, one benchmark process at a time.
  for (std::size_t t = 0; t < toolchains.size() && !interrupt_signal(); ++t)
    for (std::size_t i = 0; i < scenarios->size() && !interrupt_signal(); ++i) {
      if (!o.quick) runner.timing((*scenarios)[i], toolchains[t], table[t][i], on_step);
      if (interrupt_signal()) break;
      add_toolchain_results(results.scenarios[i], (*scenarios)[i], toolchains[t].version, table[t][i], jo);
      if (!o.quick) write_exports(ctx, o, results, baseline);
    }
  progress.finish();
  if (int sig = interrupt_signal()) return interrupted(sig);

  std::string json = results_to_json(results);
  if (!write_reports(ctx, o.out, results, &json, &err)) {
    fmt::print(ctx.err, "escape-harness {}: cannot write the reports: {}\n", cmd, err);
    return {kExitClaimErrors, std::move(results)};
  }

  // Summary: counts per verdict, the refuted claims, where the reports are.
  std::map<Verdict, int> counts;
  std::vector<std::string> refuted, errors;
  for (const auto& s : results.scenarios)
    for (const auto& c : s.claims)
      for (const auto& [tc, v] : c.verdicts) {
        ++counts[v.verdict];
        if (v.verdict == Verdict::refuted) refuted.push_back(fmt::format("entry {} {} ({})", s.entry, c.id, tc));
        if (v.verdict == Verdict::error)
          errors.push_back(fmt::format("entry {} {} ({}): {}", s.entry, c.id, tc, v.reason));
      }
  // Colour only when stdout is the same terminal the progress went to.
  auto paint = [&](const std::string& text, const char* colour) { return progress.paint(text, colour); };
  std::string line;
  for (auto [v, colour] : {std::pair{Verdict::confirmed, "green"}, std::pair{Verdict::refuted, "yellow"},
                           std::pair{Verdict::inconclusive, "bold"}, std::pair{Verdict::skipped, "bold"},
                           std::pair{Verdict::error, "red"}})
    line += fmt::format("{}{}", line.empty() ? "" : ", ",
                        counts[v] ? paint(fmt::format("{} {}", counts[v], to_string(v)), colour)
                                  : fmt::format("{} {}", counts[v], to_string(v)));
  fmt::print(ctx.out, "claims: {}\n", line);
  // How precise the timing was: the 95% interval of each timed median.
  std::vector<double> widths;
  std::size_t fewest = SIZE_MAX, most = 0;
  for (const auto& s : results.scenarios)
    for (const auto& v : s.variants)
      for (const auto& [tc, ob] : v.results)
        if (ob.samples.size() >= 2)
          if (auto ci = stats::median_ci(ob.samples); ci && std::isfinite(ci->lo) && std::isfinite(ci->hi)) {
            widths.push_back((ci->hi - ci->lo) / 2 / ci->median * 100);
            fewest = std::min(fewest, ob.samples.size());
            most = std::max(most, ob.samples.size());
          }
  if (!widths.empty()) {
    auto [lo, hi] = std::minmax_element(widths.begin(), widths.end());
    long within = std::count_if(widths.begin(), widths.end(), [](double w) { return w <= 3.0; });
    fmt::print(
        ctx.out, "timing: {} samples per variant; median 95% CI half-width {:.1f}% to {:.1f}% ({} of {} within 3%)\n",
        fewest == most ? std::to_string(most) : fmt::format("{} to {}", fewest, most), *lo, *hi, within, widths.size());
  }
  for (const auto& r : refuted) fmt::print(ctx.out, "  {}: {}\n", paint("refuted", "yellow"), r);
  for (const auto& e : errors) fmt::print(ctx.out, "  {}: {}\n", paint("error", "red"), e);
  fmt::print(ctx.out, "reports: {}, {}, {}, {}\n", join_path(o.out, "results.json"), join_path(o.out, "EVIDENCE.md"),
             join_path(o.out, "MATRIX.md"), join_path(o.out, "ERRATA.md"));
  fmt::print(ctx.out, "processes: {} go, {} test binaries ({} results from the cache)\n",
             toolchains.size() + static_cast<std::size_t>(runner.go_processes()), runner.binary_processes(),
             runner.cache_hits());
  return {errors.empty() ? kExitOk : kExitClaimErrors, std::move(results)};
}

int cmd_run(const std::vector<std::string>& args, CliContext& ctx) {
  Options o;
  if (auto done = parse_command("run", kRunOptions, kRunUsage, args, o, ctx)) return *done;
  return run_catalog(o, ctx, "run").status;
}

std::optional<Results> read_results(CliContext& ctx, const std::string& path, std::string_view cmd) {
  std::string err;
  auto text = ctx.fs.read(path, &err);
  if (!text) {
    fmt::print(ctx.err, "escape-harness {}: {}\n", cmd, err);
    return std::nullopt;
  }
  auto r = results_from_json(*text, &err);
  if (!r) fmt::print(ctx.err, "escape-harness {}: {}: {}\n", cmd, path, err);
  return r;
}

int cmd_check(const std::vector<std::string>& args, CliContext& ctx) {
  Options o;
  if (auto done = parse_command("check", command_options("check"), kCheckUsage, args, o, ctx)) return *done;
  // Export files, when asked for, are written from the run's results.
  if (o.baseline.empty()) {
    fmt::print(ctx.err, "escape-harness check: --baseline FILE is required\n{}", kCheckUsage);
    return kExitBadInput;
  }
  auto baseline = read_results(ctx, o.baseline, "check");
  if (!baseline) return kExitBadInput;
  std::optional<Results> current;
  if (!o.results.empty()) {
    current = read_results(ctx, o.results, "check");
    if (!current) return kExitBadInput;
  } else {
    RunOutcome r = run_catalog(o, ctx, "check", &*baseline);
    if (!r.results) return r.status;
    current = std::move(r.results);
  }
  if (!o.results.empty()) write_exports(ctx, o, *current, &*baseline);
  Comparison c = compare_results(*baseline, *current);
  fmt::print(ctx.out, "{}", format_comparison(c, o.baseline));
  return c.drift() ? kExitClaimErrors : kExitOk;
}

int cmd_show(const std::vector<std::string>& args, CliContext& ctx) {
  Options o;
  std::string err;
  if (!parse_options(args, command_options("show"), o, &err) || (!o.help && o.positional.size() != 1)) {
    fmt::print(ctx.err, "escape-harness show: {}\n{}", err.empty() ? "give one scenario id" : err, kShowUsage);
    return kExitBadInput;
  }
  if (o.help) {
    fmt::print(ctx.out, "{}", kShowUsage);
    return kExitOk;
  }
  auto r = read_results(ctx, o.results.empty() ? "reports/results.json" : o.results, "show");
  if (!r) return kExitBadInput;
  const ScenarioRecord* s = r->scenario(o.positional[0]);
  if (!s) {
    std::string ids;
    for (const auto& x : r->scenarios) ids += (ids.empty() ? "" : ", ") + x.id;
    fmt::print(ctx.err, "escape-harness show: no scenario '{}' in the results ({})\n", o.positional[0], ids);
    return kExitBadInput;
  }
  fmt::print(ctx.out, "{}", show_text(*r, *s));
  return kExitOk;
}

int cmd_scan(const std::vector<std::string>& args, CliContext& ctx) {
  Options o;
  o.out.clear();
  o.timeout_s = 1800;  // a whole module: far longer than one benchmark
  std::string err;
  if (auto done = parse_command("scan", command_options("scan"), kScanUsage, args, o, ctx)) return *done;
  if (o.positional.empty()) {
    fmt::print(ctx.err, "escape-harness scan: give package patterns (./..., net/http)\n{}", kScanUsage);
    return kExitBadInput;
  }
  if (o.format.empty()) o.format = "summary";
  if (o.format != "summary" && o.format != "md" && o.format != "json" && o.format != "sarif") {
    fmt::print(ctx.err, "escape-harness scan: --format: expected summary, md, json or sarif, got '{}'\n", o.format);
    return kExitBadInput;
  }
  for (const auto& p : o.positional)
    if (p.starts_with("-")) {
      fmt::print(ctx.err, "escape-harness scan: '{}' is not a package pattern\n", p);
      return kExitBadInput;
    }
  auto tc = probe_toolchain(ctx.processes, o.go.empty() ? "go" : o.go.front(), ctx.env, &err);
  if (!tc) {
    fmt::print(ctx.err, "escape-harness scan: {}\n", err);
    return kExitToolchain;
  }
  ScanReport report;
  report.toolchain = tc->version;
  report.patterns = o.positional;
  report.dir = absolute(o.dir.empty() ? "." : o.dir);
  report.goroot = tc->goroot;
  // Symptom verdicts of the scenarios on this toolchain, for the links.
  std::string results_path = o.results.empty() ? "reports/results.json" : o.results;
  if (auto text = ctx.fs.read(results_path, &err))
    if (auto r = results_from_json(*text, &err))
      for (const auto& s : r->scenarios)
        for (const auto& c : s.claims)
          if (c.aspect == Aspect::symptom && !report.verdicts.count(s.id))
            if (auto v = c.verdicts.find(tc->version); v != c.verdicts.end() && v->second.verdict != Verdict::skipped)
              report.verdicts[s.id] = fmt::format("{} {}", c.id, to_string(v->second.verdict));

  // Source files for telling named results from other variables: the
  // compiler names them relative to where go ran, or absolutely.
  EscapeScanner scanner([&](const std::string& file) -> std::optional<std::string> {
    std::string ignored;
    return ctx.fs.read(file.starts_with("/") ? file : report.dir + "/" + file, &ignored);
  });
  std::string tail;  // the end of the output, for a failure message
  Command c;
  // -o /dev/null: the go command discards what it builds, main packages too.
  c.argv = {tc->go, "build", "-o", "/dev/null", "-gcflags=-m=2"};
  c.argv.insert(c.argv.end(), o.positional.begin(), o.positional.end());
  c.cwd = report.dir;
  c.env = go_environment(*tc, ctx.env);
  c.timeout = std::chrono::seconds(o.timeout_s);
  c.on_stderr = [&](std::string_view chunk) {
    scanner.feed(chunk);
    tail.append(chunk);
    if (tail.size() > 8192) tail.erase(0, tail.size() - 4096);
  };
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = ctx.processes.run(c);
  scanner.finish();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.bytes = scanner.bytes();
  report.findings = scanner.findings();
  if (int sig = interrupt_signal()) return 128 + sig;
  if (r.outcome == Outcome::failed_to_start || r.outcome == Outcome::timed_out || r.outcome == Outcome::signaled) {
    fmt::print(ctx.err, "escape-harness scan: `{}` {}\n", c.display(), r.describe(c.timeout));
    return kExitToolchain;
  }
  const std::string summary = scan_summary(report);
  // The summary goes to the terminal; when the chosen format itself goes to
  // stdout, the summary moves to stderr so `scan --format sarif > f` stays valid.
  const bool format_to_stdout = o.format != "summary" && o.out.empty();
  fmt::print(format_to_stdout ? ctx.err : ctx.out, "{}", summary);
  if (o.format != "summary" || !o.out.empty()) {
    std::string text = o.format == "summary" ? summary
                       : o.format == "md"    ? scan_markdown(report)
                       : o.format == "json"  ? scan_json(report)
                                             : scan_sarif(report);
    if (o.out.empty()) {
      fmt::print(ctx.out, "{}", text);
    } else if (!ctx.fs.write(o.out, text, &err)) {
      fmt::print(ctx.err, "escape-harness scan: {}\n", err);
      return kExitClaimErrors;
    } else {
      fmt::print(ctx.out, "\nwrote {} ({})\n", o.out, o.format);
    }
  }
  if (!r.ok()) {
    // Packages that do not build are reported as far as they were analysed.
    fmt::print(ctx.err, "escape-harness scan: go build failed ({}); the scan is incomplete:\n{}\n", r.describe(),
               tail_lines(tail, 10));
    return kExitClaimErrors;
  }
  return kExitOk;
}

int cmd_merge(const std::vector<std::string>& args, CliContext& ctx) {
  Options o;
  std::string err;
  if (auto done = parse_command("merge", command_options("merge"), kMergeUsage, args, o, ctx)) return *done;
  if (o.positional.size() < 2) {
    fmt::print(ctx.err, "escape-harness merge: give two or more results.json files\n{}", kMergeUsage);
    return kExitBadInput;
  }
  std::vector<NamedResults> inputs;
  for (const auto& path : o.positional) {
    auto r = read_results(ctx, path, "merge");
    if (!r) return kExitBadInput;
    inputs.push_back(NamedResults{path, std::move(*r)});
  }
  auto merged = merge_results(inputs, &err);
  if (!merged) {
    fmt::print(ctx.err, "escape-harness merge: {}\n", err);
    return kExitBadInput;
  }
  std::string json = results_to_json(*merged);
  auto lock = ctx.fs.make_dirs(o.out, &err) ? ctx.fs.lock(join_path(o.out, ".escape-harness.lock"), &err) : nullptr;
  if (!lock || !write_reports(ctx, o.out, *merged, &json, &err)) {
    fmt::print(ctx.err, "escape-harness merge: {}\n", err);
    return kExitBadInput;
  }
  std::string tcs;
  for (const auto& t : merged->toolchains) tcs += (tcs.empty() ? "" : ", ") + t.version;
  fmt::print(ctx.out, "merged {} files ({}) into {}\n", inputs.size(), tcs, join_path(o.out, "results.json"));
  return kExitOk;
}

}  // namespace

bool valid_command_line(const std::vector<std::string>& args, std::string* err) {
  if (args.empty()) {
    *err = "no command";
    return false;
  }
  auto allowed = command_options(args[0]);
  if (allowed.empty()) {
    *err = fmt::format("unknown command '{}'", args[0]);
    return false;
  }
  Options o;
  return parse_options(std::vector<std::string>(args.begin() + 1, args.end()), allowed, o, err);
}

int run_cli(const std::vector<std::string>& args, CliContext& ctx) {
  if (args.empty()) {
    fmt::print(ctx.err, "{}", kUsage);
    return kExitBadInput;
  }
  const std::string& cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    fmt::print(ctx.out, "{}", kUsage);
    return kExitOk;
  }
  if (cmd == "--version") {
    fmt::print(ctx.out, "escape-harness {}\n", ESCAPE_HARNESS_VERSION);
    return kExitOk;
  }
  if (cmd == "run") return cmd_run(rest, ctx);
  if (cmd == "gen") return cmd_gen(rest, ctx);
  if (cmd == "list") return cmd_list(rest, ctx);
  if (cmd == "report") return cmd_report(rest, ctx);
  if (cmd == "check") return cmd_check(rest, ctx);
  if (cmd == "merge") return cmd_merge(rest, ctx);
  if (cmd == "show") return cmd_show(rest, ctx);
  if (cmd == "scan") return cmd_scan(rest, ctx);
  fmt::print(ctx.err, "escape-harness: unknown command '{}'\n{}", cmd, kUsage);
  return kExitBadInput;
}

}  // namespace eh
