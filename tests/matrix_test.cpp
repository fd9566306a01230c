#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "compare.h"
#include "config.h"
#include "matrix.h"
#include "merge.h"
#include "report_errata.h"
#include "report_matrix.h"
#include "results_json.h"
#include "sample_results.h"
#include "test_util.h"

using namespace eh;

namespace {

/// sample_results() cut down to one toolchain, renamed (a configuration
/// after a '/': "go1.26.8/pgo").
Results on(const std::string& key) {
  Results r = test::sample_results();
  const std::string version = key.substr(0, key.find('/'));
  const std::string config = key.find('/') == std::string::npos ? "" : key.substr(key.find('/') + 1);
  r.toolchains = {ToolchainInfo{version, "linux", "amd64", "AMD EPYC", config}};
  for (auto& s : r.scenarios) {
    for (auto& c : s.claims) {
      ClaimVerdict v = c.verdicts.begin()->second;
      c.verdicts = {{key, v}};
    }
    for (auto& v : s.variants) {
      VariantObservation o = v.results.begin()->second;
      v.results = {{key, o}};
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
        "m.txt:1:4: unknown configuration 'go1.27.3' (a line is one toolchain, then at most one configuration); the "
        "known ones: default, pgo, noinline, GOARCH=arm64, GOARCH=386, GOAMD64=v3\n"
        "    go go1.27.3\n"
        "       ^");
  errors.clear();
  specs = parse_matrix("m.txt", "go pgo extra\n", errors);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].format(), Catch::StartsWith("m.txt:1:4: one toolchain and at most one configuration per line"));
  errors.clear();
  parse_matrix("m.txt", "# nothing\n", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].format() == "m.txt: no toolchains listed");
}

TEST_CASE("a matrix line can name a build configuration after its toolchain", "[matrix][config]") {
  std::vector<InputError> errors;
  auto specs = parse_matrix("m.txt",
                            "go\ngo pgo\ngo\tGOARCH=arm64  # emulated\ngo1.27.3 noinline\ngo 386\ngo GOAMD64=v3\n"
                            "go default\n",
                            errors);
  CHECK(errors.empty());
  std::vector<std::string> keys;
  for (const auto& l : specs) keys.push_back(result_key(l.spec, l.config));
  CHECK(keys ==
        std::vector<std::string>{"go", "go/pgo", "go/arm64", "go1.27.3/noinline", "go/386", "go/amd64v3", "go"});
  // Errors for several lines in one read, each at its column.
  errors.clear();
  parse_matrix("m.txt", "go arm\ngo PGO\n", errors);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].pos == SourcePos{"m.txt", 1, 4});
  CHECK(errors[1].pos == SourcePos{"m.txt", 2, 4});
}

TEST_CASE("the configuration table: spellings, keys and what each needs", "[matrix][config]") {
  for (const auto& c : kConfigs) {
    CHECK(parse_config(c.spelling) == c.id);
    CHECK(to_string(c.id) == (c.key.empty() ? std::string_view("default") : c.key));
    CHECK(config_of_key(c.key) == c.id);
  }
  CHECK(result_key("go1.26.8", BuildConfig::standard) == "go1.26.8");
  CHECK(result_key("go1.26.8", BuildConfig::arm64) == "go1.26.8/arm64");
  CHECK(config_gate(BuildConfig::pgo, GoVersion::parse("go1.19.8"), "go1.19.8") ==
        "-pgo needs Go 1.21 or newer; go1.19.8 is older");
  CHECK(config_gate(BuildConfig::pgo, GoVersion::parse("go1.21.0"), "go1.21.0").empty());
  CHECK(config_gate(BuildConfig::amd64v3, GoVersion::parse("go1.17.13"), "go1.17.13") ==
        "GOAMD64=v3 needs Go 1.18 or newer; go1.17.13 is older");
  CHECK(config_gate(BuildConfig::arm64, GoVersion::parse("go1.19.8"), "go1.19.8").empty());
  CHECK(config_info(BuildConfig::arm64).emulator == "qemu-aarch64-static");
}

TEST_CASE("the committed matrix file parses, with pgo and arm64 on the installed toolchain", "[matrix]") {
  std::vector<InputError> errors;
  auto specs = parse_matrix("toolchains.txt", test::read_repo_file("scenarios/toolchains.txt"), errors);
  CHECK(errors.empty());
  std::vector<std::string> keys;
  for (const auto& l : specs) keys.push_back(result_key(l.spec, l.config));
  CHECK(keys == std::vector<std::string>{"go", "go/pgo", "go/arm64", "go1.27.3", "/usr/lib/go-1.19/bin/go"});
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

namespace {

// The sample with its timing claim judged (not quick), and an allocation
// count beside its timing expectation, measured on `cpu`.
Results timed_on(const std::string& cpu, Verdict timing, Verdict count = Verdict::confirmed) {
  Results r = test::sample_results();
  r.toolchains[0].cpu = cpu;
  ClaimVerdict& t = r.scenarios[0].claims[1].verdicts.at("go1.26.8");
  t.expectations = {test::expectation_verdict(timing, "ns/op of fix < bug", "fix < bug",
                                              timing == Verdict::confirmed ? "-40%" : "+1%"),
                    test::expectation_verdict(count, "allocs/op of fix = 0", "= 0 allocs/op", "0 allocs/op")};
  t.verdict = count != Verdict::confirmed ? count : timing;
  t.reason = "";
  return r;
}

}  // namespace

TEST_CASE("timing verdicts measured on another CPU are listed, not counted as drift", "[matrix]") {
  // The same CPU: a timing verdict that changes is drift, as any other.
  Comparison same = compare_results(timed_on("AMD EPYC", Verdict::confirmed), timed_on("AMD EPYC", Verdict::refuted));
  CHECK(same.drift());
  CHECK(same.compared == 2);
  CHECK(same.not_compared_cpu == 0);
  // Another CPU: the time is the machine's, the change is shown apart.
  Comparison other = compare_results(timed_on("Intel(R) Xeon(R) Processor", Verdict::confirmed),
                                     timed_on("AMD EPYC", Verdict::refuted));
  CHECK_FALSE(other.drift());
  CHECK(other.compared == 1);
  CHECK(other.not_compared_cpu == 1);
  CHECK(format_comparison(other, "base.json") ==
        "no drift: 1 verdicts match base.json\n"
        "not compared: 1 timing verdict measured on another CPU (AMD EPYC here, Intel(R) Xeon(R) Processor in the "
        "baseline: go1.26.8)\n"
        "changed with the CPU, not counted as drift: 1\n"
        "  entry 3 faster on go1.26.8: confirmed -> refuted\n"
        "      was: -40%\n"
        "      now: +1%\n");
  // The claim's allocation count is the compiler's on any CPU: a change of
  // it is drift, named by the expectation.
  Comparison count = compare_results(timed_on("Intel(R) Xeon(R) Processor", Verdict::confirmed),
                                     timed_on("AMD EPYC", Verdict::confirmed, Verdict::refuted));
  CHECK(count.drift());
  REQUIRE(count.changes.size() == 1);
  CHECK(count.changes[0].claim == "faster (allocs/op of fix = 0)");
  CHECK(count.changes[0].old_verdict == "confirmed");
  CHECK(count.changes[0].new_verdict == "refuted");
  CHECK(count.cpu_changes.empty());  // what changed is not the CPU's
  // An error is no property of a CPU.
  Comparison failed =
      compare_results(timed_on("Intel(R) Xeon(R) Processor", Verdict::confirmed), timed_on("AMD EPYC", Verdict::error));
  CHECK(failed.drift());
  CHECK(failed.not_compared_cpu == 0);
  // A CPU not recorded (an older results.json) compares as before.
  Comparison unknown = compare_results(timed_on("", Verdict::confirmed), timed_on("AMD EPYC", Verdict::refuted));
  CHECK(unknown.drift());
  CHECK(unknown.not_compared_cpu == 0);
}

TEST_CASE("a recorded expectation tells timing by its description alone", "[matrix]") {
  for (const auto& [kind, name] : enum_names(ExpectKind{})) {
    Expectation e;
    e.kind = kind;
    e.variant = "fix";
    e.than = "bug";
    e.by_at_least = Rational(1, 10);
    e.by_relative = true;
    INFO(name << ": " << e.describe());
    CHECK(describes_timing(e.describe()) == is_timing(kind));
  }
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

TEST_CASE("merge and check key configurations apart from their toolchain", "[matrix][config]") {
  Results pgo = on("go1.26.8/pgo");
  ClaimVerdict& v = pgo.scenarios[0].claims[0].verdicts.at("go1.26.8/pgo");
  v.verdict = Verdict::confirmed;
  v.expectations[0].verdict = Verdict::confirmed;
  std::string err;
  auto m = merge_results({{"pgo.json", pgo}, {"a.json", on("go1.26.8")}, {"old.json", on("go1.19.8")}}, &err);
  REQUIRE(m);
  std::vector<std::string> keys;
  for (const auto& t : m->toolchains) keys.push_back(t.key());
  // Each configuration after its toolchain's default, oldest toolchain first.
  CHECK(keys == std::vector<std::string>{"go1.19.8", "go1.26.8", "go1.26.8/pgo"});
  CHECK_FALSE(merge_results({{"a.json", on("go1.26.8/pgo")}, {"b.json", on("go1.26.8/pgo")}}, &err));
  CHECK(err == "both a.json and b.json have results for go1.26.8/pgo; merge takes each toolchain from one file");
  // The merged set round-trips with its keys.
  auto back = results_from_json(results_to_json(*m), &err);
  REQUIRE(back);
  CHECK(back->toolchains == m->toolchains);
  // check: a configuration's verdict is compared with the same key only.
  Comparison same = compare_results(*m, *m);
  CHECK_FALSE(same.drift());
  Results now = *m;
  now.scenarios[0].claims[0].verdicts.at("go1.26.8/pgo").verdict = Verdict::refuted;
  Comparison c = compare_results(*m, now);
  REQUIRE(c.changes.size() == 1);
  CHECK(c.changes[0].toolchain == "go1.26.8/pgo");
  CHECK_THAT(format_comparison(c, "base.json"), Catch::Contains("entry 3 moves on go1.26.8/pgo: confirmed -> refuted"));
  // A run without the configuration: reported, not drift.
  Comparison fewer = compare_results(*m, on("go1.26.8"));
  CHECK(fewer.only_in_baseline == std::vector<std::string>{"go1.19.8", "go1.26.8/pgo"});
  // A configuration only in the run has no baseline: drift, named by its key.
  Comparison more = compare_results(on("go1.26.8"), *m);
  CHECK_THAT(format_comparison(more, "base.json"),
             Catch::Contains("toolchain go1.26.8/pgo: in this run only, no baseline to compare with"));
  // MATRIX.md names the configuration that changes a verdict from its default.
  CHECK_THAT(matrix_markdown(*m),
             Catch::Contains("**configuration**: confirmed on go1.26.8/pgo (refuted by default)") &&
                 Catch::Contains("- go1.26.8/pgo: go1.26.8 linux/amd64 on AMD EPYC; profile-guided optimisation"));
  // ERRATA says in the correction that the verdict depends on the build.
  CHECK_THAT(errata_markdown(*m, ReportPlace{}),
             Catch::Contains("The verdict depends on the build configuration: refuted on go1.26.8 by default, "
                             "confirmed on go1.26.8/pgo."));
  // An unknown configuration in a results file is refused with the known ones.
  std::string text = results_to_json(*m);
  text.replace(text.find("\"config\": \"pgo\""), std::string("\"config\": \"pgo\"").size(), "\"config\": \"pgp\"");
  CHECK_FALSE(results_from_json(text, &err));
  CHECK_THAT(err, Catch::StartsWith("toolchain go1.26.8: unknown configuration 'pgp'"));
}
