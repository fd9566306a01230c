#include "config.h"

#include <fmt/format.h>

namespace eh {

const ConfigInfo& config_info(BuildConfig c) {
  for (const auto& i : kConfigs)
    if (i.id == c) return i;
  return kConfigs.front();
}

std::optional<BuildConfig> parse_config(std::string_view word) {
  for (const auto& i : kConfigs)
    if (word == i.spelling || (!i.key.empty() && word == i.key)) return i.id;
  return std::nullopt;
}

std::string config_spellings() {
  std::string out;
  for (const auto& i : kConfigs) out += (out.empty() ? "" : ", ") + std::string(i.spelling);
  return out;
}

std::optional<BuildConfig> config_of_key(std::string_view key) {
  for (const auto& i : kConfigs)
    if (i.key == key) return i.id;
  return std::nullopt;
}

std::string result_key(std::string_view version, BuildConfig c) { return result_key(version, config_info(c).key); }

std::string result_key(std::string_view version, std::string_view config_key) {
  return config_key.empty() ? std::string(version) : fmt::format("{}/{}", version, config_key);
}

std::string config_name(std::string_view config_key) {
  return std::string(config_key.empty() ? to_string(BuildConfig::standard) : config_key);
}

std::string config_gate(BuildConfig c, const std::optional<GoVersion>& go, std::string_view version) {
  const ConfigInfo& i = config_info(c);
  if (i.min_minor == 0 || !go) return "";  // a devel toolchain: assume it can
  if (*go < GoVersion{1, i.min_minor, 0})
    return fmt::format("{} needs Go 1.{} or newer; {} is older", i.spelling == "pgo" ? "-pgo" : i.spelling, i.min_minor,
                       version);
  return "";
}

}  // namespace eh
