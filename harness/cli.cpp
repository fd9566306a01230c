#include "cli.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <ostream>

#include "commands.h"
#include "text.h"

namespace eh {
namespace {

/// One command: what usage, --help, validation and dispatch need to know.
struct CommandRow {
  CommandId id;
  std::string_view name;
  std::string_view positional;  // how usage names its arguments; "" when it takes none
  std::string_view summary;     // one line, for `escape-harness --help`
  std::string_view description;
  int (*handler)(const Args&, CliContext&);
};

constexpr CommandRow kCommands[] = {
    {kCmdRun, "run", "", "generate, build, measure and judge every scenario; write reports",
     "Loads the scenario specs, generates a Go test program per variant, builds and runs it with the go toolchain, "
     "judges every claim, and writes <out>/results.json, <out>/EVIDENCE.md, <out>/MATRIX.md and <out>/ERRATA.md.",
     cmd_run},
    {kCmdGen, "gen", "", "write the generated Go programs (gosrc/) only",
     "Writes the generated Go module (default: gosrc/) from the specs (default: scenarios/), removing generated "
     "files no spec produces any more. Nothing runs.",
     cmd_gen},
    {kCmdList, "list", "", "list scenarios: ids, entry numbers, titles, claims",
     "Prints each scenario's entry number, id and title, and its claims.", cmd_list},
    {kCmdReport, "report", "", "rewrite the Markdown reports from a results.json",
     "Rewrites the reports beside a results.json (EVIDENCE.md, MATRIX.md, ERRATA.md, charts/) from it. No "
     "toolchain runs.",
     cmd_report},
    {kCmdCheck, "check", "", "run (or read results), then compare verdicts with a baseline",
     "Does a run exactly as `run` would (same options; the reports are written only where --out says) and "
     "compares its verdicts, per "
     "claim and toolchain, with a recorded results.json. With --results FILE it compares that file instead of "
     "running. Timing verdicts skipped by --quick on either side are not compared.\n"
     "Exit status: 0 every verdict matches; 1 a verdict changed, or a toolchain of this run has no baseline (each "
     "change is printed with the old and new numbers); 2 bad input; 3 the toolchain cannot be run.",
     cmd_check},
    {kCmdShow, "show", "ID", "print one scenario's evidence from a results.json",
     "Prints one scenario's evidence (claims with verdicts and numbers, the variant table, the why-chains) from a "
     "results.json.",
     cmd_show},
    {kCmdScan, "scan", "PATTERN...", "find the catalog's shapes in a Go module's escape analysis",
     "Builds the packages (./... in --dir, or import paths such as net/http) with -gcflags=-m=2, streams the "
     "compiler's output, and classifies every heap allocation it reports into the catalog's shapes: "
     "bytes-to-interface (entry 1), interface-boxing (2), address-taken (3), fmt-argument (4, 10), closure-capture "
     "(5, 13), named-result (9), make-escape (8, 12), or other. Each finding has its position, the compiler's "
     "message and why-chain, and the catalog entry with its verdict on this toolchain.\n"
     "Exit status: 0 scanned; 1 some package did not build (the rest is reported); 2 usage; 3 go could not be run.",
     cmd_scan},
    {kCmdProfile, "profile", "PATTERN...", "why is my code allocating: benchmarks' allocations joined with escapes",
     "Builds each package's tests with -gcflags=-m=2 (one test binary per package), runs every benchmark twice "
     "with -test.memprofilerate=1 (at 10x and (10+N)x, --benchtime Nx) and reads both memory profiles with go "
     "tool pprof -raw: the difference is what N iterations allocate. Each allocation is charged to its site (the "
     "innermost frame outside the runtime) in objects/op and bytes/op, reconciled with -benchmem, and joined with "
     "the compiler's finding there (message, why-chain, shape, catalog entry). Categories: escape, "
     "heap-without-escape (with the compiler's reason), runtime-growth (append, map growth), "
     "outside-analysed-code; escapes no benchmark reached are listed. With --diff and two --go: the allocations "
     "the newer toolchain adds or removes, per benchmark.\n"
     "Exit status: 0 profiled; 1 a package did not build, had no benchmarks or one failed (the rest is "
     "reported), or --fail-on-new found one; 2 usage; 3 go could not be run.",
     cmd_profile},
    {kCmdMerge, "merge", "A.json B.json ...", "merge results.json files from separate runs into one",
     "Merges results.json files from separate runs (one toolchain per CI job, say) into <out>/results.json and "
     "rewrites the reports. Two files with results for the same toolchain, or a scenario generated from different "
     "code, are an error: nothing is overwritten.",
     cmd_merge},
    {kCmdErrorcheck, "errorcheck", "[FILE...]", "judge Go's own escape tests (test/escape*.go) on each toolchain",
     "Reads errorcheck test files (each GOROOT's test/escape*.go by default, --suite for others, or the FILEs), "
     "compiles each with every toolchain as Go's test driver does (go tool compile with the file's flags), and "
     "judges every // ERROR regexp by the driver's rule: held when a message on its line matches it, failed when "
     "none does; a message no regexp of its line takes is unexpected. A file a toolchain cannot compile is "
     "skipped with the compiler's reason. Prints the counts per suite and toolchain; --out writes COMPILER.md and "
     "compiler.json.\n"
     "Exit status: 0 judged; 1 a compile crashed or hung (that file is an error), or an expectation's verdict "
     "differs from --baseline; 2 bad input; 3 a toolchain cannot be run.",
     cmd_errorcheck},
};

constexpr std::string_view kExitStatuses =
    "Exit status: 0 every claim judged; 1 some claims are `error`; 2 bad input (spec errors, usage), nothing ran; 3 "
    "the toolchain cannot be run.";

const CommandRow* find_command(std::string_view name) {
  for (const auto& c : kCommands)
    if (c.name == name) return &c;
  return nullptr;
}

/// `text` wrapped at `width` columns, continuation lines indented by `indent`.
std::string wrap(std::string_view text, std::size_t first_column, std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t column = first_column;
  for (std::size_t b = 0; b < text.size();) {
    std::size_t e = text.find_first_of(" \n", b);
    if (e == std::string_view::npos) e = text.size();
    std::string_view word = text.substr(b, e - b);
    if (column > indent && column + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    if (e < text.size() && text[e] == '\n') {
      out += "\n";
      column = 0;
      if (indent) {
        out += std::string(indent, ' ');
        column = indent;
      }
    }
    b = e + 1;
  }
  return out;
}

std::string usage_of(const CommandRow& c) {
  std::string out =
      fmt::format("usage: escape-harness {}{}{}\n\n", c.name, c.positional.empty() ? "" : " ", c.positional);
  if (!options_of(c.id).empty()) out.insert(out.size() - 2, " [options]");
  out += wrap(c.description, 0, 0, 79) + "\n";
  auto rows = options_of(c.id);
  if (rows.empty()) return out;
  out += "\noptions:\n";
  for (const OptionRow* r : rows) {
    std::string head = fmt::format("  {}{}{}", r->name, r->value.empty() ? "" : " ", r->value);
    std::string help(r->help);
    if (r->repeatable) help += " (repeatable)";
    if (!r->fallback.empty() && !r->repeatable) help += fmt::format(" (default: {})", r->fallback);
    if (head.size() >= 20) head += "\n" + std::string(21, ' ');
    else
      head += std::string(21 - head.size(), ' ');
    out += head + wrap(help, 21, 21, 79) + "\n";
  }
  return out;
}

std::string top_usage() {
  std::string out =
      "usage: escape-harness <command> [options]\n\n"
      "Verifies the claims of the escape-analysis catalog against real Go toolchains.\n\ncommands:\n";
  for (const auto& c : kCommands) out += fmt::format("  {:<8} {}\n", c.name, c.summary);
  out += "\n`escape-harness <command> --help` describes each command's options.\n";
  return out + wrap(kExitStatuses, 0, 0, 79) + "\n";
}

}  // namespace

std::string command_usage(std::string_view command) {
  const CommandRow* c = find_command(command);
  return c ? usage_of(*c) : top_usage();
}

std::string command_synopsis() {
  std::string out;
  for (const auto& c : kCommands) {
    std::string head = fmt::format("escape-harness {}", c.name);
    std::string words;
    for (const OptionRow* r : options_of(c.id)) {
      std::string w =
          fmt::format("[{}{}{}]{}", r->name, r->value.empty() ? "" : " ", r->value, r->repeatable ? "..." : "");
      words += (words.empty() ? "" : " ") + w;
    }
    if (!c.positional.empty()) words += (words.empty() ? "" : " ") + std::string(c.positional);
    out += head + " " + wrap(words, head.size() + 1, head.size() + 1, 100) + "\n";
  }
  return out;
}

bool valid_command_line(const std::vector<std::string>& args, std::string* err) {
  if (args.empty()) {
    *err = "no command";
    return false;
  }
  const CommandRow* c = find_command(args[0]);
  if (!c) {
    *err = fmt::format("unknown command '{}'", args[0]);
    return false;
  }
  return Args::parse(c->id, !c->positional.empty(), {args.begin() + 1, args.end()}, err).has_value();
}

int run_cli(const std::vector<std::string>& args, CliContext& ctx) {
  if (args.empty()) {
    fmt::print(ctx.err, "{}", top_usage());
    return kExitBadInput;
  }
  const std::string& name = args[0];
  if (name == "--help" || name == "-h" || name == "help") {
    fmt::print(ctx.out, "{}", top_usage());
    return kExitOk;
  }
  if (name == "--version") {
    fmt::print(ctx.out, "escape-harness {}\n", ESCAPE_HARNESS_VERSION);
    return kExitOk;
  }
  const CommandRow* c = find_command(name);
  if (!c) {
    fmt::print(ctx.err, "escape-harness: unknown command '{}'\n{}", name, top_usage());
    return kExitBadInput;
  }
  std::string err;
  auto parsed = Args::parse(c->id, !c->positional.empty(), {args.begin() + 1, args.end()}, &err);
  if (!parsed) {
    fmt::print(ctx.err, "escape-harness {}: {}\n{}", c->name, err, usage_of(*c));
    return kExitBadInput;
  }
  if (parsed->help()) {
    fmt::print(ctx.out, "{}", usage_of(*c));
    return kExitOk;
  }
  return c->handler(*parsed, ctx);
}

}  // namespace eh
