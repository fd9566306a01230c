#include <catch2/catch.hpp>

#include "parse_bench.h"
#include "test_util.h"

using namespace eh;

TEST_CASE("benchmark results from a real test binary", "[parse_bench]") {
  auto rs = parse_bench_output(test::fixture("facts_go1.26.8_closure-capture_bug.txt"));
  REQUIRE(rs.size() == 1);
  const BenchResult& r = rs[0];
  CHECK(r.name == "BenchmarkBug");
  CHECK(r.procs == 2);
  CHECK(r.iterations > 0);
  CHECK(r.metric("ns/op").value() > 0);
  CHECK(r.metric("B/op").value() > 1000);
  CHECK(r.metric("allocs/op").value() == 2);
  CHECK_FALSE(r.metric("MB/s"));
  CHECK(r.config.at("goos") == "linux");
  CHECK(r.config.at("pkg") == "escapeharness/closure-capture/bug");
  CHECK_FALSE(r.config.count("escape-harness"));
}

TEST_CASE("the benchmark format's edge cases", "[parse_bench]") {
  std::string text =
      "goos: linux\n"
      "note: has: colons\n"
      "BenchmarkA-8   \t 1000\t  12.5 ns/op\t  3.25 MB/s\n"
      "BenchmarkB \t 10\t 7 ns/op\n"
      "Benchmarkc-2 10 1 ns/op\n"
      "BenchmarkD-2 0 1 ns/op\n"
      "BenchmarkE-2 10 x ns/op\n"
      "BenchmarkF-2 10 1\n"
      "BenchmarkG-x 10 1 ns/op\n"
      "Key: ignored because upper case\n";
  auto rs = parse_bench_output(text);
  REQUIRE(rs.size() == 3);
  CHECK(rs[0].name == "BenchmarkA");
  CHECK(rs[0].procs == 8);
  CHECK(rs[0].metric("MB/s") == 3.25);
  CHECK(rs[0].config.at("note") == "has: colons");
  CHECK(rs[1].name == "BenchmarkB");
  CHECK(rs[1].procs == 1);
  CHECK(rs[2].name == "BenchmarkG-x");
  CHECK_FALSE(rs[2].config.count("Key"));
}
