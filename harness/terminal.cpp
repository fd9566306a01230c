#include "terminal.h"

#include <fmt/format.h>

namespace eh {

std::string format_duration(std::chrono::seconds s) {
  auto n = s.count();
  if (n >= 3600) return fmt::format("{}:{:02}:{:02}", n / 3600, n / 60 % 60, n % 60);
  return fmt::format("{}:{:02}", n / 60, n % 60);
}

Progress::Progress(std::ostream& err, const TerminalInfo& term, const std::map<std::string, std::string>& env,
                   const Clock& clock)
    : err_(err), width_(term.width > 20 ? term.width : 80), clock_(clock), start_(clock.now()) {
  auto has = [&](const char* k) { return env.count(k) && !env.at(k).empty(); };
  bool dumb = env.count("TERM") && env.at("TERM") == "dumb";
  smart_ = term.is_tty && !dumb && !has("CI");
  colour_ = (smart_ && !has("NO_COLOR")) || (has("CLICOLOR_FORCE") && env.at("CLICOLOR_FORCE") != "0");
}

void Progress::step(const std::string& what) {
  ++done_;
  auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - start_);
  if (!smart_) {
    err_ << "  " << what << "\n";
    return;
  }
  // Past the planned total (extra timing rounds, which no plan can count
  // ahead) the count goes on with a '+' and there is no ETA to give.
  const bool over = done_ + 1 > total_;
  std::string eta;
  if (done_ > 0 && !over) eta = fmt::format(", ETA {}", format_duration(elapsed * (total_ - done_) / done_));
  std::string text = fmt::format("[{}/{}{}] {}  {} elapsed{}", done_ + 1, total_, over ? "+" : "", what,
                                 format_duration(elapsed), eta);
  if (static_cast<int>(text.size()) > width_ - 1) text = text.substr(0, static_cast<std::size_t>(width_ - 4)) + "...";
  err_ << "\r\x1b[K" << text << std::flush;
  status_shown_ = true;
}

void Progress::line(const std::string& text) {
  if (smart_ && status_shown_) err_ << "\r\x1b[K";
  err_ << text << "\n";
  status_shown_ = false;
}

void Progress::finish() {
  if (smart_ && status_shown_) err_ << "\r\x1b[K" << std::flush;
  status_shown_ = false;
}

std::string Progress::paint(const std::string& text, const std::string& colour) const {
  if (!colour_) return text;
  static const std::map<std::string, std::string> codes = {
      {"green", "32"}, {"red", "31"}, {"yellow", "33"}, {"magenta", "35"}, {"bold", "1"}};
  auto it = codes.find(colour);
  return it == codes.end() ? text : "\x1b[" + it->second + "m" + text + "\x1b[0m";
}

}  // namespace eh
