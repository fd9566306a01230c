#pragma once
// The handlers of the command table (cli.cpp): each takes the parsed
// arguments of its command and the context, and returns the exit status.

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

}  // namespace eh
