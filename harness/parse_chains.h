#pragma once
// parse: why something escapes, as the compiler explains it, by two routes:
// the text of -gcflags=-m=2 ("x escapes to heap in f:" followed by indented
// "flow:" and "from ... at pos" lines) and the JSON optimisation log of
// -gcflags=-json=0,file://DIR (LSP diagnostics with code "escape" or "leak"
// and "escflow:" related information). Both become EscapeChains, so the
// routes can be compared step by step.

#include <string>
#include <string_view>
#include <vector>

namespace eh {

struct ChainStep {
  std::string text;  // "flow: {heap} ← &x" or "from x (assign)", trimmed, no trailing ':'
  std::string file;  // where a "from" step happens; empty for "flow" steps
  int line = 0;
  int column = 0;

  friend bool operator==(const ChainStep&, const ChainStep&) = default;
};

struct EscapeChain {
  std::string file;
  int line = 0;
  int column = 0;
  std::string subject;  // "cfg escapes to heap", "parameter p leaks to {heap} with derefs=0"
  std::vector<ChainStep> steps;

  friend bool operator==(const EscapeChain&, const EscapeChain&) = default;
};

/// One "from x (assign) at dir/code.go:20:11" line of an explanation: the
/// text and, when given, the position.
ChainStep parse_from_step(std::string_view text);

/// The explained escapes and leaks of -m=2 output, in order.
std::vector<EscapeChain> parse_m2_chains(std::string_view text);

/// The escapes and leaks of one JSON optimisation log file. `root` is cut
/// from the front of file URIs ("file:///work/gosrc/" + "x/bug/code.go"),
/// so positions read like the -m ones. Lines that are not diagnostics are
/// skipped; the parser never fails.
std::vector<EscapeChain> parse_json_log_chains(std::string_view text, std::string_view root);

/// The subject without the function the -m=2 text names ("x escapes to heap
/// in f:" and "parameter p leaks to {heap} for f with derefs=0:" lose " in f",
/// " for f" and the colon), so both routes name it alike.
std::string normalise_subject(std::string_view subject);

}  // namespace eh
