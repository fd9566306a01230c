#include "context.h"

#include <ctime>
#include <filesystem>

namespace eh {
namespace {

class SystemClock : public Clock {
 public:
  std::string utc_now() const override {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
};

class SignalInterrupts : public Interrupts {
 public:
  int signal() const override { return interrupt_signal(); }
};

}  // namespace

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

const Interrupts& signal_interrupts() {
  static const SignalInterrupts interrupts;
  return interrupts;
}

std::string current_directory() {
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  return ec ? std::string() : cwd.string();
}

std::string CliContext::absolute(const std::string& path) const {
  if (path.starts_with("/") || cwd.empty()) return path;
  return join_path(cwd, path);
}

}  // namespace eh
