#pragma once
// Why-chains: the compiler's explanation of each escape in a variant's code,
// from -m=2 and from the JSON optimisation log, compared and mapped back to
// the spec. Pure: parsed chains and the generated module in, WhyChains out.

#include <string>
#include <vector>

#include "generate.h"
#include "names.h"
#include "parse_chains.h"
#include "source.h"

namespace eh {

/// A step of a chain, with its place in the spec when it has one.
struct WhyStep {
  std::string text;
  SourcePos pos;  // spec file position; line 0 for flow steps and unmapped places
  Region region = Region::code;
  int code_line = 0;
  std::string generated;  // "x/bug/code.go:20:19", or "" for flow steps

  friend bool operator==(const WhyStep&, const WhyStep&) = default;
};

/// Which routes explained an escape, and whether they agree.
enum class Routes { both, m2_only, json_only, disagree };
constexpr std::array<Named<Routes>, 4> enum_names(Routes) {
  return {{{Routes::both, "both"},
           {Routes::m2_only, "m2-only"},
           {Routes::json_only, "json-only"},
           {Routes::disagree, "disagree"}}};
}

struct WhyChain {
  /// Empty for the variant's own code; else the package whose code allocates
  /// (positions then name its source, relative to GOROOT/src for the
  /// standard library), explained by -m=2 of that package.
  std::string package;
  std::string subject;
  SourcePos pos;
  Region region = Region::code;
  int code_line = 0;
  std::string generated;
  std::vector<WhyStep> steps;  // -m=2's steps (the JSON log's when only it explains)
  Routes routes = Routes::both;
  std::vector<WhyStep> json_steps;  // the JSON log's steps when they differ from -m=2's

  friend bool operator==(const WhyChain&, const WhyChain&) = default;
};

/// The chains of both routes for the spec's lines (code, setup, common,
/// call), each subject once, in order of position.
std::vector<WhyChain> explain(const std::vector<EscapeChain>& m2, const std::vector<EscapeChain>& json,
                              const GeneratedModule& module);

/// A place outside the variant's package where its calls allocate: the
/// innermost non-runtime frame of an allocating stack.
struct AllocPoint {
  std::string package;   // "fmt"
  std::string function;  // "fmt.Errorf"
  std::string file;      // as the profile names it (absolute)
  int line = 0;
};

/// The package of a function name as stacks print it: "fmt.Errorf" -> "fmt",
/// "time.Time.Format" -> "time", "log/slog/internal/buffer.New" ->
/// "log/slog/internal/buffer", "p.(*T).m" -> "p".
std::string package_of(std::string_view function);

/// The chains of `m2` (the -m=2 output of the points' packages) at the
/// points' lines; `goroot` is cut from file names for display.
std::vector<WhyChain> explain_points(const std::vector<EscapeChain>& m2, const std::vector<AllocPoint>& points,
                                     const std::string& goroot);

}  // namespace eh
