#include <catch2/catch.hpp>

#include "parse_chains.h"
#include "test_util.h"
#include "generate.h"
#include "spec_loader.h"
#include "why.h"

using namespace eh;

TEST_CASE("subjects read alike from both routes", "[chains]") {
  CHECK(normalise_subject("cfg escapes to heap in register:") == "cfg escapes to heap");
  CHECK(normalise_subject("parameter cfg leaks to {storage for func literal} for register with derefs=0:") ==
        "parameter cfg leaks to {storage for func literal} with derefs=0");
  CHECK(normalise_subject("parameter cfg leaks to {storage for func literal} with derefs=0") ==
        "parameter cfg leaks to {storage for func literal} with derefs=0");
  CHECK(normalise_subject("parameter a leaks to {heap} for errorf with derefs=1:") ==
        "parameter a leaks to {heap} with derefs=1");
}

TEST_CASE("chains from real go1.26.8 -m=2 output", "[chains]") {
  auto chains = parse_m2_chains(test::fixture("m2_go1.26.8_closure-capture_bug.txt"));
  auto literal = std::find_if(chains.begin(), chains.end(),
                              [](const EscapeChain& c) { return c.subject == "func literal escapes to heap"; });
  REQUIRE(literal != chains.end());
  CHECK(literal->file == "closure-capture/bug/code.go");
  CHECK(literal->line == 19);
  CHECK(literal->column == 13);
  REQUIRE(literal->steps.size() == 5);
  CHECK(literal->steps[0] == ChainStep{"flow: handler ← &{storage for func literal}", "", 0, 0});
  CHECK(literal->steps[2] == ChainStep{"from handler := func literal (assign)", "closure-capture/bug/code.go", 19, 10});
  CHECK(literal->steps[4].text == "from append(handlers, handler) (call parameter)");
}

TEST_CASE("the JSON optimisation log gives the same chains as -m=2", "[chains]") {
  std::string root = "/root/.cache/escape-harness/work-09c4c686039a/gosrc/";
  auto json = parse_json_log_chains(test::fixture("optlog_go1.26.8_closure-capture_bug.json"), root);
  auto m2 = parse_m2_chains(test::fixture("m2_go1.26.8_closure-capture_bug.txt"));
  REQUIRE(json.size() >= 3);
  for (const auto& j : json) {
    auto m = std::find_if(m2.begin(), m2.end(), [&](const EscapeChain& c) {
      return c.file == j.file && c.line == j.line && c.column == j.column && c.subject == j.subject;
    });
    INFO(j.subject);
    REQUIRE(m != m2.end());
    REQUIRE(m->steps.size() == j.steps.size());
    for (std::size_t i = 0; i < j.steps.size(); ++i) {
      CHECK(m->steps[i].text == j.steps[i].text);
      if (j.steps[i].text.starts_with("from ")) {
        CHECK(m->steps[i].line == j.steps[i].line);
        CHECK(m->steps[i].column == j.steps[i].column);
      }
    }
  }
}

TEST_CASE("malformed log lines are skipped", "[chains]") {
  auto c = parse_json_log_chains(
      "{\"file\": 3}\nnot json\n{\"code\":\"escape\",\"message\":\"x escapes to "
      "heap\",\"range\":{\"start\":{\"line\":\"a\"}}}\n"
      "{\"code\":\"escape\",\"message\":\"y escapes to heap\",\"range\":{\"start\":{\"line\":2,\"character\":3}},"
      "\"relatedInformation\":[{\"message\":\"escflow:    flow: {heap} ← y:\"},7]}\n",
      "");
  REQUIRE(c.size() == 1);
  CHECK(c[0].subject == "y escapes to heap");
  CHECK(c[0].steps == std::vector<ChainStep>{ChainStep{"flow: {heap} ← y", "", 0, 0}});
}

TEST_CASE("package names from function names", "[chains]") {
  CHECK(package_of("fmt.Errorf") == "fmt");
  CHECK(package_of("time.Time.Format") == "time");
  CHECK(package_of("log/slog/internal/buffer.New") == "log/slog/internal/buffer");
  CHECK(package_of("escapeharness/x/bug.(*T).m") == "escapeharness/x/bug");
  CHECK(package_of("escapeharness/closure-capture/bug.register.func1") == "escapeharness/closure-capture/bug");
}

TEST_CASE("explain compares the routes and maps chains to the spec", "[chains]") {
  std::vector<InputError> errs;
  auto s = parse_scenario("tests/golden/demo.yaml", test::read_repo_file("tests/golden/demo.yaml"), errs);
  REQUIRE(s);
  GeneratedModule m = generate({*s});
  // In the generated code.go of bug, "func f(t T) *T {" is line 14, "return &t" 15.
  EscapeChain a{"demo/bug/code.go",
                14,
                8,
                "t escapes to heap",
                {ChainStep{"flow: ~r0 ← &t", "", 0, 0}, ChainStep{"from &t (address-of)", "demo/bug/code.go", 15, 9}}};
  EscapeChain b = a;
  b.steps[1].column = 10;  // the JSON log places the step elsewhere
  EscapeChain only_json{"demo/bug/code.go", 14, 8, "parameter t leaks to ~r0 with derefs=0", {}};
  EscapeChain harness{"demo/bug/harness_test.go", 1, 1, "x escapes to heap", {}};
  auto w = explain({a, harness}, {b, only_json}, m);
  REQUIRE(w.size() == 2);
  CHECK(w[0].subject == "parameter t leaks to ~r0 with derefs=0");
  CHECK(w[0].routes == Routes::json_only);
  CHECK(w[1].routes == Routes::disagree);
  CHECK(w[1].pos == SourcePos{"tests/golden/demo.yaml", 12, 14});
  CHECK(w[1].code_line == 1);
  CHECK(w[1].steps[1].pos == SourcePos{"tests/golden/demo.yaml", 13, 15});
  CHECK(w[1].json_steps[1].pos == SourcePos{"tests/golden/demo.yaml", 13, 16});
  CHECK(explain({a}, {a}, m)[0].routes == Routes::both);
}
