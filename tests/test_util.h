#pragma once
// Helpers shared by the tests: reading fixtures and a scripted process runner.

#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "process.h"
#include "source.h"

namespace eh::test {

inline std::string source_dir() { return ESCAPE_HARNESS_SOURCE_DIR; }

/// The contents of a file under the repository (tests/fixtures/..., scenarios/...).
inline std::string read_repo_file(const std::string& rel) {
  std::ifstream in(source_dir() + "/" + rel, std::ios::binary);
  if (!in) throw std::runtime_error("missing test file: " + rel);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string fixture(const std::string& name) { return read_repo_file("tests/fixtures/" + name); }

/// A ProcessRunner that answers from rules instead of starting processes,
/// and records every command it was given.
class FakeProcessRunner : public ProcessRunner {
 public:
  using Rule = std::function<bool(const Command&, ProcessResult&)>;

  ProcessResult run(const Command& c) override {
    commands.push_back(c);
    ProcessResult r;
    for (auto& rule : rules)
      if (rule(c, r)) return r;
    r.outcome = Outcome::failed_to_start;
    r.error = "no fake rule for: " + c.display();
    return r;
  }

  /// Answers commands whose argv contains every one of `parts`.
  void on(std::vector<std::string> parts, ProcessResult result) {
    rules.push_back([parts, result](const Command& c, ProcessResult& r) {
      for (const auto& p : parts) {
        bool found = false;
        for (const auto& a : c.argv) found |= a == p || a.find(p) != std::string::npos;
        if (!found) return false;
      }
      r = result;
      return true;
    });
  }

  std::vector<Rule> rules;
  std::vector<Command> commands;
};

inline ProcessResult exited(int code, std::string out = "", std::string err = "") {
  ProcessResult r;
  r.outcome = Outcome::exited;
  r.exit_code = code;
  r.out = std::move(out);
  r.err = std::move(err);
  return r;
}

}  // namespace eh::test

namespace Catch {
template <>
struct StringMaker<eh::SourcePos> {
  static std::string convert(const eh::SourcePos& p) { return "{" + eh::to_string(p) + "}"; }
};
}  // namespace Catch
