#include "commands.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <set>

#include "catalog.h"
#include "cli.h"
#include "compare.h"
#include "generate.h"
#include "matrix.h"
#include "merge.h"
#include "report_set.h"
#include "report_text.h"
#include "text.h"

namespace eh {
namespace {

/// Every file below `dir`, as paths relative to it.
void walk(const FileSystem& fs, const std::string& dir, const std::string& rel, std::vector<std::string>& out) {
  std::string err;
  auto names = fs.list(rel.empty() ? dir : join_path(dir, rel), &err);
  if (!names) return;
  for (const auto& n : *names) {
    if (n.ends_with("/")) {
      walk(fs, dir, join_path(rel, n.substr(0, n.size() - 1)), out);
    } else {
      out.push_back(join_path(rel, n));
    }
  }
}

/// The options of `run` (and `check`, which takes them all).
CatalogOptions catalog_options(const Args& a, std::string command) {
  CatalogOptions o;
  o.command = std::move(command);
  o.scenarios = a.text("--scenarios");
  o.catalog = a.text("--catalog");
  o.only = a.all("--only");
  o.go = a.all("--go");
  o.configs = a.all("--config");
  if (a.given("--matrix-file")) o.matrix_file = a.text("--matrix-file");
  else if (a.flag("--matrix"))
    o.matrix_file = join_path(o.scenarios, kMatrixFileName);
  o.out = a.text("--out");
  o.write_reports = o.command == "run" || a.given("--out");
  o.replace = a.flag("--replace");
  o.quick = a.flag("--quick");
  o.samples = a.number("--samples");
  o.looks = std::min(o.samples, a.number("--looks"));
  o.timeout_s = a.number("--timeout");
  o.work = a.text("--work");
  o.jobs = a.number("--jobs");
  o.no_cache = a.flag("--no-cache");
  o.cache_dir = a.text("--cache-dir");
  o.export_benchstat = a.text("--export-benchstat");
  o.export_junit = a.text("--export-junit");
  return o;
}

/// A usage error of a command's arguments: the message and the usage, exit 2.
int usage_error(CliContext& ctx, std::string_view command, std::string_view message) {
  fmt::print(ctx.err, "escape-harness {}: {}\n{}", command, message, command_usage(command));
  return kExitBadInput;
}

}  // namespace

int cmd_run(const Args& args, CliContext& ctx) { return run_catalog(catalog_options(args, "run"), ctx).status; }

int cmd_check(const Args& args, CliContext& ctx) {
  if (!args.given("--baseline")) return usage_error(ctx, "check", "--baseline FILE is required");
  const std::string baseline_path = args.text("--baseline");
  auto baseline = read_results(ctx, baseline_path, "check");
  if (!baseline) return kExitBadInput;
  CatalogOptions o = catalog_options(args, "check");
  std::optional<Results> current;
  if (args.given("--results")) {
    current = read_results(ctx, args.text("--results"), "check");
    if (!current) return kExitBadInput;
    // Export files, when asked for, are written from the results read.
    write_exports(ctx, o, *current, &*baseline);
  } else {
    CatalogOutcome r = run_catalog(o, ctx, &*baseline);
    if (!r.results) return r.status;
    current = std::move(r.results);
  }
  if (args.given("--against")) {
    // A new release against the newest pinned one: a report, not the gate.
    const std::string against = args.text("--against");
    if (current->toolchains.size() != 1)
      return usage_error(ctx, "check",
                         fmt::format("--against compares one toolchain; this run has {}", current->toolchains.size()));
    if (!std::any_of(baseline->toolchains.begin(), baseline->toolchains.end(),
                     [&](const ToolchainInfo& t) { return t.key() == against; }))
      return usage_error(ctx, "check", fmt::format("--against {}: {} has no such toolchain", against, baseline_path));
    const std::string release = current->toolchains.front().key();
    Comparison c = compare_results(relabelled(*baseline, against, release), *current);
    fmt::print(ctx.out, "{}", format_release_change(c, release, against, baseline_path));
    return c.changes.empty() ? kExitOk : kExitClaimErrors;
  }
  Comparison c = compare_results(*baseline, *current);
  fmt::print(ctx.out, "{}", format_comparison(c, baseline_path));
  return c.drift() ? kExitClaimErrors : kExitOk;
}

int cmd_gen(const Args& args, CliContext& ctx) {
  const std::string gosrc = args.text("--gosrc");
  auto specs = load_specs(ctx, args.text("--scenarios"), args.text("--catalog"));
  if (!specs) return kExitBadInput;
  const auto* scenarios = &specs->scenarios;
  GeneratedModule m = generate(*scenarios);
  std::string err;
  std::set<std::string> keep;
  for (const auto& f : m.files) {
    std::string path = join_path(gosrc, f.path);
    keep.insert(f.path);
    if (!ctx.fs.make_dirs(path.substr(0, path.rfind('/')), &err) || !ctx.fs.write(path, f.content, &err)) {
      fmt::print(ctx.err, "escape-harness gen: {}\n", err);
      return kExitBadInput;
    }
  }
  std::vector<std::string> existing;
  walk(ctx.fs, gosrc, "", existing);
  int removed = 0;
  for (const auto& rel : existing)
    if (!keep.count(rel) && (rel.ends_with(".go") || rel == "go.sum")) {
      if (!ctx.fs.remove(join_path(gosrc, rel), &err)) {
        fmt::print(ctx.err, "escape-harness gen: {}\n", err);
        return kExitBadInput;
      }
      ++removed;
    }
  fmt::print(ctx.out, "wrote {} files for {} scenarios to {}{}\n", m.files.size(), scenarios->size(), gosrc,
             removed ? fmt::format(" (removed {} stale)", removed) : "");
  return kExitOk;
}

int cmd_list(const Args& args, CliContext& ctx) {
  auto specs = load_specs(ctx, args.text("--scenarios"), args.text("--catalog"));
  if (!specs) return kExitBadInput;
  for (const auto& s : specs->scenarios) {
    std::vector<std::string> variants;
    for (const auto& v : s.variants) variants.push_back(v.name);
    if (s.from_catalog()) fmt::print(ctx.out, "{:>2}  {}  {}\n", s.entry, s.id, s.title);
    else
      fmt::print(ctx.out, " -  {}  {} (source: {})\n", s.id, s.title, s.source);
    fmt::print(ctx.out, "    variants: {}\n", join(variants, ", "));
    for (const auto& c : s.claims) {
      // What a reader of the list needs before a run: which claims --quick
      // skips, which are not the source's, which carry a Go qualifier.
      std::vector<std::string> tags;
      if (std::any_of(c.expect.begin(), c.expect.end(), [](const Expectation& e) { return is_timing(e.kind); }))
        tags.emplace_back("timing");
      if (c.origin == Origin::harness) tags.emplace_back("harness's own");
      if (c.before_go) tags.push_back("before Go " + c.before_go->to_string());
      if (c.min_go) tags.push_back("Go " + c.min_go->to_string() + " and newer");
      fmt::print(ctx.out, "    {:<8} {}{}: {}\n", c.aspect, c.id, tags.empty() ? "" : " [" + join(tags, ", ") + "]",
                 c.text);
    }
  }
  return kExitOk;
}

/// The results file a command reads: --results, else results.json in --out
/// (reports/ when neither is given).
std::string results_path(const Args& a) {
  if (a.given("--results")) return a.text("--results");
  return join_path(a.given("--out") ? a.text("--out") : "reports", "results.json");
}

int cmd_report(const Args& args, CliContext& ctx) {
  const std::string results = results_path(args);
  std::string out = args.given("--out") ? args.text("--out") : split_path(results).first;
  if (out.empty()) out = ".";
  auto r = read_results(ctx, results, "report");
  if (!r) return kExitBadInput;
  // The results file is the input: everything but it is rewritten.
  ReportPlace place = report_place(ctx, out);
  place.results = results;
  std::vector<ReportFile> files = report_files(*r, place);
  std::erase_if(files, [](const ReportFile& f) { return f.path == "results.json"; });
  std::string err;
  if (!write_report_set(ctx.fs, out, files, &err)) {
    fmt::print(ctx.err, "escape-harness report: {}\n", err);
    return kExitBadInput;
  }
  fmt::print(ctx.out, "wrote {} and charts/\n", listed_paths(out, files));
  return kExitOk;
}

int cmd_show(const Args& args, CliContext& ctx) {
  if (args.positional().size() != 1) return usage_error(ctx, "show", "give one scenario id");
  auto r = read_results(ctx, results_path(args), "show");
  if (!r) return kExitBadInput;
  const std::string& id = args.positional()[0];
  const ScenarioRecord* s = r->scenario(id);
  if (!s) {
    std::vector<std::string> ids;
    for (const auto& x : r->scenarios) ids.push_back(x.id);
    fmt::print(ctx.err, "escape-harness show: no scenario '{}' in the results ({})\n", id, join(ids, ", "));
    return kExitBadInput;
  }
  fmt::print(ctx.out, "{}", show_text(*r, *s));
  return kExitOk;
}

int cmd_merge(const Args& args, CliContext& ctx) {
  if (args.positional().size() < 2) return usage_error(ctx, "merge", "give two or more results.json files");
  std::vector<NamedResults> inputs;
  for (const auto& path : args.positional()) {
    auto r = read_results(ctx, path, "merge");
    if (!r) return kExitBadInput;
    inputs.push_back(NamedResults{path, std::move(*r)});
  }
  std::string err;
  auto merged = merge_results(inputs, &err);
  if (!merged) {
    fmt::print(ctx.err, "escape-harness merge: {}\n", err);
    return kExitBadInput;
  }
  const std::string out = args.text("--out");
  auto lock = ctx.fs.make_dirs(out, &err) ? ctx.fs.lock(join_path(out, ".escape-harness.lock"), &err) : nullptr;
  if (!lock || !write_report_set(ctx.fs, out, report_files(*merged), &err)) {
    fmt::print(ctx.err, "escape-harness merge: {}\n", err);
    return kExitBadInput;
  }
  std::vector<std::string> tcs;
  for (const auto& t : merged->toolchains) tcs.push_back(t.key());
  fmt::print(ctx.out, "merged {} files ({}) into {}\n", inputs.size(), join(tcs, ", "), join_path(out, "results.json"));
  return kExitOk;
}

}  // namespace eh
