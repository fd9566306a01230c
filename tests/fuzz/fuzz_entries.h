#pragma once
// One entry per fuzz target, shared by the libFuzzer targets and the unit
// test that replays tests/fuzz/regressions/: a crash found once stays fixed.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace eh::fuzz {

void spec_loader(std::string_view data);
void parse_m(std::string_view data);
void parse_bench(std::string_view data);
void parse_profile(std::string_view data);
void scan(std::string_view data);
void judge(std::string_view data);

/// The entry for a target name ("spec_loader", ...), or nullptr.
using Entry = void (*)(std::string_view);
Entry entry(std::string_view target);

}  // namespace eh::fuzz
