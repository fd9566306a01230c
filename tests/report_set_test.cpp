#include <catch2/catch.hpp>

#include "fs.h"
#include "memory_fs.h"
#include "merge.h"
#include "report_set.h"

using namespace eh;

// The report set is replaced whole or not at all, and a run of some cells
// keeps the others. Faults are injected at every step of the swap.

namespace {

/// The files under `dir` in a memory file system.
std::map<std::string, std::string> under(const MemoryFileSystem& fs, const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& [path, content] : fs.files)
    if (path.starts_with(dir + "/")) out[path] = content;
  return out;
}

/// Anything a staging step left beside `out`.
bool leftovers(const MemoryFileSystem& fs, const std::string& out) {
  const std::string prefix = staging_prefix(out);
  for (const auto& [path, _] : fs.files)
    if (path.starts_with(prefix)) return true;
  for (const auto& d : fs.dirs)
    if (d.starts_with(prefix)) return true;
  return false;
}

MemoryFileSystem previous_set() {
  MemoryFileSystem fs;
  fs.files["reports/results.json"] = "old results";
  fs.files["reports/EVIDENCE.md"] = "old evidence";
  fs.files["reports/charts/entry-99.svg"] = "a chart of a scenario that is gone";
  fs.files["reports/notes.txt"] = "the user's own file";
  fs.files["reports/.escape-harness.lock"] = "";
  return fs;
}

const std::vector<ReportFile> kNewSet = {
    {"results.json", "new results"}, {"EVIDENCE.md", "new evidence"}, {"charts/entry-01.svg", "new chart", false}};

}  // namespace

TEST_CASE("the report set is replaced whole: reports no longer produced go, other files stay", "[report_set]") {
  MemoryFileSystem fs = previous_set();
  std::string err;
  REQUIRE(write_report_set(fs, "reports", kNewSet, &err));
  CHECK(under(fs, "reports") == std::map<std::string, std::string>{
                                    {"reports/.escape-harness.lock", ""},
                                    {"reports/EVIDENCE.md", "new evidence"},
                                    {"reports/charts/entry-01.svg", "new chart"},
                                    {"reports/notes.txt", "the user's own file"},
                                    {"reports/results.json", "new results"},
                                });
  CHECK_FALSE(leftovers(fs, "reports"));
  // A first run: nothing to swap with.
  MemoryFileSystem empty;
  REQUIRE(write_report_set(empty, "out/reports", kNewSet, &err));
  CHECK(empty.files.at("out/reports/results.json") == "new results");
}

TEST_CASE("a failure at any step before the swap leaves the previous set byte-identical", "[report_set]") {
  for (std::string op : {"make_temp_dir", "write", "link", "exchange"}) {
    INFO(op);
    MemoryFileSystem fs = previous_set();
    const auto before = under(fs, "reports");
    fs.fail = [&](std::string_view o, const std::string&) { return o == op; };
    std::string err;
    CHECK_FALSE(write_report_set(fs, "reports", kNewSet, &err));
    CHECK_THAT(err, Catch::Contains("Input/output error"));
    CHECK(under(fs, "reports") == before);
    fs.fail = nullptr;
    CHECK_FALSE(leftovers(fs, "reports"));
  }
}

TEST_CASE("a failure removing the old set after the swap loses nothing, and the next run clears it", "[report_set]") {
  MemoryFileSystem fs = previous_set();
  fs.fail = [](std::string_view op, const std::string&) { return op == "remove_tree"; };
  std::string err;
  REQUIRE(write_report_set(fs, "reports", kNewSet, &err));
  CHECK(fs.files.at("reports/results.json") == "new results");
  CHECK(leftovers(fs, "reports"));  // the old set, beside the new one
  fs.fail = nullptr;
  remove_staging_leftovers(fs, "reports");
  CHECK_FALSE(leftovers(fs, "reports"));
  CHECK(fs.files.at("reports/results.json") == "new results");
}

namespace {

/// Scenarios x toolchains, every claim `v`, measured on `date`.
Results cells(const std::vector<std::string>& scenarios, const std::vector<std::string>& toolchains, Verdict v,
              const std::string& date, const std::string& hash_suffix = "") {
  Results r;
  r.date = date;
  for (const auto& tc : toolchains) r.toolchains.push_back(ToolchainInfo{tc, "linux", "amd64", "cpu", ""});
  int entry = 0;
  for (const auto& id : scenarios) {
    ScenarioRecord s;
    s.id = id;
    s.entry = ++entry;
    s.source_hash = "h-" + id + hash_suffix;
    ClaimRecord c;
    c.id = "c";
    VariantRecord bug;
    bug.name = "bug";
    for (const auto& tc : toolchains) {
      c.verdicts[tc].verdict = v;
      bug.results[tc].counts = AllocCounts{100, v == Verdict::confirmed ? 100 : 0, 800};
      s.runs[tc] = CellRun{date, false};
    }
    s.claims.push_back(c);
    s.variants.push_back(bug);
    r.scenarios.push_back(s);
  }
  return r;
}

const std::map<std::string, std::string> kHashes = {{"a", "h-a"}, {"b", "h-b"}};

}  // namespace

TEST_CASE("a run of one scenario on one toolchain changes only that cell", "[report_set][merge]") {
  Results previous = cells({"a", "b"}, {"go1.19.8", "go1.26.8"}, Verdict::confirmed, "D1");
  Results run = cells({"a"}, {"go1.26.8"}, Verdict::refuted, "D2");
  std::vector<std::string> dropped;
  Results all = update_results(previous, run, kHashes, &dropped);
  CHECK(dropped.empty());
  REQUIRE(all.toolchains.size() == 2);
  REQUIRE(all.scenarios.size() == 2);
  const ScenarioRecord& a = *all.scenario("a");
  CHECK(a.claims[0].verdicts.at("go1.26.8").verdict == Verdict::refuted);
  CHECK(a.runs.at("go1.26.8").date == "D2");
  CHECK(a.claims[0].verdicts.at("go1.19.8").verdict == Verdict::confirmed);
  CHECK(a.runs.at("go1.19.8").date == "D1");
  CHECK(a.variants[0].results.at("go1.19.8").counts->mallocs == 100);
  const ScenarioRecord& b = *all.scenario("b");
  CHECK(b.runs.at("go1.19.8").date == "D1");
  CHECK(b.runs.at("go1.26.8").date == "D1");
  CHECK(b.claims[0].verdicts.at("go1.26.8").verdict == Verdict::confirmed);
}

TEST_CASE("a quick run over a set with timing does not put the whole set in quick mode", "[report_set][merge]") {
  auto quick = [](Results r) {
    r.quick = true;
    for (auto& s : r.scenarios)
      for (auto& [tc, cell] : s.runs) cell.quick = true;
    return r;
  };
  Results previous = cells({"a", "b"}, {"go1.26.8"}, Verdict::confirmed, "D1");
  std::vector<std::string> dropped;
  Results some = update_results(previous, quick(cells({"a"}, {"go1.26.8"}, Verdict::refuted, "D2")), kHashes, &dropped);
  CHECK_FALSE(some.quick);
  CHECK(some.scenario("a")->runs.at("go1.26.8").quick);
  CHECK_FALSE(some.scenario("b")->runs.at("go1.26.8").quick);
  CHECK(quick_note(some) == ", 1 of 2 cells from quick runs (their timing claims skipped; EVIDENCE.md says which)");
  Results all =
      update_results(previous, quick(cells({"a", "b"}, {"go1.26.8"}, Verdict::refuted, "D2")), kHashes, &dropped);
  CHECK(all.quick);
  CHECK(quick_note(all) == ", quick mode: timing claims skipped");
  CHECK(quick_note(previous).empty());
}

TEST_CASE("a new toolchain's run adds its column to the matrix", "[report_set][merge]") {
  Results previous = cells({"a", "b"}, {"go1.19.8", "go1.26.8"}, Verdict::confirmed, "D1");
  Results run = cells({"a", "b"}, {"go1.27.3"}, Verdict::refuted, "D2");
  std::vector<std::string> dropped;
  Results all = update_results(previous, run, kHashes, &dropped);
  REQUIRE(all.toolchains.size() == 3);
  for (const auto& s : all.scenarios) CHECK(s.runs.size() == 3);
}

TEST_CASE("cells of a changed or removed spec are dropped, each with a message", "[report_set][merge]") {
  Results previous = cells({"a", "b", "gone"}, {"go1.19.8", "go1.26.8"}, Verdict::confirmed, "D1");
  Results run = cells({"a"}, {"go1.26.8"}, Verdict::refuted, "D2");
  std::vector<std::string> dropped;
  // b's spec changed since its cells were measured; "gone" has no spec.
  Results all = update_results(previous, run, {{"a", "h-a"}, {"b", "h-b-changed"}}, &dropped);
  CHECK(dropped == std::vector<std::string>{
                       "b: its spec or code changed since its cells were measured; run it again",
                       "gone: no spec defines it any more",
                   });
  REQUIRE(all.scenarios.size() == 1);
  // a's go1.19.8 cell was measured from the same spec: kept.
  CHECK(all.scenario("a")->runs.size() == 2);
}
