#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "report_markdown.h"
#include "sample_results.h"
#include "test_util.h"

using namespace eh;

TEST_CASE("EVIDENCE.md for a known result matches the golden file", "[report]") {
  std::string md = evidence_markdown(test::sample_results());
  test::check_golden("tests/golden/EVIDENCE-sample.md", md);
}

TEST_CASE("the report is a pure function of the results", "[report]") {
  CHECK(evidence_markdown(test::sample_results()) == evidence_markdown(test::sample_results()));
}

TEST_CASE("ns/op formatting", "[report]") {
  CHECK(format_ns(4.5) == "4.5");
  CHECK(format_ns(4.0) == "4");
  CHECK(format_ns(0.1234) == "0.123");
  CHECK(format_ns(126543.2) == "126543");
}

TEST_CASE("a fix's time is marked one run each where it is, and left out where quick mode measured none", "[report]") {
  Results r = test::sample_results();
  ScenarioRecord& s = r.scenarios[0];
  s.variants[1].fixes = "bug";
  s.variants[1].results.at("go1.26.8") = s.variants[0].results.at("go1.26.8");
  for (auto& v : s.variants)
    for (auto& [tc, o] : v.results) o.samples.clear();
  CHECK_THAT(evidence_markdown(r), Catch::Contains("(one run each)"));
  for (auto& v : s.variants)
    for (auto& [tc, o] : v.results) o.bench.reset();
  const std::string md = evidence_markdown(r);
  CHECK_THAT(md, Catch::Contains("### What each fix changes"));
  CHECK_THAT(md, !Catch::Contains("(one run each)"));
}
