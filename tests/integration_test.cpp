#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "process.h"
#include "results_json.h"
#include "test_util.h"
#include "toolchain.h"

using namespace eh;

// These tests run the real go on the PATH (the README's toolchain).

namespace {

using test::TempDir;

ProcessResult harness(const std::vector<std::string>& args, const std::string& cwd = test::source_dir()) {
  return test::run_harness(args, cwd);
}

Results read_results(const std::string& path) {
  std::string err;
  auto r = results_from_json(test::read_file(path), &err);
  INFO(err);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("run judges entry 3 with the real go", "[integration]") {
  TempDir out;
  auto r = harness({"run", "--quick", "--only", "param-address", "--out", out.path, "--work", out.path + "/work"});
  INFO(r.out << r.err);
  REQUIRE(r.ok());
  Results res = read_results(out.path + "/results.json");
  REQUIRE(res.scenarios.size() == 1);
  const std::string tc = res.toolchains.at(0).version;
  const ScenarioRecord& s = res.scenarios[0];
  for (const auto& c : s.claims) {
    INFO(c.id);
    CHECK(c.verdicts.at(tc).verdict != Verdict::error);
  }
  // Where the claim does hold: a callback the compiler cannot see moves n
  // to the heap on every toolchain, one 16-byte object per call.
  const auto& cb = s.variant("bug-callback")->results.at(tc);
  CHECK(cb.counts->allocs_per_call() == Rational(1));
  CHECK(cb.counts->bytes_per_call() == Rational(16));
  // The verdicts agree with the committed evidence for the same toolchain.
  Results committed = read_results(test::repo_path("reports/results.json"));
  if (const ScenarioRecord* c = committed.scenario("param-address"))
    for (std::size_t i = 0; i < s.claims.size(); ++i)
      if (auto it = c->claims[i].verdicts.find(tc); it != c->claims[i].verdicts.end()) {
        INFO(s.claims[i].id);
        CHECK(s.claims[i].verdicts.at(tc).verdict == it->second.verdict);
      }
}

TEST_CASE("quick mode's one binary per scenario measures what each variant's own test binary measures",
          "[integration]") {
  // A full run takes each variant's facts from its own test binary; quick
  // mode links the scenario's variants into one driver. Exact counts,
  // stacks and -m messages must not tell the two apart.
  TempDir quick, full;
  auto q = harness({"run", "--quick", "--only", "param-address", "--out", quick.path, "--work", quick.path + "/work"});
  INFO(q.out << q.err);
  REQUIRE(q.ok());
  auto f = harness({"run", "--only", "param-address", "--out", full.path, "--work", full.path + "/work"});
  INFO(f.out << f.err);
  REQUIRE(f.ok());
  Results a = read_results(quick.path + "/results.json"), b = read_results(full.path + "/results.json");
  const std::string tc = a.toolchains.at(0).version;
  // The driver was built and run (else this compares two test binaries).
  bool driver = false;
  for (const auto& e : std::filesystem::recursive_directory_iterator(quick.path + "/work"))
    driver |= e.path().filename() == "driver";
  CHECK(driver);
  const ScenarioRecord& sa = a.scenarios.at(0);
  const ScenarioRecord& sb = b.scenarios.at(0);
  REQUIRE(sa.variants.size() == sb.variants.size());
  for (std::size_t i = 0; i < sa.variants.size(); ++i) {
    const auto& va = sa.variants[i].results.at(tc);
    const auto& vb = sb.variants[i].results.at(tc);
    INFO(sa.variants[i].name);
    REQUIRE(va.counts);
    REQUIRE(vb.counts);
    CHECK(va.counts->mallocs == vb.counts->mallocs);
    CHECK(va.counts->bytes == vb.counts->bytes);
    CHECK(va.counts->calls == vb.counts->calls);
    REQUIRE(va.sites.size() == vb.sites.size());
    for (std::size_t k = 0; k < va.sites.size(); ++k) {
      CHECK(va.sites[k].stack == vb.sites[k].stack);
      CHECK(va.sites[k].objects == vb.sites[k].objects);
      CHECK(va.sites[k].at_file == vb.sites[k].at_file);
      CHECK(va.sites[k].at_line == vb.sites[k].at_line);
    }
    CHECK(va.diagnostics == vb.diagnostics);
    CHECK(va.places == vb.places);
  }
}

TEST_CASE("Go that does not compile is an error on the spec's line, other scenarios are judged", "[integration]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path + "/scenarios");
  std::filesystem::copy_file(test::repo_path("scenarios/03-param-address.yaml"),
                             dir.path + "/scenarios/03-param-address.yaml");
  // Its quotes are checked against the catalog beside the scenarios.
  std::filesystem::copy(test::repo_path("catalog"), dir.path + "/catalog");
  std::ofstream(dir.path + "/scenarios/50-broken.yaml") << R"(id: broken
source: the integration tests
title: Does not compile
variants:
  - name: bug
    code: |
      func f() int {
      	return undefinedThing
      }
    call: f()
    results: [int]
claims:
  - id: c
    aspect: symptom
    text: anything
    expect:
      - kind: allocs
        variant: bug
        exactly: 0
)";
  auto r = harness({"run", "--quick", "--scenarios", "scenarios", "--out", "reports", "--work", "work"}, dir.path);
  INFO(r.out << r.err);
  CHECK(r.outcome == Outcome::exited);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("error: broken c (go") &&
                        Catch::Contains("variant 'bug': does not compile: scenarios/50-broken.yaml:8:15: undefined: "
                                        "undefinedThing (generated broken/bug/code.go:7:9)"));
  Results res = read_results(dir.path + "/reports/results.json");
  REQUIRE(res.scenarios.size() == 2);
  REQUIRE(res.scenario("param-address"));
  for (const auto& c : res.scenario("param-address")->claims)
    CHECK(c.verdicts.begin()->second.verdict != Verdict::error);
}

TEST_CASE("code that go vet rejects is still measured: the harness compiles, it does not lint", "[integration]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path + "/scenarios");
  // fmt.Sprintf("%d", s) is a vet error (wrong verb) that compiles and runs:
  // plain `go test` refuses to build it, the harness must measure it.
  std::ofstream(dir.path + "/scenarios/51-vet.yaml") << R"(id: vet-flagged
source: the integration tests
title: Vet rejects what the compiler accepts
imports: [fmt]
variants:
  - name: bug
    code: |
      func f(s string) string {
      	return fmt.Sprintf("%d", s)
      }
    call: f("x")
    results: [string]
claims:
  - id: c
    aspect: symptom
    text: Formatting a string with %d allocates.
    expect:
      - kind: allocs
        variant: bug
        at_least: 1
)";
  auto r = harness({"run", "--quick", "--scenarios", "scenarios", "--out", "reports", "--work", "work"}, dir.path);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("claims: 1 confirmed, 0 refuted, 0 inconclusive, 0 skipped, 0 error\n"));
}

TEST_CASE("the committed gosrc/ runs with plain go test, no C++ involved", "[integration][heavy]") {
  SystemProcessRunner r;
  std::string go = search_path("go", current_environment()["PATH"]);
  REQUIRE_FALSE(go.empty());
  Command c;
  c.argv = {go, "test", "-count=1", "-bench", ".", "-benchtime", "1x", "./..."};
  c.cwd = test::repo_path("gosrc");
  Toolchain tc;
  c.env = go_environment(tc, current_environment());
  c.timeout = std::chrono::minutes(10);
  auto res = r.run(c);
  INFO(res.out << res.err);
  CHECK(res.ok());
  CHECK_THAT(res.out, Catch::Contains("escape-harness: counts calls="));
}

TEST_CASE("merging the workflow's single-leg runs equals one run on the matrix", "[integration][matrix][heavy]") {
  TempDir d;
  // Entry 13's two variants: every leg builds and runs each, and the pgo
  // leg profiles each and rebuilds the standard library with that profile
  // (some 24 CPU-seconds a variant, the most of this test's time, so the
  // scenario with the fewest variants). Its quick verdicts are confirmed,
  // refuted and skipped, and one differs between toolchains.
  auto run = [&](std::vector<std::string> extra, const std::string& out) {
    std::vector<std::string> args = {"run",   "--quick",          "--only", "deferred-closure",
                                     "--out", d.path + "/" + out, "--work", d.path + "/work-" + out};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = harness(args);
    INFO(r.out << r.err);
    REQUIRE(r.ok());
  };
  // One run per leg, as the workflow's jobs: a toolchain, or a toolchain and a configuration.
  run({"--go", "go"}, "a");
  run({"--go", "go", "--config", "pgo"}, "b");
  run({"--go", "go", "--config", "GOARCH=arm64"}, "c");
  run({"--go", "go1.27.3"}, "d");
  run({"--go", "/usr/lib/go-1.19/bin/go"}, "e");
  run({"--matrix"}, "all");
  std::vector<std::string> merge = {"merge"};
  for (const char* leg : {"a", "b", "c", "d", "e"}) merge.push_back(fmt::format("{}/{}/results.json", d.path, leg));
  merge.insert(merge.end(), {"--out", d.path + "/merged"});
  auto m = harness(merge);
  INFO(m.out << m.err);
  REQUIRE(m.ok());
  Results merged = read_results(d.path + "/merged/results.json");
  Results all = read_results(d.path + "/all/results.json");
  REQUIRE(merged.toolchains.size() == 5);
  // The arm64 leg is what go reports under GOARCH=arm64, its binaries run
  // under qemu: counts measured like everywhere else.
  const ToolchainInfo& arm = merged.toolchains.at(3);
  CHECK(arm.key() == arm.version + "/arm64");
  CHECK(arm.goarch == "arm64");
  for (const auto& v : merged.scenarios.at(0).variants) {
    INFO(v.name);
    CHECK(v.results.at(arm.key()).counts.has_value());
  }
  REQUIRE(merged.toolchains == all.toolchains);
  const ScenarioRecord& ms = merged.scenarios.at(0);
  const ScenarioRecord& as = all.scenarios.at(0);
  for (std::size_t i = 0; i < as.claims.size(); ++i)
    for (const auto& [tc, v] : as.claims[i].verdicts) {
      INFO(as.claims[i].id << " on " << tc);
      CHECK(ms.claims[i].verdicts.at(tc).verdict == v.verdict);
    }
  for (std::size_t i = 0; i < as.variants.size(); ++i)
    for (const auto& [tc, o] : as.variants[i].results) {
      INFO(as.variants[i].name << " on " << tc);
      const auto& mo = ms.variants[i].results.at(tc);
      CHECK(mo.status == o.status);
      CHECK(mo.counts == o.counts);
    }
  // And the drift check agrees: no change between the two.
  auto c = harness({"check", "--baseline", d.path + "/all/results.json", "--results", d.path + "/merged/results.json"});
  CHECK(c.ok());
  CHECK_THAT(c.out, Catch::StartsWith("no drift:"));
}

TEST_CASE("entry 1 under PGO: a real profile of each variant, and only the devirtualisation it can make",
          "[integration][config][heavy]") {
  TempDir out;
  auto r = harness({"run", "--quick", "--only", "interface-upgrade", "--config", "default", "--config", "pgo", "--out",
                    out.path, "--work", out.path + "/work"});
  INFO(r.out << r.err);
  REQUIRE(r.ok());
  Results res = read_results(out.path + "/results.json");
  REQUIRE(res.toolchains.size() == 2);
  const std::string tc = res.toolchains.at(0).key();
  CHECK(res.toolchains.at(1).key() == tc + "/pgo");
  // Whether the compiler devirtualises send's w.Write is decided by one or
  // two leaf samples at that line (-d=pgodebug=2 shows the edge to
  // os.(*File).Write and the one to runtime.stringtoslicebyte, the []byte
  // conversion on the same line, at weights like 1 and 2), so a test cannot
  // ask for it. What it can ask: every variant was built with a profile that
  // has samples, the default build never devirtualises by profile, and the
  // profile's build devirtualises nothing but that call, at that line.
  const std::string devirt = "PGO devirtualizing interface call w.Write to os.(*File).Write";
  int devirtualised = 0;
  for (const auto& v : res.scenarios.at(0).variants) {
    INFO(v.name);
    const VariantObservation& pgo = v.results.at(tc + "/pgo");
    CHECK(pgo.pgo_samples > 0);
    CHECK(pgo.pgo_note.empty());
    for (const auto& d : v.results.at(tc).diagnostics) CHECK(d.message.find("PGO ") == std::string::npos);
    for (const auto& d : pgo.diagnostics) {
      if (d.message.find("PGO ") == std::string::npos) continue;
      INFO(d.message << " at " << d.code);
      CHECK(d.message == devirt);
      CHECK(d.code.find("w.Write([]byte(msg))") != std::string::npos);
      ++devirtualised;
    }
  }
  // EVIDENCE.md shows the PGO build of each variant against the default one.
  const std::string evidence = test::read_file(out.path + "/EVIDENCE.md");
  CHECK_THAT(evidence, Catch::Contains("#### " + tc + "/pgo") && Catch::Contains("built with a CPU profile"));
  if (devirtualised > 0) CHECK_THAT(evidence, Catch::Contains(devirt));
}

TEST_CASE("actionlint finds nothing in the GitHub workflow", "[integration][workflow]") {
  // The real linter, from the Go module proxy at a pinned version.
  SystemProcessRunner r;
  Command c;
  c.argv = {search_path("go", current_environment()["PATH"]), "run",
            "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12", "-no-color", ".github/workflows/matrix.yml"};
  Toolchain tc;
  c.env = go_environment(tc, current_environment());
  c.cwd = test::source_dir();
  c.timeout = std::chrono::minutes(5);
  auto out = r.run(c);
  INFO(out.out << out.err);
  CHECK(out.ok());
  CHECK(out.out.empty());
}

TEST_CASE("real benchstat compares each fix with its own bug on the committed evidence", "[integration][exports]") {
  TempDir d;
  std::string export_path = d.path + "/bench.txt";
  auto c = harness({"check", "--baseline", test::repo_path("reports/results.json"), "--results",
                    test::repo_path("reports/results.json"), "--export-benchstat", export_path, "--export-junit",
                    d.path + "/junit.xml"});
  INFO(c.out << c.err);
  REQUIRE(c.ok());
  test::keep_export("check-committed.xml", test::read_file(d.path + "/junit.xml"));
  Results committed = read_results(test::repo_path("reports/results.json"));
  auto benchstat = [&](std::vector<std::string> args) {
    SystemProcessRunner r;
    Command b;
    b.argv = {search_path("go", current_environment()["PATH"]), "run",
              "golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"};
    b.argv.insert(b.argv.end(), args.begin(), args.end());
    b.argv.push_back(export_path);
    Toolchain tc;
    b.env = go_environment(tc, current_environment());
    b.cwd = d.path;
    b.timeout = std::chrono::minutes(5);
    auto out = r.run(b);
    INFO(out.err);
    REQUIRE(out.ok());
    return out.out;
  };
  const std::string by_variant = benchstat({"-col", "/variant"});
  // Exact counts and real samples: no comparison of single values, no
  // interval that one value cannot give.
  CHECK(by_variant.find("n=1)") == std::string::npos);
  CHECK(by_variant.find("± ∞") == std::string::npos);
  CHECK(by_variant.find("need >= ") == std::string::npos);
  for (const auto& s : committed.scenarios) {
    INFO(s.id);
    auto at = by_variant.find("pkg: escapeharness/" + s.id + "\n");
    REQUIRE(at != std::string::npos);
    std::string tables = by_variant.substr(at, by_variant.find("pkg: ", at + 1) - at);
    CHECK(tables.find("allocs/op") != std::string::npos);
    CHECK(tables.find("B/op") != std::string::npos);
    // Every table that compares anything has the bugs in its first column:
    // the header's first name is `bug`.
    bool fixes = std::any_of(s.variants.begin(), s.variants.end(), [](const auto& v) { return !v.fixes.empty(); });
    if (fixes) {
      auto bar = tables.find("│");
      REQUIRE(bar != std::string::npos);
      std::string header = tables.substr(bar, tables.find('\n', bar) - bar);
      CHECK_THAT(header, Catch::Matches("│ +bug +│.*"));
    }
  }
  // Entry 11's finding is a time: 42 ms against 0.32 ms. The timed pair is
  // compared by its samples, with a p-value or n of both sides.
  auto at = by_variant.find("pkg: escapeharness/value-copy\n");
  REQUIRE(at != std::string::npos);
  std::string vc = by_variant.substr(at, by_variant.find("pkg: ", at + 1) - at);
  auto sec = vc.find("sec/op");
  REQUIRE(sec != std::string::npos);
  auto row = vc.find("Entry11/pair=bug-1k-2", sec);
  REQUIRE(row != std::string::npos);
  std::string line = vc.substr(row, vc.find('\n', row) - row);
  CHECK_THAT(line, Catch::Matches(".* -9[0-9]\\.[0-9]+% \\((p=0\\.000 )?n=[0-9]+\\).*"));

  // The toolchains side by side: samples of one matrix run are one table.
  const std::string by_version = benchstat({"-col", "goversion"});
  CHECK(by_version.find("n=1)") == std::string::npos);
  CHECK(by_version.find("go1.19.8") != std::string::npos);
  CHECK(by_version.find("go1.27.3") != std::string::npos);
}

TEST_CASE("the progress line redraws in place on a terminal, plain lines in a pipe", "[integration][terminal]") {
  TempDir d;
  const std::string cmd = fmt::format("{} run --quick --only param-address --out {}/out --work {}/work",
                                      test::harness_binary(), d.path, d.path);
  SystemProcessRunner r;
  Command tty;  // script(1) gives the harness a pseudo-terminal
  tty.argv = {"/usr/bin/script", "-qfec", cmd, "/dev/null"};
  tty.cwd = test::source_dir();
  tty.env = test::test_environment();
  tty.env.erase("CI");
  tty.env["TERM"] = "xterm";
  tty.timeout = std::chrono::minutes(5);
  auto t = r.run(tty);
  INFO(t.out << t.err);
  REQUIRE(t.ok());
  // [1/N] to [N/N], each redrawn over the last.
  auto first = t.out.find("\r\x1b[K[1/");
  REQUIRE(first != std::string::npos);
  const std::string steps = t.out.substr(first + 7, t.out.find(']', first) - first - 7);
  CHECK(std::stoi(steps) >= 2);
  CHECK(t.out.find("\r\x1b[K[" + steps + "/" + steps + "] ") != std::string::npos);
  CHECK(t.out.find("  go1.") == std::string::npos);  // no plain progress lines

  auto p =
      harness({"run", "--quick", "--only", "param-address", "--out", d.path + "/out2", "--work", d.path + "/work"});
  REQUIRE(p.ok());
  CHECK(p.err.find('\r') == std::string::npos);
  CHECK(p.err.find("\x1b[") == std::string::npos);
  CHECK(p.err.find("param-address bug: facts\n") != std::string::npos);
}

TEST_CASE("specs of another source run with the real go and are reported in their own words", "[integration]") {
  // tests/user-specs/: four specs of folklore, no catalog entry. Their claims
  // are judged (none is an error), EVIDENCE.md speaks of folklore, and
  // ERRATA.md, the catalog's page, leaves them out.
  TempDir out;
  auto r =
      harness({"run", "--quick", "--scenarios", "tests/user-specs", "--out", out.path, "--work", out.path + "/work"});
  INFO(r.out << r.err);
  REQUIRE(r.ok());
  Results res = read_results(out.path + "/results.json");
  REQUIRE(res.scenarios.size() == 4);
  const std::string tc = res.toolchains.at(0).version;
  for (const auto& s : res.scenarios) {
    INFO(s.id);
    CHECK(s.source == "folklore");
    CHECK_FALSE(s.from_catalog());
    for (const auto& c : s.claims) {
      INFO(c.id);
      CHECK(c.verdicts.at(tc).verdict != Verdict::error);
    }
  }
  std::ifstream in(out.path + "/EVIDENCE.md");
  std::stringstream evidence;
  evidence << in.rdbuf();
  CHECK_THAT(evidence.str(), Catch::Contains("## String concatenation (folklore)") &&
                                 Catch::Contains("### The claims of *folklore*") &&
                                 !Catch::Contains("The catalog says"));
  std::ifstream ein(out.path + "/ERRATA.md");
  std::stringstream errata;
  errata << ein.rdbuf();
  CHECK_THAT(errata.str(), Catch::Contains("0 claims of the catalog are refuted"));
  // What the folklore gets wrong on this toolchain, measured: a concatenation
  // whose result does not escape needs no allocation.
  const ScenarioRecord* concat = res.scenario("string-concat");
  REQUIRE(concat);
  CHECK(concat->variant("local")->results.at(tc).counts->allocs_per_call() == Rational(0));
}
