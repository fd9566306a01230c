#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "results_json.h"
#include "sample_results.h"

using namespace eh;

TEST_CASE("results.json round-trips exactly", "[results_json]") {
  Results r = test::sample_results();
  std::string text = results_to_json(r);
  std::string err;
  auto back = results_from_json(text, &err);
  REQUIRE(back);
  CHECK(results_to_json(*back) == text);
  const auto& o = back->scenarios[0].variants[0].results.at("go1.26.8");
  CHECK(o.counts->allocs_per_call() == Rational(60, 10000));
  CHECK(o.samples == std::vector<double>{5.0, 4.0, 6.0});
  CHECK(o.diagnostics[0].pos == SourcePos{"scenarios/03-demo.yaml", 12, 14});
  CHECK(back->scenarios[0].claims[0].verdicts.at("go1.26.8") == r.scenarios[0].claims[0].verdicts.at("go1.26.8"));
}

TEST_CASE("results.json keeps the names CI relies on", "[results_json]") {
  auto j = nlohmann::json::parse(results_to_json(test::sample_results()));
  CHECK(j["schema"] == 2);
  CHECK(j["toolchains"][0]["version"] == "go1.26.8");
  CHECK(j["toolchains"][0]["goos"] == "linux");
  CHECK(j["toolchains"][0]["goarch"] == "amd64");
  const auto& s = j["scenarios"][0];
  CHECK(s["id"] == "demo");
  CHECK(s["entry"] == 3);
  CHECK(s["title"] == "The \"passed by value\" pointer");
  CHECK(s["claims"][0]["id"] == "moves");
  CHECK(s["claims"][0]["text"] == "n moves to the heap.");
  CHECK(s["claims"][0]["verdicts"]["go1.26.8"] == "refuted");
  const auto& v = s["variants"][0];
  CHECK(v["name"] == "bug");
  const auto& res = v["results"]["go1.26.8"];
  CHECK(res["allocs_per_op"] == 0.006);
  CHECK(res["bytes_per_op"] == 0.096);
  CHECK(res["ns_per_op"] == 5.0);  // the median of the timing samples
  CHECK(res["diagnostics"][0]["line"] == 12);
  CHECK(res["diagnostics"][0]["column"] == 14);
  CHECK(res["diagnostics"][0]["message"] == "n does not escape");
}

TEST_CASE("bad results files are refused with a reason", "[results_json]") {
  std::string err;
  CHECK_FALSE(results_from_json("{", &err));
  CHECK_THAT(err, Catch::StartsWith("not a results file of this harness: [json.exception.parse_error"));
  CHECK_FALSE(results_from_json(R"({"schema": 3})", &err));
  CHECK(err == "schema 3 is not supported (this harness reads schema 2; rerun to regenerate it)");
  CHECK_FALSE(results_from_json(R"({"schema": 1})", &err));
  CHECK(err == "schema 1 is not supported (this harness reads schema 2; rerun to regenerate it)");
  CHECK_FALSE(results_from_json(R"({"schema": 2, "toolchains": []})", &err));
  CHECK_THAT(err, Catch::Contains("scenarios"));
}

TEST_CASE("an unknown name in results.json is an error, whatever the enum", "[results_json]") {
  std::string text = results_to_json(test::sample_results()), err;
  for (auto [from, to] : {std::pair{"\"region\": \"code\"", "\"region\": \"kode\""},
                          std::pair{"\"status\": \"ok\"", "\"status\": \"okay\""},
                          std::pair{"\"verdict\": \"refuted\"", "\"verdict\": \"refuse\""}}) {
    std::string bad = text;
    auto at = bad.find(from);
    REQUIRE(at != std::string::npos);
    bad.replace(at, std::string(from).size(), to);
    INFO(from);
    CHECK_FALSE(results_from_json(bad, &err));
    CHECK_THAT(err, Catch::Contains("unknown") && Catch::Contains("(expected one of:"));
  }
}

TEST_CASE("one name table per enum: every value round-trips through its name", "[names]") {
  auto round_trips = [](auto values) {
    for (auto v : values) {
      INFO(to_string(v));
      CHECK(parse_enum<decltype(v)>(to_string(v)) == v);
      CHECK(fmt::format("{}", v) == to_string(v));
    }
  };
  round_trips(enum_values<Verdict>());
  round_trips(enum_values<ExpectKind>());
  round_trips(enum_values<Aspect>());
  round_trips(enum_values<Region>());
  round_trips(enum_values<RunStatus>());
  round_trips(enum_values<Routes>());
  CHECK_FALSE(parse_enum<Verdict>("REFUTED"));
  CHECK(enum_name_list<Metric>() == std::vector<std::string>{"allocs", "bytes"});
}
