#include <catch2/catch.hpp>

#include "goversion.h"

using eh::GoVersion;

TEST_CASE("GoVersion parses what toolchains report and specs write", "[goversion]") {
  CHECK(GoVersion::parse("go1.26.8")->to_string() == "1.26.8");
  CHECK(GoVersion::parse("1.21")->to_string() == "1.21");
  CHECK(GoVersion::parse("go1.27rc1")->to_string() == "1.27rc1");
  CHECK(GoVersion::parse("go1.21beta2")->to_string() == "1.21beta2");
  CHECK_FALSE(GoVersion::parse("devel go1.27-abcdef"));
  CHECK_FALSE(GoVersion::parse("1"));
  CHECK_FALSE(GoVersion::parse("1.x"));
  CHECK_FALSE(GoVersion::parse("1.21.0.1"));
  CHECK_FALSE(GoVersion::parse("go1.21rc"));
}

TEST_CASE("GoVersion orders releases, betas and release candidates", "[goversion]") {
  auto v = [](const char* s) { return *GoVersion::parse(s); };
  CHECK(v("1.19.8") < v("1.20"));
  CHECK(v("1.20") < v("1.20.1"));
  CHECK(v("go1.21beta1") < v("go1.21rc1"));
  CHECK(v("go1.21rc2") < v("go1.21.0"));
  CHECK(v("go1.26.8") > v("1.21"));
  CHECK(v("1.21") == v("1.21.0"));
}
