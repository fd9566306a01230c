#pragma once
// Exports for the tools Go engineers and CI already use. Pure functions of
// the results (and, for JUnit, the drift baseline).
//
//   --export-benchstat FILE  the samples in the Go benchmark format: per
//     toolchain and scenario, configuration lines (goos, goarch, goversion,
//     cpu, pkg), then one line per sample, named
//     BenchmarkScenario/variant=name-P, with exact B/op and allocs/op. So
//       benchstat -col /variant FILE    compares bug and fix per entry,
//       benchstat -col goversion FILE   compares toolchains.
//   --export-junit FILE  one test case per claim and toolchain; it fails
//     when its verdict is `error` or differs from the baseline. A refuted
//     claim that matches the baseline passes (the expected finding) and
//     carries its verdict and numbers in system-out.

#include <string>

#include "results.h"

namespace eh {

std::string benchstat_export(const Results& r);
std::string junit_export(const Results& r, const Results* baseline);

}  // namespace eh
