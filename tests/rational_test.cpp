#include <catch2/catch.hpp>

#include "rational.h"

using eh::Rational;

TEST_CASE("Rational parses decimals exactly", "[rational]") {
  CHECK(*Rational::parse("0.006") == Rational(6, 1000));
  CHECK(*Rational::parse("3") == Rational(3));
  CHECK(*Rational::parse("-1.5") == Rational(-3, 2));
  CHECK(*Rational::parse("1/3") == Rational(1, 3));
  CHECK(*Rational::parse(".5") == Rational(1, 2));
  CHECK_FALSE(Rational::parse(""));
  CHECK_FALSE(Rational::parse("1."));
  CHECK_FALSE(Rational::parse("1e3"));
  CHECK_FALSE(Rational::parse("one"));
  CHECK_FALSE(Rational::parse("1/0"));
  CHECK_FALSE(Rational::parse("1234567890123456789"));
}

TEST_CASE("Rational keeps amortised rates distinct from zero", "[rational]") {
  Rational rate(60, 10000);
  CHECK(rate != Rational(0));
  CHECK(rate > Rational(0));
  CHECK(rate == *Rational::parse("0.006"));
  CHECK(rate.to_string() == "0.006");
}

TEST_CASE("Rational arithmetic and printing", "[rational]") {
  CHECK(Rational(1, 3) + Rational(1, 6) == Rational(1, 2));
  CHECK(Rational(20017, 10000) - Rational(2) == Rational(17, 10000));
  CHECK((Rational(3, 4) * Rational(2, 3)).to_string() == "0.5");
  CHECK((Rational(1) / Rational(3)).to_string() == "1/3");
  CHECK(Rational(1, 3).to_decimal(4) == "0.3333");
  CHECK(Rational(2, 3).to_decimal(2) == "0.67");
  CHECK(Rational(-1, 8).to_string() == "-0.125");
  CHECK(Rational(12345, 10000).to_string(4) == "1.2345");
  CHECK(Rational(12345, 100000).to_string(4) == "2469/20000");
  CHECK(Rational(-3, 4).abs() == Rational(3, 4));
  CHECK_THROWS(Rational(1, 0));
}
