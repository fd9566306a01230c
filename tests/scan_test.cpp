#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli.h"
#include "report_scan.h"
#include "scan.h"
#include "test_util.h"

using namespace eh;

// scan: classifying the compiler's heap allocations into the catalog's
// shapes. The fixtures are real -m=2 output of tests/fixtures/scan, a module
// with one package per shape, captured with
//   go build -o /dev/null -gcflags=-m=2 ./... 2> tests/fixtures/scan_m2_<version>.txt

namespace {

// The fixture module's sources, as the compiler names them (relative).
std::optional<std::string> fixture_source(const std::string& file) {
  try {
    return test::read_repo_file("tests/fixtures/scan/" + file);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::vector<Finding> scan_text(std::string_view text, std::size_t chunk) {
  EscapeScanner s(fixture_source);
  for (std::size_t i = 0; i < text.size(); i += chunk) s.feed(text.substr(i, chunk));
  s.finish();
  return s.findings();
}

// The one shape each fixture package is written to produce.
const std::map<std::string, std::string> kFixtureShape = {
    {"bytesiface", "bytes-to-interface"}, {"boxing", "interface-boxing"},      {"addrtaken", "address-taken"},
    {"fmtarg", "fmt-argument"},           {"closure", "closure-capture"},      {"namedresult", "named-result"},
    {"makeescape", "make-escape"},        {"appendgrowth", "append-growth"},   {"retptr", "returned-pointer"},
    {"concat", "string-concat"},          {"conversion", "string-conversion"}, {"slicemake", "slice-make"},
    {"errorf", "fmt-argument"},           {"staticbox", "interface-boxing"},
};

std::string last_component(const std::string& package) { return package.substr(package.rfind('/') + 1); }

ChainStep step(std::string text) { return ChainStep{std::move(text), "", 0, 0}; }

ScanReport fixture_report() {
  ScanReport r;
  r.toolchain = "go1.26.8";
  r.patterns = {"./..."};
  r.dir = "/src/my module";
  r.goroot = "/usr/local/go";
  r.findings = scan_text(test::fixture("scan_m2_go1.26.8.txt"), 1 << 20);
  for (auto& f : r.findings) f.file = r.dir + "/" + f.file;  // as go prints them from outside the module
  r.verdicts = {{"variadic-any", "three-convt-allocations refuted"}};
  return r;
}

}  // namespace

TEST_CASE("each fixture package produces exactly its shape, in real go1.26.8 and go1.19.8 output", "[scan]") {
  for (std::string version : {"go1.26.8", "go1.19.8"}) {
    DYNAMIC_SECTION(version) {
      auto findings = scan_text(test::fixture("scan_m2_" + version + ".txt"), 1 << 20);
      std::map<std::string, std::set<std::string>> shapes;
      for (const auto& f : findings) shapes[last_component(f.package)].insert(std::string(to_string(f.shape)));
      const std::set<std::string> none_before_go126 = {"appendgrowth"};
      for (const auto& [package, shape] : kFixtureShape) {
        INFO(package);
        if (version == "go1.19.8" && none_before_go126.count(package)) CHECK(shapes.count(package) == 0);
        else
          CHECK(shapes[package] == std::set<std::string>{shape});
      }
      // No finding on go1.19.8 in appendgrowth: append's growslice is not
      // reported there (go1.25 can put small append backing stores on the
      // stack, and reports the ones it cannot).
      CHECK(shapes.size() == kFixtureShape.size() - (version == "go1.19.8" ? 1 : 0));
      // What allocates nothing, and why: the constant in boxing.Fail, the
      // single-byte and zero-size values of staticbox, and (go1.26.8) the
      // errors.New branch of fmt.Errorf calls that have arguments or a '%'.
      std::map<std::string, std::string> allocation;
      for (const auto& f : findings)
        if (f.allocation != Allocation::yes) {
          CHECK_FALSE(f.note.empty());
          allocation[last_component(f.package) + " " + f.message] = std::string(to_string(f.allocation));
        }
      std::map<std::string, std::string> expected = {
          {"boxing \"boxing: a constant\" escapes to heap", "no"},
          {"staticbox ok escapes to heap", "no"},
          {"staticbox b escapes to heap", "no"},
          {"staticbox ctxKey{} escapes to heap", "no"},
          {"staticbox l escapes to heap", "no"},
          {"staticbox n escapes to heap", "unlikely"},
          {"boxing level escapes to heap", "unlikely"},  // ints
          {"errorf n escapes to heap", "unlikely"},
          {"fmtarg id escapes to heap", "unlikely"},
      };
      if (version == "go1.26.8") {
        expected["staticbox context.backgroundCtx{} escapes to heap"] = "unlikely";
        expected["errorf &errors.errorString{...} escapes to heap"] = "no";  // Args and Percent
      }
      for (const auto& [k, v] : allocation) {
        INFO(k);
        CHECK(expected[k] == v);
      }
      CHECK(allocation.size() == expected.size());
      int errorf_allocating = 0;
      for (const auto& f : findings)
        if (f.message.starts_with("&errors.errorString") && f.allocation == Allocation::yes) {
          ++errorf_allocating;
          CHECK(f.function == "Constant");
        }
      CHECK(errorf_allocating == (version == "go1.26.8" ? 1 : 0));
      // Every finding names its function: go1.26's -m=2 does, go1.19's is
      // read from the declaration around it.
      for (const auto& f : findings) {
        INFO(f.file << ":" << f.line << " " << f.message);
        CHECK_FALSE(f.function.empty());
      }
      auto function_of = [&](const std::string& message) {
        for (const auto& f : findings)
          if (f.message == message) return f.function;
        return std::string("(none)");
      };
      CHECK(function_of("moved to heap: n") == "Walk");
    }
  }
}

TEST_CASE("a finding keeps its position, message and why-chain", "[scan]") {
  auto findings = scan_text(test::fixture("scan_m2_go1.26.8.txt"), 1 << 20);
  const Finding* n = nullptr;
  for (const auto& f : findings)
    if (f.message == "moved to heap: n") n = &f;
  REQUIRE(n);
  CHECK(n->package == "escapeharness.test/scan/addrtaken");
  CHECK(n->file == "addrtaken/addrtaken.go");
  CHECK(n->line == 9);
  CHECK(n->column == 11);
  CHECK(n->shape == Shape::address_taken);
  REQUIRE(n->chain.size() == 3);
  CHECK(n->chain[0] == ChainStep{"flow: {heap} ← &n", "", 0, 0});
  CHECK(n->chain[1] == ChainStep{"from &n (address-of)", "addrtaken/addrtaken.go", 10, 9});
  CHECK(n->chain[2] == ChainStep{"from last = &n (assign)", "addrtaken/addrtaken.go", 10, 7});
}

TEST_CASE("the scanner reads alike whatever the chunks", "[scan]") {
  const std::string text = test::fixture("scan_m2_go1.26.8.txt");
  const auto whole = scan_text(text, text.size());
  REQUIRE(whole.size() == 29);
  for (std::size_t chunk : {1, 2, 7, 64, 4096}) {
    INFO("chunk " << chunk);
    CHECK(scan_text(text, chunk) == whole);
  }
  // No final newline: finish() reads the last line, a finding
  // ("fmtarg/fmtarg.go:6:60: id escapes to heap").
  REQUIRE(text.ends_with(" escapes to heap\n"));
  CHECK(scan_text(text.substr(0, text.size() - 1), 3) == whole);
}

TEST_CASE("a level-1 message takes the -m=2 explanation whose subject extends it", "[scan]") {
  // Real go1.26.8 output: level 1 says "append escapes to heap" for what
  // -m=2 explains as "append(handlers, func literal) escapes to heap in Register:".
  const std::string text = R"(# escapeharness.test/scan/closure
closure/closure.go:9:19: append(handlers, func literal) escapes to heap in Register:
closure/closure.go:9:19:   flow: {heap} ← &{storage for append(handlers, func literal)}:
closure/closure.go:9:19:     from append(handlers, func literal) (spill) at closure/closure.go:9:19
closure/closure.go:9:19:     from handlers = append(handlers, func literal) (assign) at closure/closure.go:9:11
closure/closure.go:9:19: append escapes to heap
closure/closure.go:9:19: append escapes to heap
# escapeharness.test/scan/other
closure/closure.go:9:19: append escapes to heap
)";
  auto findings = scan_text(text, 5);
  REQUIRE(findings.size() == 2);  // the repeat within one package counts once
  CHECK(findings[0].package == "escapeharness.test/scan/closure");
  CHECK(findings[0].chain.size() == 3);
  CHECK(findings[0].shape == Shape::append_growth);
  CHECK(findings[0].function == "Register");
  // A new package starts without the previous one's explanations.
  CHECK(findings[1].package == "escapeharness.test/scan/other");
  CHECK(findings[1].chain.empty());
  CHECK(findings[1].function == "Register");  // no header names it: read from the source
  CHECK(findings[1].shape == Shape::append_growth);
}

TEST_CASE("a value stored in a variable takes the variable's reason", "[scan]") {
  auto findings = scan_text(test::fixture("scan_m2_go1.26.8.txt"), 1 << 20);
  auto shape_of = [&](const std::string& file, int line, const std::string& message) {
    for (const auto& f : findings)
      if (f.file == file && f.line == line && f.message == message) return std::string(to_string(f.shape));
    return std::string("(not found)");
  };
  // buf moved to heap (captured by reference): the slice in it too.
  CHECK(shape_of("closure/closure.go", 15, "make([]byte, 8) escapes to heap") == "closure-capture");
  // last is declared outside the loop the slice is made in: not a named result.
  CHECK(shape_of("slicemake/slicemake.go", 9, "make([]byte, i) escapes to heap") == "slice-make");
  // cfg is Load's named result.
  CHECK(shape_of("namedresult/namedresult.go", 11, "&Config{...} escapes to heap") == "named-result");
  // Without the source, a named result cannot be told from a variable outside a loop.
  EscapeScanner blind;
  blind.feed(test::fixture("scan_m2_go1.26.8.txt"));
  blind.finish();
  for (const auto& f : blind.findings()) CHECK(f.shape != Shape::named_result);
}

TEST_CASE("named_results reads the declaration around a line", "[scan]") {
  const std::string src = R"go(package p

func plain(a int) int {
	return a
}

func (d *socksDialer) pathAddrs(address string) (proxy, dst net.Addr, err error) {
	for i, s := range []string{d.proxyAddress, address} {
		_ = i
	}
	return
}

func Map[K comparable, V any](m map[K]V, f func(K) (bool, error)) (out map[K]V) {
	return nil
}

func unnamed() (map[string]int, error) { return nil, nil }

func ch() (chan int) { return nil }

func multi(
	a string, // an unbalanced ( in a comment, and ")" in a string
	b string /* ) */, c string,
) (n int,
	s string) {
	return 0, ")"
}
)go";
  CHECK(named_results(src, 1).empty());
  CHECK(named_results(src, 4).empty());
  CHECK(named_results(src, 9) == std::vector<std::string>{"proxy", "dst", "err"});
  CHECK(named_results(src, 7) == std::vector<std::string>{"proxy", "dst", "err"});
  CHECK(named_results(src, 15) == std::vector<std::string>{"out"});
  CHECK(named_results(src, 18).empty());
  CHECK(named_results(src, 20).empty());
  CHECK(named_results(src, 27) == std::vector<std::string>{"n", "s"});
  CHECK(named_results(src, 1000) == std::vector<std::string>{"n", "s"});
  CHECK(named_results("", 3).empty());
}

TEST_CASE("classify reads the message and the chain", "[scan]") {
  CHECK(classify("moved to heap: n", {step("from &n (address-of)")}) == Shape::address_taken);
  CHECK(classify("moved to heap: count", {step("from count (captured by a closure)")}) == Shape::closure_capture);
  CHECK(classify("func literal escapes to heap", {}) == Shape::closure_capture);
  // []byte(s) is entry 1's shape only when an interface method takes it
  // (chains from go1.26.8 on net/http, text/template and encoding/json).
  CHECK(classify("([]byte)(s) escapes to heap",
                 {step("flow: {heap} ← &{storage for ([]byte)(s)}"), step("from ([]byte)(s) (spill)"),
                  step("from w.w.Write(([]byte)(s)) (call parameter)")}) == Shape::bytes_to_interface);
  CHECK(classify("([]byte)(s) escapes to heap",
                 {step("flow: {heap} ← &{storage for ([]byte)(s)}"), step("from ([]byte)(s) (spill)"),
                  step("from HTMLEscape(&b, ([]byte)(s)) (call parameter)")}) == Shape::string_conversion);
  CHECK(classify("([]byte)(qv) escapes to heap",
                 {step("flow: {heap} ← &{storage for ([]byte)(qv)}"), step("from ([]byte)(qv) (spill)"),
                  step("from (*decodeState).literalStore(d, ([]byte)(qv), subv, true) (call parameter)")}) ==
        Shape::string_conversion);
  CHECK(classify("([]byte)(\"null\") escapes to heap",
                 {step("flow: ~r0 ← &{storage for ([]byte)(\"null\")}"), step("from ([]byte)(\"null\") (spill)"),
                  step("from return ([]byte)(\"null\"), nil (return)")}) == Shape::string_conversion);
  CHECK(classify("([]byte)(s) escapes to heap", {}) == Shape::string_conversion);
  CHECK(classify("... argument escapes to heap", {step("from record(... argument...) (call parameter)")}) ==
        Shape::interface_boxing);
  CHECK(classify("... argument escapes to heap",
                 {step("from fmt.Sprintf(\"%d\", ... argument...) (call parameter)")}) == Shape::fmt_argument);
  CHECK(classify("id escapes to heap", {step("flow: {storage for ... argument} ← &{storage for id}"),
                                        step("from fmt.Errorf(\"x %d\", ... argument...) (call parameter)")}) ==
        Shape::fmt_argument);
  CHECK(classify("msg escapes to heap", {step("from msg (interface-converted)")}) == Shape::interface_boxing);
  CHECK(classify("make(map[string]int) escapes to heap", {step("from return m (return)")}) == Shape::make_escape);
  CHECK(classify("&Point{...} escapes to heap", {step("flow: ~r0 ← &{storage for &Point{...}}"),
                                                 step("from return &Point{...} (return)")}) == Shape::returned_pointer);
  CHECK(classify("append(s, x) escapes to heap", {step("from return s (return)")}) == Shape::append_growth);
  CHECK(classify("a + b escapes to heap", {step("from return a + b (return)")}) == Shape::string_concat);
  CHECK(classify("make([]int, n) escapes to heap", {step("from return s (return)")}) == Shape::slice_make);
  // Stored in a named result: the chain ends at a plain variable, no return, no {heap}.
  CHECK(classify("&Config{...} escapes to heap", {step("flow: cfg ← &{storage for &Config{...}}"),
                                                  step("from cfg = &Config{...} (assign)")}) == Shape::named_result);
  // Go 1.19 writes the flow with '='.
  CHECK(classify("&Config{...} escapes to heap", {step("flow: cfg = &{storage for &Config{...}}"),
                                                  step("from cfg = &Config{...} (assign)")}) == Shape::named_result);
  CHECK(classify("&Config{...} escapes to heap",
                 {step("flow: {heap} ← &{storage for &Config{...}}"), step("from sink = &Config{...} (assign)")}) ==
        Shape::returned_pointer);
  // A value with no boxing in its chain: nothing the catalog describes.
  CHECK(classify("x escapes to heap", {}) == Shape::other);
}

TEST_CASE("constants and empty structs are boxed without allocating", "[scan]") {
  for (const char* yes :
       {"\"a\" escapes to heap", "`raw` escapes to heap", "1000 escapes to heap", "-1.5 escapes to heap",
        "0x10 escapes to heap", "'x' escapes to heap", "struct {}{} escapes to heap",
        "\"say \\\"hi\\\"\" escapes to heap", "true escapes to heap"}) {
    INFO(yes);
    CHECK(static_subject(yes));
  }
  for (const char* no : {"\"a\" + b escapes to heap", "x escapes to heap", "moved to heap: x", "1 + x escapes to heap",
                         "\"a\" + \"b\" + c escapes to heap", "- escapes to heap", "\"\" escapes", ""}) {
    INFO(no);
    CHECK_FALSE(static_subject(no));
  }
}

TEST_CASE("the Markdown scan report of the fixture module matches the golden file", "[scan]") {
  std::string md = scan_markdown(fixture_report());
  test::check_golden("tests/golden/scan-fixture.md", md);
}

TEST_CASE("the summary counts each shape and names the top files", "[scan]") {
  std::string s = scan_summary(fixture_report());
  CHECK_THAT(s, Catch::StartsWith("scanned ./... with go1.26.8: 29 heap allocations reported"));
  CHECK_THAT(s, Catch::Contains("      10   34.5%  interface-boxing    entry 2 (variadic-any: three-convt-allocations "
                                "refuted on go1.26.8)\n"
                                "     (5)                              of them allocate nothing"));
  CHECK_THAT(s, Catch::Contains("       1    3.4%  append-growth       the harness's own shape, not the catalog's: "
                                "pre-size the slice"));
  CHECK_THAT(s, Catch::Contains("       0    0.0%  other               none of the catalog's shapes\n"));
  CHECK_THAT(s, Catch::Contains("top files:\n       6  staticbox/staticbox.go\n       5  closure/closure.go\n"));
}

// The required structure of SARIF 2.1.0 (the OASIS schema's "required"
// properties and value constraints), as GitHub code scanning reads it.
TEST_CASE("SARIF output has the structure the 2.1.0 schema requires", "[scan]") {
  ScanReport r = fixture_report();
  Finding wrapper;  // the compiler reports positions in generated wrappers like this
  wrapper.package = "escapeharness.test/scan/bytesiface";
  wrapper.file = "<autogenerated>";
  wrapper.line = 1;
  wrapper.message = "([]byte)(s) escapes to heap";
  wrapper.shape = Shape::bytes_to_interface;
  r.findings.push_back(wrapper);
  Finding std;
  std.package = "net/http";
  std.file = "/usr/local/go/src/net/http/header.go";
  std.line = 147;
  std.column = 26;
  std.message = "([]byte)(s) escapes to heap";
  std.shape = Shape::bytes_to_interface;
  r.findings.push_back(std);

  const std::string text = scan_sarif(r);
  test::keep_export("unit-scan-fixture.sarif", text);
  auto j = nlohmann::json::parse(text);
  CHECK(j.at("version") == "2.1.0");
  CHECK(j.at("$schema").get<std::string>().find("sarif-2.1.0") != std::string::npos);
  REQUIRE(j.at("runs").is_array());
  REQUIRE(j["runs"].size() == 1);
  const auto& run = j["runs"][0];
  const auto& driver = run.at("tool").at("driver");
  CHECK_FALSE(driver.at("name").get<std::string>().empty());
  const auto& rules = driver.at("rules");
  REQUIRE(rules.size() == kShapeCount);
  for (int i = 0; i < kShapeCount; ++i)
    CHECK(rules[static_cast<std::size_t>(i)].at("name") == to_string(static_cast<Shape>(i)));
  std::set<std::string> ids;
  for (const auto& rule : rules) {
    CHECK(ids.insert(rule.at("id").get<std::string>()).second);
    CHECK_FALSE(rule.at("shortDescription").at("text").get<std::string>().empty());
  }
  auto uri_reference = [](const std::string& u) {
    if (u.empty()) return false;
    for (unsigned char c : u)
      if (!(std::isalnum(c) ||
            std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(static_cast<char>(c)) != std::string_view::npos))
        return false;
    return true;
  };
  const auto& bases = run.at("originalUriBaseIds");
  for (const auto& [name, base] : bases.items()) {
    std::string u = base.at("uri");
    INFO(name << " " << u);
    CHECK(u.starts_with("file:///"));
    CHECK(u.ends_with("/"));  // the spec: a base URI ends with a slash
    CHECK(uri_reference(u));
  }
  CHECK(bases.at("%SRCROOT%").at("uri") == "file:///src/my%20module/");
  auto check_location = [&](const nlohmann::json& loc) {
    const auto& art = loc.at("physicalLocation").at("artifactLocation");
    CHECK(uri_reference(art.at("uri")));
    CHECK(bases.contains(art.at("uriBaseId").get<std::string>()));
    const auto& region = loc.at("physicalLocation").at("region");
    CHECK(region.at("startLine").get<int>() >= 1);
    if (region.contains("startColumn")) CHECK(region.at("startColumn").get<int>() >= 1);
  };
  const auto& results = run.at("results");
  // The finding in compiler-generated code has no line to show: left out,
  // and counted where GitHub shows the tool's notes.
  REQUIRE(results.size() == r.findings.size() - 1);
  CHECK(generated_findings(r) == 1);
  CHECK(
      run.at("invocations").at(0).at("toolExecutionNotifications").at(0).at("message").at("text") ==
      "1 finding in compiler-generated code (<autogenerated>, no source line) left out; the scan summary counts them");
  // What GitHub code scanning requires and reads of a rule.
  CHECK(driver.at("informationUri") == "https://go.dev/doc/gc-guide#Escape_analysis");
  for (const auto& rule : rules) {
    INFO(rule.dump());
    CHECK_FALSE(rule.at("help").at("text").get<std::string>().empty());
    CHECK_THAT(rule.at("help").at("markdown").get<std::string>(), Catch::StartsWith("**"));
    CHECK(rule.at("helpUri") == "https://go.dev/doc/gc-guide#Escape_analysis");
    CHECK(rule.at("properties").at("precision") == "high");
    CHECK(rule.at("properties").at("tags").size() == 4);
  }
  // A verdict on a catalog entry's description is said as one, never as a
  // verdict on the finding.
  CHECK_THAT(rules[1].at("help").at("text").get<std::string>(),
             Catch::Contains("- catalog entry 2 (variadic-any): the harness measured its symptom claim on go1.26.8: "
                             "three-convt-allocations refuted (a verdict on the catalog's description, not on this "
                             "finding)"));
  int flows = 0;
  for (const auto& res : results) {
    INFO(res.dump());
    CHECK_FALSE(res.at("message").at("text").get<std::string>().empty());
    int index = res.at("ruleIndex");
    REQUIRE(index >= 0);
    REQUIRE(index < static_cast<int>(rules.size()));
    CHECK(res.at("ruleId") == rules[static_cast<std::size_t>(index)].at("id"));
    CHECK(std::set<std::string>{"none", "note", "warning", "error"}.count(res.at("level")));
    REQUIRE(res.at("locations").size() == 1);
    check_location(res["locations"][0]);
    if (res.contains("codeFlows")) {
      ++flows;
      for (const auto& cf : res["codeFlows"])
        for (const auto& tf : cf.at("threadFlows")) {
          REQUIRE_FALSE(tf.at("locations").empty());
          for (const auto& l : tf["locations"]) check_location(l.at("location"));
        }
    }
  }
  CHECK(flows == 29);  // every fixture finding has a why-chain
  CHECK(results[29]["locations"][0]["physicalLocation"]["artifactLocation"] ==
        nlohmann::json{{"uri", "net/http/header.go"}, {"uriBaseId", "%GOROOT%"}});
  // Worded as what the code does, with the compiler's own line.
  CHECK(results[29]["message"]["text"] ==
        "allocates: bytes-to-interface, see catalog entry 1 (([]byte)(s) escapes to heap)");
  for (const auto& res : results)
    CHECK(res.at("message").at("text").get<std::string>().find("refuted") == std::string::npos);
}

TEST_CASE("scan runs go build -gcflags=-m=2 on the patterns and writes the format asked for", "[scan][cli]") {
  MemoryFileSystem fs;
  test::FakeProcessRunner go;
  std::ostringstream out, err;
  CliContext ctx{go, fs, out, err, {{"PATH", "/usr/local/go/bin:/bin"}, {"HOME", "/home/u"}}};
  go.on({"env", "GOVERSION"}, test::exited(0, "go1.26.8\nlinux\namd64\n/usr/local/go\n"));
  go.on({"build", "-gcflags=-m=2", "./..."}, test::exited(0, "", test::fixture("scan_m2_go1.26.8.txt")));

  SECTION("SARIF to a file, the summary to stdout") {
    CHECK(run_cli({"scan", "--format", "sarif", "--out", "scan.sarif", "./..."}, ctx) == 0);
    const Command& build = go.commands.back();
    CHECK(build.argv ==
          std::vector<std::string>{"/usr/local/go/bin/go", "build", "-o", "/dev/null", "-gcflags=-m=2", "./..."});
    CHECK_THAT(out.str(), Catch::Contains("29 heap allocations reported"));
    CHECK_THAT(out.str(), Catch::Contains("wrote scan.sarif (sarif)"));
    REQUIRE(fs.files.count("scan.sarif"));
    test::keep_export("unit-scan-cli.sarif", fs.files["scan.sarif"]);
    CHECK(nlohmann::json::parse(fs.files["scan.sarif"])["runs"][0]["results"].size() == 29);
  }
  SECTION("JSON to stdout stays parseable: the summary moves to stderr") {
    CHECK(run_cli({"scan", "--format", "json", "./..."}, ctx) == 0);
    CHECK(nlohmann::json::parse(out.str())["findings"].size() == 29);
    CHECK_THAT(err.str(), Catch::Contains("29 heap allocations reported"));
  }
  SECTION("a package that does not build: what was analysed is reported, exit 1") {
    go.rules.insert(go.rules.begin(), [](const Command& c, ProcessResult& r) {
      if (c.argv.size() < 2 || c.argv[1] != "build") return false;
      r = test::exited(1, "", test::fixture("scan_m2_go1.26.8.txt") + "broken/x.go:3:1: syntax error\n");
      return true;
    });
    CHECK(run_cli({"scan", "./..."}, ctx) == 1);
    CHECK_THAT(out.str(), Catch::Contains("29 heap allocations reported"));
    CHECK_THAT(err.str(), Catch::Contains("the scan is incomplete"));
    CHECK_THAT(err.str(), Catch::Contains("broken/x.go:3:1: syntax error"));
  }
  SECTION("usage errors exit 2 before go runs") {
    CHECK(run_cli({"scan"}, ctx) == 2);
    CHECK(run_cli({"scan", "--format", "xml", "./..."}, ctx) == 2);
    CHECK_THAT(err.str(), Catch::Contains("--format: expected summary, md, json or sarif, got 'xml'"));
    CHECK(go.commands.empty());
  }
}
