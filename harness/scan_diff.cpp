#include "scan_diff.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

namespace eh {
namespace {

using ojson = nlohmann::ordered_json;
using Key = std::tuple<std::string, std::string, std::string>;  // package, function, message

/// A function's name for matching across releases. Closures are named
/// differently by each: go1.26 by the chain they were inlined through
/// ("ConsoleWriter.writePart.formatLevel.func1"), go1.27 by the function that
/// declares them and a hash ("formatLevel.func1#7gW254ZGGfY=#"); both come to
/// "formatLevel.func", the index dropped with the rest.
std::string match_name(std::string_view function) {
  if (function.ends_with("#")) {
    auto hash = function.substr(0, function.size() - 1).rfind('#');
    if (hash != std::string_view::npos) function = function.substr(0, hash);
  }
  auto closure = function.find(".func");
  if (closure == std::string_view::npos) return std::string(function);
  std::string_view outer = function.substr(0, closure);
  auto dot = outer.rfind('.');
  return std::string(dot == std::string_view::npos ? outer : outer.substr(dot + 1)) + ".func";
}

/// The findings by key, each with its file as the report shows it
/// ("$GOROOT/src/..."): two toolchains have two GOROOTs.
std::map<Key, std::vector<Finding>> by_key(const ScanReport& r) {
  std::map<Key, std::vector<Finding>> out;
  for (Finding f : r.findings) {
    f.file = display_path(r, f.file);
    for (auto& st : f.chain)
      if (st.line > 0) st.file = display_path(r, st.file);
    out[{f.package, match_name(f.function), f.message}].push_back(std::move(f));
  }
  return out;
}

ojson finding_json(const Finding& f) {
  return ojson{{"package", f.package},
               {"file", f.file},
               {"line", f.line},
               {"column", f.column},
               {"function", f.function},
               {"message", f.message},
               {"shape", to_string(f.shape)},
               {"allocates", f.allocation != Allocation::no}};
}

std::string line(const Finding& f) {
  return fmt::format("{}:{}:{} {}: {} ({}{})", f.file, f.line, f.column, f.function.empty() ? "?" : f.function,
                     f.message, to_string(f.shape), f.allocation == Allocation::no ? ", allocates nothing" : "");
}

}  // namespace

long ScanDiff::new_allocations() const {
  return std::count_if(added.begin(), added.end(), [](const Finding& f) { return f.allocation != Allocation::no; });
}

ScanDiff diff_scans(const ScanReport& older, const ScanReport& newer) {
  ScanDiff d;
  d.older = older.toolchain;
  d.newer = newer.toolchain;
  for (const auto& f : older.findings) ++d.older_counts[static_cast<std::size_t>(f.shape)];
  for (const auto& f : newer.findings) ++d.newer_counts[static_cast<std::size_t>(f.shape)];
  auto a = by_key(older), b = by_key(newer);
  // Within a key, pair the occurrences in source order; the rest are added
  // or removed.
  for (auto& [key, olds] : a) {
    auto it = b.find(key);
    const std::size_t paired = it == b.end() ? 0 : std::min(olds.size(), it->second.size());
    for (std::size_t i = 0; i < paired; ++i) {
      const Finding& o = olds[i];
      const Finding& n = it->second[i];
      if (o.shape != n.shape || o.allocation != n.allocation) d.changed.emplace_back(o, n);
      else
        ++d.unchanged;
    }
    for (std::size_t i = paired; i < olds.size(); ++i) d.removed.push_back(olds[i]);
    if (it != b.end())
      for (std::size_t i = paired; i < it->second.size(); ++i) d.added.push_back(it->second[i]);
  }
  for (auto& [key, news] : b)
    if (!a.count(key))
      for (const auto& f : news) d.added.push_back(f);
  auto order = [](const Finding& x, const Finding& y) {
    return std::tie(x.package, x.file, x.line, x.column, x.message) <
           std::tie(y.package, y.file, y.line, y.column, y.message);
  };
  std::sort(d.added.begin(), d.added.end(), order);
  std::sort(d.removed.begin(), d.removed.end(), order);
  return d;
}

std::string diff_summary(const ScanDiff& d, std::size_t listed) {
  std::string out = fmt::format(
      "{} -> {}: {} heap allocations added ({} of them allocating), {} removed, {} changed, {} unchanged (matched by "
      "package, function and message)\n\n",
      d.older, d.newer, d.added.size(), d.new_allocations(), d.removed.size(), d.changed.size(), d.unchanged);
  out += fmt::format("  {:<19} {:>8} {:>8} {:>7}\n", "shape", d.older, d.newer, "change");
  for (const auto& s : enum_names(Shape{})) {
    const long o = d.older_counts[static_cast<std::size_t>(s.value)],
               n = d.newer_counts[static_cast<std::size_t>(s.value)];
    if (o || n) out += fmt::format("  {:<19} {:>8} {:>8} {:>+7}\n", s.name, o, n, n - o);
  }
  auto list = [&](const char* title, const std::vector<Finding>& fs) {
    if (fs.empty()) return;
    out += fmt::format("\n{} ({}):\n", title, fs.size());
    for (std::size_t i = 0; i < fs.size() && i < listed; ++i) out += "  " + line(fs[i]) + "\n";
    if (fs.size() > listed) out += fmt::format("  ... {} more\n", fs.size() - listed);
  };
  list("added", d.added);
  list("removed", d.removed);
  if (!d.changed.empty()) {
    out += fmt::format("\nchanged ({}):\n", d.changed.size());
    for (std::size_t i = 0; i < d.changed.size() && i < listed; ++i)
      out += fmt::format("  {} -> {}{}\n", line(d.changed[i].first), to_string(d.changed[i].second.shape),
                         d.changed[i].second.allocation == Allocation::no ? ", allocates nothing" : "");
  }
  return out;
}

std::string diff_markdown(const ScanDiff& d) {
  std::string out = fmt::format(
      "# Escape scan diff: {} -> {}\n\n{} added ({} allocating), {} removed, {} changed, {} "
      "unchanged; matched by package, function and message.\n\n",
      d.older, d.newer, d.added.size(), d.new_allocations(), d.removed.size(), d.changed.size(), d.unchanged);
  out += fmt::format("| shape | {} | {} | change |\n|---|---:|---:|---:|\n", d.older, d.newer);
  for (const auto& s : enum_names(Shape{})) {
    const long o = d.older_counts[static_cast<std::size_t>(s.value)],
               n = d.newer_counts[static_cast<std::size_t>(s.value)];
    out += fmt::format("| {} | {} | {} | {:+} |\n", s.name, o, n, n - o);
  }
  auto list = [&](const char* title, const std::vector<Finding>& fs) {
    out += fmt::format("\n## {} ({})\n\n", title, fs.size());
    for (const auto& f : fs) out += "- `" + line(f) + "`\n";
  };
  list("Added", d.added);
  list("Removed", d.removed);
  out += fmt::format("\n## Changed ({})\n\n", d.changed.size());
  for (const auto& [o, n] : d.changed)
    out += fmt::format("- `{}` -> {}{}\n", line(o), to_string(n.shape),
                       n.allocation == Allocation::no ? ", allocates nothing" : "");
  return out;
}

std::string diff_json(const ScanDiff& d) {
  ojson j{{"older", d.older}, {"newer", d.newer}};
  ojson shapes = ojson::object();
  for (const auto& s : enum_names(Shape{}))
    shapes[std::string(s.name)] = {{"older", d.older_counts[static_cast<std::size_t>(s.value)]},
                                   {"newer", d.newer_counts[static_cast<std::size_t>(s.value)]}};
  j["shapes"] = shapes;
  ojson added = ojson::array(), removed = ojson::array(), changed = ojson::array();
  for (const auto& f : d.added) added.push_back(finding_json(f));
  for (const auto& f : d.removed) removed.push_back(finding_json(f));
  for (const auto& [o, n] : d.changed) changed.push_back({{"older", finding_json(o)}, {"newer", finding_json(n)}});
  j["added"] = added;
  j["removed"] = removed;
  j["changed"] = changed;
  j["unchanged"] = d.unchanged;
  j["new_allocations"] = d.new_allocations();
  return j.dump(2) + "\n";
}

}  // namespace eh
