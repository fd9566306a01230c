#pragma once
// The scenario spec: what a YAML file in scenarios/ says, after validation.
//
// One Scenario per catalog entry. Variants carry Go code (bug, fix, and
// variants that show where a claim holds and where it does not); claims carry
// expectations that the judge turns into verdicts. The loader
// (spec_loader.h) is the only producer; everything after it trusts these
// invariants: ids match [a-z0-9-]+, every variant/marker an expectation names
// exists, numbers are exact.

#include <optional>
#include <string>
#include <vector>

#include "goversion.h"
#include "names.h"
#include "rational.h"
#include "source.h"

namespace eh {

/// A block of Go code from a spec, with where its first line sits in the
/// YAML file so compiler positions can be mapped back. Line i (0-based) of
/// `text` is line `first_line + i` of the spec file, and column c of it is
/// column `c + indent` there.
struct CodeBlock {
  std::string text;  // ends with '\n' unless empty
  std::string file;
  int first_line = 0;
  int indent = 0;

  bool empty() const { return text.empty(); }
  int line_count() const;
};

enum class ExpectKind {
  allocs,      // allocations per call of one variant
  bytes,       // bytes per call of one variant
  fewer,       // one variant allocates fewer objects/bytes than another
  diagnostic,  // a -gcflags=-m message on a marked line
  site,        // a function accounts (or not) for a variant's allocations
  faster,      // one variant's ns/op is lower than another's
  holds,       // a Go boolean expression, evaluated in the variant's package, is true
  similar,     // two variants' ns/op medians are within a relative margin
};

constexpr std::array<Named<ExpectKind>, 8> enum_names(ExpectKind) {
  return {{{ExpectKind::allocs, "allocs"},
           {ExpectKind::bytes, "bytes"},
           {ExpectKind::fewer, "fewer"},
           {ExpectKind::diagnostic, "diagnostic"},
           {ExpectKind::site, "site"},
           {ExpectKind::faster, "faster"},
           {ExpectKind::holds, "holds"},
           {ExpectKind::similar, "similar"}}};
}

enum class Compare { exactly, at_least, at_most, approx };
constexpr std::array<Named<Compare>, 4> enum_names(Compare) {
  return {{{Compare::exactly, "exactly"},
           {Compare::at_least, "at_least"},
           {Compare::at_most, "at_most"},
           {Compare::approx, "approx"}}};
}

enum class Metric { allocs, bytes };
constexpr std::array<Named<Metric>, 2> enum_names(Metric) {
  return {{{Metric::allocs, "allocs"}, {Metric::bytes, "bytes"}}};
}

/// Which frames an allocation-site expectation reads: every frame of the
/// allocating stack, runtime ones included (`full`), or what `go tool pprof`
/// shows for the standard -memprofile (`pprof`), whose writer hides leading
/// runtime frames.
enum class SiteView { full, pprof };
constexpr std::array<Named<SiteView>, 2> enum_names(SiteView) {
  return {{{SiteView::full, "full"}, {SiteView::pprof, "pprof"}}};
}

/// One checkable prediction. Fields not used by `kind` keep their defaults.
struct Expectation {
  ExpectKind kind = ExpectKind::allocs;
  SourcePos pos;
  std::string variant;
  SourcePos variant_pos;  // where the names are written, for reference errors
  SourcePos than_pos;
  SourcePos marker_pos;

  // allocs, bytes; site with an amount (has_amount)
  Compare compare = Compare::exactly;
  bool has_amount = false;
  Rational value;
  Rational tolerance;  // approx: absolute, or a fraction of value
  bool tolerance_relative = false;

  // fewer, faster, similar (`within` in by_at_least, relative)
  Metric metric = Metric::allocs;
  std::string than;
  std::optional<Rational> by_at_least;  // per call, or (by_relative) a fraction of `than`'s value
  bool by_relative = false;

  // diagnostic
  std::string marker;
  std::string matches;  // ECMAScript regular expression
  // diagnostic, site
  bool present = true;

  // site
  std::string function;  // glob over function names: '*' any run, '?' one char
  SiteView view = SiteView::full;

  // holds
  std::string expr;  // Go, evaluated once after the counted calls

  /// One line saying what this expects, for reports: "allocs/op of bug >= 1".
  std::string describe() const;
};

enum class Aspect { symptom, cause, fix, note };
constexpr std::array<Named<Aspect>, 4> enum_names(Aspect) {
  return {{{Aspect::symptom, "symptom"}, {Aspect::cause, "cause"}, {Aspect::fix, "fix"}, {Aspect::note, "note"}}};
}

struct Claim {
  std::string id;
  std::string text;
  Aspect aspect = Aspect::symptom;
  SourcePos pos;
  std::vector<Expectation> expect;
  /// For ERRATA.md, should the claim be refuted: a corrected sentence, with
  /// {toolchains} and {variant.allocs}, {variant.bytes}, {variant.ns}
  /// filled from the measurements.
  std::string correction;
  std::vector<std::string> holds_in;  // variants that show where the claim does hold
  std::vector<SourcePos> holds_in_pos;
};

/// How the benchmark loop reaches the measured call.
enum class Boundary {
  noinline,  // through a //go:noinline wrapper (the default)
  inline_,   // written directly in the loop, so the compiler may inline it
};
constexpr std::array<Named<Boundary>, 2> enum_names(Boundary) {
  return {{{Boundary::noinline, "noinline"}, {Boundary::inline_, "inline"}}};
}

struct Variant {
  std::string name;
  SourcePos pos;
  std::string about;
  CodeBlock code;
  CodeBlock setup;
  std::vector<std::string> imports;  // in addition to the scenario's
  std::string call;                  // a Go expression or statement
  SourcePos call_pos;
  std::vector<std::string> results;  // Go types of the call's results, stored in sinks
  Boundary boundary = Boundary::noinline;
  int calls = 10000;  // calls counted for exact allocations per call
  /// Calls made before counting starts; by default as many as are counted.
  /// The runtime warms some caches at random (a type assertion's cache is
  /// built on about 1 call in 1024), so one warm-up call is not enough for
  /// the steady state.
  std::optional<int> warmup;
  int warmup_calls() const { return warmup.value_or(calls); }
  std::optional<GoVersion> min_go;     // runs on this version and newer
  std::optional<GoVersion> before_go;  // runs only on versions older than this
  std::string reconstructed;           // why the code was written here, when the catalog lost it
  std::string adapted;                 // what was changed from the catalog's code, and why
};

/// Where a comment marker `// ... @name` sits: which block and which line of
/// it (1-based). Markers are looked up in the variant's code, then its setup,
/// then the scenario's common code. The marker `call` names the variant's
/// call line (block == nullptr, is_call).
struct MarkerRef {
  const CodeBlock* block = nullptr;
  int line = 0;
  bool is_call = false;

  bool found() const { return block || is_call; }
};

/// True when `line` carries `@marker` inside a // comment.
bool line_has_marker(std::string_view line, std::string_view marker);

struct Scenario {
  std::string file;  // as given to the loader, used in every message
  std::string id;
  int entry = 0;
  std::string title;
  std::string summary;
  SourcePos pos;        // of the id
  SourcePos entry_pos;  // of the entry number
  std::vector<std::string> imports;
  CodeBlock common;  // Go code shared by every variant (types, helpers)
  std::vector<Variant> variants;
  std::vector<Claim> claims;

  const Variant* find_variant(const std::string& name) const;
  /// The `holds` expressions that name `variant`, in spec order, each once.
  std::vector<std::string> holds_expressions(const std::string& variant) const;
  /// The marker's place for `variant`, or a null block when absent.
  MarkerRef find_marker(const Variant& variant, const std::string& marker) const;
};

}  // namespace eh
