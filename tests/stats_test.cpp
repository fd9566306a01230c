#include <catch2/catch.hpp>

#include <cmath>

#include "stats.h"

using namespace eh::stats;
using Catch::Detail::Approx;

TEST_CASE("median: n = 0, 1, odd, even, ties", "[stats]") {
  CHECK_FALSE(median({}));
  CHECK(*median({7}) == 7);
  CHECK(*median({3, 1, 2}) == 2);
  CHECK(*median({4, 1, 3, 2}) == 2.5);
  CHECK(*median({5, 5, 5, 1}) == 5);
}

TEST_CASE("median confidence interval from order statistics", "[stats]") {
  CHECK_FALSE(median_ci({}));
  SECTION("n = 1: nothing bounds the median") {
    auto ci = *median_ci({3});
    CHECK(ci.median == 3);
    CHECK(std::isinf(ci.lo));
    CHECK(ci.lo < 0);
    CHECK(std::isinf(ci.hi));
    CHECK(ci.confidence == 1);
  }
  SECTION("n = 5 is too few at 95%") {
    auto ci = *median_ci({1, 2, 3, 4, 5});
    CHECK((std::isinf(ci.lo) || std::isinf(ci.hi)));
  }
  SECTION("n = 6: the extremes, with confidence 1 - 2/64") {
    auto ci = *median_ci({6, 1, 5, 2, 4, 3});
    CHECK(ci.lo == 1);
    CHECK(ci.hi == 6);
    CHECK(ci.confidence == Approx(62.0 / 64));
  }
  SECTION("n = 10: the 2nd and 9th values, confidence 1 - 2*(1+10)/1024") {
    auto ci = *median_ci({10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
    CHECK(ci.median == 5.5);
    CHECK(ci.lo == 2);
    CHECK(ci.hi == 9);
    CHECK(ci.confidence == Approx(1 - 22.0 / 1024));
  }
  SECTION("ties collapse the interval") {
    auto ci = *median_ci({4, 4, 4, 4, 4, 4, 4, 4, 4, 4});
    CHECK(ci.lo == 4);
    CHECK(ci.hi == 4);
  }
}

TEST_CASE("Mann-Whitney U: exact values", "[stats]") {
  std::vector<double> s1{2, 1, 3, 5}, s2{12, 11, 13, 15}, s3{0, 4, 6, 7}, s4{2, 2, 2, 2};
  SECTION("complete separation of 4 and 4: p = 2/70") {
    auto u = *mann_whitney_u(s1, s2);
    CHECK(u.u == 0);
    CHECK(u.p == Approx(2.0 / 70));
    CHECK(u.exact);
    CHECK(mann_whitney_u(s2, s1)->p == Approx(2.0 / 70));
  }
  SECTION("interleaved, no ties: U = 5, p = 34/70") {
    auto u = *mann_whitney_u(s1, s3);
    CHECK(u.u == 5);
    CHECK(u.p == Approx(34.0 / 70));
  }
  SECTION("identical samples: p = 1") { CHECK(mann_whitney_u(s1, s1)->p == 1); }
  SECTION("ties use mid-ranks: U = 6, p = 50/70") {
    auto u = *mann_whitney_u(s1, s4);
    CHECK(u.u == 6);
    CHECK(u.p == Approx(50.0 / 70));
  }
  SECTION("1..10 against 2.1, 4.1, ..., 20.1: p = 0.0232 (two-sided exact)") {
    std::vector<double> a, b;
    for (int i = 1; i <= 10; ++i) a.push_back(i), b.push_back(0.1 + 2 * i);
    CHECK(mann_whitney_u(a, b)->p == Approx(0.0232).margin(0.00005));
  }
  SECTION("n = 0 and all-equal samples say nothing") {
    CHECK_FALSE(mann_whitney_u({}, s1));
    CHECK_FALSE(mann_whitney_u(s1, {}));
    CHECK_FALSE(mann_whitney_u(s4, s4));
  }
  SECTION("n = 1 each: the smallest p is 1") { CHECK(mann_whitney_u({1}, {2})->p == 1); }
  SECTION("large samples use the normal approximation") {
    std::vector<double> a, b;
    for (int i = 0; i < 500; ++i) a.push_back(i * 2);
    for (int i = 0; i < 600; ++i) b.push_back(i * 2 - 41);
    auto u = *mann_whitney_u(a, b);
    CHECK_FALSE(u.exact);
    CHECK(u.u == 135250);
    CHECK(u.p == Approx(0.0049335360814172224).epsilon(0.001));
  }
}

TEST_CASE("crossing probability: one look is the normal tail, more looks cross more often", "[stats]") {
  CHECK(crossing_probability({1.0}, {1.959964}) == Approx(0.05).margin(1e-6));
  CHECK(crossing_probability({1.0}, {2.575829}) == Approx(0.01).margin(1e-6));
  // Peeking at the same level at each of three looks: Armitage, McPherson
  // and Rowe's 0.107 for K = 3 at a nominal 0.05.
  CHECK(crossing_probability({1 / 3.0, 2 / 3.0, 1.0}, {1.959964, 1.959964, 1.959964}) == Approx(0.107).margin(0.001));
  CHECK(crossing_probability({0.5, 0.4}, {2, 2}) == 0);  // not increasing
  CHECK(crossing_probability({}, {}) == 0);
}

TEST_CASE("O'Brien-Fleming boundaries: Jennison and Turnbull's constants", "[stats]") {
  // Table 2.3 of Jennison & Turnbull (2000), two-sided alpha = 0.05, equal
  // group sizes: C_B(K) for K = 1..5.
  const std::pair<int, double> table[] = {{1, 1.960}, {2, 1.977}, {3, 2.004}, {4, 2.024}, {5, 2.040}};
  for (auto [k, c] : table) {
    std::vector<int> samples;
    for (int i = 1; i <= k; ++i) samples.push_back(20 * i);
    auto looks = obrien_fleming(samples);
    REQUIRE(looks.size() == static_cast<std::size_t>(k));
    CHECK(looks.back().z == Approx(c).margin(0.0015));
    for (int i = 0; i < k; ++i) {
      CHECK(looks[i].samples == samples[i]);
      CHECK(looks[i].z == Approx(looks.back().z * std::sqrt(static_cast<double>(k) / (i + 1))).epsilon(1e-9));
      CHECK(looks[i].alpha == Approx(std::erfc(looks[i].z / std::sqrt(2.0))).epsilon(1e-9));
    }
  }
  // The harness's default design, 20, 40 and 60 samples: 3.471, 2.454, 2.004.
  auto d = obrien_fleming({20, 40, 60});
  REQUIRE(d.size() == 3);
  CHECK(d[0].z == Approx(3.471).margin(0.002));
  CHECK(d[1].z == Approx(2.454).margin(0.002));
  CHECK(d[2].z == Approx(2.004).margin(0.002));
  CHECK(d[0].alpha < 0.001);
  CHECK(d[2].alpha == Approx(0.045).margin(0.001));
  CHECK(crossing_probability({1 / 3.0, 2 / 3.0, 1.0}, {d[0].z, d[1].z, d[2].z}) == Approx(0.05).margin(1e-6));
  CHECK(obrien_fleming({}).empty());
  CHECK(obrien_fleming({20, 20}).empty());
  CHECK(obrien_fleming({0, 20}).empty());
  CHECK(obrien_fleming({20}, 1.5).empty());
}
