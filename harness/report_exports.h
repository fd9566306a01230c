#pragma once
// Exports for the tools Go engineers and CI already use. Pure functions of
// the results (and, for JUnit, the drift baseline).
//
//   --export-benchstat FILE  the Go benchmark format. Exact counts, one line
//     per process that counted them, in allocs/op and B/op (declared
//     `Unit ... assume=exact`, so benchstat shows them without noise); ns/op
//     only from timing samples, each line with its b.N. Configuration lines
//     per toolchain and scenario (goos, goarch, goversion, cpu, pkg) and
//     `run:`, the date of the run that measured the lines under it (samples
//     from the cache keep theirs, so benchstat does not mix runs unasked).
//     Names are BenchmarkEntryNN/pair=BUG/variant=V-P: `variant=bug` is the
//     bug of the pair, each fix is in its bug's pair. So
//       benchstat -col /variant FILE    each fix against its own bug,
//       benchstat -col goversion FILE   the toolchains.
//   --export-junit FILE  one test case per claim and toolchain; it fails
//     when its verdict is `error` or differs from the baseline. A refuted
//     claim that matches the baseline passes (the expected finding) and
//     carries its verdict and numbers in system-out. Cases and suites carry
//     `time` (the seconds its cell's processes took, shared evenly by the
//     cell's cases) and suites the counts, `skipped` included; <skipped>
//     holds its reason as text (the Jenkins schema allows no attributes).

#include <string>

#include "results.h"

namespace eh {

std::string benchstat_export(const Results& r);
std::string junit_export(const Results& r, const Results* baseline);

}  // namespace eh
