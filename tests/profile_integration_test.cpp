#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "process.h"
#include "test_util.h"

using namespace eh;

// profile and scan --diff with the real go: the fixture module
// tests/fixtures/profile (one benchmark per category, and packages that do
// not build, have no benchmark, panic or hang), two real third-party modules
// fetched through the Go module proxy at pinned versions (nothing of theirs
// is committed), and a standard-library package.

namespace {

struct Run {
  ProcessResult process;
  nlohmann::json json;
};

Run harness_json(std::vector<std::string> args, const std::string& cwd = test::source_dir()) {
  test::TempDir dir("profile");
  const std::string out = dir.path + "/out.json";
  args.insert(args.end(), {"--format", "json", "--out", out});
  Run r{test::run_harness(args, cwd), {}};
  std::ifstream in(out);
  if (in) r.json = nlohmann::json::parse(in);
  return r;
}

const nlohmann::json* site(const nlohmann::json& j, const std::string& benchmark, const std::string& function,
                           int line) {
  for (const auto& s : j.at("sites"))
    if (s.at("benchmark") == benchmark && s.at("function") == function && s.at("line") == line) return &s;
  return nullptr;
}

const nlohmann::json* benchmark(const nlohmann::json& j, const std::string& name) {
  for (const auto& b : j.at("benchmarks"))
    if (b.at("benchmark") == name) return &b;
  return nullptr;
}

/// A module from the module proxy (or go's module cache), at a pinned version.
std::string module_dir(const std::string& module) {
  SystemProcessRunner runner;
  Command c;
  c.argv = {"/usr/bin/env", "go", "mod", "download", "-json", module};
  c.cwd = test::source_dir();
  c.env = test::test_environment();
  c.timeout = std::chrono::minutes(5);
  ProcessResult r = runner.run(c);
  INFO(r.out << r.err);
  REQUIRE(r.ok());
  return nlohmann::json::parse(r.out).at("Dir").get<std::string>();
}

const std::string kFixture = "tests/fixtures/profile";
const std::string kCats = "escapeharness.test/profile/cats.";

}  // namespace

TEST_CASE("profile charges the fixture's allocations to their sites and categories, exactly",
          "[profile][integration]") {
  auto r = harness_json({"profile", "--dir", kFixture, "--bench", ".", "./cats", "./nobench", "./broken", "./panics"});
  INFO(r.process.out << r.process.err);
  REQUIRE_FALSE(r.json.is_null());
  // Something did not build, had no benchmark or failed: exit 1, the rest profiled.
  CHECK(r.process.exit_code == 1);
  const auto& j = r.json;
  CHECK(j.at("benchtime").at("ops") == 100);
  const std::string toolchain = j.at("toolchain");

  struct Expect {
    std::string benchmark, function;
    int line, column;
    std::string category;
    long objects, bytes;  // over 100 iterations
    std::string why;
  };
  const std::vector<Expect> expected = {
      {"BenchmarkEscape", kCats + "Escape", 13, 39, "escape", 100, 1600, "&Point{...} returned: 16 B"},
      {"BenchmarkSized", kCats + "Sized", 19, 0, "heap-without-escape", 100, 102400,
       "make([]byte, n): the compiler says it does not escape, the size is not constant"},
      {"BenchmarkSizes/small", kCats + "Sized", 19, 0, "heap-without-escape", 100, 6400, "the same make, n = 64"},
      {"BenchmarkSizes/large", kCats + "Sized", 19, 0, "heap-without-escape", 100, 409600, "n = 4096"},
      {"BenchmarkGrow", kCats + "Grow", 29, 0, "runtime-growth", 650, 101600, "append to 64 ints: growslice"},
      {"BenchmarkFill", kCats + "Fill", 39, 0, "runtime-growth", 900, 445600, "64 inserts grow the map"},
      {"BenchmarkRepeat", "strings.(*Builder).grow", 67, 0, "outside-analysed-code", 100, 11200,
       "strings.Repeat's buffer, called from Repeat"},
      {"BenchmarkTiny", kCats + "Tiny", 54, 10, "escape", 6, 96,
       "new(byte): 100 tiny allocations, the profile sees the 6 16-byte blocks they fill"},
      {"BenchmarkFine", "escapeharness.test/profile/panics.BenchmarkFine", 10, 14, "escape", 100, 3200,
       "make([]byte, 32) stored in a global"},
  };
  if (toolchain != "go1.26.8") WARN("counts were recorded with go1.26.8; this is " << toolchain);
  for (const auto& e : expected) {
    INFO(e.benchmark << " " << e.function << ":" << e.line << " (" << e.why << ")");
    const auto* s = site(j, e.benchmark, e.function, e.line);
    REQUIRE(s);
    if (toolchain != "go1.26.8") continue;
    CHECK(s->at("category") == e.category);
    CHECK(s->at("column") == e.column);
    CHECK(s->at("objects") == e.objects);
    CHECK(s->at("bytes") == e.bytes);
    CHECK(s->at("ops") == 100);
  }
  if (toolchain == "go1.26.8") {
    CHECK(j.at("sites").size() == expected.size());
    const auto* sized = site(j, "BenchmarkSized", kCats + "Sized", 19);
    CHECK_THAT(sized->at("reason").get<std::string>(),
               Catch::Contains("'make([]byte, n) does not escape'") && Catch::Contains("not a constant"));
    const auto* escape = site(j, "BenchmarkEscape", kCats + "Escape", 13);
    CHECK(escape->at("message") == "&Point{...} escapes to heap");
    CHECK(escape->at("shape") == "returned-pointer");
    CHECK_FALSE(escape->at("chain").empty());
    const auto* repeat = site(j, "BenchmarkRepeat", "strings.(*Builder).grow", 67);
    CHECK(repeat->at("caller").at("function") == kCats + "Repeat");
    CHECK(repeat->at("caller").at("line") == 46);
    CHECK(repeat->at("file") == "$GOROOT/src/strings/builder.go");
  }

  // -benchmem agrees; the tiny allocations are the stated gap.
  for (const char* name : {"BenchmarkEscape", "BenchmarkSized", "BenchmarkTiny", "BenchmarkFlag", "BenchmarkFine"}) {
    INFO(name);
    const auto* b = benchmark(j, name);
    REQUIRE(b);
    CHECK(b->at("reconciled") == true);
  }
  CHECK(benchmark(j, "BenchmarkTiny")->at("benchmem").at("allocs_per_op") == 1);
  CHECK(benchmark(j, "BenchmarkTiny")->at("profile").at("objects_per_op").get<double>() < 0.1);
  // A bool boxed into an interface: scan says it allocates nothing, and it does not.
  CHECK(benchmark(j, "BenchmarkFlag")->at("benchmem").at("allocs_per_op") == 0);
  CHECK(benchmark(j, "BenchmarkFlag")->at("profile").at("objects") == 0);

  // The escape no benchmark reached.
  bool unused = false;
  for (const auto& u : j.at("unreached")) {
    CHECK(u.at("file").get<std::string>().find("_testmain.go") == std::string::npos);
    unused |= u.at("file") == "cats/cats.go" && u.at("line") == 60;
  }
  CHECK(unused);

  // Each fault has its reason; the other packages were profiled all the same.
  std::map<std::string, std::string> errors;
  for (const auto& e : j.at("errors"))
    errors[e.at("package").get<std::string>() + " " + e.at("benchmark").get<std::string>()] = e.at("reason");
  CHECK_THAT(errors["escapeharness.test/profile/nobench "], Catch::Contains("no benchmark matches"));
  CHECK_THAT(errors["escapeharness.test/profile/broken "],
             Catch::Contains("does not build") && Catch::Contains("broken/broken.go:4:28"));
  CHECK_THAT(errors["escapeharness.test/profile/panics BenchmarkPanics"],
             Catch::Contains("panic: a benchmark that fails past its first run"));
  CHECK(errors.size() == 3);
}

TEST_CASE("profile kills a benchmark that hangs at --timeout, with its process group", "[profile][integration]") {
  auto r = harness_json({"profile", "--dir", kFixture, "--timeout", "3", "./hangs"});
  INFO(r.process.out << r.process.err);
  CHECK(r.process.exit_code == 1);
  REQUIRE_FALSE(r.json.is_null());
  REQUIRE(r.json.at("errors").size() == 1);
  CHECK_THAT(r.json.at("errors")[0].at("reason").get<std::string>(), Catch::Contains("timed out after 3s"));
  // No test binary of it is left running, and the temporary directory is
  // gone. (Only its own: ctest -j runs other profile tests beside this one,
  // whose processes live in directories of the same prefix.)
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(e.path() / "cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::error_code ec;
    const std::string cwd = std::filesystem::read_symlink(e.path() / "cwd", ec).string();
    INFO(cmd << " in " << cwd);
    CHECK_FALSE((cmd.find("escape-harness-profile-") != std::string::npos && cwd.ends_with("/hangs")));
  }
}

TEST_CASE("profile: bad options are clear errors", "[profile][integration]") {
  auto r = test::run_harness({"profile", "--benchtime", "1s", "./..."});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--benchtime: expected an iteration count such as 100x, got '1s'"));
  r = test::run_harness({"profile", "--diff", "./..."});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--diff takes two --go"));
  r = test::run_harness({"profile"});
  CHECK(r.exit_code == 2);
}

// Hand-checked against the sources at these versions with go1.26.8: each
// site, its category and why, and its cost per op. Both modules' benchmarks
// use b.RunParallel; the sites below allocate a fixed number of times per
// operation whatever the goroutine, so their counts are exact on a quiet
// machine; under load they have varied (802 for 800), so the test allows 2%.
TEST_CASE("profile on two real modules: a logger and a JSON parser, sites checked by hand",
          "[profile][integration][network]") {
  struct Expect {
    std::string benchmark, function;
    int line;
    std::string category;
    long objects, bytes;  // over 100 iterations
    int caller_line;      // outside-analysed-code: the module's line that called it
    std::string why;
    long slack = 0;  // objects the count may be off by: a sync.Pool hit saves the allocation
  };
  const std::string zerolog = module_dir("github.com/rs/zerolog@v1.35.1");
  auto z = harness_json(
      {"profile", "--dir", zerolog, "--bench", "BenchmarkLogFieldType/^(Stringers|Any|IPAddr|Objects)$", "."});
  INFO(z.process.out << z.process.err);
  REQUIRE(z.process.ok());
  const std::string toolchain = z.json.at("toolchain");
  if (toolchain != "go1.26.8") {
    WARN("the hand-checked sites are go1.26.8's; this is " << toolchain);
    return;
  }
  const std::string zl = "github.com/rs/zerolog.";
  const std::vector<Expect> zerolog_sites = {
      {"BenchmarkLogFieldType/Objects", zl + "appendObject", 45, "escape", 1000, 16000, 0,
       "newEvent(LevelWriterAdapter{io.Discard}, ...): the adapter boxed into a LevelWriter, 16 B, once per object, 10 "
       "objects per event"},
      {"BenchmarkLogFieldType/Any", zl + "init.func7", 97, "escape", 100, 4800, 0,
       "InterfaceMarshalFunc: var buf bytes.Buffer moves to the heap (json.NewEncoder(&buf)), 48 B"},
      {"BenchmarkLogFieldType/Any", "bytes.(*Buffer).grow", 155, "outside-analysed-code", 100, 6400, 100,
       "encoder.Encode(v) grows the pooled encodeState's buffer to 64 B; a pool hit reuses it", 2},
      {"BenchmarkLogFieldType/Any", zl + "BenchmarkLogFieldType.func1", 107, "escape", 100, 4800, 0,
       "e.Any(\"k\", fixtures.Interfaces[0]): a struct boxed into any, 48 B"},
      {"BenchmarkLogFieldType/Stringers", "net.IP.String", 315, "outside-analysed-code", 100, 1600, 361,
       "Event.Stringers calls String() on a net.IP: the string, 16 B"},
      {"BenchmarkLogFieldType/IPAddr", "net.IP.String", 315, "outside-analysed-code", 100, 1600, 881,
       "Event.IPAddr: ip.String(), 16 B"},
  };
  const std::string fastjson = module_dir("github.com/valyala/fastjson@v1.6.10");
  auto f =
      harness_json({"profile", "--dir", fastjson, "--bench", "BenchmarkParse/^small$/^stdjson-(map|struct)$", "."});
  INFO(f.process.out << f.process.err);
  REQUIRE(f.process.ok());
  const std::vector<Expect> fastjson_sites = {
      {"BenchmarkParse/small/stdjson-map", "reflect.New", 3164, "outside-analysed-code", 1000, 16000, 276,
       "json.Unmarshal into map[string]any: reflect.New for each of the 10 values"},
      {"BenchmarkParse/small/stdjson-map", "encoding/json.(*decodeState).literalStore", 965, "outside-analysed-code",
       800, 16000, 276, "the 8 string values boxed into any as they are stored in the map, 20 B each"},
      {"BenchmarkParse/small/stdjson-map", "encoding/json.Unmarshal", 106, "outside-analysed-code", 100, 14400, 276,
       "the decodeState, 144 B, once per call"},
      {"BenchmarkParse/small/stdjson-map", "encoding/json.(*decodeState).convertNumber", 846, "outside-analysed-code",
       400, 6400, 276, "the 4 numbers boxed as float64"},
      {"BenchmarkParse/small/stdjson-struct", "encoding/json.(*decodeState).object", 707, "outside-analysed-code", 100,
       4800, 299, "the struct's field cache lookup"},
      {"BenchmarkParse/small/stdjson-struct", "encoding/json.(*decodeState).literalStore", 958, "outside-analysed-code",
       100, 4800, 299, "one string field"},
  };
  for (const auto& [run, sites] : {std::pair{&z, &zerolog_sites}, std::pair{&f, &fastjson_sites}})
    for (const auto& e : *sites) {
      INFO(e.benchmark << " " << e.function << ":" << e.line << " (" << e.why << ")");
      const auto* s = site(run->json, e.benchmark, e.function, e.line);
      REQUIRE(s);
      CHECK(s->at("category") == e.category);
      // Exact on a quiet machine; under CI load encoding/json's decode sites
      // came out 802 for 800 (cause not pinned down; a GC emptying a
      // sync.Pool in one run is the likely one): 2% or the site's own slack.
      const long slack = std::max(e.slack, e.objects / 50);
      CHECK(std::abs(s->at("objects").get<long>() - e.objects) <= slack);
      CHECK(std::abs(s->at("bytes").get<long>() - e.bytes) <= e.bytes * slack / e.objects + e.bytes / 50);
      if (e.caller_line) CHECK(s->at("caller").at("line") == e.caller_line);
    }
  // The same as SARIF for code scanning, each result with its cost
  // (validated by `exports: validate` with GitHub's rules).
  {
    test::TempDir dir("profile-sarif");
    auto sarif = test::run_harness({"profile", "--dir", zerolog, "--bench", "BenchmarkLogFieldType/^Objects$",
                                    "--format", "sarif", "--out", dir.path + "/p.sarif", "."});
    REQUIRE(sarif.ok());
    std::ifstream in(dir.path + "/p.sarif");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    test::keep_export("profile-zerolog.sarif", text);
    CHECK_THAT(text, Catch::Contains("10 allocs/op, 160 B/op in BenchmarkLogFieldType/Objects: LevelWriterAdapter{...} "
                                     "escapes to heap (interface-boxing)"));
  }
  const auto* obj = site(z.json, "BenchmarkLogFieldType/Objects", zl + "appendObject", 45);
  CHECK(obj->at("message") == "LevelWriterAdapter{...} escapes to heap");
  CHECK(obj->at("shape") == "interface-boxing");
  CHECK(obj->at("column") == 34);
  const auto* buf = site(z.json, "BenchmarkLogFieldType/Any", zl + "init.func7", 97);
  CHECK(buf->at("message") == "moved to heap: buf");
  CHECK(buf->at("shape") == "address-taken");
  for (const auto* run : {&z, &f})
    for (const auto& b : run->json.at("benchmarks")) {
      INFO(b.dump());
      CHECK(b.at("reconciled") == true);
    }

  // The same modules through scan: no fmt.Errorf with arguments or a '%'
  // reported as allocating, no append linked to the map entries.
  long errorf_checked = 0;
  for (const std::string& dir : {zerolog, fastjson}) {
    auto s = harness_json({"scan", "--dir", dir, "./..."});
    INFO(dir << s.process.err);
    REQUIRE_FALSE(s.json.is_null());
    for (const auto& x : s.json.at("findings")) {
      if (x.at("message").get<std::string>().starts_with("append")) CHECK(x.at("shape") != "make-escape");
      if (x.at("message") != "&errors.errorString{...} escapes to heap") continue;
      std::ifstream in(dir + "/" + x.at("file").get<std::string>());
      std::string text;
      for (int l = 0; l < x.at("line").get<int>(); ++l) std::getline(in, text);
      const auto call = text.find("Errorf(");
      if (call == std::string::npos) continue;  // errors.New: a real 16 B
      ++errorf_checked;
      const std::string args = text.substr(call);
      const bool formats = args.find('%') != std::string::npos || args.find("\", ") != std::string::npos;
      INFO(x.dump() << "\n" << text);
      CHECK(x.at("allocates") == !formats);
    }
  }
  CHECK(errorf_checked > 0);
}

TEST_CASE("scan --diff between go1.19.8 and the go on the PATH lists what the newer compiler adds and removes",
          "[profile][scan][integration]") {
  auto r = harness_json(
      {"scan", "--diff", "--go", "/usr/lib/go-1.19/bin/go", "--go", "go", "--dir", "tests/fixtures/scan", "./..."});
  INFO(r.process.out << r.process.err);
  REQUIRE(r.process.ok());
  const auto& j = r.json;
  CHECK(j.at("older") == "go1.19.8");
  std::set<std::string> added;
  for (const auto& a : j.at("added"))
    added.insert(a.at("function").get<std::string>() + ": " + a.at("message").get<std::string>());
  if (j.at("newer") == "go1.26.8") {
    // go1.26 reports append's backing store and inlines fmt.Errorf's errors.New.
    CHECK(added.count("Squares: append escapes to heap"));
    CHECK(added.count("Constant: &errors.errorString{...} escapes to heap"));
    CHECK(added.count("Args: &errors.errorString{...} escapes to heap"));
  }
  CHECK(j.at("unchanged").get<long>() > 10);
  // --fail-on-new makes the added allocations a CI failure.
  auto gate = test::run_harness({"scan", "--diff", "--fail-on-new", "--go", "/usr/lib/go-1.19/bin/go", "--go", "go",
                                 "--dir", "tests/fixtures/scan", "./..."});
  CHECK(gate.exit_code == 1);
  CHECK_THAT(gate.err, Catch::Contains("(--fail-on-new)"));
  // The same toolchain twice adds nothing.
  auto same = test::run_harness(
      {"scan", "--diff", "--fail-on-new", "--go", "go", "--go", "go", "--dir", "tests/fixtures/scan", "./..."});
  CHECK(same.exit_code == 0);
  CHECK_THAT(same.out, Catch::Contains(": 0 heap allocations added"));
}

TEST_CASE("profile --diff between go1.19.8 and the go on the PATH: the same allocation, another category",
          "[profile][integration]") {
  auto r = harness_json({"profile", "--diff", "--go", "/usr/lib/go-1.19/bin/go", "--go", "go", "--dir", kFixture,
                         "--bench", "Size|Repeat", "./cats"});
  INFO(r.process.out << r.process.err);
  REQUIRE(r.process.ok());
  const auto& j = r.json;
  CHECK(j.at("older") == "go1.19.8");
  // strings.Repeat's buffer moved a line inside the standard library: matched
  // by the line of the module that called it, not counted as added.
  CHECK(j.at("added").empty());
  CHECK(j.at("removed").empty());
  if (j.at("newer") != "go1.26.8") return;
  // go1.19 reports make([]byte, n) as escaping; go1.26 says it does not
  // escape, and it is on the heap all the same.
  REQUIRE(j.at("changed").size() == 3);
  for (const auto& c : j.at("changed")) {
    CHECK(c.at("older").at("category") == "escape");
    CHECK(c.at("newer").at("category") == "heap-without-escape");
    CHECK(c.at("older").at("objects_per_op") == c.at("newer").at("objects_per_op"));
  }
}

TEST_CASE("scan --diff from the go on the PATH to go1.27.3 on a standard-library package and a real module",
          "[profile][scan][integration][network]") {
  auto http = harness_json({"scan", "--diff", "--go", "go", "--go", "go1.27.3", "net/http"});
  INFO(http.process.out << http.process.err);
  REQUIRE(http.process.ok());
  CHECK(http.json.at("newer") == "go1.27.3");
  if (http.json.at("older") == "go1.26.8") {
    // Recorded with go1.26.8 -> go1.27.3: go1.27 moved h2_bundle.go's HTTP/2
    // out of net/http.
    CHECK(http.json.at("added").size() == 79);
    CHECK(http.json.at("removed").size() == 778);
    CHECK(http.json.at("unchanged") == 961);
    bool h2 = false;
    for (const auto& r : http.json.at("removed")) h2 |= r.at("file") == "$GOROOT/src/net/http/h2_bundle.go";
    CHECK(h2);
  }
  const std::string fastjson = module_dir("github.com/valyala/fastjson@v1.6.10");
  auto f =
      harness_json({"scan", "--diff", "--fail-on-new", "--go", "go", "--go", "go1.27.3", "--dir", fastjson, "./..."});
  INFO(f.process.out << f.process.err);
  CHECK(f.process.ok());  // nothing new: --fail-on-new passes
  CHECK(f.json.at("added").empty());
  CHECK(f.json.at("unchanged").get<long>() > 200);
}
