#pragma once
// The command line: one table of commands (cli.cpp) and one of options
// (options.cpp). main() only builds the real dependencies and calls run_cli,
// so tests drive every command with a fake process runner and an in-memory
// file system.

#include <string>
#include <vector>

#include "catalog.h"
#include "context.h"
#include "options.h"

namespace eh {

/// Runs one command line (without the program name); returns the exit status.
int run_cli(const std::vector<std::string>& args, CliContext& ctx);

/// Whether a command line (without the program name) names a command and
/// only options that command takes, without running it; *err says why not.
/// Scripts and CI workflows are tested with it.
bool valid_command_line(const std::vector<std::string>& args, std::string* err);

/// The synopsis of every command, as the README's "Command line" block shows it.
std::string command_synopsis();

/// `escape-harness CMD --help`.
std::string command_usage(std::string_view command);

}  // namespace eh
