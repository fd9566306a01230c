#include <catch2/catch.hpp>

#include "load.h"
#include "test_util.h"

using namespace eh;

TEST_CASE("/proc/stat: the busy ticks of the aggregate line and the processor count", "[load]") {
  // Captured on the reference machine (Debian 12, 2 cores).
  auto stat = parse_proc_stat(test::fixture("proc_stat_debian12_2cores.txt"), 100);
  REQUIRE(stat);
  // user + nice + system + irq + softirq + steal; idle and iowait are not busy.
  CHECK(stat->first == Approx((8190482.0 + 14184 + 678835 + 0 + 12821 + 21694) / 100));
  CHECK(stat->second == 2);
  CHECK_FALSE(parse_proc_stat("cpu0 1 2 3 4 5 6 7 8\n", 100));            // no aggregate line
  CHECK_FALSE(parse_proc_stat("cpu  1 2 3 4 5\ncpu0 1 2 3 4 5\n", 100));  // too few fields
  CHECK_FALSE(parse_proc_stat("cpu  1 2 x 4 5 6 7 8\n", 100));
  CHECK_FALSE(parse_proc_stat("cpu  1 2 -3 4 5 6 7 8\n", 100));
}

TEST_CASE("the load warning: other processes' CPU over the timing phase, not the harness's own", "[load]") {
  const CpuReading start{100, 1000, 10, 2};
  // 60 s in which the machine was busy 100 s and the harness used 30 of them:
  // others kept 70/60 of a core busy.
  const CpuReading busy{160, 1100, 40, 2};
  CHECK(others_cores(start, busy) == Approx(70.0 / 60));
  CHECK(load_warning(start, busy) ==
        "warning: other processes used 1.2 of the machine's 2 cores on average while this run timed (60 s; "
        "/proc/stat less this run's own CPU): the medians may be slower and wider than on a quiet machine, and "
        "timing claims inconclusive where they would be decided");
  // The harness's own processes are not load: busy as it was, all of it ours.
  CHECK(load_warning(start, CpuReading{160, 1095, 95, 2}).empty());
  // Under a quarter of a core: quiet enough.
  CHECK(load_warning(start, CpuReading{160, 1044, 40, 2}).empty());
  CHECK_FALSE(load_warning(start, CpuReading{160, 1046, 40, 2}).empty());
  // A phase under 5 s says nothing (timings from the cache).
  CHECK(load_warning(start, CpuReading{104, 1008, 10, 2}).empty());
  // Own CPU that outgrows the machine's (accounting granularity) is no load.
  CHECK(others_cores(start, CpuReading{160, 1010, 40, 2}) == 0);
}
