#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "catalog_text.h"
#include "fs.h"
#include "results.h"
#include "spec_loader.h"
#include "test_util.h"

using namespace eh;

// The catalog read as it is, and the committed specs accounting for every
// one of its sentences: quoted by a claim, or listed as not encoded with
// the reason.

namespace {

const std::string kSmall =
    "A Catalog¶\n"
    "A preamble. It has two sentences.\n"
    "Bug 1: The first¶\n"
    "func f() { // a comment\n"
    "}\n"
    "Symptom. One allocation per call. In pre-1.14 Go, two.\n"
    "Cause. A reason.\n"
    "Bug 2: The second¶\n"
    "Fix. Do less.\n"
    "Further reading¶\n";

std::vector<std::string> texts(const CatalogText& c, int entry) {
  std::vector<std::string> out;
  for (const auto* s : c.sentences_of(entry)) out.push_back((s->label.empty() ? "" : s->label + ": ") + s->text);
  return out;
}

}  // namespace

TEST_CASE("the catalog splits into entries and the sentences a claim can quote", "[catalog]") {
  CatalogText c = parse_catalog("c.txt", kSmall);
  REQUIRE(c.entries.size() == 2);
  CHECK(c.entries[0].number == 1);
  CHECK(c.entries[0].title == "The first");
  CHECK(c.entry(2)->title == "The second");
  CHECK_FALSE(c.entry(3));
  CHECK(texts(c, 1) == std::vector<std::string>{"code comment: a comment", "Symptom: One allocation per call.",
                                                "Symptom: In pre-1.14 Go, two.", "Cause: A reason."});
  CHECK(texts(c, 2) == std::vector<std::string>{"Fix: Do less."});
  CHECK(texts(c, 0) == std::vector<std::string>{"heading: A Catalog", "A preamble.", "It has two sentences.",
                                                "heading: Further reading"});
  // A quote is verbatim words of its own entry, never of another.
  CHECK(c.find_quote(1, "One allocation per call"));
  CHECK(c.find_quote(1, "Symptom. One allocation"));
  CHECK_FALSE(c.find_quote(1, "one allocation per call"));
  CHECK_FALSE(c.find_quote(2, "A reason."));
  CHECK_FALSE(c.find_quote(1, "Do less."));
}

TEST_CASE("every sentence of the catalog is quoted by a claim or not encoded, with the reason", "[catalog]") {
  RealFileSystem fs;
  const std::string root = test::source_dir();
  std::string err;
  auto text = fs.read(join_path(root, kDefaultCatalogFile), &err);
  REQUIRE(text);
  CatalogText catalog = parse_catalog(kDefaultCatalogFile, *text);
  CHECK(catalog.entries.size() == 13);
  LoadOptions lo;
  lo.catalog = &catalog;
  LoadResult r = load_scenarios(fs, join_path(root, "scenarios"), lo);
  for (const auto& e : r.errors) FAIL(e.format());
  std::set<int> tested;
  for (const auto& s : r.scenarios) {
    if (!s.from_catalog()) continue;
    tested.insert(s.entry);
    for (const auto& row : coverage_of(catalog, s.entry, s.claims, s.not_encoded)) {
      INFO("entry " << s.entry << " line " << row.line << ": " << row.text);
      CHECK((!row.claims.empty() || !row.not_encoded.empty()));
    }
  }
  for (const auto& e : catalog.entries) {
    INFO("entry " << e.number);
    CHECK(tested.count(e.number));
  }
  std::vector<InputError> errors;
  auto notes = load_catalog_notes(fs, join_path(join_path(root, "catalog"), kCatalogNotesFile), catalog, errors);
  for (const auto& e : errors) FAIL(e.format());
  for (const auto& row : coverage_of(catalog, 0, {}, notes)) {
    INFO("outside the entries, line " << row.line << ": " << row.text);
    CHECK(!row.not_encoded.empty());
  }
}

TEST_CASE("the committed catalog is the shared one, byte for byte", "[catalog]") {
  const std::filesystem::path shared =
      std::filesystem::path(test::source_dir()).parent_path() / "shared" / kDefaultCatalogFile;
  if (!std::filesystem::exists(shared)) {
    WARN("no shared catalog at " << shared << ": nothing to compare with");
    return;
  }
  RealFileSystem fs;
  std::string err;
  CHECK(fs.read(shared.string(), &err) == test::read_repo_file(kDefaultCatalogFile));
}
