#pragma once
// spec -> generate: Scenario -> a Go module of test programs.
//
// One directory per scenario, and in it one package per variant: the
// catalog gives bug and fix the same function names, so each variant gets a
// package of its own and its code stays as the catalog wrote it. Every
// package holds
//   code.go          the scenario's common code, the variant's code and its
//                    setup, verbatim (the spec's code must be gofmt-clean);
//   harness_test.go  the measured call behind a //go:noinline boundary with
//                    results in package-level sinks, BenchmarkXxx, and
//                    TestEscapeHarness, which prints exact allocation counts
//                    and allocating stacks.
// The output is a pure function of the scenarios: byte-for-byte
// deterministic, and LineMaps take compiler positions back to spec lines.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "source.h"
#include "spec.h"

namespace eh {

/// The module path of the generated module and its language version: the
/// oldest toolchain of the matrix (Go 1.19) must be able to build it.
inline constexpr const char* kModulePath = "escapeharness";
inline constexpr const char* kModuleGoVersion = "1.19";

/// The name of each variant's harness file.
inline constexpr std::string_view kHarnessTestFile = "harness_test.go";

/// Which part of the spec a generated line came from.
enum class Region { common, code, setup, call };
constexpr std::array<Named<Region>, 4> enum_names(Region) {
  return {{{Region::common, "common"}, {Region::code, "code"}, {Region::setup, "setup"}, {Region::call, "call"}}};
}

/// A run of generated lines copied from a spec block.
struct LineSpan {
  int first = 0;  // first generated line, 1-based
  int count = 0;
  Region region = Region::code;
  std::string file;
  int spec_line = 0;     // spec line of the first generated line
  int column_shift = 0;  // spec column = generated column + shift
};

struct GoFile {
  std::string path;  // relative to the module root, '/'-separated
  std::string content;
  std::vector<LineSpan> spans;
};

/// Where a compiler position in generated code comes from.
struct SpecPosition {
  SourcePos pos;
  Region region = Region::code;
  int code_line = 0;  // line within the spec block, 1-based
};

/// One variant's package.
struct GoPackage {
  std::string scenario;
  std::string variant;
  std::string dir;          // "param-address/bug", relative to the module root
  std::string import_path;  // "escapeharness/param-address/bug"
  std::string package_name;
  std::string benchmark;      // "BenchmarkBug"
  std::string loop_function;  // fully qualified harnessLoop, as stacks name it
  std::optional<GoVersion> min_go;

  /// Its harness file, relative to the module root.
  std::string harness_test() const { return dir + "/" + std::string(kHarnessTestFile); }
};

struct GeneratedModule {
  std::vector<GoFile> files;  // sorted by path; includes go.mod and README.md
  std::vector<GoPackage> packages;

  const GoFile* file(std::string_view path) const;
  const GoPackage* package(std::string_view scenario, std::string_view variant) const;
  /// The spec position of `line`:`column` of generated file `path`, when that
  /// line was copied from a spec.
  std::optional<SpecPosition> to_spec(std::string_view path, int line, int column) const;
  /// A hash of every file generated for one scenario, to tell when committed
  /// results were produced from other code.
  std::string scenario_hash(std::string_view scenario) const;
  /// What a scenario's results were made from: its generated code and its
  /// spec's text (claims and quotes included), for results.json's source_hash.
  std::string source_hash(const Scenario& s) const;
};

GeneratedModule generate(const std::vector<Scenario>& scenarios);

}  // namespace eh
