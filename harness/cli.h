#pragma once
// The command line: `escape-harness run|gen|list|report`. main() only builds
// the real dependencies and calls run_cli, so tests drive every command with
// a fake process runner and an in-memory file system.

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "fs.h"
#include "process.h"
#include "terminal.h"

namespace eh {

/// Exit statuses. Refuted claims are findings and do not change the status.
enum ExitStatus : int {
  kExitOk = 0,           // every claim got a verdict other than error
  kExitClaimErrors = 1,  // some claims are error (the rest judged, reports written), or reports unwritable
  kExitBadInput = 2,     // spec errors or usage; nothing ran
  kExitToolchain = 3,    // the toolchain cannot be run at all
};

/// What a command may touch.
struct CliContext {
  ProcessRunner& processes;
  FileSystem& fs;
  std::ostream& out;
  std::ostream& err;
  std::map<std::string, std::string> env;  // the harness's own environment
  TerminalInfo term = {};                  // what stderr is
};

/// Runs one command line (without the program name); returns the exit status.
int run_cli(const std::vector<std::string>& args, CliContext& ctx);

/// Whether a command line (without the program name) names a command and
/// only options that command takes, without running it; *err says why not.
/// Scripts and CI workflows are tested with it.
bool valid_command_line(const std::vector<std::string>& args, std::string* err);

}  // namespace eh
