#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cache.h"
#include "fs.h"
#include "test_util.h"

using namespace eh;

namespace {

using test::TempDir;

}  // namespace

TEST_CASE("RealFileSystem writes atomically and reads back", "[fs]") {
  TempDir t;
  RealFileSystem fs;
  std::string err;
  std::string p = t.path + "/a/b/report.md";
  REQUIRE(fs.make_dirs(t.path + "/a/b", &err));
  REQUIRE(fs.write(p, "one", &err));
  REQUIRE(fs.write(p, "two", &err));
  CHECK(*fs.read(p, &err) == "two");
  // No temporary files are left beside it.
  CHECK(*fs.list(t.path + "/a/b", &err) == std::vector<std::string>{"report.md"});
  CHECK(*fs.list(t.path + "/a", &err) == std::vector<std::string>{"b/"});
  CHECK(fs.exists(p));
  REQUIRE(fs.remove(p, &err));
  CHECK_FALSE(fs.exists(p));
  CHECK(fs.remove(p, &err));  // already gone is fine
}

TEST_CASE("a failed write leaves the previous file intact", "[fs]") {
  if (::geteuid() == 0) {
    // root ignores directory permissions; a full directory path that does not exist fails the same way.
    TempDir t;
    RealFileSystem fs;
    std::string err;
    CHECK_FALSE(fs.write(t.path + "/missing/report.md", "x", &err));
    CHECK_THAT(err, Catch::StartsWith(t.path + "/missing/report.md: cannot write: No such file or directory"));
    return;
  }
  TempDir t;
  RealFileSystem fs;
  std::string err;
  std::string p = t.path + "/report.md";
  REQUIRE(fs.write(p, "good", &err));
  ::chmod(t.path.c_str(), 0555);
  CHECK_FALSE(fs.write(p, "bad", &err));
  ::chmod(t.path.c_str(), 0755);
  CHECK(*fs.read(p, &err) == "good");
}

TEST_CASE("read and list errors name the path", "[fs]") {
  RealFileSystem fs;
  std::string err;
  CHECK_FALSE(fs.read("/nonexistent/x", &err));
  CHECK(err == "/nonexistent/x: cannot read: No such file or directory");
  CHECK_FALSE(fs.list("/nonexistent", &err));
  CHECK_THAT(err, Catch::StartsWith("/nonexistent: cannot list: "));
}

TEST_CASE("the output lock refuses a second holder", "[fs]") {
  TempDir t;
  std::string err;
  std::string p = t.path + "/.lock";
  RealFileSystem fs;
  auto first = fs.lock(p, &err);
  REQUIRE(first);
  auto second = fs.lock(p, &err);
  CHECK_FALSE(second);
  CHECK(err == p + ": another escape-harness run holds this lock");
  first.reset();
  CHECK(fs.lock(p, &err));
  CHECK_FALSE(fs.lock("/nonexistent/dir/.lock", &err));
  CHECK(err == "/nonexistent/dir/.lock: cannot create the lock file: No such file or directory");
}

TEST_CASE("MemoryFileSystem lists files and directories", "[fs]") {
  MemoryFileSystem fs;
  std::string err;
  fs.write("s/a.yaml", "a", &err);
  fs.write("s/sub/b.go", "b", &err);
  CHECK(*fs.list("s", &err) == std::vector<std::string>{"a.yaml", "sub/"});
  CHECK(fs.exists("s/sub"));
  fs.fail_writes.push_back("s/c");
  CHECK_FALSE(fs.write("s/c", "c", &err));
  CHECK(err == "s/c: cannot write: Permission denied");
}

TEST_CASE("join_path", "[fs]") {
  CHECK(join_path("a", "b") == "a/b");
  CHECK(join_path("a/", "/b") == "a/b");
  CHECK(join_path("", "b") == "b");
  CHECK(join_path(".", "b") == "b");
}

TEST_CASE("a cache entry is used only under the key it was stored with", "[cache]") {
  MemoryFileSystem fs;
  ResultCache cache(fs, "cache", true);
  VariantObservation o;
  o.counts = AllocCounts{100, 100, 800};
  cache.store_facts("aaaa", o);
  cache.store_timing("aaaa", {{1.5, 2.5}, {4000, 3000}, "2026-12-01T10:00:00Z"});
  REQUIRE(cache.facts("aaaa"));
  CHECK(cache.facts("aaaa")->counts->mallocs == 100);
  auto timing = cache.timing("aaaa");
  REQUIRE(timing);
  CHECK(timing->ns_per_op == std::vector<double>{1.5, 2.5});
  CHECK(timing->iterations == std::vector<std::int64_t>{4000, 3000});
  CHECK(timing->taken == "2026-12-01T10:00:00Z");
  // The same bytes under another key's name are not that key's measurement.
  fs.files["cache/facts/bbbb.json"] = fs.files.at("cache/facts/aaaa.json");
  fs.files["cache/timing/bbbb.json"] = fs.files.at("cache/timing/aaaa.json");
  CHECK_FALSE(cache.facts("bbbb"));
  CHECK_FALSE(cache.timing("bbbb"));
  // Nor is an entry cut short, or one without its key line.
  std::string& cut = fs.files.at("cache/facts/aaaa.json");
  cut.resize(cut.size() / 2);
  CHECK_FALSE(cache.facts("aaaa"));
  fs.files["cache/timing/cccc.json"] = "{\"samples\": [1.0]}\n";
  CHECK_FALSE(cache.timing("cccc"));
  // An older harness's entry (no b.N, no date) is measured again, not guessed.
  fs.files["cache/timing/dddd.json"] = "escape-harness cache entry dddd\n{\"samples\": [1.0]}\n";
  CHECK_FALSE(cache.timing("dddd"));
  fs.files["cache/timing/eeee.json"] =
      "escape-harness cache entry eeee\n{\"samples\": [1.0], \"iterations\": [], \"taken\": \"x\"}\n";
  CHECK_FALSE(cache.timing("eeee"));
}
