#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli.h"
#include "fs.h"
#include "process.h"
#include "results_json.h"
#include "test_util.h"
#include "toolchain.h"

extern char** environ;

using namespace eh;
using namespace std::chrono_literals;

// Faults, each with the real harness binary: hangs, panics, a go killed by a
// signal, interrupts, a kill while the reports are written, unwritable and
// contended output directories, missing and wrong toolchains.

namespace {

using test::TempDir;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A spec with one variant whose call is `call` (Go, with `code` around it).
std::string spec(const std::string& id, int entry, const std::string& code, const std::string& call,
                 const std::string& imports = "[]") {
  return "id: " + id + "\nsource: the fault tests (" + std::to_string(entry) + ")\ntitle: " + id +
         "\nvariants:\n  - name: bug\n    imports: " + imports + "\n    code: |\n" + code + "    call: " + call +
         "\nclaims:\n  - id: c\n    aspect: symptom\n    text: t\n    expect:\n"
         "      - {kind: allocs, variant: bug, at_least: 0}\n";
}

const std::string kGood = spec("good", 1, "      func f() int { return 1 }\n", "f()");
const std::string kHang = spec("hang", 2, "      func f() { time.Sleep(time.Hour) }\n", "f()", "[time]");
const std::string kPanic = spec("boom", 3, "      func f() { panic(\"boom\") }\n", "f()");

ProcessResult harness(const std::vector<std::string>& args, const std::string& cwd,
                      std::map<std::string, std::string> env = test::test_environment()) {
  return test::run_harness(args, cwd, std::move(env));
}

/// Pids of processes whose command line mentions `needle`.
std::vector<pid_t> processes_mentioning(const std::string& needle) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = read(e.path().string() + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    std::string stat = read(e.path().string() + "/stat");
    bool zombie = stat.find(") Z ") != std::string::npos;
    if (!zombie && cmdline.find(needle) != std::string::npos && std::stoi(name) != ::getpid())
      out.push_back(std::stoi(name));
  }
  return out;
}

/// Starts the harness without waiting for it.
pid_t spawn_harness(std::vector<std::string> args, const std::string& cwd) {
  std::vector<std::string> argv = {test::harness_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<std::string> test_env_strings = test::env_strings(test::test_environment());
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::string old = std::filesystem::current_path();
  std::filesystem::current_path(cwd);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), test::envp(test_env_strings).data());
  std::filesystem::current_path(old);
  posix_spawn_file_actions_destroy(&fa);
  REQUIRE(rc == 0);
  return pid;
}

}  // namespace

TEST_CASE("a hanging benchmark is killed with its process group, the other scenarios are judged", "[fault]") {
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kGood);
  test::write_file(d.path + "/scenarios/b.yaml", kHang);
  auto r = harness({"run", "--quick", "--timeout", "3", "--out", "out", "--work", "work"}, d.path);
  INFO(r.out << r.err);
  CHECK(r.exit_code == kExitClaimErrors);
  CHECK_THAT(r.out,
             Catch::Contains("error: hang c (go") &&
                 Catch::Contains("variant 'bug': the test binary failed (timed out after 3s (process group killed))"));
  CHECK_THAT(r.out, Catch::Contains("0 refuted, 0 inconclusive, 0 skipped, 1 error"));
  CHECK(processes_mentioning(d.path + "/work").empty());
}

TEST_CASE("a variant that panics is an error quoting the panic", "[fault]") {
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kPanic);
  auto r = harness({"run", "--quick", "--out", "out", "--work", "work"}, d.path);
  INFO(r.out << r.err);
  CHECK(r.exit_code == kExitClaimErrors);
  CHECK_THAT(r.out, Catch::Contains("variant 'bug': the test binary failed (exit status 2): panic: boom"));
}

TEST_CASE("a go killed by a signal is reported as such", "[fault]") {
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kGood);
  test::write_file(
      d.path + "/fakego/bin/go",
      "#!/bin/sh\ncase \"$1\" in\n  env) printf 'go1.26.8\\nlinux\\namd64\\n/x\\n' ;;\n  *) kill -KILL $$ ;;\nesac\n");
  std::filesystem::permissions(d.path + "/fakego/bin/go", std::filesystem::perms::owner_all);
  auto r = harness({"run", "--quick", "--go", d.path + "/fakego", "--out", "out", "--work", "work"}, d.path);
  INFO(r.out << r.err);
  CHECK(r.exit_code == kExitClaimErrors);
  CHECK_THAT(r.out, Catch::Contains("variant 'bug': `go test -c` killed by signal 9 (Killed)"));
}

TEST_CASE("SIGTERM or SIGINT mid-run kills the children and keeps the previous reports", "[fault]") {
  for (int sig : {SIGTERM, SIGINT}) {
    TempDir d;
    test::write_file(d.path + "/scenarios/a.yaml", kHang);
    test::write_file(d.path + "/out/results.json", "previous results\n");
    test::write_file(d.path + "/out/EVIDENCE.md", "previous evidence\n");
    // --replace: the previous results.json is not one the run could keep
    // cells from, and --replace must not touch it before the run succeeds.
    pid_t pid =
        spawn_harness({"run", "--quick", "--replace", "--timeout", "120", "--out", "out", "--work", "work"}, d.path);
    // Wait until the hanging test binary runs.
    std::string binary = d.path + "/work/bin/";
    bool running = false;
    for (int i = 0; i < 600 && !running; ++i) {
      std::this_thread::sleep_for(100ms);
      for (pid_t p : processes_mentioning(binary)) running |= p != pid;
    }
    REQUIRE(running);
    ::kill(pid, sig);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 128 + sig);
    CHECK(read(d.path + "/out/results.json") == "previous results\n");
    CHECK(read(d.path + "/out/EVIDENCE.md") == "previous evidence\n");
    CHECK(processes_mentioning(d.path + "/work").empty());
  }
}

TEST_CASE("SIGKILL of the harness leaves no test binary behind: the watchdog kills its process groups", "[fault]") {
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kHang);
  pid_t pid = spawn_harness({"run", "--quick", "--timeout", "120", "--out", "out", "--work", "work"}, d.path);
  const std::string binary = d.path + "/work/bin/";
  bool running = false;
  for (int i = 0; i < 600 && !running; ++i) {
    std::this_thread::sleep_for(100ms);
    running = !processes_mentioning(binary).empty();
  }
  REQUIRE(running);
  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  // The test binary was in a process group of its own, so the kill did not
  // reach it; the watchdog does, as soon as the harness's pipe closes.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = processes_mentioning(binary).empty();
    if (!gone) std::this_thread::sleep_for(50ms);
  }
  CHECK(gone);
}

namespace {

/// Every file below `dir`, by relative path, with its bytes.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[std::filesystem::relative(e.path(), dir).string()] = read(e.path().string());
  return out;
}

/// Whether a killed run left anything beside `out` in `parent`.
bool staging_left(const std::string& parent) {
  for (const auto& e : std::filesystem::directory_iterator(parent))
    if (e.path().filename().string().starts_with(".out.set-")) return true;
  return false;
}

}  // namespace

TEST_CASE("a run killed at any step of writing the reports leaves a whole set, the previous one byte-identical",
          "[fault]") {
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kGood);
  const std::vector<std::string> run = {"run", "--quick", "--out", "out", "--work", "work"};
  REQUIRE(harness(run, d.path).ok());
  test::write_file(d.path + "/out/notes.txt", "the user's own file\n");
  for (std::string step : {"set-written", "set-carried", "set-swapped"}) {
    INFO(step);
    const auto before = snapshot(d.path + "/out");
    auto env = test::test_environment();
    env["ESCAPE_HARNESS_TEST_FAULT"] = "kill-after-" + step;
    auto r = harness(run, d.path, env);
    CHECK(r.outcome == Outcome::signaled);
    CHECK(r.signal == SIGKILL);
    const auto after = snapshot(d.path + "/out");
    if (step != "set-swapped") {
      CHECK(after == before);  // byte for byte, the user's file too
    } else {
      // Killed after the swap: the new set is whole, the old one lies beside it.
      std::string err;
      CHECK(results_from_json(after.at("results.json"), &err));
      CHECK(after.at("notes.txt") == "the user's own file\n");
      for (const auto& [path, _] : before) CHECK(after.count(path));
    }
    CHECK(staging_left(d.path));
    // The next run clears what the killed one left, and succeeds.
    REQUIRE(harness(run, d.path).ok());
    CHECK_FALSE(staging_left(d.path));
    for (const auto& e : std::filesystem::directory_iterator(d.path + "/out"))
      CHECK_FALSE(is_temporary_file(e.path().filename().string()));
  }
}

TEST_CASE("a previous results.json that cannot be read stops the run before it starts, unless --replace", "[fault]") {
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kGood);
  test::write_file(d.path + "/out/results.json", "previous results\n");
  auto r = harness({"run", "--quick", "--out", "out", "--work", "work"}, d.path);
  CHECK(r.exit_code == kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("out/results.json: not a results file of this harness") &&
                        Catch::Contains("pass --replace to start a new set"));
  CHECK(read(d.path + "/out/results.json") == "previous results\n");
  auto again = harness({"run", "--quick", "--replace", "--out", "out", "--work", "work"}, d.path);
  CHECK(again.ok());
  CHECK(read(d.path + "/out/results.json") != "previous results\n");
}

TEST_CASE("an output directory that cannot be written is refused before anything runs", "[fault]") {
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kGood);
  test::write_file(d.path + "/file", "not a directory");
  auto r = harness({"run", "--quick", "--out", "file/out"}, d.path);
  CHECK(r.exit_code == kExitBadInput);
  CHECK(r.err == "escape-harness run: output directory: file/out: cannot create directory: Not a directory\n");
}

TEST_CASE("no go, or not a go, exits 3 with what to do", "[fault]") {
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kGood);
  auto env = test::test_environment();
  env["PATH"] = "/nonexistent";
  auto r = harness({"run", "--quick", "--out", "out"}, d.path, env);
  CHECK(r.exit_code == kExitToolchain);
  CHECK(
      r.err ==
      "escape-harness run: go: not found on PATH. Install Go (https://go.dev/dl/, or `apt-get install golang-go`), put "
      "its bin directory on PATH, or pass --go /path/to/go\n");
  r = harness({"run", "--quick", "--out", "out", "--go", "/bin/true"}, d.path);
  CHECK(r.exit_code == kExitToolchain);
  CHECK(r.err ==
        "escape-harness run: /bin/true: not a go command: `/bin/true env GOVERSION GOOS GOARCH GOROOT` printed "
        "nothing\n");
}

TEST_CASE("the code under test cannot forge a measurement: printed counts and benchmark lines are ignored or refused",
          "[fault]") {
  TempDir d;
  // Each variant allocates one object per call. One prints what the old
  // stdout channel read as "no allocations", one a fake benchmark result,
  // and one prints on every call, into the benchmark's own result line.
  test::write_file(d.path + "/scenarios/a.yaml", R"(id: forger
source: the fault tests
title: forger
common: |
  var sink *[4]int
variants:
  - name: counts
    imports: [fmt]
    code: |
      func init() { fmt.Println("escape-harness: counts calls=10000 mallocs=0 bytes=0") }

      func f() { sink = new([4]int) }
    call: f()
  - name: chatty
    imports: [fmt]
    code: |
      func f() {
      	sink = new([4]int)
      	fmt.Println("escape-harness: counts calls=10000 mallocs=0 bytes=0")
      }
    call: f()
  - name: bench
    imports: [fmt]
    code: |
      func init() { fmt.Println("BenchmarkBench-2  1000000000  0.01 ns/op") }

      func f() { sink = new([4]int) }
    call: f()
claims:
  - id: counted
    aspect: symptom
    text: one allocation per call, whatever the code prints
    expect:
      - {kind: allocs, variant: counts, exactly: 1}
  - id: timed
    aspect: symptom
    text: one allocation per call
    expect:
      - {kind: allocs, variant: bench, exactly: 1}
  - id: chatted
    aspect: symptom
    text: one allocation per call
    expect:
      - {kind: allocs, variant: chatty, exactly: 1}
)");
  // The counts come from the records file, each line led by the run's
  // nonce: the printed "mallocs=0" changes nothing. A benchmark line the
  // harness did not ask for makes the run untrustworthy: an error, with why.
  // A line printed into the benchmark's own result is an error where the
  // benchmark runs (a full run), and changes nothing where none runs.
  for (const bool quick : {true, false}) {
    DYNAMIC_SECTION((quick ? "quick" : "full")) {
      std::vector<std::string> args = {"run", "--out", "out", "--work", "work"};
      if (quick) args.emplace_back("--quick");
      auto r = harness(args, d.path);
      INFO(r.out << r.err);
      CHECK(r.exit_code == kExitClaimErrors);
      Results res = [&] {
        std::string err;
        auto x = results_from_json(read(d.path + "/out/results.json"), &err);
        REQUIRE(x);
        return *x;
      }();
      const ScenarioRecord* s = res.scenario("forger");
      REQUIRE(s);
      const std::string tc = res.toolchains.at(0).version;
      CHECK(s->claim("counted")->verdicts.at(tc).verdict == Verdict::confirmed);
      CHECK(s->variant("counts")->results.at(tc).counts->allocs_per_call() == Rational(1));
      CHECK(s->claim("timed")->verdicts.at(tc).verdict == Verdict::error);
      if (quick) {
        CHECK_THAT(r.out, Catch::Contains("variant 'bench': the test binary printed 1 benchmark result where no "
                                          "benchmark was run: something else prints benchmark lines"));
        CHECK(s->claim("chatted")->verdicts.at(tc).verdict == Verdict::confirmed);
        CHECK(s->variant("chatty")->results.at(tc).counts->allocs_per_call() == Rational(1));
      } else {
        CHECK_THAT(r.out,
                   Catch::Contains("variant 'bench': the test binary printed 2 results for BenchmarkBench and 0 for "
                                   "other benchmarks where 1 was run: something else prints benchmark lines"));
        CHECK(s->claim("chatted")->verdicts.at(tc).verdict == Verdict::error);
        CHECK_THAT(r.out,
                   Catch::Contains("variant 'chatty': the test binary printed 0 results for BenchmarkChatty where 1 "
                                   "was run: the code under test writes to stdout while the benchmark runs"));
      }
    }
  }
}

TEST_CASE("an export file whose directory does not exist is refused before anything runs", "[fault]") {
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kGood);
  auto r = harness({"run", "--quick", "--out", "out", "--export-junit", "missing/dir/j.xml"}, d.path);
  CHECK(r.exit_code == kExitBadInput);
  CHECK_THAT(r.err, Catch::StartsWith("escape-harness run: export missing/dir/j.xml: "));
  CHECK_FALSE(std::filesystem::exists(d.path + "/out/results.json"));
}

TEST_CASE("two runs on one output or work directory: the second refuses, naming the lock", "[fault]") {
  struct Held {
    const char* dir;
    const char* says;
  };
  const Held h = GENERATE(Held{"out",
                               "escape-harness run: out/.escape-harness.lock: another escape-harness run holds "
                               "this lock; wait for it or use another --out\n"},
                          Held{"work", "escape-harness run: work directory: "});
  INFO(h.dir);
  TempDir d;
  test::write_file(d.path + "/scenarios/a.yaml", kGood);
  std::filesystem::create_directories(d.path + "/" + h.dir);
  RealFileSystem fs;
  std::string err;
  auto held = fs.lock(d.path + "/" + h.dir + "/.escape-harness.lock", &err);
  REQUIRE(held);
  auto r = harness({"run", "--quick", "--out", "out", "--work", "work"}, d.path);
  CHECK(r.exit_code == kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains(h.says) && Catch::Contains("another escape-harness run holds this lock"));
  CHECK_FALSE(std::filesystem::exists(d.path + "/out/results.json"));
}
