#pragma once
// report: one scenario's evidence as plain text for the terminal
// (`escape-harness show ID`): claims with verdicts and numbers, the variant
// table, and the why-chains. A pure function of the results.

#include <string>

#include "results.h"

namespace eh {

std::string show_text(const Results& r, const ScenarioRecord& s);

}  // namespace eh
