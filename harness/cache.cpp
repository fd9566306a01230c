#include "cache.h"

#include <nlohmann/json.hpp>

#include "results_json.h"

namespace eh {
namespace {

/// Each entry starts with the key it was stored under: an entry is used only
/// when that line is the key asked for, so a file copied, renamed or cut
/// short under another name can never pass for a measurement of other code.
std::string header(const std::string& key) { return "escape-harness cache entry " + key + "\n"; }

/// The entry's body when its first line names `key`, else nothing.
std::optional<std::string> body(const std::optional<std::string>& text, const std::string& key) {
  if (!text) return std::nullopt;
  const std::string h = header(key);
  if (!text->starts_with(h)) return std::nullopt;
  return text->substr(h.size());
}

}  // namespace

ResultCache::ResultCache(FileSystem& fs, std::string dir, bool read) : fs_(fs), dir_(std::move(dir)), read_(read) {
  std::string err;
  if (!dir_.empty() &&
      !(fs_.make_dirs(join_path(dir_, "facts"), &err) && fs_.make_dirs(join_path(dir_, "timing"), &err)))
    dir_.clear();  // an unwritable cache is no cache, not an error
}

std::optional<VariantObservation> ResultCache::facts(const std::string& key) {
  if (dir_.empty() || !read_) return std::nullopt;
  std::string err;
  auto text = body(fs_.read(join_path(dir_, "facts/" + key + ".json"), &err), key);
  if (!text) return std::nullopt;
  auto o = observation_from_json_text(*text, &err);
  if (!o) return o;
  ++hits_;
  o->seconds = 0;  // no process ran for it in this run
  return o;
}

void ResultCache::store_facts(const std::string& key, const VariantObservation& o) {
  if (dir_.empty()) return;
  std::string err;
  fs_.write(join_path(dir_, "facts/" + key + ".json"), header(key) + observation_to_json_text(o), &err);
}

std::optional<std::string> ResultCache::profile(const std::string& key) {
  if (dir_.empty() || !read_) return std::nullopt;
  std::string err;
  return fs_.read(join_path(dir_, "pgo/" + key + ".pprof"), &err);
}

void ResultCache::store_profile(const std::string& key, const std::string& content) {
  if (dir_.empty()) return;
  std::string err;
  if (fs_.make_dirs(join_path(dir_, "pgo"), &err)) fs_.write(join_path(dir_, "pgo/" + key + ".pprof"), content, &err);
}

std::optional<TimingSamples> ResultCache::timing(const std::string& key) {
  if (dir_.empty() || !read_) return std::nullopt;
  std::string err;
  auto text = body(fs_.read(join_path(dir_, "timing/" + key + ".json"), &err), key);
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  auto is_array = [&](const char* k) { return j.is_object() && j.contains(k) && j[k].is_array(); };
  if (j.is_discarded() || !is_array("samples") || !is_array("iterations") || !j.contains("taken") ||
      !j["taken"].is_string() || j["samples"].size() != j["iterations"].size())
    return std::nullopt;
  // Every sample a number with its whole b.N, or the entry is not used.
  TimingSamples out;
  for (std::size_t i = 0; i < j["samples"].size(); ++i) {
    const auto &ns = j["samples"][i], &n = j["iterations"][i];
    if (!ns.is_number() || !n.is_number_integer()) return std::nullopt;
    out.ns_per_op.push_back(ns.get<double>());
    out.iterations.push_back(n.get<std::int64_t>());
  }
  out.taken = j["taken"].get<std::string>();
  ++hits_;
  return out;
}

void ResultCache::store_timing(const std::string& key, const TimingSamples& samples) {
  if (dir_.empty()) return;
  std::string err;
  const nlohmann::json j{{"samples", samples.ns_per_op}, {"iterations", samples.iterations}, {"taken", samples.taken}};
  fs_.write(join_path(dir_, "timing/" + key + ".json"), header(key) + j.dump() + "\n", &err);
}

}  // namespace eh
