#pragma once
// The scenario spec: what a YAML file in scenarios/ says, after validation.
//
// A scenario tests claims about one piece of code: variants carry Go code
// (the bug, its fixes, and variants that show where a claim holds and where
// it does not); claims carry expectations that the judge turns into
// verdicts. A claim either tests the words of its source (the catalog entry
// it quotes, or another source the scenario names) or is the harness's own
// (`origin: harness`): the latter are shown apart and never counted as the
// source's. The loader (spec_loader.h) is the only producer; everything
// after it trusts these invariants: ids match [a-z0-9-]+, every variant,
// marker and claim a spec names exists, numbers are exact, quotes are the
// catalog's words verbatim.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
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
  /// Where byte `offset` of `text` is in the spec file.
  SourcePos pos_at(std::size_t offset) const;
};

enum class ExpectKind {
  allocs,      // allocations per call of one variant
  bytes,       // bytes per call of one variant
  fewer,       // one variant allocates fewer objects/bytes than another
  diagnostic,  // a -gcflags=-m message on a marked line
  site,        // a function accounts (or not) for a variant's allocations, or its CPU time
  faster,      // one variant's ns/op is lower than another's
  holds,       // a Go boolean expression, evaluated in the variant's package, is true
  similar,     // two variants' ns/op are equivalent within a relative margin
  largest,     // the largest object allocated under a function grows (by a ratio) from one variant to another
};

/// The order of scenarios in every report: the catalog's entries by number,
/// then the specs of other sources by id.
inline auto scenario_order(int entry, const std::string& id) { return std::tuple(entry == 0, entry, id); }

/// Whether an expectation compares timing samples (run only without --quick).
inline bool is_timing(ExpectKind k) { return k == ExpectKind::faster || k == ExpectKind::similar; }
/// How Expectation::describe() begins for exactly the timing kinds: what
/// tells a recorded expectation verdict (results.json) of timing apart.
inline constexpr std::string_view kTimingDescription = "ns/op of ";
inline bool describes_timing(std::string_view description) { return description.starts_with(kTimingDescription); }
constexpr std::array<Named<ExpectKind>, 9> enum_names(ExpectKind) {
  return {{{ExpectKind::allocs, "allocs"},
           {ExpectKind::bytes, "bytes"},
           {ExpectKind::fewer, "fewer"},
           {ExpectKind::diagnostic, "diagnostic"},
           {ExpectKind::site, "site"},
           {ExpectKind::faster, "faster"},
           {ExpectKind::holds, "holds"},
           {ExpectKind::similar, "similar"},
           {ExpectKind::largest, "largest"}}};
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

/// Which profile a site expectation reads: every frame of the allocating
/// stacks, runtime ones included (`full`, from runtime.MemProfile at rate 1);
/// what `go tool pprof` shows for the standard -memprofile (`pprof`), whose
/// writer hides leading runtime frames; or a CPU profile of the benchmark
/// (`cpu`): the share of samples whose stack holds the function.
enum class SiteView { full, pprof, cpu };
constexpr std::array<Named<SiteView>, 3> enum_names(SiteView) {
  return {{{SiteView::full, "full"}, {SiteView::pprof, "pprof"}, {SiteView::cpu, "cpu"}}};
}

/// Which compiler wording a diagnostic matches: `-gcflags=-m`'s, or the
/// extra lines of `-m=2` (explanations, "capturing by ref", inlining costs).
enum class Dialect { m, m2 };
constexpr std::array<Named<Dialect>, 2> enum_names(Dialect) { return {{{Dialect::m, "-m"}, {Dialect::m2, "-m=2"}}}; }

/// Which copy of the marked code a diagnostic reads: the function's own
/// (`out-of-line`, the messages at the marked line), or the copy inlined at
/// the measured call (`inlined`, reported at the call's line).
enum class Copy { out_of_line, inlined };
constexpr std::array<Named<Copy>, 2> enum_names(Copy) {
  return {{{Copy::out_of_line, "out-of-line"}, {Copy::inlined, "inlined"}}};
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
  Rational value;              // per call; for the cpu view a share of samples (0.1 for 10%)
  bool value_percent = false;  // written as a percentage
  Rational tolerance;          // approx: absolute, or a fraction of value
  bool tolerance_relative = false;

  // fewer, faster, similar (`within` in by_at_least, relative)
  Metric metric = Metric::allocs;
  std::string than;
  std::optional<Rational> by_at_least;  // per call, or (by_relative) a fraction of `than`'s value
  bool by_relative = false;

  // diagnostic
  std::string marker;
  std::string matches;  // RE2 regular expression
  Dialect dialect = Dialect::m;
  Copy copy = Copy::out_of_line;
  // diagnostic, site
  bool present = true;

  // site
  std::string function;  // glob over function names: '*' any run, '?' one char
  SiteView view = SiteView::full;

  // holds
  std::string expr;  // Go, evaluated once after the counted calls

  // largest: variant's largest object under `function` at least this many times than's
  std::optional<Rational> ratio_at_least;

  /// One line saying what this expects, for reports: "allocs/op of bug >= 1".
  std::string describe() const;
};

enum class Aspect { symptom, cause, fix, note };
constexpr std::array<Named<Aspect>, 4> enum_names(Aspect) {
  return {{{Aspect::symptom, "symptom"}, {Aspect::cause, "cause"}, {Aspect::fix, "fix"}, {Aspect::note, "note"}}};
}

/// Whose claim it is: the source's words (quoted), or the harness's own.
enum class Origin { source, harness };
constexpr std::array<Named<Origin>, 2> enum_names(Origin) {
  return {{{Origin::source, "source"}, {Origin::harness, "harness"}}};
}

/// How a claim's expectations make its verdict: every one must hold (`all`),
/// or one is enough (`any`: "in the profile" when there are several).
enum class Combine { all, any };
constexpr std::array<Named<Combine>, 2> enum_names(Combine) { return {{{Combine::all, "all"}, {Combine::any, "any"}}}; }

/// The placeholders of a claim's `correction` (checked by the loader, filled
/// by ERRATA.md): {toolchains}, and {V.M} for a variant V and a metric M.
struct CorrectionMetric {
  std::string_view name;
  std::string_view help;
};
inline constexpr CorrectionMetric kCorrectionMetrics[] = {
    {"allocs", "allocs/op, exact"},
    {"bytes", "B/op, exact"},
    {"ns", "median ns/op (of one benchmark run where nothing is timed)"},
};

/// Words of the source, verbatim, and where the spec writes them.
struct Quote {
  std::string text;
  SourcePos pos;
};

struct Claim {
  std::string id;
  std::string text;  // the claim in our words
  Aspect aspect = Aspect::symptom;
  Origin origin = Origin::source;
  std::vector<Quote> quotes;  // the source's words it tests (origin source)
  SourcePos pos;
  std::vector<Expectation> expect;
  Combine combine = Combine::all;
  /// The claim's own qualifiers ("in pre-1.14 Go"): judged only on
  /// toolchains in range, `skipped` with the reason elsewhere.
  std::optional<GoVersion> min_go;
  std::optional<GoVersion> before_go;
  /// For ERRATA.md, should the claim be refuted: a corrected sentence, with
  /// {toolchains} and {variant.allocs}, {variant.bytes}, {variant.ns}
  /// filled from the measurements.
  std::string correction;
  SourcePos correction_pos;
  /// Harness claims that show where this one does hold.
  std::vector<std::string> holds_where;
  std::vector<SourcePos> holds_where_pos;
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
  std::string name;  // "bug", or "bug/n=8" for one value of a sweep
  std::string dir;   // its package directory: the name, or "bug-n8" for a sweep value
  SourcePos pos;
  std::string about;
  CodeBlock code;
  CodeBlock setup;
  std::vector<std::string> imports;  // in addition to the scenario's
  std::vector<SourcePos> imports_pos;
  std::string call;  // a Go expression
  SourcePos call_pos;
  std::vector<std::string> results;  // Go types of the call's results, stored in sinks
  Boundary boundary = Boundary::noinline;
  std::vector<std::string> gcflags;  // compiler flags for the variant's package, besides the harness's
  int calls = 10000;                 // calls counted for exact allocations per call
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
  std::string fixes;                   // the variant this one fixes ("" when it is no fix)
  SourcePos fixes_pos;
  /// A sweep: the variant as written ("bug"), the parameter and this value.
  /// The loader expands a variant with `params:` into one per value; only
  /// then is `value` set (`param_values` holds them until then).
  std::string sweep;
  std::string param;
  std::string value;
  std::vector<std::string> param_values;
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

/// A sentence of the source that no claim tests, and why.
struct NotEncoded {
  Quote quote;
  std::string reason;
};

struct Scenario {
  std::string file;       // as given to the loader, used in every message
  std::string text_hash;  // of the spec file's text: results made from another text are stale
  std::string id;
  int entry = 0;       // the catalog entry; 0 when the scenario is not one
  std::string source;  // "" for the catalog entry; else a URL or words ("folklore")
  std::string title;
  std::string summary;
  SourcePos pos;        // of the id
  SourcePos entry_pos;  // of the entry number
  std::vector<std::string> imports;
  std::vector<SourcePos> imports_pos;
  CodeBlock common;  // Go code shared by every variant (types, helpers)
  std::vector<Variant> variants;
  std::vector<Claim> claims;
  std::vector<NotEncoded> not_encoded;

  /// Whether the claims test a catalog entry's words.
  bool from_catalog() const { return entry > 0 && source.empty(); }
  const Variant* find_variant(const std::string& name) const;
  const Claim* find_claim(const std::string& id) const;
  /// The variants an expectation's name stands for: the one so named, or
  /// every value of the sweep of that name.
  std::vector<const Variant*> variants_named(const std::string& name) const;
  /// The `holds` expressions that name `variant`, in spec order, each once.
  std::vector<std::string> holds_expressions(const std::string& variant) const;
  /// The Go of a variant, by the generated file it goes to: the package's
  /// code (common, code, setup) or the harness's test file (the call, the
  /// result types, the holds expressions). An import is used where these are.
  std::vector<std::string> code_texts(const Variant& v) const;
  std::vector<std::string> harness_texts(const Variant& v) const;
  /// The marker's place for `variant`, or a null block when absent.
  MarkerRef find_marker(const Variant& variant, const std::string& marker) const;
};

}  // namespace eh
