#pragma once
// The catalog's own words. catalog/escape-analysis-find-the-bug.txt is read
// as it is, split into entries ("Bug N: Title¶" headers) and, inside each,
// into the units a claim can quote: the sentences of the prose lines
// ("Symptom. ...", "Cause. ...", "Fix. ...", and the other prose) and the
// comments of the code lines ("// copy: expected"). Every unit is either
// quoted by a claim or listed by the spec as not encoded, with the reason:
// that is the coverage EVIDENCE.md opens each entry with. Pure functions.
//
// A line of an entry is prose when it starts with an ASCII capital letter
// (the catalog's Go never does: keywords, identifiers, braces); everything
// else is code, whose `// ...` tail is a comment.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eh {

inline constexpr const char* kDefaultCatalogFile = "catalog/escape-analysis-find-the-bug.txt";

/// One quotable unit of the catalog.
struct CatalogSentence {
  int entry = 0;          // 0: outside the entries (title, preamble, summary, reading list)
  int line = 0;           // 1-based line of the catalog file
  std::size_t begin = 0;  // byte range in the catalog text
  std::size_t end = 0;
  std::string text;   // verbatim, without the "Symptom. " label or the "// "
  std::string label;  // "Symptom", "Cause", "Fix", "code comment", or "" for other prose
};

struct CatalogEntry {
  int number = 0;
  std::string title;
  std::size_t begin = 0;  // byte range of the entry's lines (header excluded)
  std::size_t end = 0;
};

struct CatalogText {
  std::string file;
  std::string text;
  std::vector<CatalogEntry> entries;
  std::vector<CatalogSentence> sentences;

  const CatalogEntry* entry(int number) const;
  /// Where `quote` first occurs verbatim in entry `number`'s text, as a byte
  /// range of the catalog; nothing when it does not (or the entry is absent).
  std::optional<std::pair<std::size_t, std::size_t>> find_quote(int number, std::string_view quote) const;
  /// The sentences of entry `number` (0: those outside the entries), in order.
  std::vector<const CatalogSentence*> sentences_of(int number) const;
};

CatalogText parse_catalog(std::string file, std::string text);

}  // namespace eh
