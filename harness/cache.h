#pragma once
// The result cache: a variant's facts on a toolchain, and its timing
// samples, stored under a key that names everything they depend on, so an
// unchanged catalog reruns in a moment and a changed scenario reruns alone.
//
//   facts:  the variant's generated files, the toolchain (version, GOOS,
//           GOARCH), whether the pprof view is read, the harness version
//   timing: the facts key, the CPU model, the sample count and benchtime
//
// Entries are results.json fragments in <dir>/facts/<key>.json and
// <dir>/timing/<key>.json, written atomically through FileSystem; a pgo
// result's CPU profile goes beside its facts, <dir>/pgo/<key>.pprof, so that
// the result can be reused from any work directory with the very profile
// it was built with.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fs.h"
#include "observation.h"

namespace eh {

/// A variant's timing samples: ns/op and b.N of each run, and the date of
/// the run that took them.
struct TimingSamples {
  std::vector<double> ns_per_op;
  std::vector<std::int64_t> iterations;
  std::string taken;
};

class ResultCache {
 public:
  /// `dir` empty: a cache that stores nothing and finds nothing.
  ResultCache(FileSystem& fs, std::string dir, bool read);

  std::optional<VariantObservation> facts(const std::string& key);
  void store_facts(const std::string& key, const VariantObservation& o);
  /// An entry without one b.N per sample or without its date (written by
  /// an older harness) is not found.
  std::optional<TimingSamples> timing(const std::string& key);
  void store_timing(const std::string& key, const TimingSamples& samples);

  /// The CPU profile a pgo result was built with, stored under its facts key.
  std::optional<std::string> profile(const std::string& key);
  void store_profile(const std::string& key, const std::string& content);
  /// A hit that was not used after all (its pgo profile is gone).
  void not_used() { --hits_; }

  int hits() const { return hits_; }

 private:
  FileSystem& fs_;
  std::string dir_;
  bool read_;
  std::atomic<int> hits_ = 0;  // counted from the facts phase's threads
};

}  // namespace eh
