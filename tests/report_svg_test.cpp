#include <catch2/catch.hpp>

#include <cmath>

#include "report_svg.h"
#include "stats.h"
#include "results_json.h"
#include "sample_results.h"
#include "test_util.h"
#include "xml_check.h"

using namespace eh;

namespace {

/// Checks every chart of `r`: well-formed, and each bar's value is the one
/// in the results.
void check_charts(const Results& r) {
  int timing_points = 0, timed_cells = 0;
  for (const auto& s : r.scenarios)
    for (const auto& v : s.variants)
      for (const auto& [tc, o] : v.results) timed_cells += o.status == RunStatus::ok && o.samples.size() >= 2;
  for (const auto& [path, svg] : all_charts(r)) {
    INFO(path);
    test::XmlElement root;
    test::XmlParser p(svg);
    REQUIRE(p.parse(root));
    INFO(p.error());
    CHECK(root.name == "svg");
    CHECK(root.attrs.at("xmlns") == "http://www.w3.org/2000/svg");
    // The scenario whose entry chart this is, if it is one.
    const ScenarioRecord* entry = nullptr;
    for (const auto& x : r.scenarios)
      if (entry_chart_path(x) == path) entry = &x;
    std::vector<const test::XmlElement*> rects;
    test::find_all(root, "rect", rects);
    for (const auto* rect : rects) {
      if (rect->attrs.count("data-value")) {
        REQUIRE(entry);
        const VariantRecord* v = entry->variant(rect->attrs.at("data-variant"));
        REQUIRE(v);
        const auto& o = v->results.at(rect->attrs.at("data-toolchain"));
        Rational want =
            rect->attrs.at("data-metric") == "allocs" ? o.counts->allocs_per_call() : o.counts->bytes_per_call();
        CHECK(*Rational::parse(rect->attrs.at("data-value")) == want);
        CHECK(std::stod(rect->attrs.at("height")) >= 0);
      }
      if (rect->attrs.count("data-verdict")) {
        bool found = false;
        for (const auto& s : r.scenarios)
          for (const auto& c : s.claims)
            if (rect->attrs.at("data-claim") == heatmap_label(s, c)) {
              CHECK(to_string(c.verdicts.at(rect->attrs.at("data-toolchain")).verdict) ==
                    rect->attrs.at("data-verdict"));
              found = true;
            }
        CHECK(found);
      }
    }
    // A sweep's points: each the allocs/op of its value's variant.
    std::vector<const test::XmlElement*> circles;
    test::find_all(root, "circle", circles);
    for (const auto* c : circles) {
      if (c->attrs.count("data-median-ns")) {
        // A timing point: the median and 95% interval of its samples.
        REQUIRE(entry);
        const VariantRecord* v = entry->variant(c->attrs.at("data-variant"));
        REQUIRE(v);
        auto ci = stats::median_ci(v->results.at(c->attrs.at("data-toolchain")).samples);
        REQUIRE(ci);
        CHECK(std::stod(c->attrs.at("data-median-ns")) == Approx(ci->median).epsilon(1e-5));
        if (std::isfinite(ci->lo) && std::isfinite(ci->hi)) {
          CHECK(std::stod(c->attrs.at("data-lo-ns")) == Approx(ci->lo).epsilon(1e-5));
          CHECK(std::stod(c->attrs.at("data-hi-ns")) == Approx(ci->hi).epsilon(1e-5));
        } else {
          CHECK_THAT(c->children.at(0).text, Catch::Contains("± ∞"));  // the median alone, as benchstat says
        }
        ++timing_points;
        continue;
      }
      const ScenarioRecord* s = nullptr;
      for (const auto& x : r.scenarios)
        if (sweep_chart_path(x, c->attrs.at("data-sweep")) == path) s = &x;
      REQUIRE(s);
      const VariantRecord* v = nullptr;
      for (const auto& x : s->variants)
        if (x.sweep == c->attrs.at("data-sweep") && x.value == c->attrs.at("data-param")) v = &x;
      REQUIRE(v);
      CHECK(*Rational::parse(c->attrs.at("data-value")) ==
            v->results.at(c->attrs.at("data-toolchain")).counts->allocs_per_call());
    }
  }
  // Every variant timed on a toolchain is a point on its entry's chart.
  CHECK(timing_points == timed_cells);
}

}  // namespace

TEST_CASE("charts are well-formed SVG whose bars match the results", "[svg]") { check_charts(test::sample_results()); }

TEST_CASE("the committed charts match the committed results.json", "[svg]") {
  std::string err;
  auto r = results_from_json(test::read_repo_file("reports/results.json"), &err);
  REQUIRE(r);
  check_charts(*r);
  for (const auto& [path, svg] : all_charts(*r)) {
    INFO("reports/" << path << " is stale: run build/escape-harness report");
    CHECK(test::read_repo_file("reports/" + path) == svg);
  }
}

TEST_CASE("bars are proportional within a panel", "[svg]") {
  Results r = test::sample_results();
  std::string svg = entry_chart_svg(r, r.scenarios[0]);
  test::XmlElement root;
  test::XmlParser p(svg);
  REQUIRE(p.parse(root));
  std::vector<const test::XmlElement*> rects;
  test::find_all(root, "rect", rects);
  std::size_t bars = 0;
  for (const auto* rect : rects) bars += rect->attrs.count("data-value");
  // bug on go1.26.8, both metrics; fix is skipped there (drawn as "-"), and
  // go1.27.3 is not one of the run's toolchains.
  CHECK(bars == 2);
}

TEST_CASE("the XML checker rejects what is not well-formed", "[svg]") {
  auto ok = [](const char* xml) {
    test::XmlElement e;
    return test::XmlParser(xml).parse(e);
  };
  CHECK_FALSE(ok("<a><b></a></b>"));
  CHECK_FALSE(ok("<a x=1/>"));
  CHECK_FALSE(ok("<a>&bogus;</a>"));
  CHECK_FALSE(ok("<a></a><b/>"));
  CHECK_FALSE(ok("<a x=\"1\" x=\"2\"/>"));
  test::XmlElement e;
  REQUIRE(test::XmlParser("<?xml version=\"1.0\"?>\n<a x='1'><!-- c --><b>t &amp; u</b></a>\n").parse(e));
  REQUIRE(e.children.size() == 1);
  CHECK(e.children[0].text == "t & u");
}
