#include <catch2/catch.hpp>

#include "source.h"

using namespace eh;

TEST_CASE("InputError quotes the line and points at the column", "[source]") {
  SourceText text("spec.yaml", "id: x\nentyr: 3\n");
  auto e = make_error(text, SourcePos{"spec.yaml", 2, 1}, "unknown key 'entyr' in scenario (did you mean 'entry'?)");
  CHECK(e.format() ==
        "spec.yaml:2:1: unknown key 'entyr' in scenario (did you mean 'entry'?)\n"
        "    entyr: 3\n"
        "    ^");
}

TEST_CASE("InputError keeps tabs so the caret lines up", "[source]") {
  SourceText text("f", "\tx := 1\n");
  CHECK(make_error(text, SourcePos{"f", 1, 3}, "m").format() == "f:1:3: m\n    \tx := 1\n    \t ^");
}

TEST_CASE("InputError for a whole file has no context", "[source]") {
  CHECK(InputError{SourcePos{"scenarios", 0, 0}, "no scenario specs", ""}.format() == "scenarios: no scenario specs");
  CHECK(to_string(SourcePos{"f", 3, 0}) == "f:3");
}
