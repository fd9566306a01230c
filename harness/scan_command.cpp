// `escape-harness scan`: go build -gcflags=-m=2 over a module, streamed
// through EscapeScanner (scan.h), reported by report_scan.h.

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "catalog.h"
#include "cli.h"
#include "commands.h"
#include "report_scan.h"
#include "results_json.h"
#include "scan.h"
#include "scan_diff.h"
#include "text.h"
#include "toolchain.h"

namespace eh {

std::map<std::string, std::string> symptom_verdicts(CliContext& ctx, const std::string& results_path,
                                                    const std::string& toolchain) {
  std::map<std::string, std::string> out;
  std::string err;
  auto text = ctx.fs.read(results_path, &err);
  if (!text) return out;
  auto r = results_from_json(*text, &err);
  if (!r) return out;
  for (const auto& s : r->scenarios)
    for (const auto& c : s.claims)
      if (c.aspect == Aspect::symptom && !out.count(s.id))
        if (auto v = c.verdicts.find(toolchain); v != c.verdicts.end() && v->second.verdict != Verdict::skipped)
          out[s.id] = fmt::format("{} {}", c.id, v->second.verdict);
  return out;
}

int write_outputs(CliContext& ctx, const Args& args, std::string_view command, const std::string& summary,
                  const std::string& text) {
  const std::string format = args.text("--format"), out = args.text("--out");
  fmt::print(format != "summary" && out.empty() ? ctx.err : ctx.out, "{}", summary);
  if (format == "summary" && out.empty()) return kExitOk;
  std::string err;
  if (out.empty()) {
    fmt::print(ctx.out, "{}", text);
  } else if (!ctx.fs.write(out, text, &err)) {
    fmt::print(ctx.err, "escape-harness {}: {}\n", command, err);
    return kExitClaimErrors;
  } else {
    fmt::print(ctx.out, "\nwrote {} ({})\n", out, format);
  }
  return kExitOk;
}

namespace {

/// One scan with one toolchain; nullopt when go could not be run (the
/// message is printed). `built` is false when some package did not build.
std::optional<ScanReport> scan_once(const Args& args, CliContext& ctx, const std::string& spec, bool* built,
                                    int* status) {
  std::string err;
  auto tc = probe_toolchain(ctx.processes, spec, ctx.env, &err);
  if (!tc) {
    fmt::print(ctx.err, "escape-harness scan: {}\n", err);
    *status = kExitToolchain;
    return std::nullopt;
  }
  const auto& patterns = args.positional();
  ScanReport report;
  report.toolchain = tc->version;
  report.patterns = patterns;
  report.dir = ctx.absolute(args.text("--dir"));
  report.goroot = tc->goroot;
  report.verdicts = symptom_verdicts(ctx, args.text("--results"), tc->version);

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
  c.argv.insert(c.argv.end(), patterns.begin(), patterns.end());
  c.cwd = report.dir;
  c.env = go_environment(*tc, ctx.env);
  c.timeout = std::chrono::seconds(args.number("--timeout"));
  c.on_stderr = [&](std::string_view chunk) {
    scanner.feed(chunk);
    tail.append(chunk);
    if (tail.size() > 8192) tail.erase(0, tail.size() - 4096);
  };
  auto start = ctx.clock.now();
  ProcessResult r = ctx.processes.run(c);
  scanner.finish();
  report.seconds = std::chrono::duration<double>(ctx.clock.now() - start).count();
  report.bytes = scanner.bytes();
  report.findings = scanner.findings();
  report.merged_generated = scanner.merged_generated();
  if (int sig = ctx.interrupts.signal()) {
    *status = 128 + sig;
    return std::nullopt;
  }
  if (r.outcome == Outcome::failed_to_start || r.outcome == Outcome::timed_out || r.outcome == Outcome::signaled) {
    fmt::print(ctx.err, "escape-harness scan: `{}` {}\n", c.display(), r.describe(c.timeout));
    *status = kExitToolchain;
    return std::nullopt;
  }
  *built = r.ok();
  if (!r.ok())
    // Packages that do not build are reported as far as they were analysed.
    fmt::print(ctx.err, "escape-harness scan: go build with {} failed ({}); the scan is incomplete:\n{}\n", tc->version,
               r.describe(), tail_lines(tail, 10));
  return report;
}

int scan_diff(const Args& args, CliContext& ctx) {
  const auto gos = args.all("--go");
  if (gos.size() != 2) {
    fmt::print(ctx.err, "escape-harness scan: --diff needs two --go, the older toolchain first (got {})\n", gos.size());
    return kExitBadInput;
  }
  const std::string format = args.text("--format");
  if (format == "sarif") {
    fmt::print(ctx.err, "escape-harness scan: --diff writes summary, md or json\n");
    return kExitBadInput;
  }
  bool built_old = true, built_new = true;
  int status = kExitOk;
  auto older = scan_once(args, ctx, gos[0], &built_old, &status);
  if (!older) return status;
  auto newer = scan_once(args, ctx, gos[1], &built_new, &status);
  if (!newer) return status;
  const ScanDiff d = diff_scans(*older, *newer);
  const std::string summary = diff_summary(d, 20);
  const std::string text = format == "md" ? diff_markdown(d) : format == "json" ? diff_json(d) : summary;
  if (int s = write_outputs(ctx, args, "scan", summary, text); s != kExitOk) return s;
  if (!built_old || !built_new) return kExitClaimErrors;
  if (args.flag("--fail-on-new") && d.new_allocations() > 0) {
    fmt::print(ctx.err, "escape-harness scan: {} adds {} heap allocation{} (--fail-on-new)\n", d.newer,
               d.new_allocations(), d.new_allocations() == 1 ? "" : "s");
    return kExitClaimErrors;
  }
  return kExitOk;
}

}  // namespace

int cmd_scan(const Args& args, CliContext& ctx) {
  const auto& patterns = args.positional();
  if (patterns.empty()) {
    fmt::print(ctx.err, "escape-harness scan: give package patterns (./..., net/http)\n{}", command_usage("scan"));
    return kExitBadInput;
  }
  const std::string format = args.text("--format");
  if (format != "summary" && format != "md" && format != "json" && format != "sarif") {
    fmt::print(ctx.err, "escape-harness scan: --format: expected summary, md, json or sarif, got '{}'\n", format);
    return kExitBadInput;
  }
  for (const auto& p : patterns)
    if (p.starts_with("-")) {
      fmt::print(ctx.err, "escape-harness scan: '{}' is not a package pattern\n", p);
      return kExitBadInput;
    }
  if (args.flag("--diff")) return scan_diff(args, ctx);
  if (args.all("--go").size() > 1 || args.flag("--fail-on-new")) {
    fmt::print(ctx.err, "escape-harness scan: two --go and --fail-on-new need --diff\n");
    return kExitBadInput;
  }
  bool built = true;
  int status = kExitOk;
  auto report = scan_once(args, ctx, args.text("--go"), &built, &status);
  if (!report) return status;
  const std::string summary = scan_summary(*report);
  const std::string text = format == "md"      ? scan_markdown(*report)
                           : format == "json"  ? scan_json(*report)
                           : format == "sarif" ? scan_sarif(*report)
                                               : summary;
  if (int s = write_outputs(ctx, args, "scan", summary, text); s != kExitOk) return s;
  return built ? kExitOk : kExitClaimErrors;
}

}  // namespace eh
