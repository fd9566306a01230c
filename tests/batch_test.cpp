#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <sstream>
#include <vector>

#include "batch.h"
#include "test_util.h"

using namespace eh;

namespace {

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.starts_with("#")) out.insert(line);
  return out;
}

}  // namespace

TEST_CASE("a batch build's compiler output splits by package, each as its test build prints it", "[batch]") {
  // A real go1.26.8 batch build of closure-capture's bug and fix-derived.
  const std::string output = test::fixture("batch_build_go1.26.8_closure-capture.txt");
  auto blocks = split_by_package(output);
  REQUIRE(blocks.size() == 2);
  REQUIRE(blocks.count("escapeharness/closure-capture/bug"));
  REQUIRE(blocks.count("escapeharness/closure-capture/fix-derived"));
  const std::string bug = as_test_file(blocks["escapeharness/closure-capture/bug"], "closure-capture/bug", "", "");
  CHECK(bug.find("closure-capture/fix-derived/") == std::string::npos);
  CHECK(bug.find(kBatchFile) == std::string::npos);
  CHECK(bug.find("closure-capture/bug/harness_test.go:") != std::string::npos);
  // Every line the variant's own `go test -c` printed is in its block.
  std::set<std::string> batch = lines_of(bug);
  for (const auto& line : lines_of(test::fixture("m2_go1.26.8_closure-capture_bug.txt"))) {
    INFO(line);
    CHECK(batch.count(line));
  }
  // Lines before the first header belong to no package.
  CHECK(split_by_package("stray\n# a/b\nx.go:1:1: m\n") ==
        std::map<std::string, std::string>{{"a/b", "x.go:1:1: m\n"}});
}

TEST_CASE("go1.19 names the batch file by the overlay content path, and both names turn back", "[batch]") {
  // What go1.19.8 printed for a batch build (the content file lives in the
  // work directory), and what go1.26.8 prints.
  const std::string go119 = "/w/batch/go1.19.8/s/bug.go:25:20: \"hello, \" + user escapes to heap\n";
  const std::string go126 = "s/bug/zz_escape_harness_batch.go:25:20: \"hello, \" + user escapes to heap\n";
  const std::string want = "s/bug/harness_test.go:25:20: \"hello, \" + user escapes to heap\n";
  CHECK(as_test_file(go119, "s/bug", "/w/batch/go1.19.8/s/bug.go", "s/bug/harness_test.go") == want);
  CHECK(as_test_file(go126, "s/bug", "/w/batch/go1.19.8/s/bug.go", "s/bug/harness_test.go") == want);
  // Absolute paths (stacks, the JSON log) keep their directory.
  CHECK(as_test_file("/m/s/bug/zz_escape_harness_batch.go:3", "s/bug", "/w/b.go", "/m/s/bug/harness_test.go") ==
        "/m/s/bug/harness_test.go:3");
  CHECK(as_test_file("file:///w/b.go", "s/bug", "/w/b.go", "/m/s/bug/harness_test.go") ==
        "file:///m/s/bug/harness_test.go");
  // Another package's batch file is left alone.
  CHECK(as_test_file("s/fix/zz_escape_harness_batch.go:1", "s/bug", "", "") == "s/fix/zz_escape_harness_batch.go:1");
}

TEST_CASE("a variant counts as returned only on its own nonce's done line", "[batch]") {
  const std::string records =
      "N counts calls=1 mallocs=0 bytes=0\n"
      "N done 0\n"
      "M done 1\n"    // another run's nonce: forged
      "N done x\n"    // not a number
      "N done 3 4\n"  // trailing text
      "xN done 5\n"   // not at the start
      "N done 2";     // no newline at the end
  CHECK(batch_done(records, "N") == std::set<int>{0, 2});
  CHECK(batch_done(records, "").empty());
}

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("the harness file keeps every line where harness_test.go has it", "[batch]") {
  const std::string harness = "package bug\n\nfunc TestEscapeHarness(t *testing.T) {}\n";
  const std::string file = batch_harness_file(harness);
  REQUIRE(file.starts_with(harness));
  CHECK(file.find("func EscapeHarnessBatch() { TestEscapeHarness(nil) }") != std::string::npos);
  CHECK(batch_harness_file("package bug").starts_with("package bug\n"));
}

TEST_CASE("in a batch build the repeats count without the heap profile, and only that line changes", "[batch]") {
  // The committed harness of a variant, as the generator writes it.
  const std::string harness = test::read_repo_file("gosrc/param-address/bug/harness_test.go");
  const std::string file = batch_harness_file(harness);
  const auto before = split_lines(harness), after = split_lines(file);
  REQUIRE(after.size() > before.size());
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < before.size(); ++i)
    if (before[i] != after[i]) changed.push_back(i);
  REQUIRE(changed.size() == 1);
  CHECK(before[changed[0]] == "\tharnessruntime.MemProfileRate = 1");
  CHECK(after[changed[0]] == "\tharnessruntime.MemProfileRate = harnessBatchProfileRate");
  CHECK(file.find("var harnessBatchProfileRate = 1\n") != std::string::npos);
  CHECK(file.find("func EscapeHarnessBatchCounts() {\n\tharnessBatchProfileRate = 0\n\tTestEscapeHarness(nil)\n}") !=
        std::string::npos);

  // A harness where the line is not there once is left as it is: its
  // repeats then read the profile as well.
  const std::string twice = harness + "\tharnessruntime.MemProfileRate = 1\n";
  CHECK(batch_harness_file(twice).starts_with(twice));
  const std::string none = "package bug\n";
  CHECK(batch_harness_file(none).find("MemProfileRate = harnessBatchProfileRate") == std::string::npos);
}

TEST_CASE("the overlay, the driver and its import path", "[batch]") {
  auto overlay = nlohmann::json::parse(batch_overlay_json({{"/m/a/b/zz.go", "/w/b.go"}, {"/m/\"q\".go", "/w/q.go"}}));
  CHECK(overlay["Replace"]["/m/a/b/zz.go"] == "/w/b.go");
  CHECK(overlay["Replace"]["/m/\"q\".go"] == "/w/q.go");
  const std::string driver = batch_driver_source({"escapeharness/x/bug", "escapeharness/x/fix"});
  const auto bug = driver.find("variant0 \"escapeharness/x/bug\"");
  const auto fix = driver.find("variant1 \"escapeharness/x/fix\"");
  REQUIRE(bug != std::string::npos);
  REQUIRE(fix != std::string::npos);
  CHECK(bug < fix);
  CHECK(driver.find("variant0.EscapeHarnessBatch,\n\t\tvariant1.EscapeHarnessBatch,") != std::string::npos);
  CHECK(driver.find("variant0.EscapeHarnessBatchCounts,\n\t\tvariant1.EscapeHarnessBatchCounts,") != std::string::npos);
  CHECK(import_path_element("go1.26.8 GOARCH=arm64") == "go1.26.8-GOARCH-arm64");
  CHECK(import_path_element("go1.27.3") == "go1.27.3");
}
