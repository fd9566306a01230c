#include "context.h"

#include <vector>

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
  if (cwd.empty() && !path.starts_with("/")) return path;
  // Lexically clean, as Go's filepath.Clean: "/m/." is "/m", so paths the
  // compiler and the profiler print can be matched against it.
  const std::string whole = path.starts_with("/") ? path : join_path(cwd, path);
  std::vector<std::string> parts;
  for (std::size_t start = 0; start <= whole.size();) {
    auto slash = whole.find('/', start);
    std::string part = whole.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string clean;
  for (const auto& p : parts) clean += "/" + p;
  return clean.empty() ? "/" : clean;
}

}  // namespace eh
