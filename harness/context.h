#pragma once
// What a command may touch: processes, files, the terminal, the environment,
// the clock, the interrupt flag and the machine's CPU accounting. main() builds the real ones; tests drive
// every command with a scripted process runner, files in memory, a fixed
// clock and an interrupt they raise themselves.

#include <iosfwd>
#include <map>
#include <string>

#include "clock.h"
#include "fs.h"
#include "load.h"
#include "process.h"
#include "terminal.h"

namespace eh {

/// Whether the harness was asked to stop (SIGINT, SIGTERM): the signal, or 0.
class Interrupts {
 public:
  virtual ~Interrupts() = default;
  virtual int signal() const = 0;
};

/// The signal handlers' flag (process.h).
const Interrupts& signal_interrupts();

/// The process's current directory, or "" when it cannot be read.
std::string current_directory();

struct CliContext {
  ProcessRunner& processes;
  FileSystem& fs;
  std::ostream& out;
  std::ostream& err;
  std::map<std::string, std::string> env;  // the harness's own environment
  TerminalInfo term = {};                  // what stderr and stdout are
  const Clock& clock = system_clock();
  const Interrupts& interrupts = signal_interrupts();
  const CpuMeter& cpu = system_cpu_meter();  // whether the machine was busy while timing
  std::string cwd = current_directory();     // relative paths are resolved against it

  /// `path` made absolute against cwd (go and test binaries run elsewhere).
  std::string absolute(const std::string& path) const;
};

}  // namespace eh
