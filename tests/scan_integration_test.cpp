#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "process.h"
#include "test_util.h"

using namespace eh;

// scan with the real go on the PATH: the fixture module (one package per
// shape) and standard-library packages nobody here wrote.

namespace {

struct ScanRun {
  ProcessResult process;
  nlohmann::json json;
};

ScanRun scan(std::vector<std::string> args) {
  test::TempDir dir("scan");
  std::vector<std::string> argv = {"scan", "--format", "json", "--out", dir.path + "/scan.json"};
  argv.insert(argv.end(), args.begin(), args.end());
  ScanRun r{test::run_harness(argv), {}};
  std::ifstream in(dir.path + "/scan.json");
  if (in) r.json = nlohmann::json::parse(in);
  return r;
}

}  // namespace

TEST_CASE("each fixture package produces exactly its shape with the go on the PATH", "[scan][integration]") {
  auto r = scan({"--dir", "tests/fixtures/scan", "./..."});
  INFO(r.process.out << r.process.err);
  REQUIRE(r.process.ok());
  std::map<std::string, std::set<std::string>> shapes;
  for (const auto& f : r.json.at("findings")) {
    std::string package = f.at("package");
    shapes[package.substr(package.rfind('/') + 1)].insert(f.at("shape").get<std::string>());
  }
  const std::map<std::string, std::set<std::string>> expected = {
      {"addrtaken", {"address-taken"}},  {"boxing", {"interface-boxing"}},      {"bytesiface", {"bytes-to-interface"}},
      {"closure", {"closure-capture"}},  {"fmtarg", {"fmt-argument"}},          {"makeescape", {"make-escape"}},
      {"namedresult", {"named-result"}}, {"appendgrowth", {"append-growth"}},   {"retptr", {"returned-pointer"}},
      {"concat", {"string-concat"}},     {"conversion", {"string-conversion"}}, {"slicemake", {"slice-make"}},
      {"errorf", {"fmt-argument"}},      {"staticbox", {"interface-boxing"}},
  };
  CHECK(shapes == expected);
  // The constant in boxing, and bool, byte, ctxKey{} and level in staticbox.
  CHECK(r.json.at("not_allocating").at("interface-boxing") == 5);
}

// Counts recorded with go1.26.8 (escape-harness scan encoding/json net/http
// text/template); another toolchain has other counts, so they are compared
// only on that one. The samples were checked by hand against the source.
TEST_CASE("standard-library packages: stable counts and hand-checked findings", "[scan][integration]") {
  const std::vector<std::string> packages = {"encoding/json", "net/http", "text/template"};
  auto first = scan(packages);
  INFO(first.process.out << first.process.err);
  REQUIRE(first.process.ok());
  auto second = scan(packages);
  REQUIRE(second.process.ok());
  // Two scans of the same code read alike: the counts and every finding.
  CHECK(first.json.at("counts") == second.json.at("counts"));
  CHECK(first.json.at("findings") == second.json.at("findings"));

  const std::string toolchain = first.json.at("toolchain");
  long total = 0;
  for (const auto& [shape, n] : first.json.at("counts").items()) total += n.get<long>();
  CHECK(total == static_cast<long>(first.json.at("findings").size()));
  CHECK(total > 1000);
  if (toolchain != "go1.26.8") {
    WARN("the recorded counts and samples are go1.26.8's; this is " << toolchain);
    return;
  }
  CHECK(first.json.at("counts") == nlohmann::json{{"bytes-to-interface", 1},
                                                  {"interface-boxing", 703},
                                                  {"address-taken", 50},
                                                  {"fmt-argument", 355},
                                                  {"closure-capture", 105},
                                                  {"named-result", 9},
                                                  {"make-escape", 94},
                                                  {"append-growth", 240},
                                                  {"returned-pointer", 543},
                                                  {"string-concat", 112},
                                                  {"string-conversion", 35},
                                                  {"slice-make", 183},
                                                  {"other", 0}});
  // Constants, single-byte and zero-size values; fmt.Errorf calls with
  // arguments (their inlined errors.New branch never runs).
  CHECK(first.json.at("not_allocating").at("interface-boxing") == 307);
  CHECK(first.json.at("not_allocating").at("fmt-argument") == 97);
  // Pointer-receiver wrappers repeating their method's finding.
  CHECK(first.json.at("merged_generated") == 37);

  struct Sample {
    std::string file;
    int line, column;
    std::string message, shape;
    bool allocates;
    std::string why;
  };
  const std::vector<Sample> samples = {
      {"net/http/header.go", 147, 26, "([]byte)(s) escapes to heap", "bytes-to-interface", true,
       "stringWriter.WriteString: w.w.Write([]byte(s)), w.w is an io.Writer"},
      {"text/template/funcs.go", 643, 24, "([]byte)(s) escapes to heap", "string-conversion", true,
       "HTMLEscapeString: HTMLEscape(&b, []byte(s)) is a concrete function, not an interface method"},
      {"encoding/json/stream.go", 266, 17, "([]byte)(\"null\") escapes to heap", "string-conversion", true,
       "RawMessage.MarshalJSON returns []byte(\"null\"): escapes by return"},
      {"encoding/json/decode.go", 740, 54, "key escapes to heap", "fmt-argument", true,
       "fmt.Errorf(\"json: unknown field %q\", key): the string boxed for fmt"},
      {"encoding/json/decode.go", 366, 9, "\"JSON decoder out of sync - data changing underfoot?\" escapes to heap",
       "interface-boxing", false, "panic(phasePanicMsg): a constant boxed into any, read-only data"},
      {"encoding/json/fold.go", 18, 6, "moved to heap: arr", "address-taken", true,
       "foldName: var arr [32]byte; appendFoldedName(arr[:0], in) is returned"},
      {"encoding/json/decode.go", 1079, 11, "make(map[string]any) escapes to heap", "make-escape", true,
       "objectInterface: m := make(map[string]any) is returned"},
      {"encoding/json/decode.go", 1189, 13, "string(s) escapes to heap", "named-result", true,
       "unquote(s []byte) (t string, ok bool): t = string(s) with a bare return"},
      {"net/http/transport.go", 1507, 19, "&errors.errorString{...} escapes to heap", "named-result", true,
       "customDialTLS(...) (conn net.Conn, err error): err = errors.New(...)"},
      {"encoding/json/encode.go", 1112, 53, "map[reflect.Type]int{} escapes to heap", "make-escape", true,
       "typeFields: count, nextCount = nextCount, map[reflect.Type]int{} in a loop; count is declared outside it, "
       "not a named result"},
      {"net/http/h2_bundle.go", 1786, 14, "make([]byte, 9) escapes to heap", "address-taken", true,
       "http2fhBytes.New: buf := make(...); return &buf - buf itself moves to the heap"},
      {"encoding/json/encode.go", 1196, 23, "func literal escapes to heap", "closure-capture", true,
       "typeFields: field.isZero = func(v reflect.Value) bool {...} is stored"},
  };
  for (const auto& s : samples) {
    INFO(s.file << ":" << s.line << ":" << s.column << " " << s.message << " (" << s.why << ")");
    const nlohmann::json* found = nullptr;
    for (const auto& f : first.json.at("findings"))
      if (f.at("file") == "$GOROOT/src/" + s.file && f.at("line") == s.line && f.at("column") == s.column &&
          f.at("message") == s.message)
        found = &f;
    REQUIRE(found);
    CHECK(found->at("shape") == s.shape);
    CHECK(found->at("allocates") == s.allocates);
    CHECK_FALSE(found->at("chain").empty());
  }
}

TEST_CASE("scan writes SARIF for GitHub code scanning on encoding/json and net/http", "[scan][integration]") {
  // Validated by `exports: validate` with the SARIF multitool's GitHub rules.
  for (const std::string pkg : {"encoding/json", "net/http"}) {
    INFO(pkg);
    test::TempDir dir("scan");
    auto r = test::run_harness({"scan", "--format", "sarif", "--out", dir.path + "/scan.sarif", pkg});
    INFO(r.out << r.err);
    REQUIRE(r.ok());
    CHECK_THAT(r.out, Catch::Contains("scanned " + pkg + " with go"));
    const std::string text = test::read_file(dir.path + "/scan.sarif");
    REQUIRE_FALSE(text.empty());
    std::string name = pkg;
    std::replace(name.begin(), name.end(), '/', '-');
    test::keep_export("scan-" + name + ".sarif", text);
    auto sarif = nlohmann::json::parse(text);
    CHECK(sarif.at("version") == "2.1.0");
    const auto& results = sarif.at("runs").at(0).at("results");
    CHECK(results.size() > (pkg == "net/http" ? 1000u : 300u));
    // No result where GitHub could show no line: compiler-generated code is
    // counted apart, in the summary and the run's notifications.
    for (const auto& res : results) CHECK(res.dump().find("autogenerated") == std::string::npos);
    if (r.out.find("in compiler-generated code") != std::string::npos)
      CHECK(sarif["runs"][0].at("invocations").at(0).contains("toolExecutionNotifications"));
    if (pkg == "net/http")
      for (const char* shape : {"bytes-to-interface", "interface-boxing", "address-taken", "fmt-argument",
                                "closure-capture", "named-result", "make-escape", "other"})
        CHECK_THAT(r.out, Catch::Contains(std::string("%  ") + shape));
  }
}

TEST_CASE("errorcheck: each toolchain holds every expectation of its own suite", "[errorcheck][integration]") {
  // Go's escape tests with the real compilers: on its own toolchain a suite
  // must hold 100% of the files it compiles, with no unexpected message,
  // as Go's own test driver requires; anything else is a bug here.
  test::TempDir dir("errorcheck");
  auto r = test::run_harness({"errorcheck", "--go", "go", "--go", "/usr/lib/go-1.19/bin/go", "--out", dir.path});
  INFO(r.out << r.err);
  REQUIRE(r.ok());
  for (const std::string own : {"go1.19.8", "go1.26.8"}) {
    auto at = r.out.find("suite " + own + ":\n");
    REQUIRE(at != std::string::npos);
    auto line = r.out.find("  on " + own + ": ", at);
    REQUIRE(line != std::string::npos);
    CHECK_THAT(r.out.substr(line, r.out.find('\n', line) - line),
               Catch::Matches("  on " + own + ": [0-9]+ held, 0 failed, [0-9]+ skipped; 0 unexpected messages; .*"));
  }
  auto json = nlohmann::json::parse(test::read_file(dir.path + "/compiler.json"));
  CHECK(json.at("expectations").size() > 3000);
  CHECK_THAT(test::read_file(dir.path + "/COMPILER.md"), Catch::Contains("## What escape analysis changed"));
}
