#pragma once
// parse: a memory profile as `go tool pprof -raw` prints it (the profile
// package's own text form). The toolchain's pprof reads the protobuf, gzip
// and legacy formats and resolves inlined frames, so the harness reads its
// text rather than the protobuf: one reader for every Go release's profiles.
//
//   Samples:
//   alloc_objects/count alloc_space/bytes[dflt] inuse_objects/count inuse_space/bytes
//             1         96          1         96: 16 17 18 19
//                   bytes:[96]
//   Locations
//        16: 0x4bb684 M=1 os.newFile /usr/local/go/src/os/file_unix.go:145:0 s=144
//                 os.Create /usr/local/go/src/os/file.go:400:0 s=399    (inlined into 16)
//   Mappings

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eh {

struct ProfileFrame {
  std::string function;  // "net.IP.String", "github.com/x/y.(*T).M"
  std::string file;
  int line = 0;
  friend bool operator==(const ProfileFrame&, const ProfileFrame&) = default;
};

struct ProfileSample {
  std::vector<std::int64_t> values;  // in the order of RawProfile::types
  std::vector<ProfileFrame> frames;  // innermost first, inlined frames resolved
};

struct RawProfile {
  std::vector<std::string> types;  // "alloc_objects/count", "alloc_space/bytes", ...
  std::vector<ProfileSample> samples;
  /// The index of a sample type by its name ("alloc_objects"); nullopt if absent.
  std::optional<std::size_t> type(std::string_view name) const;
};

/// Parses pprof -raw text; nullopt with *err naming the line when it is not
/// that format (a sample naming a location that is not listed, say).
std::optional<RawProfile> parse_pprof_raw(std::string_view text, std::string* err);

}  // namespace eh
