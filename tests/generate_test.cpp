#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "test_util.h"
#include "generate.h"
#include "spec_loader.h"
#include "test_util.h"

using namespace eh;

namespace {

Scenario demo() {
  std::vector<InputError> errs;
  auto s = parse_scenario("tests/golden/demo.yaml", test::read_repo_file("tests/golden/demo.yaml"), errs);
  for (const auto& e : errs) FAIL(e.format());
  REQUIRE(s);
  return *s;
}

}  // namespace

// The golden files carry a .golden suffix: they are data, not Go to build.
TEST_CASE("generated Go matches the golden files byte for byte", "[generate]") {
  GeneratedModule m = generate({demo()});
  std::vector<std::string> paths;
  for (const auto& f : m.files) {
    paths.push_back(f.path);
    test::check_golden("tests/golden/demo/" + f.path + ".golden", f.content);
  }
  CHECK(paths == std::vector<std::string>{"README.md", "demo/bug/code.go", "demo/bug/harness_test.go",
                                          "demo/go/code.go", "demo/go/harness_test.go", "go.mod"});
}

TEST_CASE("generation is deterministic", "[generate]") {
  GeneratedModule a = generate({demo()}), b = generate({demo()});
  REQUIRE(a.files.size() == b.files.size());
  for (std::size_t i = 0; i < a.files.size(); ++i) CHECK(a.files[i].content == b.files[i].content);
  CHECK(a.scenario_hash("demo") == b.scenario_hash("demo"));
  CHECK(a.scenario_hash("demo").size() == 16);
}

TEST_CASE("packages are named for their variants, avoiding Go keywords", "[generate]") {
  GeneratedModule m = generate({demo()});
  REQUIRE(m.packages.size() == 2);
  CHECK(m.packages[0].package_name == "bug");
  CHECK(m.packages[0].benchmark == "BenchmarkBug");
  CHECK(m.packages[0].import_path == "escapeharness/demo/bug");
  CHECK(m.packages[0].loop_function == "escapeharness/demo/bug.harnessLoop");
  CHECK(m.packages[1].package_name == "variant_go");
  CHECK(m.packages[1].benchmark == "BenchmarkGo");
}

TEST_CASE("compiler positions map back to spec lines and columns", "[generate]") {
  GeneratedModule m = generate({demo()});
  // The spec line of "func f(t T)" is 12; its code is indented by 6 columns there.
  const GoFile* f = m.file("demo/bug/code.go");
  REQUIRE(f);
  // Find the generated line of "func f(t T) *T {" and check its mapping.
  int line = 1;
  for (std::size_t at = 0; at < f->content.find("func f(t T)"); ++at) line += f->content[at] == '\n';
  auto where = m.to_spec("demo/bug/code.go", line, 8);
  REQUIRE(where);
  CHECK(where->pos == SourcePos{"tests/golden/demo.yaml", 12, 14});
  CHECK(where->region == Region::code);
  CHECK(where->code_line == 1);
  // The common block ends with "func show", two lines above (a blank between).
  auto common = m.to_spec("demo/bug/code.go", line - 2, 6);
  REQUIRE(common);
  CHECK(common->pos == SourcePos{"tests/golden/demo.yaml", 8, 8});
  CHECK(common->region == Region::common);
  // Generated lines (the header) map nowhere.
  CHECK_FALSE(m.to_spec("demo/bug/code.go", 1, 1));
  CHECK_FALSE(m.to_spec("demo/nope/code.go", 1, 1));
}

TEST_CASE("the call line of the harness maps to the spec's call", "[generate]") {
  GeneratedModule m = generate({demo()});
  const GoFile* f = m.file("demo/bug/harness_test.go");
  REQUIRE(f);
  int line = 1;
  auto at = f->content.find("harnessResult0 = f(v)");
  REQUIRE(at != std::string::npos);
  for (std::size_t i = 0; i < at; ++i) line += f->content[i] == '\n';
  // "\tharnessResult0 = f(v)": f starts at column 19; the spec's call at 11.
  auto where = m.to_spec("demo/bug/harness_test.go", line, 19);
  REQUIRE(where);
  CHECK(where->pos == SourcePos{"tests/golden/demo.yaml", 17, 11});
  CHECK(where->region == Region::call);
}

TEST_CASE("an inline boundary puts the call in the loop", "[generate]") {
  GeneratedModule m = generate({demo()});
  const std::string& h = m.file("demo/go/harness_test.go")->content;
  CHECK(h.find("func harnessCall()") == std::string::npos);
  CHECK(h.find("\t\tharnessResult0 = f(\"xx\")\n") != std::string::npos);
  CHECK(h.find("const warmup, calls = 0, 500") != std::string::npos);
  const std::string& b = m.file("demo/bug/harness_test.go")->content;
  CHECK(b.find("//go:noinline\nfunc harnessCall() {\n\tharnessResult0 = f(v)\n}") != std::string::npos);
}
