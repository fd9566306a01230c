// escape-harness: verifies the claims of the escape-analysis catalog.
// Everything lives in harness_core; this only wires the real dependencies.

#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>

#include "cli.h"
#include "fs.h"
#include "process.h"
#include "toolchain.h"

int main(int argc, char** argv) {
  eh::install_interrupt_handlers();
  eh::SystemProcessRunner processes;
  eh::RealFileSystem fs;
  eh::TerminalInfo term;
  term.is_tty = ::isatty(STDERR_FILENO) == 1;
  term.out_is_tty = ::isatty(STDOUT_FILENO) == 1;
  if (struct winsize ws; ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) term.width = ws.ws_col;
  eh::CliContext ctx{processes, fs, std::cout, std::cerr, eh::current_environment(), term};
  std::vector<std::string> args(argv + 1, argv + argc);
  return eh::run_cli(args, ctx);
}
