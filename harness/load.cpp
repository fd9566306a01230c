#include "load.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace eh {
namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

class SystemCpuMeter : public CpuMeter {
 public:
  std::optional<CpuReading> read() const override {
    std::ifstream in("/proc/stat");
    std::stringstream text;
    text << in.rdbuf();
    const long hz = ::sysconf(_SC_CLK_TCK);
    auto stat = parse_proc_stat(text.str(), hz > 0 ? static_cast<double>(hz) : 100.0);
    rusage self{}, children{};
    if (!stat || ::getrusage(RUSAGE_SELF, &self) != 0 || ::getrusage(RUSAGE_CHILDREN, &children) != 0)
      return std::nullopt;
    CpuReading r;
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    r.busy_s = stat->first;
    r.cores = stat->second;
    r.own_s = seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) + seconds(children.ru_stime);
    return r;
  }
};

}  // namespace

void CpuMeter::pause(std::chrono::milliseconds d) const { std::this_thread::sleep_for(d); }

const CpuMeter& system_cpu_meter() {
  static const SystemCpuMeter meter;
  return meter;
}

std::optional<std::pair<double, int>> parse_proc_stat(std::string_view text, double ticks_per_second) {
  std::optional<double> busy;
  int cores = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("cpu ")) {
      // user nice system idle iowait irq softirq steal [guest guest_nice]
      std::vector<long long> f;
      std::size_t p = 3;
      while (p < line.size()) {
        while (p < line.size() && line[p] == ' ') ++p;
        if (p >= line.size()) break;
        long long v = 0;
        auto [ptr, ec] = std::from_chars(line.data() + p, line.data() + line.size(), v);
        if (ec != std::errc() || v < 0) return std::nullopt;
        f.push_back(v);
        p = static_cast<std::size_t>(ptr - line.data());
      }
      if (f.size() < 8) return std::nullopt;
      busy = static_cast<double>(f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / ticks_per_second;
    } else if (line.starts_with("cpu") && line.size() > 3 && line[3] >= '0' && line[3] <= '9') {
      ++cores;
    }
  }
  if (!busy) return std::nullopt;
  return std::pair{*busy, cores};
}

double others_cores(const CpuReading& before, const CpuReading& after) {
  const double wall_s = after.wall_s - before.wall_s;
  if (wall_s <= 0) return 0;
  const double others = (after.busy_s - before.busy_s) - (after.own_s - before.own_s);
  return others > 0 ? others / wall_s : 0;
}

std::string load_warning(const CpuReading& before, const CpuReading& after) {
  const double wall_s = after.wall_s - before.wall_s;
  if (wall_s < 5) return "";
  const double others = others_cores(before, after);
  if (others < 0.25) return "";
  return fmt::format(
      "warning: other processes used {:.1f} of the machine's {} cores on average while this run timed ({:.0f} s; "
      "/proc/stat less this run's own CPU): the medians may be slower and wider than on a quiet machine, and "
      "timing claims inconclusive where they would be decided",
      others, after.cores, wall_s);
}

}  // namespace eh
