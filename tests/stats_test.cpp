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
