#include "catalog.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

#include "generate.h"
#include "matrix.h"
#include "merge.h"
#include "plan.h"
#include "report_exports.h"
#include "report_set.h"
#include "results_json.h"
#include "run.h"
#include "spec_loader.h"
#include "stats.h"
#include "text.h"
#include "toolchain.h"

namespace eh {
namespace {

std::string cache_home(const CliContext& ctx) {
  if (auto it = ctx.env.find("XDG_CACHE_HOME"); it != ctx.env.end() && !it->second.empty()) return it->second;
  if (auto h = ctx.env.find("HOME"); h != ctx.env.end() && !h->second.empty()) return h->second + "/.cache";
  return "/tmp";
}

bool select_only(CliContext& ctx, std::vector<Scenario>& all, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  std::vector<std::string> ids;
  for (const auto& s : all) ids.push_back(s.id);
  for (const auto& id : only)
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      fmt::print(ctx.err, "--only {}: no such scenario (scenarios: {})\n", id, join(ids, ", "));
      return false;
    }
  std::erase_if(all, [&](const Scenario& s) { return std::find(only.begin(), only.end(), s.id) == only.end(); });
  return true;
}

/// Temporary files a killed run left in `dir`; they are never reports.
void remove_stale_temporaries(CliContext& ctx, const std::string& dir) {
  std::string err;
  if (auto names = ctx.fs.list(dir, &err))
    for (const auto& n : *names)
      if (is_temporary_file(n)) ctx.fs.remove(join_path(dir, n), &err);
}

/// What results.json records of a toolchain.
ToolchainInfo toolchain_info(const Toolchain& tc, const std::string& cpu) {
  return ToolchainInfo{tc.version, tc.goos, tc.goarch, cpu, std::string(config_info(tc.config).key)};
}

/// The run's empty Results: toolchains and scenario records, no verdicts yet.
Results empty_results(CliContext& ctx, const RunPlan& plan, const GeneratedModule& module, const Specs& specs,
                      bool quick) {
  Results results;
  results.generated_by = fmt::format("escape-harness {}", ESCAPE_HARNESS_VERSION);
  results.date = ctx.clock.utc_now();
  results.quick = quick;
  for (const auto& tc : plan.toolchains) results.toolchains.push_back(toolchain_info(tc, plan.timing.cpu));
  sort_toolchains(results);
  const CatalogText* catalog = specs.catalog ? &*specs.catalog : nullptr;
  for (const auto& s : *plan.scenarios) results.scenarios.push_back(make_record(s, module.source_hash(s), catalog));
  if (catalog) {
    results.catalog_file = catalog->file;
    results.catalog_notes = coverage_of(*catalog, 0, {}, specs.notes);
  }
  return results;
}

RunOptions runner_options(const CliContext& ctx, const CatalogOptions& o) {
  RunOptions ro;
  ro.inherited_env = ctx.env;
  ro.run_timeout = std::chrono::seconds(o.timeout_s);
  ro.compile_timeout = std::max<std::chrono::milliseconds>(std::chrono::minutes(5), ro.run_timeout);
  ro.jobs = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ro.cache_dir = o.cache_dir.empty() ? default_cache_dir(ctx) : ctx.absolute(o.cache_dir);
  ro.read_cache = !o.no_cache;
  ro.facts_benchmark = !o.quick;  // quick mode's verdicts read no ns/op
  ro.cpu = &ctx.cpu;
  return ro;
}

/// Both phases, judging each scenario as soon as its part is done and
/// rewriting the exports; `load` gets the warning when other processes kept
/// the machine busy while it timed. False when interrupted.
bool measure_and_judge(CliContext& ctx, const CatalogOptions& o, const RunPlan& plan, Runner& runner, Results& results,
                       const Results* baseline, std::string* load) {
  Progress progress(ctx.err, ctx.term, ctx.env, ctx.clock);
  progress.set_total(plan.steps(o.quick));
  auto on_step = [&](const std::string& what) { progress.step(what); };
  const auto& scenarios = *plan.scenarios;
  auto judging = [&](std::size_t t, bool quick) {
    return cell_judge_options(toolchain_info(plan.toolchains[t], plan.timing.cpu), quick, plan.timing.alpha,
                              plan.looks);
  };
  const CellRun run{results.date, o.quick};
  // Phase one: facts, in parallel. Each scenario is judged (timing pending)
  // and the exports rewritten as soon as its variants are done.
  FactsTable table = runner.facts(on_step, [&](std::size_t t, std::size_t i, const Observations& obs) {
    add_toolchain_results(results.scenarios[i], scenarios[i], obs, judging(t, true), run);
    write_exports(ctx, o, results, baseline);
  });
  // Phase two: timing, one benchmark process at a time.
  const std::optional<CpuReading> before = o.quick ? std::nullopt : ctx.cpu.read();
  for (std::size_t t = 0; t < plan.toolchains.size() && !ctx.interrupts.signal(); ++t)
    for (std::size_t i = 0; i < scenarios.size() && !ctx.interrupts.signal(); ++i) {
      if (!o.quick) runner.timing(t, i, table[t][i], on_step);
      if (ctx.interrupts.signal()) break;
      add_toolchain_results(results.scenarios[i], scenarios[i], table[t][i], judging(t, o.quick), run);
      if (!o.quick) write_exports(ctx, o, results, baseline);
    }
  if (before)
    if (auto after = ctx.cpu.read()) *load = load_warning(*before, *after);
  progress.finish();
  return !ctx.interrupts.signal();
}

/// Prints the end of a run: verdict counts, refuted claims, the processes.
void print_summary(CliContext& ctx, const Results& results, const RunPlan& plan, const Runner& runner,
                   const std::string& load) {
  // Colour only when stdout itself is a terminal, whatever stderr is.
  Progress painter(ctx.out, ctx.term.for_stdout(), ctx.env, ctx.clock);
  auto paint = [&](const std::string& text, const char* colour) { return painter.paint(text, colour); };
  fmt::print(ctx.out, "{}", format_summary(summarize(results), paint));
  if (!load.empty()) fmt::print(ctx.out, "{}\n", paint(load, "bold"));
  fmt::print(ctx.out, "processes: {} go, {} test binaries ({} results from the cache)\n",
             plan.toolchains.size() + static_cast<std::size_t>(runner.go_processes()), runner.binary_processes(),
             runner.cache_hits());
}

/// Whether `dir` takes new files and, for the report set's swap, its parent
/// new directories: checked before anything runs, so a run cannot fail at
/// the end for want of a writable place.
bool writable(CliContext& ctx, const std::string& dir, bool swap, std::string* err) {
  const std::string probe = join_path(dir, ".escape-harness.probe");
  if (!ctx.fs.write(probe, "", err) || !ctx.fs.remove(probe, err)) return false;
  if (!swap) return true;
  const std::string real = ctx.fs.resolve(dir);
  std::string made;
  if (!ctx.fs.make_temp_dir(split_path(real).first, staging_prefix(real), &made, err)) return false;
  return ctx.fs.remove_tree(made, err);
}

/// The output directory, locked and checked, and what it held before.
struct Output {
  std::unique_ptr<FileSystem::Lock> lock;
  std::optional<Results> previous;
};

std::optional<Output> open_output(CliContext& ctx, const CatalogOptions& o) {
  Output out;
  std::string err;
  auto fail = [&](const std::string& what) {
    fmt::print(ctx.err, "escape-harness {}: {}\n", o.command, what);
    return std::nullopt;
  };
  for (const auto& file : {o.export_benchstat, o.export_junit})
    if (!file.empty() && !writable(ctx, file.substr(0, file.find_last_of('/') + 1), false, &err))
      return fail(fmt::format("export {}: {}", file, err));
  if (!o.write_reports) return out;
  const std::string abs = ctx.absolute(o.out);
  if (!ctx.cwd.empty() && (abs == ctx.cwd || (ctx.cwd + "/").starts_with(abs + "/")))
    return fail(
        fmt::format("--out {}: the report set replaces its directory as a whole, so it cannot be the current "
                    "directory or one above it; use a directory of its own",
                    o.out));
  if (!ctx.fs.make_dirs(o.out, &err)) return fail(fmt::format("output directory: {}", err));
  // The lock also proves the directory writable before anything runs.
  out.lock = ctx.fs.lock(join_path(o.out, ".escape-harness.lock"), &err);
  if (!out.lock) return fail(err + "; wait for it or use another --out");
  if (!writable(ctx, o.out, true, &err)) return fail(fmt::format("output directory: {}", err));
  remove_stale_temporaries(ctx, o.out);
  remove_staging_leftovers(ctx.fs, o.out);
  const std::string previous = join_path(o.out, "results.json");
  if (!o.replace && ctx.fs.exists(previous)) {
    auto text = ctx.fs.read(previous, &err);
    auto r = text ? results_from_json(*text, &err) : std::nullopt;
    if (!r)
      return fail(
          fmt::format("{}: {}; a run keeps the cells it does not measure, so it must read them: pass --replace "
                      "to start a new set",
                      previous, err));
    out.previous = std::move(r);
  }
  return out;
}

/// The work directory, owned by this run alone.
std::unique_ptr<FileSystem::Lock> own_work_dir(CliContext& ctx, const CatalogOptions& o, const std::string& work) {
  std::string err;
  if (!ctx.fs.make_dirs(work, &err)) {
    fmt::print(ctx.err, "escape-harness {}: work directory: {}\n", o.command, err);
    return nullptr;
  }
  auto lock = ctx.fs.lock(join_path(work, ".escape-harness.lock"), &err);
  if (!lock)
    fmt::print(ctx.err, "escape-harness {}: work directory: {}; wait for it or pass another --work\n", o.command, err);
  return lock;
}

/// Writes the report set: this run's cells over the previous ones.
bool write_reports(CliContext& ctx, const CatalogOptions& o, const Specs& specs, const GeneratedModule& module,
                   const Results& results, Output& out) {
  Results all = results;
  if (out.previous) {
    std::map<std::string, std::string> current;
    for (const auto& s : specs.all) current[s.id] = module.source_hash(s);
    std::vector<std::string> dropped;
    all = update_results(*out.previous, results, current, &dropped);
    for (const auto& d : dropped) fmt::print(ctx.err, "escape-harness {}: previous cells dropped: {}\n", o.command, d);
  }
  std::vector<ReportFile> files = report_files(all, report_place(ctx, o.out));
  std::string err;
  if (write_report_set(ctx.fs, o.out, files, &err)) {
    fmt::print(ctx.out, "reports: {}\n", listed_paths(o.out, files));
    return true;
  }
  fmt::print(ctx.err, "escape-harness {}: cannot write the reports: {}\n", o.command, err);
  return false;
}

}  // namespace

/// The toolchain specs to probe: --go ones, then the matrix file's; the go
/// on PATH when there are none. Nothing when the matrix file is bad.
std::optional<std::vector<MatrixLine>> toolchain_specs(CliContext& ctx, const CatalogOptions& o) {
  std::vector<MatrixLine> specs;
  std::vector<BuildConfig> configs;
  for (const auto& name : o.configs) {
    auto c = parse_config(name);
    if (!c) {
      fmt::print(ctx.err, "escape-harness {}: --config {}: unknown configuration; the known ones: {}\n", o.command,
                 name, config_spellings());
      return std::nullopt;
    }
    configs.push_back(*c);
  }
  if (configs.empty()) configs.push_back(BuildConfig::standard);
  std::vector<std::string> go = o.go;
  if (go.empty() && !o.matrix_file) go.emplace_back("go");
  for (const auto& g : go)
    for (BuildConfig c : configs) specs.push_back(MatrixLine{g, c, {}, ""});
  if (o.matrix_file) {
    std::string err;
    auto text = ctx.fs.read(*o.matrix_file, &err);
    if (!text) {
      fmt::print(ctx.err, "escape-harness {}: {} (the matrix file: --matrix-file FILE, or {} beside the specs)\n",
                 o.command, err, kMatrixFileName);
      return std::nullopt;
    }
    std::vector<InputError> errors;
    for (auto& line : parse_matrix(*o.matrix_file, *text, errors)) specs.push_back(std::move(line));
    for (const auto& e : errors) fmt::print(ctx.err, "{}\n", e.format());
    if (!errors.empty()) return std::nullopt;
  }
  return specs;
}

/// Asks each spec what toolchain it is, every one of them, so that one run
/// names every toolchain that cannot be used (at its matrix-file line).
/// Nothing (with the exit status in *status) when one cannot be run or two
/// are the same.
std::optional<std::vector<Toolchain>> probe_all(CliContext& ctx, const CatalogOptions& o,
                                                const std::vector<MatrixLine>& specs, int* status) {
  std::vector<Toolchain> toolchains;
  std::vector<const MatrixLine*> of;
  *status = kExitOk;
  for (const auto& spec : specs) {
    std::string err;
    auto tc = probe_toolchain(ctx.processes, spec.spec, ctx.env, &err, spec.config);
    if (int sig = ctx.interrupts.signal()) {
      *status = 128 + sig;
      return std::nullopt;
    }
    if (!tc) {
      if (spec.pos.line > 0) fmt::print(ctx.err, "{}\n", InputError{spec.pos, err, spec.line}.format());
      else
        fmt::print(ctx.err, "escape-harness {}: {}\n", o.command, err);
      *status = kExitToolchain;
      continue;
    }
    for (std::size_t i = 0; i < toolchains.size(); ++i)
      if (toolchains[i].key() == tc->key()) {
        fmt::print(ctx.err, "escape-harness {}: --go {} and --go {} both run {}; give each toolchain once\n", o.command,
                   of[i]->spec, spec.spec, tc->key());
        if (*status == kExitOk) *status = kExitBadInput;
      }
    fmt::print(ctx.err, "toolchain {}: {} ({}{})\n", spec.spec, tc->label(), tc->go,
               tc->gotoolchain == "local" ? "" : ", GOTOOLCHAIN=" + tc->gotoolchain);
    // One clear message; the configuration's claims are then error, the others judged.
    if (!tc->unavailable.empty())
      fmt::print(ctx.err, "escape-harness {}: {}: {}; its claims are error\n", o.command, tc->key(), tc->unavailable);
    toolchains.push_back(*tc);
    of.push_back(&spec);
  }
  if (*status != kExitOk) return std::nullopt;
  return toolchains;
}

std::string default_cache_dir(const CliContext& ctx) { return join_path(cache_home(ctx), "escape-harness/results"); }

std::string default_work_dir(const CliContext& ctx, const std::string& out) {
  // One work directory per output directory: the output lock guards both.
  return join_path(cache_home(ctx), "escape-harness/work-" + fnv1a_hex(ctx.absolute(out)).substr(0, 12));
}

ReportPlace report_place(const CliContext& ctx, const std::string& out) {
  ReportPlace place;
  place.results = join_path(out, "results.json");
  std::string rel = std::filesystem::path(ctx.cwd).lexically_relative(ctx.absolute(out)).string();
  place.to_root = ctx.cwd.empty() || rel.empty() ? ".." : rel;
  return place;
}

std::string default_catalog_file(const std::string& dir) {
  return join_path(split_path(dir).first, kDefaultCatalogFile);
}

std::optional<Specs> load_specs(CliContext& ctx, const std::string& dir, const std::string& catalog_file) {
  Specs out;
  if (ctx.fs.kind(dir) != FileKind::dir) {
    // Most often a run outside the repository: say which option to pass.
    fmt::print(ctx.err,
               "{}: no such directory of scenario specs; run from the repository root or pass --scenarios DIR\n", dir);
    return std::nullopt;
  }
  const std::string file = catalog_file.empty() ? default_catalog_file(dir) : catalog_file;
  LoadOptions lo;
  std::string err;
  if (auto text = ctx.fs.read(file, &err)) {
    out.catalog = parse_catalog(file, std::move(*text));
    lo.catalog = &*out.catalog;
  } else {
    lo.catalog_error = err;
  }
  LoadResult r = load_scenarios(ctx.fs, dir, lo);
  if (out.catalog) {
    std::string notes = join_path(file.substr(0, file.find_last_of('/') + 1), kCatalogNotesFile);
    if (ctx.fs.exists(notes)) out.notes = load_catalog_notes(ctx.fs, notes, *out.catalog, r.errors);
  }
  for (const auto& e : r.errors) fmt::print(ctx.err, "{}\n", e.format());
  if (!r.errors.empty()) {
    fmt::print(ctx.err, "{} in the specs; nothing was run\n", count_of(r.errors.size(), "error", "errors"));
    return std::nullopt;
  }
  out.scenarios = std::move(r.scenarios);
  return out;
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

void write_exports(CliContext& ctx, const CatalogOptions& o, const Results& r, const Results* baseline) {
  std::string err;
  if (!o.export_benchstat.empty() && !ctx.fs.write(o.export_benchstat, benchstat_export(r), &err))
    fmt::print(ctx.err, "escape-harness: {}\n", err);
  if (!o.export_junit.empty() && !ctx.fs.write(o.export_junit, junit_export(r, baseline), &err))
    fmt::print(ctx.err, "escape-harness: {}\n", err);
}

CatalogOutcome run_catalog(const CatalogOptions& o, CliContext& ctx, const Results* baseline) {
  std::string err;
  auto specs = load_specs(ctx, o.scenarios, o.catalog);
  if (!specs) return {kExitBadInput, {}};
  specs->all = specs->scenarios;
  if (!select_only(ctx, specs->scenarios, o.only)) return {kExitBadInput, {}};
  const auto* scenarios = &specs->scenarios;
  auto tc_specs = toolchain_specs(ctx, o);
  if (!tc_specs) return {kExitBadInput, {}};
  auto output = open_output(ctx, o);
  if (!output) return {kExitBadInput, {}};
  auto interrupted = [&](int sig) {
    fmt::print(ctx.err, "escape-harness {}: interrupted by signal {}; reports in {} left as they were\n", o.command,
               sig, o.out);
    return CatalogOutcome{128 + sig, {}};
  };
  int status = kExitOk;
  auto toolchains = probe_all(ctx, o, *tc_specs, &status);
  if (!toolchains) return status > 128 ? interrupted(status - 128) : CatalogOutcome{status, {}};

  GeneratedModule module = generate(specs->all);
  TimingSettings timing;
  timing.samples = o.samples;
  timing.looks = o.looks;
  timing.cpu = cpu_model(ctx.fs);
  // Absolute: go and the test binaries run in other directories.
  const std::string work = ctx.absolute(o.work.empty() ? default_work_dir(ctx, o.out) : o.work);
  auto work_lock = own_work_dir(ctx, o, work);
  if (!work_lock) return {kExitBadInput, {}};
  RunPlan plan = make_plan(*scenarios, module, std::move(*toolchains), work, timing);
  Results results = empty_results(ctx, plan, module, *specs, o.quick);
  RunOptions ro = runner_options(ctx, o);
  ro.date = results.date;
  Runner runner(ctx.processes, ctx.fs, module, plan, std::move(ro), ctx.interrupts);
  if (!runner.prepare(&err)) {
    fmt::print(ctx.err, "escape-harness {}: work directory: {}\n", o.command, err);
    return {kExitBadInput, {}};
  }
  std::string load;
  if (!measure_and_judge(ctx, o, plan, runner, results, baseline, &load)) return interrupted(ctx.interrupts.signal());

  print_summary(ctx, results, plan, runner, load);
  if (o.write_reports && !write_reports(ctx, o, *specs, module, results, *output))
    return {kExitClaimErrors, std::move(results)};
  RunSummary summary = summarize(results);
  return {summary.errors.empty() ? kExitOk : kExitClaimErrors, std::move(results)};
}

RunSummary summarize(const Results& r) {
  RunSummary s;
  for (Verdict v : enum_values<Verdict>()) s.counts[v] = s.harness_counts[v] = 0;
  for (const auto& sc : r.scenarios) {
    const std::string name = sc.label();
    for (const auto& c : sc.claims) {
      const bool own = c.origin == Origin::harness;
      for (const auto& [tc, v] : c.verdicts) {
        ++(own ? s.harness_counts : s.counts)[v.verdict];
        const std::string what = fmt::format("{} {} ({}){}", name, c.id, tc, own ? ", the harness's own" : "");
        if (v.verdict == Verdict::refuted) s.refuted.push_back(what);
        if (v.verdict == Verdict::error) s.errors.push_back(fmt::format("{}: {}", what, v.reason));
      }
    }
  }
  // How precise the timing was: the 95% interval of each timed median.
  std::size_t fewest = SIZE_MAX, most = 0;
  for (const auto& sc : r.scenarios)
    for (const auto& v : sc.variants)
      for (const auto& [tc, ob] : v.results)
        if (ob.samples.size() >= 2)
          if (auto ci = stats::median_ci(ob.samples); ci && std::isfinite(ci->lo) && std::isfinite(ci->hi)) {
            s.timing_widths.push_back((ci->hi - ci->lo) / 2 / ci->median * 100);
            fewest = std::min(fewest, ob.samples.size());
            most = std::max(most, ob.samples.size());
          }
  s.fewest_samples = s.timing_widths.empty() ? 0 : fewest;
  s.most_samples = most;
  return s;
}

std::string format_summary(const RunSummary& s,
                           const std::function<std::string(const std::string&, const char*)>& paint) {
  static constexpr std::pair<Verdict, const char*> kColours[] = {{Verdict::confirmed, "green"},
                                                                 {Verdict::refuted, "yellow"},
                                                                 {Verdict::inconclusive, "bold"},
                                                                 {Verdict::skipped, "bold"},
                                                                 {Verdict::error, "red"}};
  std::vector<std::string> counts;
  for (auto [v, colour] : kColours) {
    int n = s.counts.count(v) ? s.counts.at(v) : 0;
    std::string text = fmt::format("{} {}", n, v);
    counts.push_back(n ? paint(text, colour) : text);
  }
  std::string out = fmt::format("claims: {}\n", join(counts, ", "));
  int own = 0;
  for (const auto& [v, n] : s.harness_counts) own += n;
  if (own) {
    std::vector<std::string> theirs;
    for (auto [v, colour] : kColours) theirs.push_back(fmt::format("{} {}", s.harness_counts.at(v), v));
    out += fmt::format("the harness's own claims (not counted above): {}\n", join(theirs, ", "));
  }
  if (!s.timing_widths.empty()) {
    auto [lo, hi] = std::minmax_element(s.timing_widths.begin(), s.timing_widths.end());
    out += fmt::format("timing: {} samples per variant; median 95% CI half-width {:.1f}% to {:.1f}%\n",
                       s.fewest_samples == s.most_samples ? std::to_string(s.most_samples)
                                                          : fmt::format("{} to {}", s.fewest_samples, s.most_samples),
                       *lo, *hi);
  }
  for (const auto& r : s.refuted) out += fmt::format("  {}: {}\n", paint("refuted", "yellow"), r);
  for (const auto& e : s.errors) out += fmt::format("  {}: {}\n", paint("error", "red"), e);
  return out;
}

}  // namespace eh
