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
