#include "catalog_text.h"

#include <cctype>

#include "text.h"

namespace eh {
namespace {

/// "Bug 12: The map with growth allocations¶" -> 12 and the title.
std::optional<std::pair<int, std::string>> entry_header(std::string_view line) {
  if (!line.starts_with("Bug ")) return std::nullopt;
  std::size_t i = 4;
  int n = 0;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) n = n * 10 + (line[i++] - '0');
  if (n == 0 || i + 1 >= line.size() || line[i] != ':' || line[i + 1] != ' ') return std::nullopt;
  std::string_view title = line.substr(i + 2);
  if (title.ends_with("\xc2\xb6")) title.remove_suffix(2);  // the pilcrow of a heading
  return std::pair{n, std::string(trim(title))};
}

/// A heading that ends the entries ("14. Summary¶", "Further reading¶").
bool other_heading(std::string_view line) { return line.ends_with("\xc2\xb6"); }

bool prose(std::string_view line) { return !line.empty() && line[0] >= 'A' && line[0] <= 'Z'; }

/// Adds the sentences of one prose line: a sentence ends at '.', '!' or '?'
/// (and a closing '"' after it) followed by a space and a capital letter, or
/// at the end of the line.
void add_prose(CatalogText& c, int entry, int line_no, std::size_t line_begin, std::string_view line) {
  std::string label;
  std::size_t at = 0;
  for (std::string_view l : {"Symptom.", "Cause.", "Fix."})
    if (line.starts_with(l)) {
      label = std::string(l.substr(0, l.size() - 1));
      at = l.size();
      while (at < line.size() && line[at] == ' ') ++at;
    }
  std::size_t begin = at;
  for (std::size_t i = at; i <= line.size(); ++i) {
    bool stop = i == line.size();
    std::size_t end = i;
    if (!stop && (line[i] == '.' || line[i] == '!' || line[i] == '?')) {
      end = i + 1;
      if (end < line.size() && line[end] == '"') ++end;
      stop = end + 1 < line.size() && line[end] == ' ' && std::isupper(static_cast<unsigned char>(line[end + 1]));
    }
    if (!stop) continue;
    std::string_view s = trim(line.substr(begin, end - begin));
    if (!s.empty()) {
      std::size_t off = line_begin + static_cast<std::size_t>(s.data() - line.data());
      c.sentences.push_back(CatalogSentence{entry, line_no, off, off + s.size(), std::string(s), label});
    }
    begin = end;
    if (end > i + 1) i = end - 1;  // past a closing quote
  }
}

/// A heading line is one unit: "Further reading".
void add_heading(CatalogText& c, int line_no, std::size_t line_begin, std::string_view line) {
  std::string_view s = trim(line);
  std::size_t off = line_begin + static_cast<std::size_t>(s.data() - line.data());
  c.sentences.push_back(CatalogSentence{0, line_no, off, off + s.size(), std::string(s), "heading"});
}

void add_comment(CatalogText& c, int entry, int line_no, std::size_t line_begin, std::string_view line) {
  auto at = line.find("//");
  if (at == std::string_view::npos) return;
  std::string_view s = trim(line.substr(at + 2));
  if (s.empty()) return;
  std::size_t off = line_begin + static_cast<std::size_t>(s.data() - line.data());
  c.sentences.push_back(CatalogSentence{entry, line_no, off, off + s.size(), std::string(s), "code comment"});
}

}  // namespace

CatalogText parse_catalog(std::string file, std::string text) {
  CatalogText c;
  c.file = std::move(file);
  c.text = std::move(text);
  std::string_view all = c.text;
  int entry = 0, line_no = 0;
  bool in_entries = true;  // false once a heading other than "Bug N:" follows the entries
  for (std::size_t b = 0; b < all.size();) {
    std::size_t e = all.find('\n', b);
    if (e == std::string_view::npos) e = all.size();
    std::string_view line = all.substr(b, e - b);
    ++line_no;
    if (auto h = entry_header(line)) {
      if (!c.entries.empty()) c.entries.back().end = b;
      entry = h->first;
      c.entries.push_back(CatalogEntry{entry, h->second, e + 1, all.size()});
    } else if (other_heading(line)) {
      if (!c.entries.empty() && in_entries && entry != 0) c.entries.back().end = b;
      if (line_no > 1) in_entries = false, entry = 0;
      add_heading(c, line_no, b, line.substr(0, line.size() - 2));
    } else if (entry == 0 || prose(line)) {
      add_prose(c, entry, line_no, b, line);
    } else {
      add_comment(c, entry, line_no, b, line);
    }
    b = e + 1;
  }
  return c;
}

const CatalogEntry* CatalogText::entry(int number) const {
  for (const auto& e : entries)
    if (e.number == number) return &e;
  return nullptr;
}

std::optional<std::pair<std::size_t, std::size_t>> CatalogText::find_quote(int number, std::string_view quote) const {
  const CatalogEntry* e = entry(number);
  if (!e || quote.empty()) return std::nullopt;
  std::string_view body = std::string_view(text).substr(e->begin, e->end - e->begin);
  auto at = body.find(quote);
  if (at == std::string_view::npos) return std::nullopt;
  return std::pair{e->begin + at, e->begin + at + quote.size()};
}

std::vector<const CatalogSentence*> CatalogText::sentences_of(int number) const {
  std::vector<const CatalogSentence*> out;
  for (const auto& s : sentences)
    if (s.entry == number) out.push_back(&s);
  return out;
}

}  // namespace eh
