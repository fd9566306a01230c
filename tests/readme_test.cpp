#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>

#include "cli.h"
#include "judge.h"
#include "spec_loader.h"
#include "test_util.h"

using namespace eh;

// Parts of README.md that are facts of the code: they are generated from it
// or checked against it here, so they cannot drift.

TEST_CASE("README's Command line block is the command table's synopsis", "[readme]") {
  test::check_golden_section("README.md",
                             "<!-- commands:begin (generated from the command table by tests/readme_test.cpp) -->\n",
                             "<!-- commands:end -->", "```\n" + command_synopsis() + "```\n");
}

TEST_CASE("README's stage table names every file of harness/, and only those", "[readme]") {
  std::string readme = test::read_repo_file("README.md");
  auto b = readme.find("<!-- stages:begin"), e = readme.find("<!-- stages:end -->");
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  std::string table = readme.substr(b, e - b);
  std::set<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(test::repo_path("harness")))
    if (f.path().filename() != "CMakeLists.txt") files.insert(f.path().filename().string());
  // `name.*` names name.h and name.cpp; `name.h` one file.
  std::set<std::string> named;
  std::regex cell("`([a-z_0-9]+)\\.(\\*|h|cpp)`");
  for (std::sregex_iterator it(table.begin(), table.end(), cell), end; it != end; ++it) {
    std::string stem = (*it)[1], ext = (*it)[2];
    for (std::string x : {"h", "cpp"})
      if (ext == "*" || ext == x) {
        std::string name = stem + "." + x;
        if (ext == x || files.count(name)) {
          INFO("the README's stage table names " << name << ", which harness/ does not have");
          CHECK(files.count(name));
          named.insert(name);
        }
      }
  }
  for (const auto& f : files) {
    INFO("harness/" << f << " is not in the README's stage table");
    CHECK(named.count(f));
  }
}

TEST_CASE("README's spec reference is the loader's key tables and the verdict rules", "[readme]") {
  test::check_golden_section("README.md",
                             "<!-- schema:begin (generated from the loader's tables by tests/readme_test.cpp) -->\n",
                             "<!-- schema:end -->", schema_reference() + verdict_rules());
}
