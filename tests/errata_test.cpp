#include <catch2/catch.hpp>

#include <set>

#include "report_errata.h"
#include "results_json.h"
#include "sample_results.h"
#include "test_util.h"

using namespace eh;

// ERRATA.md is built as data (errata()) and then rendered: the data is
// checked here against the results it comes from, so the page cannot list a
// claim the results do not refute, miss one they do, or print a correction
// with a number left unfilled.

namespace {

void check_errata_against(const Results& r) {
  Errata data = errata(r);
  std::set<std::pair<std::string, std::string>> listed;
  for (const auto& e : data.claims) {
    INFO(e.scenario->id << " " << e.claim->id);
    listed.insert({e.scenario->id, e.claim->id});
    // The catalog's claims only, never the harness's own.
    CHECK(e.scenario->from_catalog());
    CHECK(e.claim->origin == Origin::source);
    // Refuted exactly where the results say so; every other verdict listed.
    REQUIRE_FALSE(e.refuted.empty());
    for (const auto& tc : e.refuted) CHECK(e.claim->verdicts.at(tc).verdict == Verdict::refuted);
    CHECK(e.refuted.size() + e.others.size() == e.claim->verdicts.size());
    for (const auto& [tc, v] : e.others) CHECK(v != Verdict::refuted);
    // The numbers are the decisive observations of the refuting toolchains.
    std::size_t covered = 0;
    for (const auto& [text, tcs] : e.numbers) {
      CHECK_FALSE(text.empty());
      for (const auto& tc : tcs) CHECK(e.claim->verdicts.at(tc).decisive() == text);
      covered += tcs.size();
    }
    CHECK(covered == e.refuted.size());
    // Where it holds: the harness's claims, confirmed there.
    for (const auto& h : e.holds) {
      const ClaimRecord* hc = e.scenario->claim(h.claim);
      REQUIRE(hc);
      CHECK(hc->origin == Origin::harness);
      CHECK(hc->verdicts.at(h.toolchain).verdict == Verdict::confirmed);
    }
    // A correction the spec proposes is filled: no placeholder left.
    CHECK(e.correction.empty() == e.claim->correction.empty());
    CHECK(e.correction.find('{') == std::string::npos);
  }
  for (const auto& s : r.scenarios)
    for (const auto& c : s.claims) {
      bool refuted = false;
      for (const auto& [tc, v] : c.verdicts) refuted |= v.verdict == Verdict::refuted;
      INFO(s.id << " " << c.id);
      CHECK(listed.count({s.id, c.id}) == (refuted && s.from_catalog() && c.origin == Origin::source ? 1u : 0u));
    }
  for (const auto& [s, d] : data.costly_fixes) CHECK(d.costs_more);
}

}  // namespace

TEST_CASE("the errata of the sample results list exactly the refuted catalog claims", "[errata]") {
  check_errata_against(test::sample_results());
}

TEST_CASE("the errata of the committed results list exactly the refuted catalog claims, every number filled",
          "[errata]") {
  std::string err;
  auto r = results_from_json(test::read_repo_file("reports/results.json"), &err);
  INFO(err);
  REQUIRE(r);
  check_errata_against(*r);
  CHECK_FALSE(errata(*r).claims.empty());
}
