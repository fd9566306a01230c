#pragma once
// Markdown pieces the reports share: table cells, code spans, verdict words.

#include <string>
#include <string_view>

#include "judge.h"

namespace eh {

/// Text for a Markdown table cell: pipes escaped, newlines folded.
std::string md_cell(std::string_view s);

/// `s` as a code span, safe inside a table cell.
std::string md_code(std::string_view s);

/// How a verdict is shown: REFUTED and ERROR in bold capitals, inconclusive in italics.
std::string md_verdict(Verdict v);

/// "go1.19.8", "go1.19.8 and go1.26.8", "go1.19.8, go1.26.8 and go1.27.3".
std::string and_list(const std::vector<std::string>& items);

}  // namespace eh
