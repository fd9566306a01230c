#include <catch2/catch.hpp>

#include "parse_facts.h"
#include "test_util.h"

using namespace eh;

TEST_CASE("allocation counts and stacks printed by TestEscapeHarness", "[parse_facts]") {
  HarnessFacts f = parse_harness_facts(test::fixture("facts_go1.26.8_closure-capture_bug.txt"));
  REQUIRE(f.counts);
  CHECK(f.counts->calls == 10000);
  CHECK(f.counts->mallocs >= 20000);
  CHECK(f.counts->allocs_per_call() > Rational(2));  // the slice's amortised growth
  REQUIRE(f.sites.size() >= 2);
  for (const auto& s : f.sites) CHECK(s.stack.back() == "escapeharness/closure-capture/bug.harnessLoop");
}

TEST_CASE("go1.19 records no runtime frame above the allocating function", "[parse_facts]") {
  HarnessFacts f = parse_harness_facts(test::fixture("facts_go1.19.8_closure-capture_bug.txt"));
  REQUIRE(f.counts);
  REQUIRE_FALSE(f.sites.empty());
  for (const auto& s : f.sites) CHECK_FALSE(s.stack.front().starts_with("runtime."));
}

TEST_CASE("harness lines are found after output without a newline", "[parse_facts]") {
  HarnessFacts f = parse_harness_facts(
      "hellohellohello\nescape-harness: counts calls=3 mallocs=1 bytes=16\n"
      "helloescape-harness: site objects=1 bytes=16 stack=runtime.newobject;p.f;p.harnessLoop\n"
      "escape-harness: site objects=x bytes=1 stack=a\n"
      "escape-harness: counts calls=0 mallocs=1 bytes=1\n");
  REQUIRE(f.counts);
  CHECK(f.counts->allocs_per_call() == Rational(1, 3));
  REQUIRE(f.sites.size() == 1);
  CHECK(f.sites[0].stack == std::vector<std::string>{"runtime.newobject", "p.f", "p.harnessLoop"});
}

TEST_CASE("profile calibration and holds lines", "[parse_facts]") {
  HarnessFacts f = parse_harness_facts(
      "escape-harness: profile allocator-frames=false\n"
      "escape-harness: holds value=true expr=pinned(items, \"a b\")\n"
      "escape-harness: holds value=maybe expr=x\n");
  CHECK(f.allocator_frames == false);
  REQUIRE(f.holds.size() == 1);
  CHECK(f.holds.at("pinned(items, \"a b\")"));
  CHECK_FALSE(parse_harness_facts("escape-harness: profile other=1\n").allocator_frames);
}

TEST_CASE("go tool pprof -traces output", "[parse_facts]") {
  auto sites = parse_pprof_traces(test::fixture("pprof_traces_go1.26.8_map-growth_bug.txt"));
  REQUIRE_FALSE(sites.empty());
  std::int64_t in_loop = 0;
  for (const auto& s : sites) {
    CHECK_FALSE(s.stack.front().ends_with("(inline)"));
    if (std::find(s.stack.begin(), s.stack.end(), "escapeharness/map-growth/bug.harnessLoop") != s.stack.end())
      in_loop += s.objects;
  }
  // 1001 calls (b.N = 1, then 1000) of 22 allocations each.
  CHECK(in_loop == 22022);
}

TEST_CASE("pprof values with unit suffixes", "[parse_facts]") {
  auto sites = parse_pprof_traces(
      "File: x.test\nType: alloc_objects\n"
      "-----------+-------------------------------------------------------\n"
      "     bytes:  16B\n"
      "      1.20k   p.f (inline)\n"
      "             p.g\n"
      "-----------+-------------------------------------------------------\n"
      "  junk\n"
      "-----------+-------------------------------------------------------\n"
      "         3   p.h\n");
  REQUIRE(sites.size() == 2);
  CHECK(sites[0].objects == 1200);
  CHECK(sites[0].stack == std::vector<std::string>{"p.f", "p.g"});
  CHECK(sites[1].objects == 3);
}
