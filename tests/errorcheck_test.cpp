#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "cli.h"
#include "errorcheck.h"
#include "memory_fs.h"
#include "report_compiler.h"
#include "text.h"
#include "test_util.h"
#include "xml_check.h"

using namespace eh;

// Go's test driver's errorcheck rules, on a file written here in the form
// of Go's escape tests and the real compiler output it gave
// (tests/fixtures/errorcheck/, compiled as /src/ec/ec1.go).

TEST_CASE("errorcheck: the recipe's flags and every quoted regexp of each ERROR line", "[errorcheck]") {
  ErrorcheckFile f = parse_errorcheck("ec1.go", test::read_repo_file("tests/fixtures/errorcheck/ec1.go"));
  CHECK(f.skip.empty());
  // -0 is the driver's (no error expected); the driver adds ssa/check/on.
  CHECK(f.flags == std::vector<std::string>{"-m", "-l", "-d=ssa/check/on"});
  CHECK(f.problems.empty());
  std::vector<std::pair<int, std::string>> wants;
  for (const auto& w : f.wants) wants.emplace_back(w.line, w.regexp);
  CHECK(wants == std::vector<std::pair<int, std::string>>{
                     {11, "leaking param: p to result ~r0 level=0"},
                     {16, "moved to heap: x"},
                     {20, "v does not escape"},
                     {21, "v escapes to heap"},
                     // line 25's comment is doubled (////): no expectation
                     {29, "s does not escape"},
                     {30, "string\\(s\\) does not escape"},
                     {34, "this regexp matches nothing"},
                     {38, "&T{...} escapes to heap"},
                     {38, "ec1.go:38: &T"},  // LINE is the file and line
                 });
}

TEST_CASE("errorcheck: recipes other than errorcheck are skipped, -d= flags keep ssa/check/on", "[errorcheck]") {
  CHECK(parse_errorcheck("r.go", "// run\n\npackage main\n").skip == "not an errorcheck test (its recipe: `run`)");
  ErrorcheckFile f = parse_errorcheck(
      "d.go",
      "//go:build !goexperiment.newinliner\n\n// errorcheck -0 -d=escapedebug=1 -goexperiment x\n\npackage p\n");
  CHECK(f.skip.empty());
  CHECK(f.build == "!goexperiment.newinliner");
  CHECK(f.flags == std::vector<std::string>{"-d=escapedebug=1,ssa/check/on"});
  CHECK(f.env == std::vector<std::string>{"GOEXPERIMENT=x"});
  // A constraint after the recipe counts too: the driver reads the header up to `package`.
  CHECK(parse_errorcheck("a.go", "// errorcheck -0\n\n//go:build goexperiment.x\n\npackage p\n").build ==
        "goexperiment.x");
  ErrorcheckFile bad = parse_errorcheck("b.go", "// errorcheck\npackage p\nvar x = 1 // ERROR \"(\"\n");
  REQUIRE(bad.problems.size() == 1);
  CHECK_THAT(bad.problems[0], Catch::StartsWith("b.go:3: regexp `(`: "));
  CHECK(bad.wants.size() == 1);  // judged all the same: it matches nothing
}

TEST_CASE("errorcheck: build constraints against GOOS, GOARCH and release tags", "[errorcheck]") {
  CHECK(build_constraint_holds("!goexperiment.newinliner", "linux", "amd64", 26));
  CHECK_FALSE(build_constraint_holds("goexperiment.runtimefreegc", "linux", "amd64", 26));
  CHECK(build_constraint_holds("amd64 && (linux || darwin)", "linux", "amd64", 26));
  CHECK_FALSE(build_constraint_holds("arm64 || windows", "linux", "amd64", 26));
  CHECK(build_constraint_holds("go1.21", "linux", "amd64", 26));
  CHECK_FALSE(build_constraint_holds("go1.21", "linux", "amd64", 19));
}

TEST_CASE("errorcheck: judged as Go's test driver judges, on real compiler output", "[errorcheck]") {
  ErrorcheckFile f = parse_errorcheck("ec1.go", test::read_repo_file("tests/fixtures/errorcheck/ec1.go"));
  for (const char* tc : {"go1.26.8", "go1.19.8"}) {
    INFO(tc);
    ErrorcheckResult r = judge_errorcheck(
        f, test::read_repo_file(std::string("tests/fixtures/errorcheck/ec1_") + tc + ".txt"), "/src/ec/ec1.go");
    std::vector<std::pair<int, std::string>> verdicts;
    for (const auto& w : r.wants) verdicts.emplace_back(w.want.line, std::string(to_string(w.verdict)));
    CHECK(verdicts == std::vector<std::pair<int, std::string>>{
                          {11, "held"},
                          {16, "held"},
                          {20, "failed"},  // the compiler says nothing of an int parameter
                          {21, "held"},
                          {29, "held"},
                          {30, "held"},
                          {34, "failed"},
                          {38, "held"},
                          {38, "failed"},  // the first regexp took line 38's only message
                      });
    CHECK(r.wants[6].seen == std::vector<std::string>{"&T{...} escapes to heap"});
    CHECK(r.wants[2].seen.empty());
    // Every message of the line, also the one the line's first regexp took.
    CHECK(r.wants[8].seen == std::vector<std::string>{"&T{...} escapes to heap"});
    // Line 34's message matched no regexp of its line: a failure of its own.
    CHECK(r.unmatched == std::vector<std::string>{"ec1.go:34: &T{...} escapes to heap"});
  }
}

TEST_CASE("errorcheck: the output split as the driver splits it", "[errorcheck]") {
  auto lines = split_compiler_output(
      "# p\nx.go:3: a\n\tcontinued\n<autogenerated>:1: wrapper\ngo tool compile: exit 1\n\nx.go:4: b\n", false);
  CHECK(lines == std::vector<std::string>{"x.go:3: a\n\tcontinued", "x.go:4: b"});
  CHECK(split_compiler_output("<autogenerated>:1: w\n", true) == std::vector<std::string>{"<autogenerated>:1: w"});
}

namespace {

/// The fake go of the errorcheck command: one toolchain, its suite in
/// /goroot/test with ec1.go (the fixture) and a file whose compile hangs.
struct FakeGo {
  MemoryFileSystem fs;
  test::FakeProcessRunner go;
  std::ostringstream out, err;
  CliContext ctx{go, fs, out, err, {{"PATH", "/usr/local/go/bin:/bin"}, {"HOME", "/home/u"}}};

  FakeGo() {
    fs.files["/goroot/VERSION"] = "go1.26.8\ntime 2026-11-01\n";
    fs.files["/goroot/test/escape_ec1.go"] = test::read_repo_file("tests/fixtures/errorcheck/ec1.go");
    fs.files["/goroot/test/escape_hang.go"] = "// errorcheck -0 -m\n\npackage p\n\nvar x = 1 // ERROR \"x\"\n";
    fs.files["/goroot/test/escape_run.go"] = "// run\n\npackage main\n";
    go.on({"env", "GOVERSION"}, test::exited(0, "go1.26.8\nlinux\namd64\n/goroot\n"));
    go.on({"list", "-export"}, test::exited(0, "packagefile fmt=/cache/fmt.a\n"));
    const std::string compiled = replace_all(test::read_repo_file("tests/fixtures/errorcheck/ec1_go1.26.8.txt"),
                                             "/src/ec/ec1.go", "/goroot/test/escape_ec1.go");
    go.on({"tool", "compile", "/goroot/test/escape_ec1.go"}, test::exited(0, compiled));
    ProcessResult hung;
    hung.outcome = Outcome::timed_out;
    go.on({"tool", "compile", "/goroot/test/escape_hang.go"}, hung);
  }
};

}  // namespace

TEST_CASE("errorcheck runs each file as the driver does and a hang is that file's error only", "[errorcheck][cli]") {
  FakeGo f;
  // ec1's compile output names escape_ec1.go; the fixture's comments do too
  // once the file is read under that name, so the verdicts are those above.
  int status = run_cli({"errorcheck", "--jobs", "1", "--out", "out"}, f.ctx);
  INFO(f.out.str() << f.err.str());
  CHECK(status == 1);  // one file is an error
  // The compile: the driver's flags, the file's, the importcfg of std.
  bool compiled = false;
  for (const auto& c : f.go.commands)
    if (c.argv.back() == "/goroot/test/escape_ec1.go") {
      compiled = true;
      CHECK(std::vector<std::string>(c.argv.begin() + 1, c.argv.begin() + 8) ==
            std::vector<std::string>{"tool", "compile", "-p=p", "-d=panic", "-C", "-e",
                                     "-importcfg=/home/u/.cache/escape-harness/errorcheck/go1.26.8.importcfg"});
      CHECK(std::vector<std::string>(c.argv.end() - 4, c.argv.end() - 1) ==
            std::vector<std::string>{"-m", "-l", "-d=ssa/check/on"});
    }
  CHECK(compiled);
  CHECK_THAT(f.out.str(), Catch::Contains("suite go1.26.8:\n  on go1.26.8: 6 held, 3 failed, 1 skipped; 1 unexpected "
                                          "message; 3 files (1 skipped, 1 error)\n"));
  CHECK_THAT(f.out.str(), Catch::Contains("  error: go1.26.8 escape_hang.go on go1.26.8: timed out after 300s"));
  REQUIRE(f.fs.files.count("out/compiler.json"));
  std::string err;
  auto back = compiler_from_json(f.fs.files["out/compiler.json"], &err);
  INFO(err);
  REQUIRE(back);
  // A name no table has is refused, not read as some other verdict.
  std::string bad = test::replace(f.fs.files["out/compiler.json"], "\"verdict\":\"held\"", "\"verdict\":\"hold\"");
  CHECK_FALSE(compiler_from_json(bad, &err));
  CHECK(err == "unknown name 'hold' (expected one of: held, failed, skipped)");
  // COMPILER.md is a function of compiler.json.
  CHECK(compiler_markdown(*back) == f.fs.files["out/COMPILER.md"]);
  CHECK_THAT(f.fs.files["out/COMPILER.md"],
             Catch::Contains("- go1.26.8 `escape_run.go` on go1.26.8: skipped (not an errorcheck test (its recipe: "
                             "`run`))"));

  // The heatmap: a cell per file and toolchain with the counts it shows.
  test::XmlElement svg;
  REQUIRE(test::XmlParser(compiler_heatmap_svg(*back)).parse(svg));
  std::vector<const test::XmlElement*> rects;
  test::find_all(svg, "rect", rects);
  std::map<std::string, std::string> cells;
  for (const auto* r : rects)
    if (r->attrs.count("data-file"))
      cells[r->attrs.at("data-file")] =
          r->attrs.at("data-held") + "/" + r->attrs.at("data-failed") + " " + r->attrs.at("data-status");
  CHECK(cells == std::map<std::string, std::string>{{"escape_ec1.go", "6/3 judged"}, {"escape_hang.go", "0/0 error"}});

  // Against itself nothing drifted; a verdict that changes is drift.
  CHECK_FALSE(compare_compiler(*back, *back).drift());
  CHECK(format_compiler_changes(compare_compiler(*back, *back), "b.json") ==
        "no drift: 9 expectation verdicts match b.json\n");
  CompilerReport changed = *back;
  for (auto& file : changed.files)
    if (file.file == "escape_ec1.go") file.result.wants[0].verdict = Held::failed;
  CompilerComparison c = compare_compiler(*back, changed);
  REQUIRE(c.changes.size() == 1);
  CHECK(format_compiler_changes(c, "b.json") ==
        "drift: 1 change against b.json\n"
        "  go1.26.8 escape_ec1.go:11 on go1.26.8: held -> failed (`leaking param: p to result ~r0 level=0`)\n");
  // A toolchain the baseline never saw is drift too.
  CompilerReport newer = *back;
  newer.toolchains.push_back("go1.26.9");
  c = compare_compiler(*back, newer);
  CHECK(c.only_in_run == std::vector<std::string>{"go1.26.9"});
  CHECK(format_compiler_changes(c, "b.json") ==
        "drift: 1 change against b.json\n"
        "  toolchain go1.26.9: in this run only, no baseline to compare with\n");
}
