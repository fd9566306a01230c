#pragma once
// The only module that starts processes.
//
// ProcessRunner is the interface the pipeline uses; SystemProcessRunner is
// the real one (Boost.Process), FakeProcessRunner (tests/) answers from a
// script. The real runner:
//   - runs argv directly, never through a shell, with stdin from /dev/null;
//   - gives the child an explicit environment (nothing inherited);
//   - puts the child in a process group of its own, so a timeout or an
//     interrupt kills the whole tree (go -> compile, go -> test binary);
//   - reads stdout and stderr concurrently (no pipe-buffer deadlock);
//   - when the direct child exits, kills what is left of its group and, as
//     a subreaper, reaps it, so no orphan (nor zombie) outlives a command.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace eh {

struct Command {
  std::vector<std::string> argv;           // argv[0]: an absolute path to the program
  std::string cwd;                         // empty: the harness's own
  std::map<std::string, std::string> env;  // the child's complete environment
  std::chrono::milliseconds timeout{0};    // 0: no limit
  /// When set, stderr is handed over chunk by chunk as it arrives instead of
  /// being kept in ProcessResult::err (for output too large to hold twice).
  std::function<void(std::string_view)> on_stderr;

  /// argv joined with spaces, quoted where needed: for messages and logs only.
  std::string display() const;
};

enum class Outcome {
  exited,           // exit_code is valid
  signaled,         // killed by `signal`, not by us
  timed_out,        // we killed the group when the timeout passed
  interrupted,      // we killed the group because the harness got SIGINT/SIGTERM
  failed_to_start,  // `error` says why
};

struct ProcessResult {
  Outcome outcome = Outcome::failed_to_start;
  int exit_code = -1;
  int signal = 0;
  std::string out;
  std::string err;
  std::string error;
  std::chrono::milliseconds elapsed{0};

  bool ok() const { return outcome == Outcome::exited && exit_code == 0; }
  /// "exit status 1", "killed by signal 9 (Killed)", "timed out after 5s (process group killed)".
  std::string describe(std::chrono::milliseconds timeout = {}) const;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const Command& command) = 0;
};

class SystemProcessRunner : public ProcessRunner {
 public:
  SystemProcessRunner();
  ProcessResult run(const Command& command) override;
};

/// Installs SIGINT/SIGTERM handlers that kill every running child group and
/// remember the signal. Call once, early, from main.
void install_interrupt_handlers();
/// The signal that interrupted the harness, or 0.
int interrupt_signal();
/// For tests: forget a recorded interrupt.
void reset_interrupt();

/// Finds `name` in the PATH entries of `path_var`; empty when absent.
std::string search_path(const std::string& name, const std::string& path_var);

}  // namespace eh
