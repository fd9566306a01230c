#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>

#include "generate.h"
#include "spec_loader.h"
#include "test_util.h"
#include "text.h"

using namespace eh;

namespace {

// A complete, valid spec; tests break one thing at a time.
const std::string kGood = R"(id: demo
source: tests
title: Demo
common: |
  type T struct{ n int }
variants:
  - name: bug
    code: |
      func f(t T) int { // @param
      	p := &t
      	return p.n
      }
    setup: |
      var v = T{n: 1}
    call: f(v)
    results: [int]
  - name: fix
    code: |
      func f(t *T) int { return t.n }
    call: f(&T{})
    results: [int]
    min_go: "1.20"
claims:
  - id: moves
    aspect: symptom
    text: t moves to the heap.
    expect:
      - kind: diagnostic
        variant: bug
        marker: param
        matches: "moved to heap: t"
      - kind: allocs
        variant: bug
        approx: 1
        tolerance: 10%
      - kind: fewer
        metric: bytes
        variant: fix
        than: bug
        by_at_least: 8
)";

/// All errors for `text`, formatted and joined by blank lines.
std::string errors(const std::string& text) {
  std::vector<InputError> errs;
  parse_scenario("s.yaml", text, errs);
  std::string out;
  for (const auto& e : errs) out += (out.empty() ? "" : "\n\n") + e.format();
  return out;
}

using test::replace;

// One mistake per row, in the style of Go's testdir: the spec above with
// `from` replaced by `to`, and every word of the errors it gets, with the
// line and the caret.
struct Mistake {
  const char* what;
  const char* from;
  const char* to;
  const char* says;
};

const Mistake kMistakes[] = {
    {"an unknown key suggests the nearest valid one", "    results: [int]\n  - name: fix",
     "    reslts: [int]\n  - name: fix",
     "s.yaml:16:5: unknown key 'reslts' in variant (did you mean 'results'?)\n"
     "        reslts: [int]\n"
     "        ^"},
    {"an unknown key suggests the nearest valid one", "title: Demo", "colour: Demo",
     "s.yaml:3:1: unknown key 'colour' in scenario (expected one of: id, entry, source, title, summary, imports, "
     "common, variants, claims, not_encoded)\n"
     "    colour: Demo\n"
     "    ^\n\n"
     "s.yaml:1:1: scenario is missing required key 'title'\n"
     "    id: demo\n"
     "    ^"},
    {"a missing required field is named", "    call: f(&T{})\n", "",
     "s.yaml:17:5: variant is missing required key 'call'\n"
     "      - name: fix\n"
     "        ^"},
    {"a wrong type says what was expected", "source: tests", "entry: three",
     "s.yaml:2:8: entry: expected an integer from 1 to 999, got 'three'\n"
     "    entry: three\n"
     "           ^"},
    {"a wrong type says what was expected", "results: [int]\n  - name: fix", "results: int\n  - name: fix",
     "s.yaml:16:14: results: expected a list, got 'int'\n"
     "        results: int\n"
     "                 ^"},
    {"references to variants and markers must exist", "        marker: param", "        marker: parm",
     "s.yaml:30:17: marker: no line of variant 'bug' (nor of its setup or the common code) carries '// @parm'\n"
     "            marker: parm\n"
     "                    ^"},
    {"references to variants and markers must exist", "        than: bug", "        than: bgu",
     "s.yaml:39:15: than: no variant named 'bgu' in this scenario (did you mean 'bug'?)\n"
     "            than: bgu\n"
     "                  ^"},
    {"a malformed minimum Go version is rejected", "min_go: \"1.20\"", "min_go: \"go1.20\"",
     "s.yaml:22:13: min_go: expected a Go version like \"1.21\" or \"1.20.3\", got 'go1.20'\n"
     "        min_go: \"go1.20\"\n"
     "                ^"},
    {"a variant's Go version window must be open", "    min_go: \"1.20\"",
     "    min_go: \"1.20\"\n    before_go: \"1.20\"",
     "s.yaml:23:16: before_go: 1.20 is not after min_go 1.20: no Go version runs this variant\n"
     "        before_go: \"1.20\"\n"
     "                   ^"},
    {"expectation kinds and their keys are checked", "kind: allocs", "kind: alloc",
     "s.yaml:32:15: kind: unknown expectation kind 'alloc' (did you mean 'allocs'?)\n"
     "          - kind: alloc\n"
     "                  ^"},
    {"expectation kinds and their keys are checked", "        tolerance: 10%\n", "",
     "s.yaml:32:9: allocs expectation: 'approx' needs a 'tolerance' (like 10% or 16)\n"
     "          - kind: allocs\n"
     "            ^"},
    {"expectation kinds and their keys are checked", "matches: \"moved to heap: t\"", "matches: \"moved (to\"",
     "s.yaml:31:18: matches: not a pattern RE2 takes: a '(' that is not closed, at 'moved (to'\n"
     "            matches: \"moved (to\"\n"
     "                     ^"},
    {"a missing kind lists every kind of the name table", "      - kind: allocs\n        variant: bug\n",
     "      - variant: bug\n",
     "s.yaml:32:9: expectation is missing required key 'kind' (one of: allocs, bytes, fewer, diagnostic, site, "
     "faster, holds, similar, largest)\n"
     "          - variant: bug\n"
     "            ^"},
    {"a missing kind lists every kind of the name table", "aspect: symptom", "aspect: sympton",
     "s.yaml:25:13: aspect: unknown aspect 'sympton' (did you mean 'symptom'?)\n"
     "        aspect: sympton\n"
     "                ^"},
};

}  // namespace

TEST_CASE("a valid spec loads with positions for every code block", "[spec]") {
  std::vector<InputError> errs;
  auto s = parse_scenario("s.yaml", kGood, errs);
  REQUIRE(errs.empty());
  REQUIRE(s);
  CHECK(s->id == "demo");
  CHECK(s->source == "tests");
  CHECK_FALSE(s->from_catalog());
  CHECK(s->common.text == "type T struct{ n int }\n");
  CHECK(s->common.first_line == 5);
  CHECK(s->common.indent == 2);
  REQUIRE(s->variants.size() == 2);
  const Variant& bug = s->variants[0];
  CHECK(bug.code.first_line == 9);
  CHECK(bug.code.indent == 6);
  CHECK(bug.code.text == "func f(t T) int { // @param\n\tp := &t\n\treturn p.n\n}\n");
  CHECK(bug.call == "f(v)");
  CHECK(bug.call_pos == SourcePos{"s.yaml", 15, 11});
  CHECK(bug.results == std::vector<std::string>{"int"});
  CHECK(bug.calls == 10000);
  CHECK(s->variants[1].min_go->to_string() == "1.20");
  auto m = s->find_marker(bug, "param");
  REQUIRE(m.block == &bug.code);
  CHECK(m.line == 1);
  const Claim& c = s->claims[0];
  REQUIRE(c.expect.size() == 3);
  CHECK(c.expect[0].describe() == "-m on bug @param matches /moved to heap: t/");
  CHECK(c.expect[1].describe() == "allocs/op of bug ~ 1 +/- 10%");
  CHECK(c.expect[1].tolerance == Rational(1, 10));
  CHECK(c.expect[2].describe() == "B/op of fix < bug by at least 8 B/op");
}

TEST_CASE("each mistake gets its message at its place: file, line, column and a caret", "[spec]") {
  for (const Mistake& m : kMistakes) {
    INFO(m.what << ": '" << m.from << "' -> '" << m.to << "'");
    CHECK(errors(replace(kGood, m.from, m.to)) == m.says);
  }
}

TEST_CASE("a YAML syntax error names the place", "[spec]") {
  CHECK(errors("id: x\nentry: [3\ntitle: t\n") ==
        "s.yaml:3:6: YAML syntax error: end of sequence flow not found\n"
        "    title: t\n"
        "         ^");
}

TEST_CASE("ids that could escape gosrc/ are rejected", "[spec]") {
  for (const char* bad : {"../evil", "a/b", "Demo", "-x", "a b"}) {
    std::string msg = errors(replace(kGood, "id: demo", std::string("id: \"") + bad + "\""));
    CHECK_THAT(msg,
               Catch::StartsWith("s.yaml:1:5: id: '" + std::string(bad) + "' is not a valid id: use 1 to 64 of a-z"));
  }
  CHECK_THAT(errors(replace(kGood, "  - name: fix", "  - name: ../fix")),
             Catch::StartsWith("s.yaml:17:11: name: '../fix' is not a valid id"));
}

TEST_CASE("a malformed minimum Go version is rejected", "[spec]") {
  CHECK_THAT(errors(replace(kGood, "min_go: \"1.20\"", "min_go: 1.x")),
             Catch::StartsWith("s.yaml:22:13: min_go: expected a Go version"));
}

TEST_CASE("site and holds expectations", "[spec]") {
  std::string site =
      replace(kGood, "      - kind: allocs\n        variant: bug\n        approx: 1\n        tolerance: 10%",
              "      - kind: site\n        variant: bug\n        function: fmt.Errorf\n        at_least: 2");
  std::vector<InputError> errs;
  auto s = parse_scenario("s.yaml", site, errs);
  REQUIRE(s);
  CHECK(s->claims[0].expect[1].describe() == "allocs/op of bug under fmt.Errorf >= 2");
  CHECK_THAT(errors(replace(site, "        at_least: 2", "        at_least: 2\n        present: true")),
             Catch::StartsWith("s.yaml:36:18: present: a site expectation takes either 'present' or an amount"));
  std::string holds = replace(site, "        function: fmt.Errorf\n        at_least: 2", "        function: x");
  holds = replace(holds, "      - kind: fewer",
                  "      - kind: holds\n        variant: bug\n        expr: ok()\n      - kind: fewer");
  errs.clear();
  s = parse_scenario("s.yaml", holds, errs);
  REQUIRE(s);
  CHECK(s->holds_expressions("bug") == std::vector<std::string>{"ok()"});
  CHECK(s->claims[0].expect[2].describe() == "ok() holds in bug");
}

TEST_CASE("Go code may not carry its own package clause or imports", "[spec]") {
  CHECK_THAT(errors(replace(kGood, "      func f(t *T) int { return t.n }", "      import \"fmt\"")),
             Catch::StartsWith("s.yaml:19:7: code: write Go code without a package clause or imports"));
}

TEST_CASE("a non-UTF-8 file is named with the place of the first bad byte", "[spec]") {
  CHECK(errors("id: demo\ntitle: caf\xe9\n") ==
        "s.yaml:2:11: file is not valid UTF-8\n"
        "    title: caf\\xe9\n"
        "              ^");
}

TEST_CASE("duplicate names within a file", "[spec]") {
  CHECK_THAT(errors(replace(kGood, "  - name: fix", "  - name: bug")),
             Catch::StartsWith("s.yaml:17:11: duplicate variant name 'bug' (first at line 7)"));
  CHECK_THAT(errors(replace(kGood, "source: tests", "source: tests\nsource: other")),
             Catch::StartsWith("s.yaml:3:1: duplicate key 'source' in scenario (first at line 2)"));
}

TEST_CASE("load_scenarios checks the directory as a whole", "[spec]") {
  MemoryFileSystem fs;
  SECTION("an empty directory") {
    fs.make_dirs("scenarios", nullptr);
    auto r = load_scenarios(fs, "scenarios");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].format() ==
          "scenarios: no scenario specs (*.yaml) in this directory; see README.md for the format");
  }
  SECTION("a missing directory") {
    auto r = load_scenarios(fs, "nowhere");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].format() == "nowhere: cannot list: No such file or directory");
  }
  SECTION("duplicate ids across files, and every file's errors reported") {
    fs.files["scenarios/a.yaml"] = kGood;
    fs.files["scenarios/b.yaml"] = replace(kGood, "source: tests", "source: other");
    fs.files["scenarios/c.yaml"] = "id: [";
    fs.files["scenarios/notes.txt"] = "ignored";
    auto r = load_scenarios(fs, "scenarios");
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0].format() ==
          "scenarios/b.yaml:1:5: duplicate scenario id 'demo': scenarios/a.yaml:1 already uses it\n"
          "    id: demo\n"
          "        ^");
    CHECK_THAT(r.errors[1].format(),
               Catch::StartsWith("scenarios/c.yaml:1:1: YAML syntax error: end of sequence flow not found"));
    REQUIRE(r.scenarios.size() == 1);
  }
}

TEST_CASE("the committed scenarios load without errors", "[spec]") {
  RealFileSystem fs;
  auto r = load_scenarios(fs, test::repo_path("scenarios"));
  for (const auto& e : r.errors) FAIL(e.format());
  CHECK(r.scenarios.size() >= 3);
}

TEST_CASE("names starting with harness are the harness's own: a spec using one is refused at its line", "[spec]") {
  std::string bad = replace(kGood, "      \tp := &t\n", "      \tharnessSink = &t\n      \tp := &t\n");
  CHECK(errors(bad) ==
        "s.yaml:10:8: 'harnessSink': names starting with 'harness' are the harness's own in the generated package; "
        "rename it\n"
        "          \tharnessSink = &t\n"
        "          \t^");
  // A field or method of that name is not a declaration of the package.
  CHECK(errors(replace(kGood, "      \treturn p.n\n", "      \treturn p.n + len(t.harnessy)\n")).empty());
  CHECK(errors(replace(kGood, "call: f(v)", "call: f(harnessV)")) ==
        "s.yaml:15:13: 'harnessV': names starting with 'harness' are the harness's own in the generated package\n"
        "        call: f(harnessV)\n"
        "                ^");
}

TEST_CASE("an import used only by the call is used: it goes to the test file, not to the code", "[spec][generate]") {
  std::string spec =
      replace(kGood, "    call: f(v)\n", "    imports: [strings]\n    call: f(v) + len(strings.Fields(\"a b\"))\n");
  std::vector<InputError> errs;
  auto s = parse_scenario("s.yaml", spec, errs);
  for (const auto& e : errs) FAIL(e.format());
  REQUIRE(s);
  GeneratedModule m = generate({*s});
  const GoFile* code = m.file("demo/bug/code.go");
  const GoFile* test = m.file("demo/bug/harness_test.go");
  REQUIRE(code);
  REQUIRE(test);
  CHECK(code->content.find("\"strings\"") == std::string::npos);
  CHECK(test->content.find("\n\t\"strings\"\n") != std::string::npos);
  CHECK(test->content.find("\tharnessstrings \"strings\"\n") != std::string::npos);
}

TEST_CASE("a pattern RE2 does not take is an error at the pattern", "[spec]") {
  CHECK(errors(replace(kGood, "matches: \"moved to heap: t\"", "matches: \"(t)\\\\1\"")) ==
        "s.yaml:31:18: matches: not a pattern RE2 takes: an escape RE2 does not know (\\1-style backreferences are "
        "not RE2), at '\\1'\n"
        "            matches: \"(t)\\\\1\"\n"
        "                     ^");
  CHECK_THAT(errors(replace(kGood, "matches: \"moved to heap: t\"", "matches: \"t(?=o)\"")),
             Catch::Contains("a (?...) group RE2 does not have (no lookahead or lookbehind)"));
}

TEST_CASE("ten mistakes of ten kinds in one spec are listed in one pass, each at its place", "[spec]") {
  // Schema, reference and Go-level problems together: none hides another.
  const std::string bad = R"(id: Demo
source: tests
title: Demo
imports: [strings]
variants:
  - name: bug
    code: |
      func f(t T) int { // @param
      	return t.n
      }
    call: f(v); panic(1)
    calls: lots
    min_go: "1.2O"
    colour: red
  - name: bug
    code: |
      func harnessF() int { return 0 }
    call: harnessF()
claims:
  - id: moves
    aspect: symptom
    text: t moves.
    correction: "{bug.speed} on {toolchains}"
    holds_where: [nowhere]
    expect:
      - {kind: diagnostic, variant: bug, marker: parm, matches: "moved (to"}
      - {kind: allocs, variant: bgu, approx: 1, tolerance: 150%}
)";
  std::vector<InputError> errs;
  CHECK_FALSE(parse_scenario("s.yaml", bad, errs));
  std::vector<std::string> lines;
  for (const auto& e : errs) lines.push_back(fmt::format("{}:{}: {}", e.pos.line, e.pos.column, e.message));
  INFO(join(lines, "\n"));
  auto has = [&](int line, const std::string& words) {
    return std::any_of(errs.begin(), errs.end(), [&](const InputError& e) {
      return e.pos.line == line && e.message.find(words) != std::string::npos;
    });
  };
  CHECK(has(1, "is not a valid id"));                    // 1. an id that is not [a-z0-9-]
  CHECK(has(4, "'strings' is not used"));                // 2. an unused import
  CHECK(has(11, "not one Go expression"));               // 3. a call that is two statements
  CHECK(has(12, "expected an integer"));                 // 4. a wrong type
  CHECK(has(13, "1.2O"));                                // 5. a malformed Go version
  CHECK(has(14, "unknown key 'colour'"));                // 6. an unknown key
  CHECK(has(15, "duplicate"));                           // 7. a variant name used twice
  CHECK(has(17, "names starting with 'harness'"));       // 8. a reserved name
  CHECK(has(23, "'{bug.speed}' is not a placeholder"));  // 9. a bad correction placeholder
  CHECK(has(24, "nowhere"));                             // 10. holds_where naming no claim
  CHECK(has(26, "parm"));                                // 11. a marker no line carries
  CHECK(has(26, "RE2"));                                 // 12. a pattern RE2 does not take
  CHECK(has(27, "no variant named 'bgu'"));              // 13. a reference to no variant
  CHECK(has(27, "tolerance"));                           // 14. a tolerance over 100%
  CHECK(errs.size() >= 14);
}

TEST_CASE("what used to be accepted without a word: NUL, a second document, a marker on two lines", "[spec]") {
  CHECK(errors(replace(kGood, "title: Demo", std::string("title: De\0mo", 12))) ==
        "s.yaml:3:10: a NUL byte: a spec is text\n"
        "    title: De\\x00mo\n"
        "             ^");
  CHECK_THAT(errors(kGood + "---\nid: second\n"),
             Catch::Contains("a second YAML document: a spec file holds one scenario (2 documents here)"));
  CHECK_THAT(
      errors(replace(kGood, "      \treturn p.n\n", "      \treturn p.n // @param\n")),
      Catch::Contains("marker: '// @param' is on two lines of variant 'bug' (9 and 11): a marker names one line"));
}

TEST_CASE("a comma after a complete value is a syntax error at the comma: yaml-cpp alone would loop without end",
          "[spec]") {
  // Found by the spec_loader fuzz target: yaml-cpp 0.7's LoadAll reads
  // `"a", b` as endless empty documents and allocates until memory runs out.
  CHECK(errors("# notes\n  \"The real allocation\", judged there.\n") ==
        "s.yaml:2:24: YAML syntax error: ',' after a complete value: a comma separates items only inside [...] or "
        "{...}; quote the whole value to keep it\n"
        "      \"The real allocation\", judged there.\n"
        "                           ^");
  CHECK_THAT(errors("[a], b\n"), Catch::StartsWith("s.yaml:1:4: YAML syntax error: ',' after a complete value"));
  CHECK_THAT(errors("{a: 1}, b\n"), Catch::StartsWith("s.yaml:1:7: YAML syntax error: ',' after a complete value"));
  CHECK_THAT(errors(kGood + "---\nid: second\n---\nid: third\n"), Catch::Contains("(3 documents here)"));
}
