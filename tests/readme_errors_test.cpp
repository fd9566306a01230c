#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli.h"
#include "fs.h"
#include "process.h"
#include "catalog_text.h"
#include "spec_loader.h"
#include "test_util.h"
#include "toolchain.h"

extern char** environ;

using namespace eh;
using namespace std::chrono_literals;

// README.md's "Errors" section lists every class of bad input and fault with
// the exact message the harness gives. This test reproduces each one and
// compares; ESCAPE_HARNESS_UPDATE_GOLDEN=1 rewrites the section instead.

namespace {

const std::string kSpec = R"(id: demo
entry: 3
title: Demo
variants:
  - name: bug
    code: |
      func f(t int) *int { // @param
      	return &t
      }
    call: f(1)
    results: ["*int"]
    min_go: "1.20"
claims:
  - id: moves
    aspect: symptom
    text: t moves to the heap.
    quote: n moves to heap.
    expect:
      - kind: diagnostic
        variant: bug
        marker: param
        matches: "moved to heap: t"
)";

using test::replace;

/// `text` from the first `from` on: what comes before it (the toolchain
/// line, naming this machine's go) is not part of the message.
std::string after(const std::string& text, const std::string& from) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.substr(at);
}

/// The messages for specs in a scenarios/ directory of memory files, their
/// quotes checked against the repository's catalog.
std::string spec_errors(std::map<std::string, std::string> files) {
  MemoryFileSystem fs;
  fs.make_dirs("scenarios", nullptr);
  for (auto& [name, text] : files) fs.files["scenarios/" + name] = text;
  const CatalogText catalog = parse_catalog(kDefaultCatalogFile, test::read_repo_file(kDefaultCatalogFile));
  LoadOptions lo;
  lo.catalog = &catalog;
  std::string out;
  for (const auto& e : load_scenarios(fs, "scenarios", lo).errors) out += (out.empty() ? "" : "\n") + e.format();
  return out;
}

using test::TempDir;

/// A scenarios/ directory with one spec, and the catalog its quotes are
/// checked against beside it.
void write_specs(const std::string& dir, const std::string& spec) {
  const std::filesystem::path root(dir);
  test::write_file((root / "scenarios" / "03-demo.yaml").string(), spec);
  std::filesystem::copy(std::filesystem::path(test::source_dir()) / "catalog", root / "catalog");
}

std::string one_variant(const std::string& code, const std::string& imports = "[]") {
  return "id: demo\nsource: the README's examples\ntitle: Demo\nvariants:\n  - name: bug\n    imports: " + imports +
         "\n    code: |\n" + code +
         "    call: f()\nclaims:\n  - id: c\n    aspect: symptom\n    text: t\n    expect:\n"
         "      - {kind: allocs, variant: bug, at_least: 0}\n";
}

ProcessResult harness(const std::string& cwd, const std::vector<std::string>& args,
                      std::map<std::string, std::string> env = test::test_environment()) {
  return test::run_harness(args, cwd, std::move(env));
}

/// The reason of the first claim error in a run's summary ("  error: entry N id (goX): REASON").
std::string claim_error(const ProcessResult& r) {
  auto at = r.out.find("  error: ");
  REQUIRE(at != std::string::npos);
  auto colon = r.out.find("): ", at);
  auto end = r.out.find('\n', colon);
  return r.out.substr(colon + 3, end - colon - 3);
}

std::string run_error(const std::string& code, std::vector<std::string> extra = {}, const std::string& imports = "[]",
                      bool quick = true) {
  TempDir d;
  write_specs(d.path, one_variant(code, imports));
  std::vector<std::string> args = {"run", "--out", "out", "--work", "work"};
  if (quick) args.emplace_back("--quick");
  args.insert(args.end(), extra.begin(), extra.end());
  return claim_error(harness(d.path, args));
}

/// Every class, in README order: heading and message.
std::vector<std::pair<std::string, std::string>> all_messages() {
  std::vector<std::pair<std::string, std::string>> m;
  auto add = [&](std::string h, std::string msg) { m.emplace_back(std::move(h), std::move(msg)); };
  // Specs: each stops the run before anything runs (exit 2); every error of every file is listed.
  add("YAML syntax error",
      spec_errors({{"03-demo.yaml", replace(kSpec, "    results: [\"*int\"]", "    results: [\"*int\"")}}));
  add("Unknown key", spec_errors({{"03-demo.yaml", replace(kSpec, "    call: f(1)", "    cal: f(1)")}}));
  add("Wrong type", spec_errors({{"03-demo.yaml", replace(kSpec, "entry: 3", "entry: three")}}));
  add("Missing required field", spec_errors({{"03-demo.yaml", replace(kSpec, "title: Demo\n", "")}}));
  add("Duplicate scenario id across files",
      spec_errors({{"03-demo.yaml", kSpec}, {"04-demo.yaml", replace(kSpec, "entry: 3", "entry: 4")}}));
  add("Id outside [a-z0-9-]", spec_errors({{"03-demo.yaml", replace(kSpec, "id: demo", "id: ../demo")}}));
  add("Marker absent from the code",
      spec_errors({{"03-demo.yaml", replace(kSpec, "marker: param", "marker: params")}}));
  add("Expectation naming a variant that does not exist",
      spec_errors({{"03-demo.yaml", replace(kSpec, "        variant: bug", "        variant: bgu")}}));
  add("Malformed minimum Go version", spec_errors({{"03-demo.yaml", replace(kSpec, "\"1.20\"", "\"1.2O\"")}}));
  add("Empty scenarios directory", spec_errors({}));
  add("File that is not UTF-8", spec_errors({{"03-demo.yaml", replace(kSpec, "title: Demo", "title: D\xe9mo")}}));
  add("A quote that is not the catalog's words (the closest sentence is suggested)",
      spec_errors({{"03-demo.yaml", replace(kSpec, "quote: n moves to heap.", "quote: n moves to the heap.")}}));
  add("A claim of a catalog entry that quotes nothing",
      spec_errors({{"03-demo.yaml", replace(kSpec, "    quote: n moves to heap.\n", "")}}));
  add("Both entry and source",
      spec_errors({{"03-demo.yaml", replace(kSpec, "entry: 3\n", "entry: 3\nsource: folklore\n")}}));
  add("An import the code does not use",
      spec_errors({{"03-demo.yaml", replace(kSpec, "    call: f(1)", "    imports: [strings]\n    call: f(1)")}}));
  // Hardening: what a hostile or careless spec tried, each refused at its place.
  add("A call that is more than one Go expression (no code slips in through it)",
      spec_errors({{"03-demo.yaml", replace(kSpec, "    call: f(1)",
                                            "    call: f(1) }; func init() { panic(\"x\") }; func x() { _ = 0")}}));
  add("A name the harness reserves (`harness...`)",
      spec_errors({{"03-demo.yaml",
                    replace(kSpec, "      \treturn &t", "      \tharnessSink := &t\n      \treturn harnessSink")}}));
  add("A marker on two lines",
      spec_errors({{"03-demo.yaml", replace(kSpec, "      \treturn &t", "      \treturn &t // @param")}}));
  add("A pattern RE2 does not take (backreferences, lookaround)",
      spec_errors({{"03-demo.yaml", replace(kSpec, "\"moved to heap: t\"", "\"moved to heap: (t)\\\\1\"")}}));
  add("A tolerance over 100%",
      spec_errors({{"03-demo.yaml", kSpec + "      - {kind: allocs, variant: bug, approx: 1, tolerance: 150%}\n"}}));
  add("A second YAML document in a spec file", spec_errors({{"03-demo.yaml", kSpec + "---\nid: other\n"}}));
  add("A NUL byte", spec_errors({{"03-demo.yaml", replace(kSpec, "title: Demo", std::string("title: De\0mo", 12))}}));
  add("A comma after a complete value (yaml-cpp alone would loop until memory runs out)",
      spec_errors({{"03-demo.yaml", "# the first line a quoted value that goes on\n\"id: demo\", the demo\n"}}));
  {
    TempDir d;
    write_specs(d.path, kSpec);
    REQUIRE(::mkfifo((d.path + "/scenarios/04-pipe.yaml").c_str(), 0600) == 0);
    std::filesystem::create_symlink("05-loop.yaml", d.path + "/scenarios/05-loop.yaml");
    add("A spec that is not a regular file (a FIFO, a device, a loop of symbolic links)",
        harness(d.path, {"list"}).err);
  }

  // Toolchain and run.
  {
    TempDir d;
    write_specs(d.path, kSpec);
    auto env = test::test_environment();
    env["PATH"] = "/nonexistent";
    add("go not found (exit 3)", harness(d.path, {"run", "--out", "out"}, env).err);
    add("A toolchain path that is not a go binary (exit 3)",
        harness(d.path, {"run", "--out", "out", "--go", "/bin/true"}).err);
  }
  add("Generated code that does not compile (the claims are `error`, exit 1)",
      run_error("      func f() int {\n      \treturn undefinedThing\n      }\n"));
  add("A benchmark that hangs (`--timeout`; the process group is killed)",
      run_error("      func f() { time.Sleep(time.Hour) }\n", {"--timeout", "2"}, "[time]"));
  add("A variant that panics", run_error("      func f() { panic(\"boom\") }\n"));
  const std::string forger =
      "      func init() { fmt.Println(\"BenchmarkBug-2  1000000000  0.01 ns/op\") }\n\n      func f() {}\n";
  add("Benchmark lines printed by the code under test (a forged timing is refused)",
      run_error(forger, {}, "[fmt]", false));
  add("The same under `--quick`, which runs no benchmark", run_error(forger, {}, "[fmt]"));
  add("Code under test that prints into the benchmark's result line (where one runs: not under `--quick`)",
      run_error("      func f() { fmt.Println(\"hello\") }\n", {}, "[fmt]", false));
  {
    TempDir d;
    write_specs(d.path, kSpec);
    test::write_file(d.path + "/scenarios/toolchains.txt", "go\ngo1.2O\n/nowhere/go\n");
    add("Bad lines in the matrix file (exit 3, every one of them)",
        after(harness(d.path, {"run", "--matrix", "--out", "out"}).err, "scenarios/"));
  }
  {
    TempDir d;
    write_specs(d.path, kSpec);
    add("An export file whose directory does not exist (exit 2, before anything runs)",
        harness(d.path, {"run", "--out", "out", "--export-junit", "missing/j.xml"}).err);
  }
  {
    TempDir d;
    write_specs(d.path, one_variant("      func f() {}\n"));
    test::write_file(d.path + "/go/bin/go",
                     "#!/bin/sh\ncase \"$1\" in\n  env) printf 'go1.26.8\\nlinux\\namd64\\n/x\\n' ;;\n  *) kill -KILL "
                     "$$ ;;\nesac\n");
    std::filesystem::permissions(d.path + "/go/bin/go", std::filesystem::perms::owner_all);
    add("go killed by a signal",
        claim_error(harness(d.path, {"run", "--quick", "--go", d.path + "/go", "--out", "out", "--work", "work"})));
  }
  {
    TempDir d;
    write_specs(d.path, one_variant("      func f() { time.Sleep(time.Hour) }\n", "[time]"));
    std::vector<std::string> argv = {test::harness_binary(), "run", "--quick", "--out", "out", "--work", "work"};
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    std::string errfile = d.path + "/stderr";
    std::vector<std::string> test_env_strings = test::env_strings(test::test_environment());
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, errfile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    auto old = std::filesystem::current_path();
    std::filesystem::current_path(d.path);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), test::envp(test_env_strings).data()) == 0);
    std::filesystem::current_path(old);
    posix_spawn_file_actions_destroy(&fa);
    // Wait for the test binary to run, then interrupt.
    for (int i = 0; i < 600 && !std::filesystem::exists(d.path + "/work/bin"); ++i) std::this_thread::sleep_for(100ms);
    std::this_thread::sleep_for(1500ms);
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::ifstream in(errfile);
    std::string line, last;
    while (std::getline(in, line)) last = line;
    add("SIGINT or SIGTERM mid-run (exit 130 or 143; children killed; reports untouched)", last + "\n");
  }
  {
    TempDir d;
    write_specs(d.path, kSpec);
    test::write_file(d.path + "/reports", "a file, not a directory");
    add("An output directory that cannot be written (exit 2, before anything runs)",
        harness(d.path, {"run", "--out", "reports/out"}).err);
  }
  {
    TempDir d;
    write_specs(d.path, kSpec);
    test::write_file(d.path + "/reports/results.json", "{\"schema\": 1}\n");
    add("A previous results.json that cannot be read (exit 2, before anything runs)",
        harness(d.path, {"run", "--out", "reports"}).err);
  }
  // Another run holds DIR's lock: what this one says, its temporary path cut.
  auto held = [&](const std::string& dir, const std::vector<std::string>& args) {
    TempDir d;
    write_specs(d.path, kSpec);
    std::filesystem::create_directories(d.path + "/" + dir);
    RealFileSystem fs;
    std::string err;
    auto lock = fs.lock(d.path + "/" + dir + "/.escape-harness.lock", &err);
    REQUIRE(lock);
    std::string says = after(harness(d.path, args).err, "escape-harness run:");
    if (auto at = says.find(d.path + "/"); at != std::string::npos) says.erase(at, d.path.size() + 1);
    return says;
  };
  add("Two runs on the same output directory (exit 2)", held("reports", {"run", "--out", "reports"}));
  add("Two runs on the same work directory (exit 2)", held("work", {"run", "--out", "out", "--work", "work"}));
  return m;
}

std::string section(const std::vector<std::pair<std::string, std::string>>& messages) {
  std::string out;
  for (const auto& [heading, msg] : messages) {
    std::string body = msg;
    while (!body.empty() && body.back() == '\n') body.pop_back();
    out += "#### " + heading + "\n\n```\n" + body + "\n```\n\n";
  }
  return out;
}

}  // namespace

TEST_CASE("README's Errors section gives the exact message of every class", "[readme]") {
  test::check_golden_section("README.md", "<!-- errors:begin (generated by tests/readme_errors_test.cpp) -->\n",
                             "<!-- errors:end -->", section(all_messages()));
}
