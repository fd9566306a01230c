#pragma once
// Time, behind an interface so tests fix it: reports carry a run date, the
// terminal an elapsed time and an ETA.

#include <chrono>
#include <string>

namespace eh {

/// Wall-clock time for reports and a monotonic clock for durations.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Now, as "2026-11-30T01:33:24Z".
  virtual std::string utc_now() const = 0;
  virtual std::chrono::steady_clock::time_point now() const = 0;
};

/// The system's clocks.
const Clock& system_clock();

}  // namespace eh
