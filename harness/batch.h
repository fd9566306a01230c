#pragma once
// batch: quick mode's variants of a scenario linked into one binary.
//
// Linking is most of a variant's `go test -c`. In a batch, one `go build`
// compiles every variant's package with its own flags (-m=2 and the JSON
// log per package, as `go test -c` compiles it) and links one driver
// program; each variant's facts are then taken as from its test binary, in
// processes of its own (`driver I` runs variant I's TestEscapeHarness), so
// no variant measures in a runtime another one has used. (Measured: in one
// shared process, io.WriteString's type-assertion cache, filled by the
// variants before, allocated in a later variant's measured loop.) The
// variant packages and gosrc/ stay as generated: the harness file joins its
// package through an -overlay under a name go build compiles, unchanged but
// for one exported entry point appended after its last line, so every
// compiler position in it is where the test build has it.
//
// After the variant returns the driver writes "NONCE done I" to the records
// file. A build that fails, or a run that fails, lacks that line or cannot
// be trusted, sends the variant back to a test binary of its own, which
// reports what went wrong as before.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace eh {

/// The name the harness file takes in its package for a batch build.
inline constexpr std::string_view kBatchFile = "zz_escape_harness_batch.go";
/// The generated directory (under the module root) of the driver packages.
inline constexpr std::string_view kBatchDir = "escape-harness-batch";

/// `name` (a toolchain's key: "go1.26.8 GOARCH=arm64") as an import path
/// element: what is not a letter, digit, '.', '_' or '-' becomes '-'.
std::string import_path_element(std::string_view name);

/// The harness file as a batch build compiles it: `harness_test` with the
/// entry points the driver calls appended, EscapeHarnessBatch (the test as
/// it is) and EscapeHarnessBatchCounts (the test without the heap profile,
/// for the repeats). The one line that sets MemProfileRate reads a variable
/// instead, so every line stays where harness_test.go has it.
std::string batch_harness_file(std::string_view harness_test);

/// The driver program: `driver I` calls the entry point of import_paths[I],
/// `driver counts I` its counts-only entry point.
std::string batch_driver_source(const std::vector<std::string>& import_paths);

/// go build's -overlay file: each of `files` (path in the module -> path of
/// its content) as JSON.
std::string batch_overlay_json(const std::map<std::string, std::string>& files);

/// A go build's compiler output split at its "# import/path" headers: the
/// lines under each header, keyed by the import path (a package named
/// twice gets both blocks). Lines before the first header are dropped.
std::map<std::string, std::string> split_by_package(std::string_view output);

/// The variants whose "done" line, led by `nonce`, a records file holds.
std::set<int> batch_done(std::string_view records, std::string_view nonce);

/// `text` with the batch file of package directory `dir` turned back into
/// its harness_test.go, so positions read as the test build's: go build
/// names it `dir/zz_escape_harness_batch.go`, go1.19 by the path of the
/// overlay's `content` file, which becomes `content_as`.
std::string as_test_file(std::string text, std::string_view dir, std::string_view content, std::string_view content_as);

}  // namespace eh
