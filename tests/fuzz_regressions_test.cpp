#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/fuzz_entries.h"
#include "test_util.h"

// Every input the fuzzers ever crashed on, replayed through the same entry
// points (tests/fuzz/regressions/<target>/<input>).
TEST_CASE("fuzz regressions stay fixed", "[fuzz]") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(eh::test::source_dir()) / "tests" / "fuzz" / "regressions";
  int replayed = 0;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    auto entry = eh::fuzz::entry(dir.path().filename().string());
    INFO(dir.path());
    REQUIRE(entry);
    for (const auto& f : fs::directory_iterator(dir.path())) {
      std::ifstream in(f.path(), std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      INFO(f.path());
      entry(s.str());
      ++replayed;
    }
  }
  CHECK(replayed > 0);
}
