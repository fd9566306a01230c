#pragma once
// report: Results -> reports/EVIDENCE.md. A pure function: the same
// results.json always gives the same bytes, so a test can tell when the
// committed EVIDENCE.md is stale.

#include <string>

#include "results.h"

namespace eh {

std::string evidence_markdown(const Results& r);

/// The number that best summarises a claim's verdict on one toolchain: the
/// observation of its first expectation that decided the verdict.
std::string key_number(const ClaimVerdict& v);

/// ns/op for tables: whole numbers from 100 up, else up to 3 decimals.
std::string format_ns(double ns);

}  // namespace eh
