#pragma once
// Whether the machine was busy with other work while the harness timed:
// the processors' busy time from /proc/stat, less this process's and its
// children's own CPU time (getrusage). A timing run on a loaded machine
// says so instead of passing for a quiet one.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace eh {

/// One reading: a monotonic clock, seconds the machine's processors were
/// busy since boot, and seconds of CPU this process and its waited-for
/// children used.
struct CpuReading {
  double wall_s = 0;
  double busy_s = 0;
  double own_s = 0;
  int cores = 0;
};

/// Reads the machine's CPU accounting; tests give their own readings.
class CpuMeter {
 public:
  virtual ~CpuMeter() = default;
  virtual std::optional<CpuReading> read() const = 0;
  /// Lets other processes' burst pass before timing again (sleeps; tests do not).
  virtual void pause(std::chrono::milliseconds d) const;
};

/// /proc/stat and getrusage(RUSAGE_SELF, RUSAGE_CHILDREN).
const CpuMeter& system_cpu_meter();

/// The busy seconds and the processor count in /proc/stat's text: the
/// aggregate "cpu" line's user, nice, system, irq, softirq and steal ticks
/// (idle and iowait are not busy), at `ticks_per_second`; the "cpuN" lines
/// count the processors. Nothing when the aggregate line is missing or
/// malformed.
std::optional<std::pair<double, int>> parse_proc_stat(std::string_view text, double ticks_per_second);

/// Other processes' average use of the machine between two readings, in
/// cores (never below 0).
double others_cores(const CpuReading& before, const CpuReading& after);

/// The warning for a timing phase between the two readings, or "": said
/// when other processes used at least a quarter of a core on average over a
/// phase of at least 5 seconds.
std::string load_warning(const CpuReading& before, const CpuReading& after);

}  // namespace eh
