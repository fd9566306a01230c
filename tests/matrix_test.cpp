#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "compare.h"
#include "matrix.h"
#include "merge.h"
#include "report_matrix.h"
#include "results_json.h"
#include "sample_results.h"
#include "test_util.h"

using namespace eh;

namespace {

/// sample_results() cut down to one toolchain, renamed.
Results on(const std::string& version) {
  Results r = test::sample_results();
  r.toolchains = {ToolchainInfo{version, "linux", "amd64", "AMD EPYC"}};
  for (auto& s : r.scenarios) {
    for (auto& c : s.claims) {
      ClaimVerdict v = c.verdicts.begin()->second;
      c.verdicts = {{version, v}};
    }
    for (auto& v : s.variants) {
      VariantObservation o = v.results.begin()->second;
      v.results = {{version, o}};
    }
  }
  return r;
}

}  // namespace

TEST_CASE("the matrix file lists one toolchain per line", "[matrix]") {
  std::vector<InputError> errors;
  auto specs =
      parse_matrix("m.txt", "# comment\ngo   # the one on PATH\n\n  go1.27.3\n/usr/lib/go-1.19/bin/go\n", errors);
  CHECK(errors.empty());
  std::vector<std::string> names;
  for (const auto& l : specs) names.push_back(l.spec);
  CHECK(names == std::vector<std::string>{"go", "go1.27.3", "/usr/lib/go-1.19/bin/go"});
  // Each at its line and column, for the message when it cannot be run.
  CHECK(specs[1].pos == SourcePos{"m.txt", 4, 3});
  CHECK(specs[1].line == "  go1.27.3");
  specs = parse_matrix("m.txt", "go go1.27.3\n", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].format() ==
        "m.txt:1:1: one toolchain per line: a go binary, a GOROOT or a version like go1.27.3\n"
        "    go go1.27.3\n"
        "    ^");
  errors.clear();
  parse_matrix("m.txt", "# nothing\n", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].format() == "m.txt: no toolchains listed");
}

TEST_CASE("the committed matrix file parses", "[matrix]") {
  std::vector<InputError> errors;
  auto specs = parse_matrix("toolchains.txt", test::read_repo_file("scenarios/toolchains.txt"), errors);
  CHECK(errors.empty());
  CHECK(specs.size() == 3);
}

TEST_CASE("check finds no drift against itself", "[matrix]") {
  Results r = test::sample_results();
  Comparison c = compare_results(r, r);
  CHECK_FALSE(c.drift());
  CHECK(c.compared == 1);
  CHECK(c.not_compared_quick == 1);
  CHECK(format_comparison(c, "base.json") ==
        "no drift: 1 verdicts match base.json\n"
        "not compared: 1 timing verdict (quick mode)\n");
}

TEST_CASE("check lists a changed verdict with the old and new numbers", "[matrix]") {
  Results base = test::sample_results(), now = base;
  ClaimVerdict& v = now.scenarios[0].claims[0].verdicts.at("go1.26.8");
  v.verdict = Verdict::confirmed;
  v.expectations[0].verdict = Verdict::confirmed;
  v.expectations[0].observed = "\"moved to heap: n\"";
  Comparison c = compare_results(base, now);
  CHECK(c.drift());
  REQUIRE(c.changes.size() == 1);
  CHECK(format_comparison(c, "reports/results.json") ==
        "drift: 1 change against reports/results.json\n"
        "  entry 3 moves on go1.26.8: refuted -> confirmed\n"
        "      was: \"n does not escape\"\n"
        "      now: \"moved to heap: n\"\n"
        "not compared: 1 timing verdict (quick mode)\n");
}

TEST_CASE("toolchains on one side only are reported", "[matrix]") {
  Comparison c = compare_results(on("go1.26.8"), on("go1.27.3"));
  CHECK(c.drift());
  CHECK(c.only_in_run == std::vector<std::string>{"go1.27.3"});
  CHECK(c.only_in_baseline == std::vector<std::string>{"go1.26.8"});
  CHECK(format_comparison(c, "b") ==
        "drift: 1 change against b\n"
        "  toolchain go1.27.3: in this run only, no baseline to compare with\n"
        "not run: go1.26.8 (in the baseline only)\n");
  // A run covering a subset of the baseline's toolchains is not drift.
  Results both = *merge_results({{"a", on("go1.26.8")}, {"b", on("go1.27.3")}}, nullptr);
  CHECK_FALSE(compare_results(both, on("go1.26.8")).drift());
}

TEST_CASE("check --against: what a new Go release changes of the newest pinned one", "[matrix]") {
  Results base = *merge_results({{"a", on("go1.26.8")}, {"b", on("go1.27.3")}}, nullptr);
  base.scenarios[0].claims[0].verdicts.at("go1.26.8").verdict = Verdict::confirmed;
  Results release = on("go1.27.4");
  // Against go1.27.3 nothing changed; against go1.26.8 one verdict did.
  Comparison same = compare_results(relabelled(base, "go1.27.3", "go1.27.4"), release);
  CHECK(same.changes.empty());
  CHECK(same.only_in_run.empty());
  CHECK(format_release_change(same, "go1.27.4", "go1.27.3", "reports/results.json") ==
        "new Go release: go1.27.4 changes no verdict of go1.27.3 (1 compared, reports/results.json)\n"
        "not compared: 1 timing verdict (quick mode)\n");
  Comparison changed = compare_results(relabelled(base, "go1.26.8", "go1.27.4"), release);
  REQUIRE(changed.changes.size() == 1);
  CHECK(format_release_change(changed, "go1.27.4", "go1.26.8", "b.json") ==
        "new Go release: go1.27.4 changes 1 verdict of go1.26.8 (b.json)\n"
        "  entry 3 moves on go1.27.4: confirmed -> refuted\n"
        "      was: 0 allocs/op (0 mallocs over 10000 calls)\n"
        "      now: \"n does not escape\"\n"
        "not compared: 1 timing verdict (quick mode)\n");
  // The relabelled baseline holds that one column only.
  Results one = relabelled(base, "go1.26.8", "go1.27.4");
  REQUIRE(one.toolchains.size() == 1);
  CHECK(one.toolchains[0].version == "go1.27.4");
  CHECK(one.scenarios[0].variants[0].results.count("go1.27.4") == 1);
  CHECK(one.scenarios[0].variants[0].results.size() == 1);
}

TEST_CASE("merge unites toolchains and refuses conflicts", "[matrix]") {
  std::string err;
  auto m = merge_results({{"b.json", on("go1.27.3")}, {"a.json", on("go1.19.8")}, {"c.json", on("go1.26.8")}}, &err);
  REQUIRE(m);
  REQUIRE(m->toolchains.size() == 3);
  CHECK(m->toolchains[0].version == "go1.19.8");  // oldest first
  CHECK(m->toolchains[2].version == "go1.27.3");
  CHECK(m->scenarios[0].claims[0].verdicts.size() == 3);
  CHECK(m->scenarios[0].variants[0].results.size() == 3);

  CHECK_FALSE(merge_results({{"a.json", on("go1.26.8")}, {"b.json", on("go1.26.8")}}, &err));
  CHECK(err == "both a.json and b.json have results for go1.26.8; merge takes each toolchain from one file");
  Results other = on("go1.27.3");
  other.scenarios[0].source_hash = "ffffffffffffffff";
  CHECK_FALSE(merge_results({{"a.json", on("go1.26.8")}, {"b.json", other}}, &err));
  CHECK(err ==
        "scenario demo was generated from different code in a.json and b.json (source hash 0123456789abcdef vs "
        "ffffffffffffffff)");
}

TEST_CASE("MATRIX.md marks claims whose verdict changes between toolchains", "[matrix]") {
  Results a = on("go1.19.8"), b = on("go1.26.8");
  ClaimVerdict& v = b.scenarios[0].claims[0].verdicts.at("go1.26.8");
  v.verdict = Verdict::confirmed;
  v.expectations[0].verdict = Verdict::confirmed;
  auto m = merge_results({{"a", a}, {"b", b}}, nullptr);
  std::string md = matrix_markdown(*m);
  test::check_golden("tests/golden/MATRIX-sample.md", md);
  CHECK_THAT(md, Catch::Contains("**changes**: refuted on go1.19.8, confirmed on go1.26.8"));
}

TEST_CASE("a cell shows the observation that decided its verdict, whole", "[matrix]") {
  Results r = on("go1.26.8");
  ClaimVerdict& v = r.scenarios[0].claims[0].verdicts.at("go1.26.8");
  // The judge's deciding observation: the escape message, however long the
  // inlining reports before it on the same line.
  v.expectations[0].observed =
      "\"can inline walk with cost 25 as: func(Node) int { total := 0; for loop; return total "
      "}\"; \"n does not escape\"";
  v.expectations[0].decisive = "no message matching /moved to heap: n/ (\"n does not escape\")";
  std::string md = matrix_markdown(r);
  CHECK_THAT(md, Catch::Contains("**refuted**<br>no message matching /moved to heap: n/ (\"n does not escape\") |"));
}
