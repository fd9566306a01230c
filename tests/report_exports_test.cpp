#include <catch2/catch.hpp>

#include "parse_bench.h"
#include "report_exports.h"
#include "report_text.h"
#include "sample_results.h"
#include "terminal.h"
#include "test_util.h"
#include "xml_check.h"

using namespace eh;

TEST_CASE("the benchstat export: exact counts per process and only real timing samples", "[exports]") {
  Results r = test::sample_results();
  auto& cell = r.scenarios[0].variants[0].results.at("go1.26.8");
  cell.repeats = {*cell.counts, *cell.counts, AllocCounts{10000, 61, 976}};
  r.scenarios[0].runs["go1.26.8"] = CellRun{"2026-12-01T10:00:00Z", false};
  r.toolchains.push_back(ToolchainInfo{"go1.27.3", "linux", "amd64", "AMD EPYC", ""});
  std::string text = benchstat_export(r);
  CHECK_THAT(text, Catch::Contains("Unit allocs/op assume=exact\nUnit B/op assume=exact\n"));
  auto rs = parse_bench_output(text);
  // bug: three processes' counts, three timing samples; fix is skipped on
  // go1.26.8 and on go1.27.3 has counts but no samples, so no ns/op at all.
  REQUIRE(rs.size() == 7);
  for (int i = 0; i < 3; ++i) {
    CHECK(rs[i].name == "BenchmarkEntry03/pair=bug/variant=bug");
    CHECK(rs[i].procs == 2);
    CHECK(rs[i].iterations == 10000);
    CHECK_FALSE(rs[i].metric("ns/op"));
    CHECK(rs[i].config.at("goversion") == "go1.26.8");
    CHECK(rs[i].config.at("pkg") == "escapeharness/demo");
    CHECK(rs[i].config.at("run") == "2026-12-01T10:00:00Z");
  }
  CHECK(rs[0].metric("allocs/op") == 0.006);
  CHECK(rs[0].metric("B/op") == 0.096);
  CHECK(rs[2].metric("allocs/op") == 0.0061);
  // The samples are the timing runs', each with its own b.N, under the date
  // of the run that took them (here an earlier one, from the cache).
  for (int i = 3; i < 6; ++i) {
    CHECK(rs[i].name == "BenchmarkEntry03/pair=bug/variant=bug");
    CHECK_FALSE(rs[i].metric("allocs/op"));
    CHECK(rs[i].config.at("run") == "2026-11-20T09:00:00Z");
  }
  CHECK(rs[3].metric("ns/op") == 5.0);
  CHECK(rs[4].iterations == 250000);
  CHECK(rs[6].config.at("goversion") == "go1.27.3");
  CHECK_FALSE(rs[6].metric("ns/op"));
}

TEST_CASE("the benchstat export names each fix after the bug it fixes", "[exports]") {
  Results r = test::sample_results();
  ScenarioRecord& s = r.scenarios[0];
  VariantRecord sweep_bug = s.variants[0];
  s.variants[1].fixes = "bug";
  s.variants[1].results.at("go1.26.8") = s.variants[0].results.at("go1.26.8");
  auto point = [&](std::string sweep, std::string value, std::string fixes) {
    VariantRecord v = sweep_bug;
    v.name = sweep + "/n=" + value;
    v.sweep = sweep;
    v.param = "n";
    v.value = value;
    v.fixes = fixes;
    return v;
  };
  VariantRecord alone = sweep_bug;
  alone.name = "pin";
  VariantRecord reuse = sweep_bug;
  reuse.name = "fix-reuse";
  reuse.fixes = "grow/n=8";
  s.variants = {s.variants[1], alone, point("fix-grow", "8", "grow"), s.variants[0], point("grow", "8", ""), reuse};
  std::vector<std::string> names;
  for (const auto& b : parse_bench_output(benchstat_export(r)))
    if (b.config.at("goversion") == "go1.26.8" && b.metric("allocs/op") && names.size() < 30 &&
        (names.empty() || names.back() != b.name))
      names.push_back(b.name);
  // Bugs first, then fixes, then variants in no pair.
  CHECK(names == std::vector<std::string>{
                     "BenchmarkEntry03/pair=bug/variant=bug",
                     "BenchmarkEntry03/pair=grow/n=8/variant=bug",
                     "BenchmarkEntry03/pair=bug/variant=fix",
                     "BenchmarkEntry03/pair=grow/n=8/variant=fix-grow",
                     "BenchmarkEntry03/pair=grow/n=8/variant=fix-reuse",
                     "BenchmarkEntry03/pair=pin/variant=pin",
                 });
}

TEST_CASE("JUnit: a case per claim and toolchain, drift fails, known refutations pass", "[exports]") {
  Results r = test::sample_results();
  for (auto& v : r.scenarios[0].variants)
    if (v.results.count("go1.26.8")) v.results.at("go1.26.8").seconds = 1.5;
  Results base = r;
  // The baseline had the claim confirmed: the refutation is drift.
  base.scenarios[0].claims[0].verdicts.at("go1.26.8").verdict = Verdict::confirmed;
  std::string xml = junit_export(r, &base);
  test::keep_export("unit-junit-drift.xml", xml);
  test::XmlElement root;
  test::XmlParser p(xml);
  REQUIRE(p.parse(root));
  INFO(p.error());
  CHECK(root.name == "testsuites");
  CHECK(root.attrs.at("tests") == "2");
  CHECK(root.attrs.at("failures") == "1");
  REQUIRE(root.children.size() == 1);
  const auto& suite = root.children[0];
  CHECK(suite.name == "testsuite");
  REQUIRE(suite.children.size() == 2);
  const auto& drifted = suite.children[0];
  CHECK(drifted.name == "testcase");
  CHECK(drifted.attrs.at("name") == "moves on go1.26.8");
  CHECK(drifted.attrs.at("classname") == "escape-harness.entry03.demo");
  CHECK(drifted.children[0].name == "failure");
  CHECK(drifted.children[0].attrs.at("message") == "confirmed -> refuted against the baseline");
  CHECK(drifted.children[1].name == "system-out");
  CHECK_THAT(drifted.children[1].text, Catch::StartsWith("refuted: \"n does not escape\""));
  const auto& skipped = suite.children[1].children[0];
  CHECK(skipped.name == "skipped");
  CHECK(skipped.attrs.empty());  // the Jenkins schema allows none: the reason is the text
  CHECK(skipped.text == "quick mode");
  // Counts and times on every suite and case (reporters compute with them);
  // a case's time is an even share of its cell's processes' time.
  CHECK(suite.attrs.at("tests") == "2");
  CHECK(suite.attrs.at("skipped") == "1");
  CHECK(suite.attrs.at("time") == "3.000");
  CHECK(root.attrs.at("time") == "3.000");
  CHECK(drifted.attrs.at("time") == "1.500");
  CHECK(suite.children[1].attrs.at("time") == "1.500");

  // Against itself nothing fails: the refuted claim is the expected finding.
  test::XmlElement same;
  REQUIRE(test::XmlParser(junit_export(r, &r)).parse(same));
  CHECK(same.attrs.at("failures") == "0");
  std::vector<const test::XmlElement*> failures;
  test::find_all(same, "failure", failures);
  CHECK(failures.empty());
}

TEST_CASE("JUnit: an error verdict is an error case", "[exports]") {
  Results r = test::sample_results();
  auto& v = r.scenarios[0].claims[0].verdicts.at("go1.26.8");
  v.verdict = Verdict::error;
  v.reason = "variant 'bug': does not compile: x.yaml:3:1: undefined: <x>";
  const std::string xml = junit_export(r, nullptr);
  test::keep_export("unit-junit-error.xml", xml);
  test::XmlElement root;
  REQUIRE(test::XmlParser(xml).parse(root));
  CHECK(root.attrs.at("errors") == "1");
  std::vector<const test::XmlElement*> errors;
  test::find_all(root, "error", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]->attrs.at("message") == "variant 'bug': does not compile: x.yaml:3:1: undefined: <x>");
}

TEST_CASE("progress redraws one line on a terminal and prints plain lines elsewhere", "[terminal]") {
  std::ostringstream tty;
  Progress p(tty, TerminalInfo{true, 80}, {{"TERM", "xterm"}});
  p.set_total(2);
  p.step("go1.26.8 demo bug: facts");
  p.step("go1.26.8 demo fix: facts");
  p.line("done");
  CHECK(p.smart());
  CHECK(p.colour());
  CHECK_THAT(tty.str(), Catch::StartsWith("\r\x1b[K[1/2] go1.26.8 demo bug: facts  0:00 elapsed"));
  CHECK_THAT(tty.str(), Catch::Contains("\r\x1b[K[2/2] go1.26.8 demo fix: facts"));
  CHECK_THAT(tty.str(), Catch::EndsWith("\r\x1b[Kdone\n"));
  // Past the plan (extra timing rounds): the count goes on, marked, with no ETA.
  std::ostringstream over;
  Progress q(over, TerminalInfo{true, 120}, {{"TERM", "xterm"}});
  q.set_total(1);
  q.step("a: timing 60/60");
  q.step("a: timing 70, more while a median is not within 3% (up to 180)");
  CHECK_THAT(over.str(), Catch::EndsWith("\r\x1b[K[2/1+] a: timing 70, more while a median is not within 3% (up to "
                                         "180)  0:00 elapsed"));

  std::ostringstream pipe;
  Progress plain(pipe, TerminalInfo{false, 80}, {});
  plain.set_total(1);
  plain.step("go1.26.8 demo bug: facts");
  CHECK(pipe.str() == "  go1.26.8 demo bug: facts\n");
  CHECK_FALSE(plain.colour());
  CHECK(plain.paint("refuted", "yellow") == "refuted");

  for (auto env : std::vector<std::map<std::string, std::string>>{{{"CI", "true"}}, {{"TERM", "dumb"}}}) {
    std::ostringstream s;
    CHECK_FALSE(Progress(s, TerminalInfo{true, 80}, env).smart());
  }
  std::ostringstream n;
  Progress no_colour(n, TerminalInfo{true, 80}, {{"NO_COLOR", "1"}});
  CHECK(no_colour.smart());
  CHECK_FALSE(no_colour.colour());
  CHECK(p.paint("refuted", "yellow") == "\x1b[33mrefuted\x1b[0m");
  CHECK(format_duration(std::chrono::seconds(3725)) == "1:02:05");
}

TEST_CASE("show prints one scenario's evidence", "[exports]") {
  Results r = test::sample_results();
  std::string text = show_text(r, r.scenarios[0]);
  CHECK_THAT(text, Catch::StartsWith("Entry 3: The \"passed by value\" pointer  [demo]\n"));
  CHECK_THAT(text, Catch::Contains("  moves [symptom]: n moves to the heap.\n    go1.26.8     refuted\n"));
  CHECK_THAT(text, Catch::Contains("  bug                  go1.26.8        0.006        0.096            5\n"));
}
