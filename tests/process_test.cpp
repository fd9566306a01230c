#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "process.h"

using namespace eh;
using namespace std::chrono_literals;

// These tests start real processes (sh, sleep, cat), never go. The harness
// itself never uses a shell; here sh only builds process trees to test.

namespace {

Command sh(const std::string& script, std::chrono::milliseconds timeout = 0ms) {
  Command c;
  c.argv = {"/bin/sh", "-c", script};
  c.env = {{"PATH", "/usr/bin:/bin"}};
  c.timeout = timeout;
  return c;
}

/// Any trace of the process, a zombie included.
bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

}  // namespace

TEST_CASE("stdout and stderr are captured separately, argv passed as is", "[process]") {
  SystemProcessRunner r;
  Command c;
  c.argv = {"/bin/echo", "a b", "$HOME", "*"};
  auto res = r.run(c);
  CHECK(res.ok());
  CHECK(res.out == "a b $HOME *\n");
  res = r.run(sh("echo out; echo err >&2; exit 3"));
  CHECK(res.outcome == Outcome::exited);
  CHECK(res.exit_code == 3);
  CHECK(res.out == "out\n");
  CHECK(res.err == "err\n");
  CHECK(res.describe() == "exit status 3");
}

TEST_CASE("the environment is exactly the one given", "[process]") {
  SystemProcessRunner r;
  Command c;
  c.argv = {"/usr/bin/env"};
  c.env = {{"ONLY", "this"}};
  auto res = r.run(c);
  CHECK(res.out == "ONLY=this\n");
}

TEST_CASE("large output on both pipes does not deadlock", "[process]") {
  SystemProcessRunner r;
  // 4 MiB on each stream, interleaved: far beyond a pipe buffer.
  auto res =
      r.run(sh("i=0; while [ $i -lt 64 ]; do head -c 65536 /dev/zero; head -c 65536 /dev/zero >&2; i=$((i+1)); done"));
  CHECK(res.ok());
  CHECK(res.out.size() == 64 * 65536);
  CHECK(res.err.size() == 64 * 65536);
}

TEST_CASE("stderr can be streamed to a callback, in order, while stdout is kept", "[process]") {
  SystemProcessRunner r;
  // 3.4 MB of numbered lines on stderr, far beyond a pipe buffer, and stdout.
  Command c = sh("seq 1 500000 >&2; echo done");
  std::string streamed;
  int calls = 0;
  c.on_stderr = [&](std::string_view chunk) {
    ++calls;
    streamed.append(chunk);
  };
  auto res = r.run(c);
  CHECK(res.ok());
  CHECK(res.out == "done\n");
  CHECK(res.err.empty());
  CHECK(calls > 1);
  std::string expected;
  for (int i = 1; i <= 500000; ++i) expected += std::to_string(i) + "\n";
  CHECK(streamed == expected);
}

TEST_CASE("a timeout kills the whole process group and leaves no orphan", "[process]") {
  SystemProcessRunner r;
  char tmpl[] = "/tmp/eh-pid-XXXXXX";
  int fd = ::mkstemp(tmpl);
  ::close(fd);
  std::string pidfile = tmpl;
  auto start = std::chrono::steady_clock::now();
  // The child starts a grandchild that would outlive it, then hangs.
  auto res = r.run(sh("sleep 300 & echo $! > " + pidfile + "; sleep 300", 500ms));
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(res.outcome == Outcome::timed_out);
  CHECK(res.describe(500ms) == "timed out after 0s (process group killed)");
  CHECK(took < 5s);
  pid_t grandchild = 0;
  std::ifstream(pidfile) >> grandchild;
  ::unlink(pidfile.c_str());
  REQUIRE(grandchild > 0);
  // Killed and reaped before run() returned: not even a zombie is left.
  CHECK_FALSE(alive(grandchild));
}

TEST_CASE("what the command leaves behind when it exits is killed too", "[process]") {
  SystemProcessRunner r;
  char tmpl[] = "/tmp/eh-pid-XXXXXX";
  ::close(::mkstemp(tmpl));
  std::string pidfile = tmpl;
  // The grandchild keeps stdout open; without the group kill we would wait forever.
  auto res = r.run(sh("sleep 300 & echo $! > " + pidfile + "; exit 0", 60000ms));
  CHECK(res.ok());
  CHECK(res.elapsed < 10s);
  pid_t grandchild = 0;
  std::ifstream(pidfile) >> grandchild;
  ::unlink(pidfile.c_str());
  REQUIRE(grandchild > 0);
  CHECK_FALSE(alive(grandchild));
}

TEST_CASE("death by a signal is reported as such", "[process]") {
  SystemProcessRunner r;
  auto res = r.run(sh("kill -SEGV $$"));
  CHECK(res.outcome == Outcome::signaled);
  CHECK(res.signal == SIGSEGV);
  CHECK(res.describe() == "killed by signal 11 (Segmentation fault)");
}

TEST_CASE("a program that cannot start is reported, not thrown", "[process]") {
  SystemProcessRunner r;
  Command c;
  c.argv = {"/nonexistent/go", "version"};
  auto res = r.run(c);
  CHECK(res.outcome == Outcome::failed_to_start);
  CHECK(res.describe() == "could not start: /nonexistent/go: not an executable file");
  c.argv = {"/etc/passwd"};
  CHECK(r.run(c).outcome == Outcome::failed_to_start);
}

TEST_CASE("stdin is /dev/null", "[process]") {
  SystemProcessRunner r;
  Command c;
  c.argv = {"/bin/cat"};
  auto res = r.run(c);
  CHECK(res.ok());
  CHECK(res.out.empty());
}

TEST_CASE("search_path finds executables on a PATH", "[process]") {
  CHECK(search_path("sh", "/nonexistent:/bin") == "/bin/sh");
  CHECK(search_path("no-such-program-here", "/bin:/usr/bin").empty());
  CHECK(search_path("/bin/sh", "") == "/bin/sh");
}
