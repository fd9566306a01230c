#include "markdown.h"

#include "text.h"

namespace eh {

std::string md_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string md_code(std::string_view s) {
  std::string t = md_cell(s);
  return t.find('`') == std::string::npos ? "`" + t + "`" : "`` " + t + " ``";
}

std::string md_verdict(Verdict v) {
  switch (v) {
    case Verdict::confirmed: return "confirmed";
    case Verdict::refuted: return "**REFUTED**";
    case Verdict::inconclusive: return "*inconclusive*";
    case Verdict::skipped: return "skipped";
    case Verdict::error: return "**ERROR**";
  }
  return "?";
}

std::string and_list(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items.front();
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return join(head, ", ") + " and " + items.back();
}

}  // namespace eh
