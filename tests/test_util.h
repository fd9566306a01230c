#pragma once
// Helpers shared by the tests: reading fixtures and a scripted process runner.

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "fs.h"
#include "memory_fs.h"
#include "process.h"
#include "source.h"

namespace eh::test {

/// The repository, the escape-harness binary under test, and where exports
/// are kept for `exports: validate` (tests/test_paths.cpp).
std::string source_dir();
std::string harness_binary();
std::string exports_dir();

/// A path under the repository. join_path is compiled elsewhere: GCC 12's
/// -Warray-bounds misfires on `literal + "/" + rel` it can see through
/// (GCC bug 105651), and which paths trip it depends on their length.
inline std::string repo_path(const std::string& rel) { return join_path(source_dir(), rel); }

/// The contents of a file anywhere (a test's temporary output); "" when missing.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Keeps an export a test wrote (SARIF, JUnit XML) under `name` in the
/// build's exports directory, where the ctest `exports: validate` checks
/// every one against its published schema and the SARIF multitool's GitHub
/// rules (.ci/validate-exports).
inline void keep_export(const std::string& name, const std::string& text) {
  std::filesystem::create_directories(exports_dir());
  std::ofstream(join_path(exports_dir(), name), std::ios::binary) << text;
}

/// The contents of a file under the repository (tests/fixtures/..., scenarios/...).
inline std::string read_repo_file(const std::string& rel) {
  std::ifstream in(repo_path(rel), std::ios::binary);
  if (!in) throw std::runtime_error("missing test file: " + rel);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string fixture(const std::string& name) { return read_repo_file("tests/fixtures/" + name); }

/// `s` with its first `from` replaced by `to`; a `from` that is not there
/// fails the test (a spec edited under a test that breaks one thing).
inline std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

/// Whether the golden files are to be rewritten (ESCAPE_HARNESS_UPDATE_GOLDEN=1):
/// after a deliberate change; review the diff like code.
inline bool updating_golden() { return std::getenv("ESCAPE_HARNESS_UPDATE_GOLDEN") != nullptr; }

/// Checks `actual` against the repository file `rel`, rewriting the file
/// first when updating_golden().
inline void check_golden(const std::string& rel, const std::string& actual) {
  if (updating_golden()) {
    std::filesystem::path full = repo_path(rel);
    std::filesystem::create_directories(full.parent_path());
    std::ofstream(full, std::ios::binary) << actual;
  }
  INFO(rel << " differs from what the code produces (ESCAPE_HARNESS_UPDATE_GOLDEN=1 rewrites it)");
  CHECK(actual == read_repo_file(rel));
}

/// The same for the text between two marker lines of a repository file (a
/// generated block of README.md).
inline void check_golden_section(const std::string& rel, const std::string& begin, const std::string& end,
                                 const std::string& actual) {
  std::string text = read_repo_file(rel);
  auto b = text.find(begin), e = text.find(end);
  INFO(rel << " lacks the markers " << begin << " ... " << end);
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  b += begin.size();
  if (updating_golden()) {
    text.replace(b, e - b, actual);
    std::ofstream(repo_path(rel), std::ios::binary) << text;
  }
  INFO(rel << ": the section after " << begin << " differs (ESCAPE_HARNESS_UPDATE_GOLDEN=1 rewrites it)");
  CHECK(text.substr(b, e - b) == actual);
}

/// A ProcessRunner that answers from rules instead of starting processes,
/// and records every command it was given.
class FakeProcessRunner : public ProcessRunner {
 public:
  using Rule = std::function<bool(const Command&, ProcessResult&)>;

  ProcessResult run(const Command& c) override {
    std::lock_guard<std::mutex> lock(mu);  // the facts phase runs in parallel
    commands.push_back(c);
    ProcessResult r;
    for (auto& rule : rules)
      if (rule(c, r)) {
        if (c.on_stderr) {
          c.on_stderr(r.err);
          r.err.clear();
        }
        return r;
      }
    r.outcome = Outcome::failed_to_start;
    r.error = "no fake rule for: " + c.display();
    return r;
  }

  /// Answers commands whose argv contains every one of `parts`.
  void on(std::vector<std::string> parts, ProcessResult result) {
    rules.push_back([parts, result](const Command& c, ProcessResult& r) {
      if (!matches(parts, c)) return false;
      r = result;
      return true;
    });
  }

  /// Answers as a test binary does: `result`, and each line of `records`
  /// written to the records file named in the command's environment, led by
  /// the run's nonce (a line starting with '!' is written as is, as forged).
  void on_recorded(std::vector<std::string> parts, ProcessResult result, std::string records, FileSystem& fs) {
    rules.push_back([parts, result, records, &fs](const Command& c, ProcessResult& r) {
      if (!matches(parts, c)) return false;
      auto path = c.env.find("ESCAPE_HARNESS_RECORDS");
      auto nonce = c.env.find("ESCAPE_HARNESS_NONCE");
      if (path != c.env.end() && nonce != c.env.end()) {
        std::string text;
        std::istringstream in(records);
        for (std::string line; std::getline(in, line);)
          text += line.starts_with("!") ? line.substr(1) + "\n" : nonce->second + " " + line + "\n";
        std::string err;
        fs.write(path->second, text, &err);
      }
      r = result;
      return true;
    });
  }

  static bool matches(const std::vector<std::string>& parts, const Command& c) {
    for (const auto& p : parts) {
      bool found = false;
      for (const auto& a : c.argv) found |= a == p || a.find(p) != std::string::npos;
      if (!found) return false;
    }
    return true;
  }

  std::vector<Rule> rules;
  std::vector<Command> commands;
  std::mutex mu;
};

/// A fresh directory /tmp/eh-<tag>-XXXXXX, removed with its contents when
/// it goes out of scope.
struct TempDir {
  explicit TempDir(const std::string& tag = "test") {
    std::string tmpl = "/tmp/eh-" + tag + "-XXXXXX";
    path = ::mkdtemp(tmpl.data());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

/// Writes `text` to `path`, creating the directories it needs.
inline void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

/// The harness's environment for tests that run the real binary: the
/// user's, with the result cache and work directories in a directory of
/// this test process, so tests neither reuse nor pollute the user's cache.
inline std::map<std::string, std::string> test_environment() {
  static const TempDir dir("test-cache");  // removed when the test process exits
  std::map<std::string, std::string> env;
  for (char** e = ::environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  // go's build cache follows XDG_CACHE_HOME too; keep it where it was.
  if (!env.count("GOCACHE")) {
    if (env.count("XDG_CACHE_HOME")) env["GOCACHE"] = env["XDG_CACHE_HOME"] + "/go-build";
    else if (env.count("HOME"))
      env["GOCACHE"] = env["HOME"] + "/.cache/go-build";
  }
  env["XDG_CACHE_HOME"] = dir.path;
  return env;
}

/// Runs the built escape-harness with `args` in `cwd` (the repository by
/// default) and the test environment, as a user's shell would, for ten
/// minutes at most.
inline ProcessResult run_harness(const std::vector<std::string>& args, const std::string& cwd = source_dir(),
                                 std::map<std::string, std::string> env = test_environment()) {
  SystemProcessRunner r;
  Command c;
  c.argv = {harness_binary()};
  c.argv.insert(c.argv.end(), args.begin(), args.end());
  c.cwd = cwd;
  c.env = std::move(env);
  c.timeout = std::chrono::minutes(10);
  return r.run(c);
}

/// "KEY=value" strings of an environment, and a null-terminated array of
/// pointers into them, for posix_spawn.
inline std::vector<std::string> env_strings(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}
inline std::vector<char*> envp(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

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
