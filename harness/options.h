#pragma once
// Command-line options: the table of every option (options.cpp is the only
// place one is written down) and the parsed arguments of one command line.
//
// An option row names the commands that take it, so adding an option to a
// command is one row. Usage text, --help, validation, the README's
// "Command line" block and the workflow test all read the same rows.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eh {

/// The commands, as bits so an option row can name several.
enum CommandId : std::uint32_t {
  kCmdRun = 1u << 0,
  kCmdCheck = 1u << 1,
  kCmdGen = 1u << 2,
  kCmdList = 1u << 3,
  kCmdReport = 1u << 4,
  kCmdShow = 1u << 5,
  kCmdScan = 1u << 6,
  kCmdMerge = 1u << 7,
  kCmdErrorcheck = 1u << 8,
  kCmdProfile = 1u << 9,
};

/// One option of one or more commands. A number when max > min; a flag when
/// `value` is empty.
struct OptionRow {
  std::string_view name;      // "--samples"
  std::string_view value;     // "N" in usage; "" for a flag
  std::string_view fallback;  // the default, as text ("" for none)
  std::string_view help;
  std::uint32_t commands = 0;  // CommandId bits
  bool repeatable = false;
  int min = 0;
  int max = 0;
};

/// Every option row, in the order usage lists them.
std::span<const OptionRow> option_rows();

/// The rows `command` takes, in usage order.
std::vector<const OptionRow*> options_of(CommandId command);

/// What one command line said. Reading an option the command does not take
/// is a programming error (std::logic_error), so a typo cannot read nothing.
class Args {
 public:
  /// Parses `args` for `command`; nothing with *err set on a usage error.
  /// `positional`: the command takes arguments that are not options.
  static std::optional<Args> parse(CommandId command, bool positional, const std::vector<std::string>& args,
                                   std::string* err);

  bool help() const { return help_; }
  bool flag(std::string_view name) const;
  /// The last value given, else the row's default.
  std::string text(std::string_view name) const;
  int number(std::string_view name) const;
  /// Every value given, in order (repeatable options).
  std::vector<std::string> all(std::string_view name) const;
  bool given(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  /// Sets an option as if given (for a command that fills in another's).
  void set(std::string_view name, std::string value);

 private:
  const OptionRow& row(std::string_view name) const;

  CommandId command_ = kCmdRun;
  bool help_ = false;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positional_;
};

}  // namespace eh
