#include <catch2/catch.hpp>

#include <algorithm>

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

TEST_CASE("a real records file reads under its nonce and only under it", "[parse_facts]") {
  // Captured from a run's work directory: every line led by the run's nonce.
  const std::string text = test::fixture("records_go1.26.8_closure-capture_bug.facts");
  const std::string nonce = text.substr(0, text.find(' '));
  HarnessFacts f = parse_records(text, nonce);
  CHECK(f.foreign_lines == 0);
  REQUIRE(f.counts);
  CHECK(f.counts->calls == 10000);
  CHECK(f.counts->allocs_per_call() > Rational(2));
  CHECK(f.allocator_frames);
  CHECK(f.sites.size() >= 2);
  CHECK_FALSE(f.bench_runs.empty());
  // Under another nonce nothing of it is read: every line is foreign.
  HarnessFacts other = parse_records(text, "0123456789abcdef0123456789abcdef");
  CHECK_FALSE(other.counts);
  CHECK(other.sites.empty());
  CHECK(other.foreign_lines == static_cast<int>(std::count(text.begin(), text.end(), '\n')));
  CHECK(other.first_foreign == text.substr(0, std::min<std::size_t>(text.find('\n'), 120)));
}

TEST_CASE("a records line without the nonce, or with it as a mere prefix, is foreign and not read", "[parse_facts]") {
  HarnessFacts f = parse_records(
      "n0 counts calls=4 mallocs=4 bytes=64\n"
      "counts calls=4 mallocs=0 bytes=0\n"
      "n0x counts calls=4 mallocs=0 bytes=0\n"
      "escape-harness: counts calls=4 mallocs=0 bytes=0\n"
      "n0 site objects=4 bytes=64 stack=runtime.newobject;p.f;p.harnessLoop\n",
      "n0");
  REQUIRE(f.counts);
  CHECK(f.counts->allocs_per_call() == Rational(1));
  CHECK(f.sites.size() == 1);
  CHECK(f.foreign_lines == 3);
  CHECK(f.first_foreign == "counts calls=4 mallocs=0 bytes=0");
  // No nonce (the harness always has one): nothing is trusted.
  CHECK(parse_records("n0 counts calls=4 mallocs=4 bytes=64\n", "").foreign_lines == 1);
}
