#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "pprof_raw.h"
#include "profile.h"
#include "report_profile.h"
#include "scan_diff.h"
#include "test_util.h"

using namespace eh;

// profile: reading `go tool pprof -raw`, charging allocations to sites, and
// what the reports and the diffs make of them. The fixtures are real
// pprof -raw output of tests/fixtures/profile's BenchmarkEscape, captured
// with the cats test binary at -test.benchtime=10x and 110x,
// -test.memprofilerate=1.

namespace {

ProfileFrame frame(std::string function, std::string file, int line) {
  return {std::move(function), std::move(file), line};
}

ProfileSample sample(std::int64_t objects, std::int64_t bytes, std::vector<ProfileFrame> frames) {
  return ProfileSample{{objects, bytes, 0, 0}, std::move(frames)};
}

RawProfile profile(std::vector<ProfileSample> samples) {
  RawProfile p;
  p.types = {"alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"};
  p.samples = std::move(samples);
  return p;
}

const ProfileFrame kRunN = frame("testing.(*B).runN", "/go/src/testing/benchmark.go", 219);
const ProfileFrame kBench = frame("m/p.BenchmarkX", "/m/p/p_test.go", 12);

Analysis analysis() {
  Analysis a;
  a.packages = {"m/p"};
  Finding f;
  f.package = "m/p";
  f.file = "/m/p/p.go";
  f.line = 7;
  f.column = 9;
  f.function = "New";
  f.message = "&T{...} escapes to heap";
  f.shape = Shape::returned_pointer;
  a.findings.push_back(f);
  a.notes.push_back(CompilerNote{"/m/p/p.go", 9, 13, "make([]byte, n) does not escape"});
  a.source = [](const std::string& file) -> std::optional<std::string> {
    if (file != "/m/p/p.go") return std::nullopt;
    std::string src;
    for (int i = 1; i <= 12; ++i)
      src += i == 9 ? "\tbuf := make([]byte, n)\n" : i == 10 ? "\ts = append(s, x)\n" : i == 11 ? "\tm[k] = v\n" : "\n";
    return src;
  };
  return a;
}

}  // namespace

TEST_CASE("pprof -raw output of go1.26.8 and go1.19.8 reads as samples with inlined frames", "[profile]") {
  std::string err;
  auto p = parse_pprof_raw(test::fixture("pprof_raw_go1.26.8_escape_110x.txt"), &err);
  INFO(err);
  REQUIRE(p);
  CHECK(p->types == std::vector<std::string>{"alloc_objects/count", "alloc_space/bytes", "inuse_objects/count",
                                             "inuse_space/bytes"});
  CHECK(p->type("alloc_space") == std::size_t{1});
  CHECK_FALSE(p->type("cpu"));
  // BenchmarkEscape inlines Escape: its frame comes first, at cats.go:13,
  // then the benchmark's own line, resolved from one location.
  const ProfileSample* escape = nullptr;
  std::int64_t objects = 0, bytes = 0;  // one sample per stack: the first run's and the measured one's
  for (const auto& s : p->samples)
    if (!s.frames.empty() && s.frames[0].function == "escapeharness.test/profile/cats.Escape") {
      escape = &s;
      objects += s.values[0];
      bytes += s.values[1];
    }
  REQUIRE(escape);
  CHECK(escape->frames[0].file.ends_with("tests/fixtures/profile/cats/cats.go"));
  CHECK(escape->frames[0].line == 13);
  CHECK(escape->frames[1].function == "escapeharness.test/profile/cats.BenchmarkEscape");
  CHECK(objects == 111);  // 110 iterations and the first run of one
  CHECK(bytes == 111 * 16);

  // go1.19's pprof prints FILE:LINE without a column.
  auto old = parse_pprof_raw(test::fixture("pprof_raw_go1.19.8_escape_10x.txt"), &err);
  REQUIRE(old);
  bool found = false;
  for (const auto& s : old->samples)
    for (const auto& f : s.frames)
      if (f.function == "escapeharness.test/profile/cats.Escape") {
        found = true;
        CHECK(f.line == 13);
        CHECK(f.file.ends_with("cats.go"));
      }
  CHECK(found);
}

TEST_CASE("pprof -raw: function names with spaces, labels and bad input", "[profile]") {
  const std::string text = R"(PeriodType: space bytes
Period: 1
Samples:
alloc_objects/count alloc_space/bytes[dflt] inuse_objects/count inuse_space/bytes
          2         96          0          0: 1 2
                bytes:[48]
Locations
     1: 0x497a24 M=1 internal/sync.newIndirectNode[go.shape.interface {},go.shape.interface {}] /go/src/internal/sync/hashtriemap.go:550:0 s=549
             internal/sync.(*HashTrieMap[go.shape.interface {}]).initSlow /go/src/internal/sync/hashtriemap.go:50:0 s=37
     2: 0x4f834f M=1 testing.(*B).runN /go/src/testing/benchmark.go:219:0 s=197
Mappings
1: 0x400000/0x5ef000/0x0 /tmp/x.test  [FN]
)";
  std::string err;
  auto p = parse_pprof_raw(text, &err);
  INFO(err);
  REQUIRE(p);
  REQUIRE(p->samples.size() == 1);
  REQUIRE(p->samples[0].frames.size() == 3);
  CHECK(p->samples[0].frames[0].function ==
        "internal/sync.newIndirectNode[go.shape.interface {},go.shape.interface {}]");
  CHECK(p->samples[0].frames[1].line == 50);
  CHECK(p->samples[0].values == std::vector<std::int64_t>{2, 96, 0, 0});

  CHECK_FALSE(parse_pprof_raw("not a profile\n", &err));
  CHECK_THAT(err, Catch::Contains("Samples"));
  std::string dangling = text;
  dangling.replace(dangling.find(": 1 2"), 5, ": 1 9");
  CHECK_FALSE(parse_pprof_raw(dangling, &err));
  CHECK_THAT(err, Catch::Contains("location 9"));
  std::string short_values = text;
  short_values.replace(short_values.find("          0          0: 1 2"), 27, "          0: 1 2");
  CHECK_FALSE(parse_pprof_raw(short_values, &err));
  CHECK_THAT(err, Catch::Contains("line 5"));
}

TEST_CASE("the difference of two runs is charged to sites and categories", "[profile]") {
  const Analysis a = analysis();
  auto site = [](int line) { return frame("m/p.New", "/m/p/p.go", line); };
  // Setup (line 5) is the same in both runs and cancels; the framework's
  // own allocations (testing.(*B).Run's matcher via regexp) are left out.
  const auto common = std::vector<ProfileSample>{
      sample(3, 300, {site(5), kBench, kRunN}),
      sample(4, 64,
             {frame("regexp.compile", "/go/src/regexp/regexp.go", 10),
              frame("testing.(*B).Run", "/go/src/testing/benchmark.go", 800), kBench, kRunN}),
      sample(9, 90, {frame("os.newFile", "/go/src/os/file_unix.go", 145)}),  // not under a benchmark
  };
  auto shorter = profile(common), longer = profile(common);
  shorter.samples.push_back(sample(11, 176, {site(7), kBench, kRunN}));
  longer.samples.push_back(sample(111, 1776, {site(7), kBench, kRunN}));
  longer.samples[1].values[0] = 6;  // the framework's noise differs: not counted
  longer.samples.push_back(sample(100, 102400, {site(9), kBench, kRunN}));
  longer.samples.push_back(sample(300, 4800, {site(10), kBench, kRunN}));
  longer.samples.push_back(sample(200, 9600, {site(11), kBench, kRunN}));
  longer.samples.push_back(
      sample(100, 1600, {frame("net.IP.String", "/go/src/net/ip.go", 315), site(12), kBench, kRunN}));
  longer.samples.push_back(
      sample(50, 800,
             {frame("sync.runtime_Semacquire", "/go/src/runtime/sema.go", 95),
              frame("sync.(*WaitGroup).Wait", "/go/src/sync/waitgroup.go", 1), site(12), kBench, kRunN}));
  BenchmarkProfile b;
  b.package = "m/p";
  b.name = "BenchmarkX";
  b.ops = 100;
  auto sites = attribute(shorter, longer, a, b);
  CHECK(b.framework_objects == 2);
  CHECK(b.objects == 100 + 100 + 300 + 200 + 100 + 50);
  std::map<int, const Site*> at;
  for (const auto& s : sites) at[s.line] = &s;
  REQUIRE(at.count(7));
  CHECK(at[7]->category == SiteCategory::escape);
  CHECK(at[7]->objects == 100);
  CHECK(at[7]->bytes_per_op() == 16);
  CHECK(at[7]->column == 9);
  CHECK(at[7]->finding->message == "&T{...} escapes to heap");
  CHECK(at[9]->category == SiteCategory::no_escape);
  CHECK_THAT(at[9]->reason, Catch::Contains("'make([]byte, n) does not escape'") && Catch::Contains("not a constant"));
  CHECK(at[9]->code == "buf := make([]byte, n)");
  CHECK(at[10]->category == SiteCategory::runtime_growth);
  CHECK_THAT(at[10]->reason, Catch::StartsWith("append grew the slice"));
  CHECK(at[11]->category == SiteCategory::runtime_growth);
  CHECK_THAT(at[11]->reason, Catch::StartsWith("the map grew"));
  REQUIRE(at.count(315));
  CHECK(at[315]->category == SiteCategory::outside);
  CHECK(at[315]->caller->line == 12);
  CHECK(at[315]->objects_per_op() == 1);
  // The runtime's own code under another package's name is skipped: the site
  // is the first frame outside it.
  REQUIRE(at.count(1));
  CHECK(at[1]->function == "sync.(*WaitGroup).Wait");
  CHECK_FALSE(at.count(5));    // setup cancels
  CHECK_FALSE(at.count(145));  // not under the benchmark
  // Ranked by bytes: the 1024-byte make first.
  CHECK(sites.front().line == 9);
  // What no benchmark reached.
  Analysis more = a;
  Finding unused = a.findings[0];
  unused.line = 3;
  more.findings.push_back(unused);
  auto un = unreached(more, sites);
  REQUIRE(un.size() == 1);
  CHECK(un[0].line == 3);
}

TEST_CASE("a benchmark's totals reconcile with -benchmem within the tiny-allocator gap", "[profile]") {
  BenchmarkProfile b;
  b.ops = 100;
  b.objects = 6;  // 1 alloc/op, one tiny block in 16 seen by the profile
  b.benchmem_allocs = 1;
  CHECK(reconciled(b));
  b.objects = 250;  // the profile cannot see more than -benchmem counts
  CHECK_FALSE(reconciled(b));
  b.objects = -40;  // the shorter run allocated more: pooled state differs between runs
  CHECK_FALSE(reconciled(b));
  b.benchmem_allocs.reset();
  CHECK_FALSE(reconciled(b));
}

TEST_CASE("profile JSON and SARIF carry each site's measured cost", "[profile]") {
  const Analysis a = analysis();
  auto shorter = profile({sample(11, 176, {frame("m/p.New", "/m/p/p.go", 7), kBench, kRunN})});
  auto longer = profile({sample(111, 1776, {frame("m/p.New", "/m/p/p.go", 7), kBench, kRunN})});
  ProfileReport r;
  r.toolchain = "go1.26.8";
  r.patterns = {"./..."};
  r.dir = "/m";
  r.goroot = "/go";
  r.shorter = 10;
  r.longer = 110;
  BenchmarkProfile b;
  b.package = "m/p";
  b.name = "BenchmarkX/sub";
  b.ops = 100;
  b.benchmem_allocs = 1;
  b.benchmem_bytes = 16;
  r.sites = attribute(shorter, longer, a, b);
  r.benchmarks.push_back(b);
  r.errors.push_back({"m/q", "", "no test files"});
  auto j = nlohmann::json::parse(profile_json(r));
  REQUIRE(j.at("sites").size() == 1);
  const auto& s = j.at("sites")[0];
  for (const char* key : {"benchmark", "file", "line", "column", "function", "objects_per_op", "bytes_per_op",
                          "category", "message", "chain", "shape"})
    CHECK(s.contains(key));
  CHECK(s.at("benchmark") == "BenchmarkX/sub");
  CHECK(s.at("file") == "p/p.go");
  CHECK(s.at("objects_per_op") == 1.0);
  CHECK(s.at("bytes_per_op") == 16.0);
  CHECK(s.at("category") == "escape");
  CHECK(s.at("shape") == "returned-pointer");
  CHECK(j.at("benchmarks")[0].at("reconciled") == true);
  CHECK(j.at("errors")[0].at("reason") == "no test files");

  const std::string sarif = profile_sarif(r);
  test::keep_export("unit-profile.sarif", sarif);
  auto sj = nlohmann::json::parse(sarif);
  const auto& res = sj.at("runs")[0].at("results")[0];
  CHECK(res.at("message").at("text") ==
        "1 allocs/op, 16 B/op in BenchmarkX/sub: &T{...} escapes to heap (returned-pointer)");
  CHECK(res.at("locations")[0].at("physicalLocation").at("region").at("startColumn") == 9);
  CHECK(sj.at("runs")[0].at("tool").at("driver").at("rules").size() == enum_names(SiteCategory{}).size());
  CHECK_THAT(profile_summary(r, 10),
             Catch::Contains("BenchmarkX/sub  (m/p)") &&
                 Catch::Contains("-benchmem 1 allocs/op 16 B/op · profile 1 objects/op 16 B/op"));
  CHECK_THAT(profile_markdown(r), Catch::Contains("| BenchmarkX/sub | 1 | 16 | 1 | 16 | yes |"));
}

TEST_CASE("scan --diff matches findings by package, function and message, not by line", "[profile][scan]") {
  auto finding = [](std::string function, std::string message, int line, Shape shape) {
    Finding f;
    f.package = "m/p";
    f.file = "/m/p/p.go";
    f.line = line;
    f.function = std::move(function);
    f.message = std::move(message);
    f.shape = shape;
    return f;
  };
  ScanReport older, newer;
  older.toolchain = "go1.26.8";
  newer.toolchain = "go1.27.3";
  older.dir = newer.dir = "/m";
  older.findings = {finding("F", "&T{...} escapes to heap", 10, Shape::returned_pointer),
                    finding("G", "x escapes to heap", 20, Shape::interface_boxing),
                    finding("H", "make([]int, n) escapes to heap", 30, Shape::slice_make)};
  newer.findings = {finding("F", "&T{...} escapes to heap", 12, Shape::returned_pointer),  // moved: unchanged
                    finding("G", "x escapes to heap", 22, Shape::fmt_argument),            // changed
                    finding("K", "moved to heap: y", 40, Shape::address_taken)};           // added
  newer.findings[1].allocation = Allocation::no;
  auto d = diff_scans(older, newer);
  CHECK(d.unchanged == 1);
  REQUIRE(d.added.size() == 1);
  CHECK(d.added[0].function == "K");
  CHECK(d.added[0].file == "p/p.go");
  REQUIRE(d.removed.size() == 1);
  CHECK(d.removed[0].function == "H");
  REQUIRE(d.changed.size() == 1);
  CHECK(d.changed[0].second.shape == Shape::fmt_argument);
  CHECK(d.new_allocations() == 1);
  auto j = nlohmann::json::parse(diff_json(d));
  CHECK(j.at("added").size() == 1);
  CHECK(j.at("removed").size() == 1);
  CHECK(j.at("changed").size() == 1);
  CHECK(j.at("shapes").at("slice-make") == nlohmann::json{{"older", 1}, {"newer", 0}});
  // Closures keep their match across the releases' naming schemes.
  older.findings.push_back(
      finding("ConsoleWriter.writePart.formatLevel.func1", "fl escapes to heap", 50, Shape::interface_boxing));
  newer.findings.push_back(
      finding("formatLevel.func1#7xmF111dfdk=#", "fl escapes to heap", 50, Shape::interface_boxing));
  CHECK(diff_scans(older, newer).unchanged == 2);
  CHECK_THAT(diff_summary(d, 5), Catch::StartsWith("go1.26.8 -> go1.27.3: 1 heap allocations added (1 of them "
                                                   "allocating), 1 removed, 1 changed, 1 unchanged"));
}
