#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <functional>
#include <sstream>

#include "cli.h"
#include "results_json.h"
#include "text.h"
#include "test_util.h"

using namespace eh;

// The CLI driven end to end with a scripted go and files in memory: exit
// statuses, messages, and what gets written.

namespace {

// A catalog of one entry, and a spec that quotes it.
const std::string kCatalog = R"(Escape Analysis — Find the Bug¶
Bug 3: Demo¶
func f(t T) *T { return &t }
Symptom. t moves to the heap.
Fix. The pointer avoids it.
)";

const std::string kSpec = R"(id: demo
entry: 3
title: Demo
common: |
  type T struct{ n int }
variants:
  - name: bug
    code: |
      func f(t T) *T { // @param
      	return &t
      }
    setup: |
      var v = T{n: 1}
    call: f(v)
    results: ["*T"]
  - name: fix
    code: |
      func f(t *T) *T { return t }
    call: f(&v)
    setup: |
      var v = T{n: 1}
    results: ["*T"]
claims:
  - id: moves
    aspect: symptom
    text: t moves to the heap.
    quote: t moves to the heap.
    expect:
      - kind: diagnostic
        variant: bug
        marker: param
        matches: "moved to heap: t"
      - kind: allocs
        variant: bug
        exactly: 1
  - id: fix-helps
    aspect: fix
    text: the pointer avoids it.
    quote: The pointer avoids it.
    expect:
      - kind: fewer
        metric: allocs
        variant: fix
        than: bug
)";

class FakeCpuMeter : public CpuMeter {
 public:
  explicit FakeCpuMeter(std::vector<CpuReading> readings) : readings_(std::move(readings)) {}
  std::optional<CpuReading> read() const override {
    ++reads;
    return readings_.at(std::min(reads - 1, readings_.size() - 1));
  }
  mutable std::size_t reads = 0;

 private:
  std::vector<CpuReading> readings_;
};

/// A machine where nothing else runs: the same reading every time. The
/// tests' timing must not depend on how busy the machine running them is.
const FakeCpuMeter kQuiet({{100, 1000, 10, 2}});

struct Harness {
  MemoryFileSystem fs;
  test::FakeProcessRunner go;
  std::ostringstream out, err;
  CliContext ctx{go,
                 fs,
                 out,
                 err,
                 {{"PATH", "/usr/local/go/bin:/bin"}, {"HOME", "/home/u"}},
                 {},
                 system_clock(),
                 signal_interrupts(),
                 kQuiet};

  Harness() {
    fs.files["scenarios/03-demo.yaml"] = kSpec;
    fs.files["catalog/escape-analysis-find-the-bug.txt"] = kCatalog;
    go.on({"env", "GOVERSION"}, test::exited(0, "go1.26.8\nlinux\namd64\n/usr/local/go\n"));
    // code.go of bug: line 8 is "func f(t T) *T {", the parameter at column 8.
    // One compile at -m=2: the level-1 messages and the explained chains.
    // No JSON log is written here, so each variant compiles twice (the second
    // time under a fresh log directory).
    go.on({"test", "-c", "./demo/bug"},
          test::exited(0, "",
                       "# escapeharness/demo/bug [escapeharness/demo/bug.test]\n"
                       "demo/bug/code.go:8:8: t escapes to heap in f:\n"
                       "demo/bug/code.go:8:8:   flow: ~r0 ← &t:\n"
                       "demo/bug/code.go:8:8:     from &t (address-of) at demo/bug/code.go:9:9\n"
                       "demo/bug/code.go:8:8: moved to heap: t\n"
                       "demo/bug/harness_test.go:16:6: can inline harnessLoop\n"));
    go.on({"test", "-c", "./demo/fix"},
          test::exited(0, "", "demo/fix/code.go:8:8: leaking param: t to result ~r0 level=0\n"));
    // The test binaries: the facts run (with the benchmark), then the
    // counts again in processes of their own. The facts go to the records
    // file; stdout carries only what go test prints.
    const std::string bug_facts =
        "counts calls=10000 mallocs=10000 bytes=80000\n"
        "site objects=10000 bytes=80000 stack=runtime.newobject;escapeharness/demo/bug.f;"
        "escapeharness/demo/bug.harnessLoop\n";
    const std::string fix_facts = "counts calls=10000 mallocs=0 bytes=0\n";
    go.on_recorded({"/demo/bug.test", "^TestEscapeHarness$", "^BenchmarkBug$"},
                   test::exited(0, "goos: linux\nBenchmarkBug-2  1000000  12.5 ns/op  8 B/op  1 allocs/op\nPASS\n"),
                   bug_facts + "bench n=1 ns=30 mallocs=1 tiny=0\nbench n=1000000 ns=12500000 mallocs=1000000 tiny=0\n",
                   fs);
    go.on_recorded({"/demo/bug.test", "^TestEscapeHarness$"}, test::exited(0, "PASS\n"), bug_facts, fs);
    go.on_recorded({"/demo/fix.test", "^TestEscapeHarness$", "^BenchmarkFix$"},
                   test::exited(0, "BenchmarkFix-2  1000000  1.5 ns/op  0 B/op  0 allocs/op\nPASS\n"),
                   fix_facts + "bench n=1 ns=5 mallocs=0 tiny=0\nbench n=1000000 ns=1500000 mallocs=0 tiny=0\n", fs);
    go.on_recorded({"/demo/fix.test", "^TestEscapeHarness$"}, test::exited(0, "PASS\n"), fix_facts, fs);
  }

  int run(std::vector<std::string> args) { return run_cli(args, ctx); }

  /// Adds the harness's own claim that fix is faster than bug, and answers
  /// every timing process with `ns(bug, i)` ns/op for its i-th sample;
  /// `order` gets the variant each timing process ran.
  void time_fix_against_bug(std::function<int(bool, int)> ns, std::vector<std::string>* order = nullptr) {
    fs.files["scenarios/03-demo.yaml"] = kSpec + R"(  - id: fix-faster
    aspect: fix
    text: the pointer is faster.
    origin: harness
    expect:
      - kind: faster
        variant: fix
        than: bug
)";
    go.rules.insert(go.rules.begin(), [this, ns, order](const Command& c, ProcessResult& r) {
      auto count = std::find(c.argv.begin(), c.argv.end(), "-test.count");
      if (count == c.argv.end()) return false;
      const bool bug = c.argv[0].ends_with("/demo/bug.test");
      if (order) order->push_back(bug ? "bug" : "fix");
      std::string printed = "goos: linux\n", records;
      const std::string& nonce = c.env.at("ESCAPE_HARNESS_NONCE");
      for (int i = 0; i < std::stoi(*(count + 1)); ++i) {
        const int n = ns(bug, i);
        printed += fmt::format("Benchmark{}-2  1000  {} ns/op\n", bug ? "Bug" : "Fix", n / 1000.0);
        records += fmt::format("{0} bench n=1 ns=40\n{0} bench n=1000 ns={1}\n", nonce, n);
      }
      std::string why;
      fs.write(c.env.at("ESCAPE_HARNESS_RECORDS"), records, &why);
      r = test::exited(0, printed + "PASS\n");
      return true;
    });
  }
};

}  // namespace

TEST_CASE("run judges every claim and writes both reports", "[cli]") {
  Harness h;
  REQUIRE(h.run({"run", "--quick"}) == kExitOk);
  // One of the go commands is quick mode's batch build of the scenario,
  // which the fake does not answer: each variant falls back to a test
  // binary of its own (batch.h), as after a build that fails.
  CHECK(h.out.str() ==
        "claims: 2 confirmed, 0 refuted, 0 inconclusive, 0 skipped, 0 error\n"
        "processes: 6 go, 6 test binaries (0 results from the cache)\n"
        "reports: reports/results.json, reports/EVIDENCE.md, reports/MATRIX.md, reports/ERRATA.md\n");
  std::string err;
  auto r = results_from_json(h.fs.files.at("reports/results.json"), &err);
  REQUIRE(r);
  CHECK(r->toolchains[0].version == "go1.26.8");
  const auto& s = r->scenarios[0];
  CHECK(s.claims[0].verdicts.at("go1.26.8").verdict == Verdict::confirmed);
  CHECK(s.claims[1].verdicts.at("go1.26.8").verdict == Verdict::confirmed);
  const auto& d = s.variants[0].results.at("go1.26.8").diagnostics;
  // The harness's own lines are not the spec's; -m=2's explanation is kept
  // beside the -m line, at its level.
  REQUIRE(d.size() == 2);
  CHECK(d[0].level == 2);
  CHECK(d[0].message == "t escapes to heap");
  CHECK(d[1].level == 1);
  CHECK(d[1].message == "moved to heap: t");
  CHECK(d[1].pos == SourcePos{"scenarios/03-demo.yaml", 9, 14});
  CHECK(d[1].code == "func f(t T) *T { // @param");
  // The -m=2 chain, mapped to the spec (the JSON log route found nothing).
  const auto& chains = s.variants[0].results.at("go1.26.8").chains;
  REQUIRE(chains.size() == 1);
  CHECK(chains[0].subject == "t escapes to heap");
  CHECK(chains[0].routes == Routes::m2_only);
  CHECK(chains[0].steps[1].pos == SourcePos{"scenarios/03-demo.yaml", 10, 15});
  CHECK(h.fs.files.count("reports/EVIDENCE.md"));
  // The generated module went to the work directory, not to gosrc/.
  bool wrote_module = false;
  for (const auto& [path, _] : h.fs.files) wrote_module |= path.ends_with("/gosrc/demo/bug/code.go");
  CHECK(wrote_module);
  CHECK_FALSE(h.fs.files.count("gosrc/demo/bug/code.go"));
  // Every go command ran with the explicit environment, never a shell.
  for (const auto& c : h.go.commands) {
    CHECK(c.env.at("GOFLAGS").empty());
    CHECK(c.argv[0].front() == '/');
    // Test binaries are built without vet: a catalog's bug may be what vet flags.
    if (c.argv.size() > 2 && c.argv[1] == "test" && c.argv[2] == "-c")
      CHECK(std::find(c.argv.begin(), c.argv.end(), "-vet=off") != c.argv.end());
  }
}

TEST_CASE("colour is decided per stream: a summary redirected to a file gets no escape codes", "[cli]") {
  Harness to_file;
  to_file.ctx.term = TerminalInfo{true, 80, false};  // stderr a terminal, stdout a file
  REQUIRE(to_file.run({"run", "--quick"}) == kExitOk);
  CHECK_THAT(to_file.out.str(), Catch::StartsWith("claims: 2 confirmed, 0 refuted"));
  CHECK(to_file.out.str().find('\x1b') == std::string::npos);
  CHECK(to_file.err.str().find("\r\x1b[K") != std::string::npos);  // the progress line is still drawn
  Harness to_terminal;
  to_terminal.ctx.term = TerminalInfo{false, 80, true};  // stderr to a pipe, stdout a terminal
  REQUIRE(to_terminal.run({"run", "--quick"}) == kExitOk);
  CHECK_THAT(to_terminal.out.str(), Catch::StartsWith("claims: \x1b[32m2 confirmed\x1b[0m"));
  CHECK(to_terminal.err.str().find('\x1b') == std::string::npos);
}

TEST_CASE("a variant that does not compile is an error mapped to the spec, the rest is judged", "[cli]") {
  Harness h;
  h.go.rules.insert(h.go.rules.begin(), [](const Command& c, ProcessResult& r) {
    if (std::find(c.argv.begin(), c.argv.end(), "./demo/bug") == c.argv.end()) return false;
    r = test::exited(1, "FAIL\tescapeharness/demo/bug [build failed]\n",
                     "# escapeharness/demo/bug [escapeharness/demo/bug.test]\n"
                     "demo/bug/code.go:9:9: undefined: tt\n");
    return true;
  });
  REQUIRE(h.run({"run", "--quick"}) == kExitClaimErrors);
  CHECK(h.out.str() ==
        "claims: 0 confirmed, 0 refuted, 0 inconclusive, 0 skipped, 2 error\n"
        "  error: entry 3 moves (go1.26.8): variant 'bug': does not compile: scenarios/03-demo.yaml:10:15: "
        "undefined: tt (generated demo/bug/code.go:9:9)\n"
        "  error: entry 3 fix-helps (go1.26.8): variant 'bug': does not compile: scenarios/03-demo.yaml:10:15: "
        "undefined: tt (generated demo/bug/code.go:9:9)\n"
        "processes: 5 go, 3 test binaries (0 results from the cache)\n"
        "reports: reports/results.json, reports/EVIDENCE.md, reports/MATRIX.md, reports/ERRATA.md\n");
  CHECK(h.fs.files.count("reports/results.json"));
}

TEST_CASE("spec errors exit 2 before anything runs", "[cli]") {
  Harness h;
  h.fs.files["scenarios/05-broken.yaml"] = "id: ../x\nentry: 5\ntitle: t\nvariants: []\nclaims: []\n";
  CHECK(h.run({"run"}) == kExitBadInput);
  CHECK(h.go.commands.empty());
  CHECK_FALSE(h.fs.files.count("reports/results.json"));
  CHECK(h.err.str() ==
        "scenarios/05-broken.yaml:1:5: id: '../x' is not a valid id: use 1 to 64 of a-z, 0-9 and '-', not starting or "
        "ending with '-' (ids become directory names)\n"
        "    id: ../x\n"
        "        ^\n"
        "scenarios/05-broken.yaml:2:8: entry: the catalog (catalog/escape-analysis-find-the-bug.txt) has no entry 5\n"
        "    entry: 5\n"
        "           ^\n"
        "scenarios/05-broken.yaml:4:11: variants: expected a non-empty list of variants, got a list\n"
        "    variants: []\n"
        "              ^\n"
        "scenarios/05-broken.yaml:5:9: claims: expected a non-empty list of claims, got a list\n"
        "    claims: []\n"
        "            ^\n"
        "4 errors in the specs; nothing was run\n");
}

TEST_CASE("usage errors exit 2", "[cli]") {
  Harness h;
  CHECK(h.run({}) == kExitBadInput);
  CHECK(h.run({"frobnicate"}) == kExitBadInput);
  CHECK(h.run({"run", "--bogus"}) == kExitBadInput);
  CHECK(h.run({"run", "--only"}) == kExitBadInput);
  CHECK(h.run({"run", "--samples", "one"}) == kExitBadInput);
  CHECK(h.run({"run", "--only", "nope"}) == kExitBadInput);
  CHECK_THAT(h.err.str(), Catch::Contains("--only nope: no such scenario (scenarios: demo)"));
  CHECK(h.go.commands.empty());
}

TEST_CASE("help on every command", "[cli]") {
  for (const char* cmd : {"run", "gen", "list", "report", "check", "merge"}) {
    Harness h;
    CHECK(h.run({cmd, "--help"}) == kExitOk);
    CHECK_THAT(h.out.str(), Catch::StartsWith(std::string("usage: escape-harness ") + cmd));
  }
  Harness h;
  CHECK(h.run({"--help"}) == kExitOk);
  CHECK_THAT(h.out.str(), Catch::Contains("Exit status: 0 every claim judged"));
}

TEST_CASE("no usable toolchain exits 3", "[cli]") {
  Harness h;
  h.ctx.env["PATH"] = "/nonexistent";
  CHECK(h.run({"run", "--quick"}) == kExitToolchain);
  CHECK_THAT(h.err.str(), Catch::Contains("go: not found on PATH. Install Go"));
  CHECK_FALSE(h.fs.files.count("reports/results.json"));
}

TEST_CASE("an output directory that cannot be written is refused before running", "[cli]") {
  Harness h;
  h.fs.fail_writes.push_back("reports/.escape-harness.lock");
  CHECK(h.run({"run", "--quick"}) == kExitBadInput);
  CHECK(h.err.str() ==
        "escape-harness run: reports/.escape-harness.lock: cannot create the lock file: Permission denied; wait for "
        "it or use another --out\n");
  CHECK(h.go.commands.empty());
}

TEST_CASE("a second run on the same output directory is refused", "[cli]") {
  Harness h;
  std::string err;
  auto held = h.fs.lock("reports/.escape-harness.lock", &err);
  CHECK(h.run({"run", "--quick"}) == kExitBadInput);
  CHECK_THAT(h.err.str(), Catch::Contains("another escape-harness run holds this lock"));
}

TEST_CASE("list and gen need no toolchain", "[cli]") {
  Harness h;
  REQUIRE(h.run({"list"}) == kExitOk);
  CHECK(h.out.str() ==
        " 3  demo  Demo\n"
        "    variants: bug, fix\n"
        "    symptom  moves: t moves to the heap.\n"
        "    fix      fix-helps: the pointer avoids it.\n");
  h.fs.files["gosrc/old/bug/code.go"] = "stale";
  REQUIRE(h.run({"gen"}) == kExitOk);
  CHECK(h.fs.files.count("gosrc/demo/bug/code.go"));
  CHECK(h.fs.files.count("gosrc/go.mod"));
  CHECK_FALSE(h.fs.files.count("gosrc/old/bug/code.go"));
  CHECK(h.go.commands.empty());
}

TEST_CASE("report rewrites EVIDENCE.md from results.json alone", "[cli]") {
  Harness h;
  REQUIRE(h.run({"run", "--quick"}) == kExitOk);
  std::string before = h.fs.files.at("reports/EVIDENCE.md");
  h.fs.files.erase("reports/EVIDENCE.md");
  std::size_t ran = h.go.commands.size();
  REQUIRE(h.run({"report"}) == kExitOk);
  CHECK(h.fs.files.at("reports/EVIDENCE.md") == before);
  CHECK(h.go.commands.size() == ran);
  h.fs.files["bad.json"] = "{}";
  CHECK(h.run({"report", "--results", "bad.json"}) == kExitBadInput);
}

TEST_CASE("check compares a run with a baseline and exits 1 on drift", "[cli]") {
  Harness h;
  REQUIRE(h.run({"run", "--quick"}) == kExitOk);
  h.fs.files["baseline.json"] = h.fs.files.at("reports/results.json");
  h.out.str("");
  CHECK(h.run({"check", "--quick", "--baseline", "baseline.json", "--out", "ci"}) == kExitOk);
  CHECK_THAT(h.out.str(), Catch::EndsWith("no drift: 2 verdicts match baseline.json\n"));
  // Change one verdict in the baseline by hand.
  std::string& b = h.fs.files.at("baseline.json");
  auto at = b.find("\"go1.26.8\": \"confirmed\"");
  REQUIRE(at != std::string::npos);
  b.replace(at, std::string("\"go1.26.8\": \"confirmed\"").size(), "\"go1.26.8\": \"refuted\"");
  h.out.str("");
  CHECK(h.run({"check", "--baseline", "baseline.json", "--results", "reports/results.json"}) == kExitClaimErrors);
  CHECK_THAT(h.out.str(), Catch::StartsWith("drift: 1 change against baseline.json\n"
                                            "  entry 3 moves on go1.26.8: refuted -> confirmed\n"));
  CHECK(h.run({"check", "--results", "reports/results.json"}) == kExitBadInput);  // no baseline
}

TEST_CASE("merge writes one results file from several and refuses overlaps", "[cli]") {
  Harness h;
  REQUIRE(h.run({"run", "--quick", "--out", "a"}) == kExitOk);
  h.out.str("");
  CHECK(h.run({"merge", "a/results.json", "a/results.json", "--out", "m"}) == kExitBadInput);
  CHECK(h.err.str().find("both a/results.json and a/results.json have results for go1.26.8") != std::string::npos);
  CHECK(h.run({"merge", "a/results.json"}) == kExitBadInput);
}

TEST_CASE("the --matrix option reads the toolchains file, each toolchain once", "[cli]") {
  Harness h;
  h.fs.files["scenarios/toolchains.txt"] = "go\ngo1.26.8\n";
  CHECK(h.run({"run", "--quick", "--matrix"}) == kExitBadInput);
  CHECK_THAT(h.err.str(), Catch::Contains("--go go and --go go1.26.8 both run go1.26.8; give each toolchain once"));
  h.fs.files["scenarios/toolchains.txt"] = "go\n";
  CHECK(h.run({"run", "--quick", "--matrix"}) == kExitOk);
  CHECK(h.run({"run", "--quick", "--matrix-file", "missing.txt"}) == kExitBadInput);
  // Every toolchain that cannot be run is named at its line, in one run.
  h.fs.files["scenarios/toolchains.txt"] = "go1.2O\ngo\n/nowhere/go\n";
  h.err.str("");
  CHECK(h.run({"run", "--quick", "--matrix"}) == kExitToolchain);
  CHECK_THAT(h.err.str(),
             Catch::Contains("scenarios/toolchains.txt:1:1: ") && Catch::Contains("scenarios/toolchains.txt:3:1: "));
  CHECK(h.go.commands.size() > 0);
}

TEST_CASE("a rerun of an unchanged catalog comes from the cache", "[cli]") {
  Harness h;
  REQUIRE(h.run({"run", "--quick"}) == kExitOk);
  std::size_t first = h.go.commands.size();
  std::string results = h.fs.files.at("reports/results.json");
  h.out.str("");
  REQUIRE(h.run({"run", "--quick"}) == kExitOk);
  CHECK(h.go.commands.size() == first + 1);  // only the toolchain probe
  CHECK_THAT(h.out.str(), Catch::Contains("processes: 1 go, 0 test binaries (2 results from the cache)\n"));
  // --no-cache measures again.
  h.out.str("");
  REQUIRE(h.run({"run", "--quick", "--no-cache"}) == kExitOk);
  CHECK_THAT(h.out.str(), Catch::Contains("processes: 6 go, 6 test binaries (0 results from the cache)\n"));
  // A changed scenario reruns alone: here the only one, so everything.
  h.fs.files["scenarios/03-demo.yaml"] += "\n";  // same spec, same generated code: still cached
  h.out.str("");
  REQUIRE(h.run({"run", "--quick"}) == kExitOk);
  CHECK_THAT(h.out.str(), Catch::Contains("(2 results from the cache)\n"));
  std::string& spec = h.fs.files["scenarios/03-demo.yaml"];
  spec.replace(spec.find("var v = T{n: 1}"), 15, "var v = T{n: 2}");
  h.out.str("");
  REQUIRE(h.run({"run", "--quick"}) == kExitOk);
  CHECK_THAT(h.out.str(), Catch::Contains("(1 results from the cache)\n"));
}

TEST_CASE("quick mode's facts run no benchmark, and a full run does not take what quick mode cached", "[cli]") {
  Harness h;
  auto benchmarks = [&h](std::size_t from) {
    std::size_t n = 0;
    for (std::size_t i = from; i < h.go.commands.size(); ++i)
      n += std::count(h.go.commands[i].argv.begin(), h.go.commands[i].argv.end(), "-test.benchmem");
    return n;
  };
  REQUIRE(h.run({"run", "--quick"}) == kExitOk);
  CHECK(benchmarks(0) == 0);
  CHECK(h.fs.files.at("reports/results.json").find("\"bench\"") == std::string::npos);
  // A full run measures both variants again, each with its benchmark.
  std::size_t before = h.go.commands.size();
  h.out.str("");
  REQUIRE(h.run({"run"}) == kExitOk);
  CHECK(benchmarks(before) == 2);
  CHECK_THAT(h.out.str(), Catch::Contains("(0 results from the cache)\n"));
  CHECK_THAT(h.fs.files.at("reports/results.json"), Catch::Contains("\"bench\""));
  // Its entries serve both kinds of run; quick mode's output stays without
  // the benchmark, whatever made the entry.
  const std::string quick = [&h] {
    h.out.str("");
    REQUIRE(h.run({"run", "--quick"}) == kExitOk);
    return h.fs.files.at("reports/results.json");
  }();
  CHECK_THAT(h.out.str(), Catch::Contains("(2 results from the cache)\n"));
  CHECK(quick.find("\"bench\"") == std::string::npos);
  before = h.go.commands.size();
  h.out.str("");
  REQUIRE(h.run({"run"}) == kExitOk);
  CHECK(benchmarks(before) == 0);
  CHECK_THAT(h.out.str(), Catch::Contains("(2 results from the cache)\n"));
}

TEST_CASE("sequential timing stops at the first look that decides, the variants compared in turn", "[cli][timing]") {
  struct Case {
    const char* what;
    std::function<int(bool, int)> ns;
    std::size_t samples;  // per variant when sampling stopped
    Verdict verdict;
    const char* says;
  };
  const Case cases[] = {
      // bug swings between 10 and 30 ns/op, fix is 1.5: clear at the first
      // look, 20 samples each of the default 60 (looks at 20, 40, 60).
      {"a large difference", [](bool bug, int i) { return bug ? (i % 2 ? 30000 : 10000) : 1500; }, 20,
       Verdict::confirmed, "n = 20+20, look 1 of 3 (level 0.00052)"},
      // The same samples on both sides: no look decides; all 60 are taken.
      {"no difference", [](bool, int i) { return i % 2 ? 1100 : 1000; }, 60, Verdict::inconclusive,
       "n = 60+60, look 3 of 3 (level 0.045)"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.what) {
      Harness h;
      std::vector<std::string> order;
      h.time_fix_against_bug(c.ns, &order);
      REQUIRE(h.run({"run"}) == kExitOk);
      std::string err;
      auto r = results_from_json(h.fs.files.at("reports/results.json"), &err);
      REQUIRE(r);
      const auto& v = r->scenarios[0].variants;
      CHECK(v[0].results.at("go1.26.8").samples.size() == c.samples);
      CHECK(v[1].results.at("go1.26.8").samples.size() == c.samples);
      REQUIRE(order.size() == c.samples * 2 / 10);  // 10 per process, two variants
      for (std::size_t i = 1; i < order.size(); ++i) CHECK(order[i] != order[i - 1]);
      const ClaimVerdict& cv = r->scenarios[0].claims.back().verdicts.at("go1.26.8");
      CHECK(cv.verdict == c.verdict);
      REQUIRE(cv.expectations.size() == 1);
      CHECK_THAT(cv.expectations[0].observed, Catch::EndsWith(c.says));
    }
  }
}

namespace {

/// Readings in turn, the last one repeated; counts how often it was read.

/// Each read a second after the one before; `others(i)`: the cores other
/// processes used in the second before read i (from 1).
class ScriptedCpuMeter : public CpuMeter {
 public:
  explicit ScriptedCpuMeter(std::function<double(std::size_t)> others) : others_(std::move(others)) {}
  std::optional<CpuReading> read() const override {
    ++reads;
    busy_ += others_(reads);
    return CpuReading{100.0 + static_cast<double>(reads), 1000.0 + busy_, 10, 2};
  }
  void pause(std::chrono::milliseconds d) const override { paused.push_back(d.count()); }
  mutable std::size_t reads = 0;
  mutable std::vector<long> paused;  // ms

 private:
  std::function<double(std::size_t)> others_;
  mutable double busy_ = 0;
};

}  // namespace

TEST_CASE("a timing run on a machine busy with other work says so, and quick mode does not look", "[cli][timing]") {
  Harness h;
  h.time_fix_against_bug([](bool bug, int) { return bug ? 12500 : 1500; });
  // Before and after timing: 60 s in which others kept 70/60 of a core busy.
  FakeCpuMeter busy({{100, 1000, 10, 2}, {160, 1100, 40, 2}});
  CliContext ctx{h.go, h.fs, h.out, h.err, h.ctx.env, {}, system_clock(), signal_interrupts(), busy};
  REQUIRE(run_cli({"run", "--samples", "20", "--out", "busy"}, ctx) == kExitOk);
  // Before and after the phase, and around each of the four timing processes
  // (decided at the second look), which read the last reading again: quiet.
  CHECK(busy.reads == 10);
  CHECK_THAT(h.out.str(), Catch::Contains("\nwarning: other processes used 1.2 of the machine's 2 cores on average "
                                          "while this run timed (60 s;"));
  // A quiet machine: nothing said.
  h.out.str("");
  FakeCpuMeter quiet({{100, 1000, 10, 2}, {160, 1040, 40, 2}});
  CliContext calm{h.go, h.fs, h.out, h.err, h.ctx.env, {}, system_clock(), signal_interrupts(), quiet};
  REQUIRE(run_cli({"run", "--samples", "20", "--out", "quiet", "--no-cache"}, calm) == kExitOk);
  CHECK(quiet.reads == 10);
  CHECK_THAT(h.out.str(), !Catch::Contains("warning:"));
  // Quick mode times nothing and reads nothing.
  FakeCpuMeter unread({{100, 1000, 10, 2}, {160, 1100, 40, 2}});
  CliContext fast{h.go, h.fs, h.out, h.err, h.ctx.env, {}, system_clock(), signal_interrupts(), unread};
  REQUIRE(run_cli({"run", "--quick", "--out", "fast"}, fast) == kExitOk);
  CHECK(unread.reads == 0);
}

TEST_CASE(
    "a timing run taken while others kept the machine busy runs again, and a busy machine's samples decide nothing",
    "[cli][timing]") {
  // 1.5 us against 12.5 us: on a quiet machine decided at the second look
  // (14 samples each; at the first, 7 of each cannot reach its level).
  auto ns = [](bool bug, int) { return bug ? 12500 : 1500; };
  SECTION("a burst: the first process and its first retake") {
    Harness h;
    std::vector<std::string> order;
    h.time_fix_against_bug(ns, &order);
    ScriptedCpuMeter burst([](std::size_t read) { return read == 3 || read == 5 ? 1.0 : 0.0; });
    CliContext ctx{h.go, h.fs, h.out, h.err, h.ctx.env, {}, system_clock(), signal_interrupts(), burst};
    REQUIRE(run_cli({"run", "--samples", "20", "--out", "burst"}, ctx) == kExitOk);
    CHECK(burst.paused == std::vector<long>{1000, 2000});
    CHECK(order == std::vector<std::string>{"fix", "fix", "fix", "bug", "fix", "bug"});
    CHECK_THAT(h.err.str(), Catch::Contains("demo fix: timing again: other processes used 1.0 cores meanwhile"));
    auto r = results_from_json(h.fs.files.at("burst/results.json"), nullptr);
    REQUIRE(r);
    for (const auto& v : r->scenarios[0].variants) {
      CHECK(v.results.at("go1.26.8").samples.size() == 14);
      CHECK(v.results.at("go1.26.8").busy_samples == 0);
    }
    CHECK(r->scenarios[0].claims.back().verdicts.at("go1.26.8").verdict == Verdict::confirmed);
  }
  SECTION("busy throughout: inconclusive at the first look, and nothing cached") {
    Harness h;
    std::vector<std::string> order;
    h.time_fix_against_bug(ns, &order);
    ScriptedCpuMeter busy([](std::size_t) { return 1.0; });
    CliContext ctx{h.go, h.fs, h.out, h.err, h.ctx.env, {}, system_clock(), signal_interrupts(), busy};
    REQUIRE(run_cli({"run", "--samples", "20", "--out", "busy"}, ctx) == kExitOk);
    // Three retakes of each process, after 1, 2 and 4 s; then the samples
    // are kept and counted, and no more are taken.
    CHECK(busy.paused == std::vector<long>{1000, 2000, 4000, 1000, 2000, 4000});
    CHECK(order.size() == 8);
    auto r = results_from_json(h.fs.files.at("busy/results.json"), nullptr);
    REQUIRE(r);
    for (const auto& v : r->scenarios[0].variants) {
      CHECK(v.results.at("go1.26.8").samples.size() == 7);
      CHECK(v.results.at("go1.26.8").busy_samples == 7);
      CHECK(v.results.at("go1.26.8").busy_cores == Approx(1.0));
    }
    const ClaimVerdict& cv = r->scenarios[0].claims.back().verdicts.at("go1.26.8");
    CHECK(cv.verdict == Verdict::inconclusive);
    CHECK_THAT(cv.reason, Catch::Contains("7 of fix's 7 samples and 7 of bug's 7 samples were taken while other "
                                          "processes kept the machine busy (up to 1.0 cores"));
    CHECK_THAT(h.out.str(), Catch::Contains("\nwarning: other processes used 1.0 of the machine's 2 cores"));
    // A rerun measures again: a busy machine's samples are not cached.
    ScriptedCpuMeter quiet([](std::size_t) { return 0.0; });
    CliContext calm{h.go, h.fs, h.out, h.err, h.ctx.env, {}, system_clock(), signal_interrupts(), quiet};
    REQUIRE(run_cli({"run", "--samples", "20", "--out", "busy"}, calm) == kExitOk);
    CHECK(order.size() == 12);
    r = results_from_json(h.fs.files.at("busy/results.json"), nullptr);
    REQUIRE(r);
    CHECK(r->scenarios[0].claims.back().verdicts.at("go1.26.8").verdict == Verdict::confirmed);
  }
}

TEST_CASE("configurations of the matrix file: keys, flags, and one clear message for a missing emulator",
          "[cli][config]") {
  Harness h;
  h.ctx.env["PATH"] = "/usr/local/go/bin";  // go, and no qemu-aarch64-static
  h.fs.files["scenarios/toolchains.txt"] = "go\ngo noinline\ngo GOARCH=arm64\n";
  // The arm64 claims are error; the others are judged and the reports written.
  CHECK(h.run({"run", "--quick", "--matrix"}) == kExitClaimErrors);
  CHECK_THAT(h.err.str(), Catch::Contains("escape-harness run: go1.26.8/arm64: GOARCH=arm64 runs its binaries under "
                                          "qemu-aarch64-static, which is not on PATH: install Debian's "
                                          "qemu-user-static (apt-get install qemu-user-static, or .ci/bootstrap); "
                                          "its claims are error\n"));
  auto r = results_from_json(h.fs.files.at("reports/results.json"), nullptr);
  REQUIRE(r);
  std::vector<std::string> keys;
  for (const auto& t : r->toolchains) keys.push_back(t.key());
  CHECK(keys == std::vector<std::string>{"go1.26.8", "go1.26.8/noinline", "go1.26.8/arm64"});
  const ClaimRecord& c = r->scenarios[0].claims[0];
  CHECK(c.verdicts.at("go1.26.8").verdict == Verdict::confirmed);
  CHECK(c.verdicts.at("go1.26.8/noinline").verdict == Verdict::confirmed);
  CHECK(c.verdicts.at("go1.26.8/arm64").verdict == Verdict::error);
  CHECK_THAT(c.verdicts.at("go1.26.8/arm64").reason, Catch::Contains("qemu-user-static"));
  // noinline compiles the variant's package with -l; the default does not;
  // no command ran for arm64 beyond the probe.
  int with_l = 0, without_l = 0, arm64 = 0;
  for (const auto& cmd : h.go.commands) {
    if (auto it = cmd.env.find("GOARCH"); it != cmd.env.end() && it->second == "arm64" && cmd.argv.at(1) != "env")
      ++arm64;
    for (const auto& a : cmd.argv)
      if (a.starts_with("-gcflags=-m=2")) (a.ends_with(" -l") ? with_l : without_l)++;
  }
  CHECK(with_l > 0);
  CHECK(without_l > 0);
  CHECK(arm64 == 0);
  CHECK_THAT(h.fs.files.at("reports/MATRIX.md"), Catch::Contains("| go1.26.8 | go1.26.8/noinline | go1.26.8/arm64 |") &&
                                                     Catch::Contains("- go1.26.8/noinline: go1.26.8 linux/amd64"));
  // An unknown configuration is an error at its line and column, with the known ones.
  h.fs.files["scenarios/toolchains.txt"] = "go\ngo  pgo2\n";
  h.err.str("");
  CHECK(h.run({"run", "--quick", "--matrix"}) == kExitBadInput);
  CHECK_THAT(h.err.str(), Catch::Contains("scenarios/toolchains.txt:2:5: unknown configuration 'pgo2'") &&
                              Catch::Contains("pgo, noinline, GOARCH=arm64, GOARCH=386, GOAMD64=v3"));
  // And --config, for the --go toolchains.
  h.err.str("");
  CHECK(h.run({"run", "--quick", "--config", "nope"}) == kExitBadInput);
  CHECK_THAT(h.err.str(), Catch::Contains("--config nope: unknown configuration"));
  CHECK(h.run({"run", "--quick", "--out", "c", "--config", "default", "--config", "GOAMD64=v3"}) == kExitOk);
  CHECK_THAT(h.fs.files.at("c/results.json"), Catch::Contains("\"key\": \"go1.26.8/amd64v3\""));
}

namespace {

/// Answers the pgo configuration's benchmark run under a CPU profile: the
/// profile file written (its content is what the build reads), and
/// `go tool pprof -traces` of it printing `traces`.
void answer_cpu_profiles(Harness& h, const std::string& traces) {
  h.go.rules.insert(h.go.rules.begin(), [&fs = h.fs](const Command& c, ProcessResult& r) {
    auto at = std::find(c.argv.begin(), c.argv.end(), "-test.cpuprofile");
    if (at == c.argv.end() || at + 1 == c.argv.end()) return false;
    fs.files[*(at + 1)] = "profile of " + c.argv.front();
    r = test::exited(0, "PASS\n");
    return true;
  });
  h.go.on({"tool", "pprof", "-traces", "-sample_index=samples"}, test::exited(0, traces));
}

}  // namespace

TEST_CASE("pgo builds each variant again with a CPU profile of its own benchmark", "[cli][config]") {
  Harness h;
  answer_cpu_profiles(h, test::fixture("pprof_traces_cpu_go1.26.8_interface-upgrade_bug-not-inlined.txt"));
  CHECK(h.run({"run", "--quick", "--config", "pgo"}) == kExitOk);
  // The plain build, its benchmark under the profile, then the build with -pgo=.
  std::vector<std::string> steps;
  for (const auto& cmd : h.go.commands) {
    const std::string line = cmd.display();
    if (line.find("demo/bug") == std::string::npos) continue;
    if (line.find(".test.default ./demo/bug") != std::string::npos) steps.push_back("plain build");
    if (line.find("-test.cpuprofile") != std::string::npos) steps.push_back("profile");
    if (line.find("-pgo=") != std::string::npos && line.find("/pgo/go1.26.8+pgo/demo/bug.pprof") != std::string::npos)
      steps.push_back("pgo build");
  }
  // (Twice: the fake compile writes no JSON log, so it compiles again, as every variant here does.)
  CHECK(steps == std::vector<std::string>{"plain build", "profile", "pgo build", "pgo build"});
  auto r = results_from_json(h.fs.files.at("reports/results.json"), nullptr);
  REQUIRE(r);
  REQUIRE(r->toolchains.size() == 1);
  CHECK(r->toolchains[0].key() == "go1.26.8/pgo");
  const VariantObservation& o = r->scenarios[0].variants[0].results.at("go1.26.8/pgo");
  CHECK(o.pgo_samples == 162);  // "Total samples = 162" in the fixture
  // The hash of the profile kept in the work directory, which the timing rebuild reads.
  std::string kept;
  for (const auto& [path, content] : h.fs.files)
    if (path.ends_with("/pgo/go1.26.8+pgo/demo/bug.pprof")) kept = content;
  CHECK_THAT(kept, Catch::StartsWith("profile of ") && Catch::EndsWith("/demo/bug.test.default"));
  CHECK(o.pgo_profile == fnv1a_hex(kept));
  CHECK(o.pgo_note.empty());
  CHECK_THAT(h.fs.files.at("reports/EVIDENCE.md"),
             Catch::Contains("#### go1.26.8/pgo") &&
                 Catch::Contains("built with a CPU profile of its benchmark (162 samples)"));
  // Another work directory reuses the cached result with the profile the
  // cache kept beside it, copied where a timing rebuild reads it.
  const std::size_t before = h.go.commands.size();
  REQUIRE(h.run({"run", "--quick", "--config", "pgo", "--work", "elsewhere", "--out", "other"}) == kExitOk);
  for (std::size_t i = before; i < h.go.commands.size(); ++i)
    CHECK(h.go.commands[i].display().find("-test.cpuprofile") == std::string::npos);
  auto profile_in = [&](const std::string& work) {
    for (const auto& [path, content] : h.fs.files)
      if (path.ends_with(work + "/pgo/go1.26.8+pgo/demo/bug.pprof")) return content;
    return std::string();
  };
  CHECK(profile_in("/elsewhere") == kept);
  // Without its profile anywhere, the cached result is not used: measured again.
  std::erase_if(h.fs.files, [](const auto& f) { return f.first.ends_with(".pprof"); });
  const std::size_t third = h.go.commands.size();
  REQUIRE(h.run({"run", "--quick", "--config", "pgo", "--work", "third", "--out", "other"}) == kExitOk);
  CHECK_FALSE(profile_in("/third").empty());
  CHECK(std::any_of(h.go.commands.begin() + static_cast<std::ptrdiff_t>(third), h.go.commands.end(),
                    [](const Command& c) { return c.display().find("-test.cpuprofile") != std::string::npos; }));
}

TEST_CASE("pprof runs as the toolchain's own binary, found once per toolchain with go tool -n pprof", "[cli][config]") {
  Harness h;
  const std::string tool = "/opt/go/pkg/tool/linux_amd64/pprof";
  h.go.on({"tool", "-n", "pprof"}, test::exited(0, tool + "\n"));
  answer_cpu_profiles(h, test::fixture("pprof_traces_cpu_go1.26.8_interface-upgrade_bug-not-inlined.txt"));
  h.go.on({tool, "-traces", "-sample_index=samples"},
          test::exited(0, test::fixture("pprof_traces_cpu_go1.26.8_interface-upgrade_bug-not-inlined.txt")));
  CHECK(h.run({"run", "--quick", "--config", "pgo"}) == kExitOk);
  int lookups = 0, direct = 0, through_go = 0;
  for (const auto& c : h.go.commands) {
    const std::string line = c.display();
    if (line.find("tool -n pprof") != std::string::npos) ++lookups;
    if (c.argv.front() == tool) ++direct;
    if (line.find("tool pprof") != std::string::npos) ++through_go;
  }
  CHECK(lookups == 1);
  CHECK(direct >= 1);
  CHECK(through_go == 0);
  auto r = results_from_json(h.fs.files.at("reports/results.json"), nullptr);
  REQUIRE(r);
  CHECK(r->scenarios[0].variants[0].results.at("go1.26.8/pgo").pgo_samples == 162);
}

TEST_CASE("pgo says it used no profile when the profile has no samples, and skips toolchains before 1.21",
          "[cli][config]") {
  Harness h;
  answer_cpu_profiles(
      h, "File: bug.test\nType: samples\n-----------+-------------------------------------------------------\n");
  h.go.rules.insert(h.go.rules.begin(), [](const Command& c, ProcessResult& r) {
    if (c.argv.front() != "/usr/lib/go-1.19/bin/go" || c.argv.at(1) != "env") return false;
    r = test::exited(0, "go1.19.8\nlinux\namd64\n/usr/lib/go-1.19\n");
    return true;
  });
  CHECK(h.run({"run", "--quick", "--config", "pgo", "--go", "go", "--go", "/usr/lib/go-1.19/bin/go"}) == kExitOk);
  for (const auto& cmd : h.go.commands)
    for (const auto& a : cmd.argv) CHECK_FALSE(a.starts_with("-pgo="));
  auto r = results_from_json(h.fs.files.at("reports/results.json"), nullptr);
  REQUIRE(r);
  const VariantRecord& v = r->scenarios[0].variants[0];
  CHECK(v.results.at("go1.26.8/pgo").pgo_note ==
        "the CPU profile of BenchmarkBug (1s) has no samples: built without a profile");
  CHECK(v.results.at("go1.19.8/pgo").status == RunStatus::skipped);
  CHECK(v.results.at("go1.19.8/pgo").reason == "-pgo needs Go 1.21 or newer; go1.19.8 is older");
  CHECK(r->scenarios[0].claims[0].verdicts.at("go1.19.8/pgo").verdict == Verdict::skipped);
}
