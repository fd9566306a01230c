#pragma once
// The terminal: one object owns stderr's progress output. On a smart
// terminal it keeps a single status line redrawn in place ("\r\x1b[K") with
// the step, elapsed time and an ETA; elsewhere (a pipe, a file, TERM=dumb,
// CI) it prints plain lines. Colour only on a smart terminal and without
// NO_COLOR (CLICOLOR_FORCE forces it).

#include <chrono>
#include <map>
#include <ostream>
#include <string>

#include "clock.h"

namespace eh {

/// What the standard streams are. Progress goes to stderr; colour is decided
/// for each stream by what that stream is, so a summary redirected to a file
/// carries no escape codes while stderr is a terminal.
struct TerminalInfo {
  bool is_tty = false;  ///< stderr is a terminal
  int width = 80;
  bool out_is_tty = false;  ///< stdout is a terminal

  /// The same terminal, seen from stdout.
  TerminalInfo for_stdout() const { return TerminalInfo{out_is_tty, width, out_is_tty}; }
};

class Progress {
 public:
  Progress(std::ostream& err, const TerminalInfo& term, const std::map<std::string, std::string>& env,
           const Clock& clock = system_clock());

  void set_total(int steps) { total_ = steps; }
  /// A step starts: the status line shows it (or a plain line is printed).
  void step(const std::string& what);
  /// A message that stays (the status line is cleared first).
  void line(const std::string& text);
  /// Clears the status line.
  void finish();

  bool smart() const { return smart_; }
  bool colour() const { return colour_; }
  /// `text` in an ANSI colour ("green", "red", "yellow", "magenta") when colour is on.
  std::string paint(const std::string& text, const std::string& colour) const;

 private:
  std::ostream& err_;
  bool smart_;
  bool colour_;
  int width_;
  int total_ = 0;
  int done_ = -1;
  bool status_shown_ = false;
  const Clock& clock_;
  std::chrono::steady_clock::time_point start_;
};

/// "1:05" for 65 seconds.
std::string format_duration(std::chrono::seconds s);

}  // namespace eh
