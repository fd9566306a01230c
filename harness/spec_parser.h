#pragma once
// The spec loader's insides, shared by spec_loader.cpp (YAML -> structs,
// one table of keys per level) and spec_check.cpp (what spans a scenario:
// sweeps, references, quotes, imports). Not part of the loader's interface.

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "source.h"
#include "spec.h"
#include "spec_loader.h"

namespace eh {

class Parser;

/// One key of a spec mapping: whether it must be there, what it takes, its
/// default and meaning (for schema_reference()), and how it is read.
template <class T>
struct Key {
  const char* name;
  bool required;
  const char* type;
  const char* fallback;
  const char* help;
  void (*read)(Parser& p, const YAML::Node& value, T& out);
};

/// " (did you mean 'x'?)" for the closest candidate within a small distance,
/// else the list of candidates.
std::string suggest(std::string_view word, const std::vector<std::string>& candidates);

/// "a list", "a mapping", "nothing", or the scalar quoted: for messages.
std::string kind_name(const YAML::Node& n);

/// Parsing state for one file: the text for error context and the errors.
/// Readers report a problem and return nothing; the caller goes on, so one
/// run lists every problem of the file.
class Parser {
 public:
  Parser(const std::string& file, const std::string& text, std::vector<InputError>& errors, const LoadOptions& options)
      : src_(file, text), errors_(errors), options_(options) {}

  std::optional<Scenario> parse();

  SourcePos pos(const YAML::Node& n) const;
  /// The position `offset` bytes into a one-line scalar.
  SourcePos offset_pos(const YAML::Node& n, std::size_t offset) const;
  void error(SourcePos p, std::string msg);
  void error(const YAML::Node& n, std::string msg);
  const SourceText& source() const { return src_; }

  std::optional<std::string> string(const YAML::Node& n, std::string_view key);
  std::optional<long long> integer(const YAML::Node& n, std::string_view key, long long lo, long long hi);
  std::optional<bool> boolean(const YAML::Node& n, std::string_view key);
  /// A non-negative exact number; with allow_percent "10%" too (0% to 100%).
  std::optional<Rational> number(const YAML::Node& n, std::string_view key, bool allow_percent, bool* percent);
  std::optional<std::vector<std::string>> string_list(const YAML::Node& n, std::string_view key,
                                                      std::vector<SourcePos>* positions);
  std::optional<std::string> identifier(const YAML::Node& n, std::string_view key);
  std::optional<GoVersion> version(const YAML::Node& n, std::string_view key);
  template <NamedEnum E>
  std::optional<E> choice(const YAML::Node& n, std::string_view key, std::string_view what);
  std::vector<Quote> quotes(const YAML::Node& n, std::string_view key);
  std::optional<CodeBlock> code(const YAML::Node& n, std::string_view key);
  std::optional<std::vector<std::string>> imports(const YAML::Node& n, std::vector<SourcePos>* positions);

  // Values of one key each, read into their struct.
  void reference(const YAML::Node& n, const char* key, std::string& out, SourcePos& where);
  void amount(const YAML::Node& n, const char* key, Compare c, Expectation& e);
  void pattern(const YAML::Node& n, Expectation& e);
  void holds_expr(const YAML::Node& n, Expectation& e);
  void call(const YAML::Node& n, Variant& v);
  void results(const YAML::Node& n, Variant& v);
  void gcflags(const YAML::Node& n, Variant& v);
  void params(const YAML::Node& n, Variant& v);
  void variants(const YAML::Node& n, Scenario& s);
  void claims(const YAML::Node& n, Scenario& s);
  void not_encoded(const YAML::Node& n, Scenario& s);
  void expectations(const YAML::Node& n, Claim& c);

 private:
  template <class T>
  void read_map(const YAML::Node& n, std::string_view what, std::span<const Key<T>* const> keys, T& out);
  void each(const YAML::Node& n, std::string_view key, std::string_view what,
            const std::function<void(const YAML::Node&)>& f);
  std::optional<Expectation> expectation(const YAML::Node& n);
  void finish_expectation(const YAML::Node& n, const std::string& what, Expectation& e);

  SourceText src_;
  std::vector<InputError>& errors_;
  const LoadOptions& options_;
};

/// What spans one scenario, checked after its keys were read (every problem
/// reported): sweeps expanded, names that refer to variants, markers and
/// claims, correction placeholders, quotes against the catalog, imports the
/// code does not use. spec_check.cpp.
void check_scenario(Parser& p, Scenario& s, const LoadOptions& options);

}  // namespace eh
