#pragma once
// The handlers of the command table (cli.cpp): each takes the parsed
// arguments of its command and the context, and returns the exit status.

#include <map>
#include <string>
#include <string_view>

#include "context.h"
#include "options.h"

namespace eh {

int cmd_run(const Args& args, CliContext& ctx);
int cmd_check(const Args& args, CliContext& ctx);
int cmd_gen(const Args& args, CliContext& ctx);
int cmd_list(const Args& args, CliContext& ctx);
int cmd_report(const Args& args, CliContext& ctx);
int cmd_show(const Args& args, CliContext& ctx);
int cmd_scan(const Args& args, CliContext& ctx);
int cmd_profile(const Args& args, CliContext& ctx);
int cmd_merge(const Args& args, CliContext& ctx);
int cmd_errorcheck(const Args& args, CliContext& ctx);

// Shared by scan and profile (scan_command.cpp).

/// Per scenario id, its symptom verdict on `toolchain` from a results.json
/// ("three-convt-allocations refuted"); empty when the file cannot be read.
std::map<std::string, std::string> symptom_verdicts(CliContext& ctx, const std::string& results_path,
                                                    const std::string& toolchain);
/// The summary on the terminal and `text` (the --format) where --out says:
/// without --out the format goes to stdout and the summary to stderr, so
/// `scan --format sarif > f` stays valid.
int write_outputs(CliContext& ctx, const Args& args, std::string_view command, const std::string& summary,
                  const std::string& text);

}  // namespace eh
