#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "cli.h"
#include "config.h"
#include "results_json.h"
#include "test_util.h"

using namespace eh;

// .github/workflows/matrix.yml cannot run here; this keeps it consistent with
// the CLI (every escape-harness command line in it parses) and with the
// committed baseline (its Go versions are the baseline's toolchains).

namespace {

/// The escape-harness command lines in a shell script: arguments after
/// "build/escape-harness", split on blanks (the workflow quotes nothing), up
/// to a shell operator (a redirection, `||`).
std::vector<std::vector<std::string>> harness_commands(const std::string& script) {
  std::vector<std::vector<std::string>> out;
  std::istringstream lines(script);
  std::string line;
  while (std::getline(lines, line)) {
    auto at = line.find("build/escape-harness ");
    if (at == std::string::npos) continue;
    std::istringstream words(line.substr(at + std::string("build/escape-harness ").size()));
    std::vector<std::string> args;
    for (std::string w; words >> w && !std::set<std::string>{">", ">>", "|", "||", "&&", ";"}.count(w);)
      args.push_back(w);
    out.push_back(args);
  }
  return out;
}

}  // namespace

TEST_CASE("the GitHub Actions matrix workflow matches the CLI and the baseline", "[workflow]") {
  YAML::Node wf = YAML::Load(test::read_repo_file(".github/workflows/matrix.yml"));
  YAML::Node run = wf["jobs"]["run"];
  REQUIRE(run);
  // A leg is a Go version and a build configuration; its results carry the
  // key they make together, which the baseline must have.
  struct Leg {
    std::string go, config, name;
  };
  std::vector<Leg> legs;
  std::set<std::string> keys;
  for (const auto& l : run["strategy"]["matrix"]["include"]) {
    legs.push_back(Leg{l["go"].as<std::string>(), l["config"].as<std::string>(), l["leg"].as<std::string>()});
    auto config = parse_config(legs.back().config);
    REQUIRE(config);
    keys.insert(result_key("go" + legs.back().go, *config));
    // The artifact name: the key, '/' (not allowed there) as '-'.
    std::string artifact = result_key("go" + legs.back().go, *config);
    std::replace(artifact.begin(), artifact.end(), '/', '-');
    CHECK(legs.back().name == artifact);
  }
  REQUIRE(legs.size() >= 5);

  std::string err;
  auto baseline = results_from_json(test::read_repo_file("reports/results.json"), &err);
  REQUIRE(baseline);
  std::set<std::string> baseline_keys;
  for (const auto& t : baseline->toolchains) baseline_keys.insert(t.key());
  CHECK(keys == baseline_keys);
  // A configuration with an emulator is a leg whose bootstrap installs it.
  const std::string bootstrap = test::read_repo_file(".ci/bootstrap");
  for (const auto& c : kConfigs)
    if (!c.emulator_package.empty()) {
      INFO(c.spelling);
      CHECK(bootstrap.find(fmt::format("{} | {}) echo {}", c.spelling, c.key, c.emulator_package)) !=
            std::string::npos);
    }

  // Each job is built where the project is tested, with the packages
  // .ci/bootstrap names, and uploads its results even when a leg has an error.
  bool setup_go = false;
  int commands = 0;
  for (const char* name : {"run", "stable", "drift"}) {
    INFO(name);
    YAML::Node job = wf["jobs"][name];
    REQUIRE(job);
    CHECK(job["container"].as<std::string>() == "debian:12");
    int installs = 0, uploads = 0;
    for (const auto& step : job["steps"]) {
      if (step["uses"] && step["uses"].as<std::string>().starts_with("actions/setup-go@")) {
        setup_go = true;
        CHECK(step["with"]["go-version"].as<std::string>() ==
              (name == std::string("stable") ? "stable" : "${{ matrix.go }}"));
      }
      if (step["uses"] && step["uses"].as<std::string>().starts_with("actions/upload-artifact@")) {
        ++uploads;
        CHECK(step["if"].as<std::string>() == "always()");
      }
      if (!step["run"]) continue;
      const std::string script = step["run"].as<std::string>();
      if (script.find("apt-get") != std::string::npos) FAIL("a step installs packages itself: " << script);
      installs += script == (name == std::string("run") ? ".ci/bootstrap --build --config ${{ matrix.config }}"
                                                        : ".ci/bootstrap --build");
      // Each leg's command line, with its matrix values in place.
      std::vector<Leg> each = name == std::string("run") ? legs : std::vector<Leg>{Leg{}};
      for (const auto& leg : each) {
        std::string line = script;
        for (const auto& [var, value] : {std::pair{"${{ matrix.config }}", leg.config}, {"${{ matrix.go }}", leg.go}})
          for (auto at = line.find(var); at != std::string::npos; at = line.find(var))
            line.replace(at, std::string(var).size(), value);
        for (const auto& args : harness_commands(line)) {
          INFO(line);
          CHECK(valid_command_line(args, &err));
          INFO(err);
          if (&leg == &each.front()) ++commands;
          // The configuration a leg names is one the harness knows.
          if (auto at = std::find(args.begin(), args.end(), "--config"); at != args.end())
            CHECK(parse_config(*(at + 1)).has_value());
        }
      }
    }
    CHECK(installs == 1);
    CHECK(uploads == 1);
  }
  CHECK(setup_go);
  CHECK(commands == 5);  // run; the stable check and its summary; merge, check
  // The newest release is compared with the newest pinned version, and its
  // changes never fail the workflow: the pinned drift job is the gate.
  YAML::Node stable = wf["jobs"]["stable"];
  CHECK(stable["continue-on-error"].as<bool>());
  CHECK(stable["steps"][1]["with"]["check-latest"].as<bool>());
  const std::string newest = "--against " + baseline->toolchains.back().version;  // oldest first
  for (int i : {4, 5}) CHECK(stable["steps"][i]["run"].as<std::string>().find(newest) != std::string::npos);
  CHECK(wf["jobs"]["drift"]["needs"].IsScalar());  // the drift job waits for the pinned legs only
  CHECK(wf["jobs"]["drift"]["if"].as<std::string>() == "always()");
  CHECK(wf["jobs"]["drift"]["needs"].as<std::string>() == "run");
  // The merge step names one artifact per leg.
  std::string merge = wf["jobs"]["drift"]["steps"][4]["run"].as<std::string>();
  for (const auto& l : legs) CHECK(merge.find("results-" + l.name + "/results.json") != std::string::npos);
  // And the upload names each leg's artifact so.
  bool named = false;
  for (const auto& step : run["steps"])
    if (step["with"] && step["with"]["name"])
      named |= step["with"]["name"].as<std::string>() == "results-${{ matrix.leg }}";
  CHECK(named);
}

TEST_CASE("valid_command_line knows each command's options", "[workflow]") {
  std::string err;
  CHECK(valid_command_line({"run", "--quick", "--go", "go", "--out", "out"}, &err));
  CHECK(valid_command_line({"merge", "a.json", "b.json", "--out", "m"}, &err));
  CHECK(valid_command_line({"check", "--baseline", "b.json", "--results", "r.json"}, &err));
  CHECK_FALSE(valid_command_line({"run", "--baseline", "b.json"}, &err));
  CHECK(err == "unknown option '--baseline'");
  CHECK_FALSE(valid_command_line({"verify"}, &err));
  CHECK(err == "unknown command 'verify'");
}
