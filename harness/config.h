#pragma once
// Build configurations: the second axis of the matrix, beside the toolchain.
// A claim about an escape is a claim about one compiler in one
// configuration; users ship with profile-guided optimisation, deploy on
// arm64 and debug with inlining off. Everything a configuration changes is
// in its row of kConfigs: how the matrix file spells it, the key it has in
// results, what it sets for go, how its binaries run, and what it cannot do.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goversion.h"
#include "names.h"

namespace eh {

enum class BuildConfig { standard, pgo, noinline, arm64, i386, amd64v3 };

struct ConfigInfo {
  BuildConfig id;
  std::string_view key;                  // in result keys "go1.26.8/<key>"; "" for the standard configuration
  std::string_view spelling;             // how the matrix file writes it (the key is accepted too)
  std::string_view about;                // one line for reports and --help
  std::string_view env_name, env_value;  // set for every go command and binary ("" when none)
  std::string_view gcflag;               // added to the variant package's -gcflags ("" when none)
  std::string_view emulator;             // runs its binaries ("" when native)
  std::string_view emulator_package;     // the Debian package that has the emulator
  int min_minor;                         // the oldest Go 1.x that can build it (0: any)
};

inline constexpr std::array<ConfigInfo, 6> kConfigs = {{
    {BuildConfig::standard, "", "default", "the toolchain's defaults (GOARCH of the machine)", "", "", "", "", "", 0},
    {BuildConfig::pgo, "pgo", "pgo",
     "profile-guided optimisation: built again with -pgo= a CPU profile of the variant's own benchmark", "", "", "", "",
     "", 21},
    {BuildConfig::noinline, "noinline", "noinline", "inlining off: -gcflags=-l for the variant's package", "", "", "-l",
     "", "", 0},
    {BuildConfig::arm64, "arm64", "GOARCH=arm64", "GOARCH=arm64, run under qemu-aarch64-static", "GOARCH", "arm64", "",
     "qemu-aarch64-static", "qemu-user-static", 0},
    {BuildConfig::i386, "386", "GOARCH=386", "GOARCH=386: 32-bit, 4-byte pointers (headers and size classes change)",
     "GOARCH", "386", "", "", "", 0},
    {BuildConfig::amd64v3, "amd64v3", "GOAMD64=v3", "GOAMD64=v3: x86-64-v3 instructions (AVX2, BMI2, FMA)", "GOAMD64",
     "v3", "", "", "", 18},
}};

/// The name table of BuildConfig, read from kConfigs: each one's key, and
/// "default" (its spelling) for the configuration without one.
constexpr std::array<Named<BuildConfig>, kConfigs.size()> enum_names(BuildConfig) {
  std::array<Named<BuildConfig>, kConfigs.size()> out{};
  for (std::size_t i = 0; i < kConfigs.size(); ++i)
    out[i] = {kConfigs[i].id, kConfigs[i].key.empty() ? kConfigs[i].spelling : kConfigs[i].key};
  return out;
}

const ConfigInfo& config_info(BuildConfig c);

/// The configuration a matrix file or --config names, by its spelling or its key.
std::optional<BuildConfig> parse_config(std::string_view word);

/// Every spelling, for "expected one of" messages: "pgo, noinline, GOARCH=arm64, ...".
std::string config_spellings();

/// The configuration of a result key's part after the '/' ("" for the standard one).
std::optional<BuildConfig> config_of_key(std::string_view key);

/// "go1.26.8" for the standard configuration, else "go1.26.8/pgo".
std::string result_key(std::string_view version, BuildConfig c);
/// The same from a configuration's key ("" for the standard one).
std::string result_key(std::string_view version, std::string_view config_key);

/// How results.json and exports name a configuration by its key: "default" for "".
std::string config_name(std::string_view config_key);

/// Why `c` cannot be built by Go `go` ("-pgo needs Go 1.21 or newer; go1.19.8 is older"), or "".
std::string config_gate(BuildConfig c, const std::optional<GoVersion>& go, std::string_view version);

}  // namespace eh
