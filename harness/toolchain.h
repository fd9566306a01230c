#pragma once
// Which go runs, and with what environment.
//
// A toolchain is named by what it reports (`go env GOVERSION GOOS GOARCH`),
// never by what was asked for: "--go go1.27.3" is the installed go with
// GOTOOLCHAIN=go1.27.3, and only its answer says it is go1.27.3.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "goversion.h"
#include "process.h"

namespace eh {

struct Toolchain {
  std::string requested;    // the --go argument as given ("go" when none)
  std::string go;           // absolute path of the go command to run
  std::string gotoolchain;  // the GOTOOLCHAIN it runs with: "local" or "go1.27.3"
  std::string version;      // "go1.26.8"
  std::string goos;
  std::string goarch;
  std::string goroot;
  std::optional<GoVersion> parsed;  // of `version`; empty for devel builds
  BuildConfig config = BuildConfig::standard;
  std::string emulator;     // absolute path of what runs its binaries ("" when native)
  std::string unavailable;  // why nothing can run in this configuration ("" when it can)

  /// "go1.26.8", or "go1.26.8/pgo": what results, reports and caches call it.
  std::string key() const { return result_key(version, config); }
  /// The key as one path component: "go1.26.8", "go1.26.8+pgo".
  std::string dir_name() const;
  /// "go1.26.8 linux/amd64", "go1.26.8 linux/arm64 (GOARCH=arm64)"
  std::string label() const;
};

/// The variables passed through from the harness's environment to go (where
/// caches live, how to reach the module proxy); everything else is set
/// explicitly or left out.
const std::vector<std::string>& passed_through_env();

/// The complete environment for `tc`'s go commands: the passed-through
/// variables of `inherited`, and GOFLAGS cleared, GOENV=off (no go env file
/// from the user), GOTOOLCHAIN explicit, GOWORK=off, GO111MODULE=on,
/// CGO_ENABLED=0, LC_ALL=C; and what its configuration sets (GOARCH=arm64).
std::map<std::string, std::string> go_environment(const Toolchain& tc,
                                                  const std::map<std::string, std::string>& inherited);

/// The argv of `go tool -n pprof`, which names the toolchain's pprof binary
/// (go1.24 on builds it into the build cache): run directly, it starts in
/// about 10 ms where `go tool pprof` takes 150 ms.
inline const std::vector<std::string> kPprofLookup = {"tool", "-n", "pprof"};
/// The binary that lookup named, or "" when it failed or named none.
std::string named_pprof(const ProcessResult& lookup);

/// Resolves a --go argument: a path to a go binary, a GOROOT (dir/bin/go),
/// a version like "go1.27.3" (the go on PATH with GOTOOLCHAIN set), or "go"
/// (the go on PATH); then asks it what it is. On failure returns nothing and
/// says why in *err, including how to get a go when none is found.
/// `config` is the configuration it is asked about in (its GOARCH is what
/// go reports under it); an emulator it needs and cannot find leaves the
/// toolchain `unavailable`, with the package to install, not an error.
std::optional<Toolchain> probe_toolchain(ProcessRunner& runner, const std::string& spec,
                                         const std::map<std::string, std::string>& inherited, std::string* err,
                                         BuildConfig config = BuildConfig::standard);

/// The current process's environment as a map.
std::map<std::string, std::string> current_environment();

}  // namespace eh
