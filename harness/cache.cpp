#include "cache.h"

#include <nlohmann/json.hpp>

#include "results_json.h"

namespace eh {

ResultCache::ResultCache(FileSystem& fs, std::string dir, bool read) : fs_(fs), dir_(std::move(dir)), read_(read) {
  std::string err;
  if (!dir_.empty() &&
      !(fs_.make_dirs(join_path(dir_, "facts"), &err) && fs_.make_dirs(join_path(dir_, "timing"), &err)))
    dir_.clear();  // an unwritable cache is no cache, not an error
}

std::optional<VariantObservation> ResultCache::facts(const std::string& key) {
  if (dir_.empty() || !read_) return std::nullopt;
  std::string err;
  auto text = fs_.read(join_path(dir_, "facts/" + key + ".json"), &err);
  if (!text) return std::nullopt;
  auto o = observation_from_json_text(*text, &err);
  if (o) ++hits_;
  return o;
}

void ResultCache::store_facts(const std::string& key, const VariantObservation& o) {
  if (dir_.empty()) return;
  std::string err;
  fs_.write(join_path(dir_, "facts/" + key + ".json"), observation_to_json_text(o), &err);
}

std::optional<std::vector<double>> ResultCache::timing(const std::string& key) {
  if (dir_.empty() || !read_) return std::nullopt;
  std::string err;
  auto text = fs_.read(join_path(dir_, "timing/" + key + ".json"), &err);
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("samples") || !j["samples"].is_array()) return std::nullopt;
  std::vector<double> out;
  for (const auto& x : j["samples"])
    if (x.is_number()) out.push_back(x.get<double>());
  ++hits_;
  return out;
}

void ResultCache::store_timing(const std::string& key, const std::vector<double>& samples) {
  if (dir_.empty()) return;
  std::string err;
  fs_.write(join_path(dir_, "timing/" + key + ".json"), nlohmann::json{{"samples", samples}}.dump() + "\n", &err);
}

}  // namespace eh
