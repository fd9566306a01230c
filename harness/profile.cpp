#include "profile.h"

#include "text.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <tuple>

namespace eh {
namespace {

/// The runtime's own frames. runtime/pprof hides them at the top of a heap
/// profile's stacks (protomem.go: frames of runtime.* and internal/runtime/*
/// before the first other one), so mallocgc, growslice or mapassign never
/// show: a sample's first frame is the code that asked for the memory. Code
/// linked into the runtime under another package's name (sync.runtime_*,
/// in runtime/sema.go) is the runtime's too.
bool runtime_frame(const ProfileFrame& f) {
  return f.function.starts_with("runtime.") || f.function.starts_with("internal/runtime/") ||
         f.file.find("/src/runtime/") != std::string::npos;
}

bool testing_frame(const ProfileFrame& f) {
  return f.function.starts_with("testing.") || f.function.starts_with("testing/");
}

bool contains(std::string_view s, std::string_view what) { return s.find(what) != std::string_view::npos; }

/// A map insert on a line with no call that allocates: "m[k] = v", "m[k]++".
bool map_store(std::string_view code) {
  auto close = code.find("] ");
  if (code.find('[') == std::string_view::npos || close == std::string_view::npos) return false;
  std::string_view after = code.substr(close + 2);
  return (after.starts_with("= ") || after.starts_with("+= ") || after.starts_with("++") || after.starts_with("|= ")) &&
         !contains(code, ":=");
}

std::string notes_text(const std::vector<const CompilerNote*>& notes) {
  std::string said;
  for (const auto* n : notes) said += fmt::format("{}'{}'", said.empty() ? "" : ", ", n->message);
  return said;
}

/// Why a line allocates on the heap though the compiler reported no escape
/// at it: read off what it did say there and the code.
std::string no_escape_reason(std::string_view code, const std::vector<const CompilerNote*>& notes) {
  const std::string said = notes_text(notes);
  const std::string compiler =
      said.empty() ? "the compiler printed no escape message at this line" : fmt::format("the compiler said {}", said);
  auto noted = [&](std::string_view what) {
    return std::any_of(notes.begin(), notes.end(), [&](const CompilerNote* n) { return contains(n->message, what); });
  };
  if (noted("make([]") || (notes.empty() && contains(code, "make([]")))
    return fmt::format(
        "{}: a slice whose size is not a constant (or is over 64 KiB) is allocated on the heap by "
        "runtime.makeslice",
        compiler);
  if (noted("make(map") || (notes.empty() && contains(code, "make(map")))
    return fmt::format("{}: a map whose size hint is not a small constant gets its buckets from the heap", compiler);
  if (noted(" + ") || noted("string(") || noted("([]byte)(") || noted("[]byte("))
    return fmt::format(
        "{}: a result that does not escape gets a 32-byte buffer on the stack; a longer one is "
        "allocated by the runtime",
        compiler);
  if (noted("&") || noted("new("))
    return fmt::format("{}: a value too large for the stack (over 64 KiB for new and &T{{}}) is allocated on the heap",
                       compiler);
  return fmt::format("{}: the allocation is the runtime's, on this line's behalf", compiler);
}

using SiteKey = std::tuple<std::string, std::string, int>;  // function, file, line

struct Tally {
  std::int64_t objects = 0, bytes = 0;
  std::optional<ProfileFrame> caller;
};

/// Every sample under a benchmark, by site; the framework's apart. A sample
/// is the framework's when, going outwards from the allocation, a frame of
/// the testing package comes before any frame of the analysed code (the
/// matcher b.Run compiles, the result line it prints).
void tally(const RawProfile& p, const Analysis& a, int sign, std::map<SiteKey, Tally>& sites, BenchmarkProfile& b) {
  const auto oi = p.type("alloc_objects"), bi = p.type("alloc_space");
  if (!oi || !bi) return;
  for (const auto& s : p.samples) {
    const auto& fr = s.frames;
    const bool under_benchmark = std::any_of(
        fr.begin(), fr.end(), [](const ProfileFrame& f) { return f.function.starts_with("testing.(*B)."); });
    if (!under_benchmark) continue;
    const std::int64_t o = s.values[*oi] * sign, bytes = s.values[*bi] * sign;
    std::size_t i = 0;
    while (i < fr.size() && runtime_frame(fr[i])) ++i;
    std::size_t k = i;
    while (k < fr.size() && !testing_frame(fr[k]) && !analysed(a, fr[k].function)) ++k;
    if (i == fr.size() || k == fr.size() || testing_frame(fr[k])) {
      b.framework_objects += o;
      continue;
    }
    b.objects += o;
    b.bytes += bytes;
    Tally& t = sites[{fr[i].function, fr[i].file, fr[i].line}];
    t.objects += o;
    t.bytes += bytes;
    if (k != i) t.caller = fr[k];
  }
}

std::string package_of(const std::string& function) {
  // "github.com/x/y.(*T).M" -> "github.com/x/y": the first '.' after the last '/'.
  auto slash = function.rfind('/');
  auto dot = function.find('.', slash == std::string::npos ? 0 : slash);
  return function.substr(0, dot);
}

std::string line_text(std::string_view src, int line) { return std::string(trim(line_of(src, line))); }

/// The finding that best fits the code: an append's finding on an append
/// line, else the first that allocates.
const Finding* best_finding(const std::vector<const Finding*>& at, std::string_view code) {
  for (const auto* f : at)
    if (contains(code, "append(") == f->message.starts_with("append")) return f;
  return at.front();
}

}  // namespace

std::string_view describe(SiteCategory c) {
  switch (c) {
    case SiteCategory::escape: return "explained by an escape the compiler reported at this position";
    case SiteCategory::no_escape: return "on the heap without an escape message";
    case SiteCategory::runtime_growth: return "grown inside the runtime (append, map growth), charged to this line";
    case SiteCategory::outside: return "in code the build did not analyse (the standard library, a dependency)";
  }
  return "";
}

bool analysed(const Analysis& a, const std::string& function) {
  const std::string pkg = package_of(function);
  for (const auto& p : a.packages)
    if (pkg == p || pkg == p + "_test") return true;
  return false;
}

std::vector<Site> attribute(const RawProfile& shorter, const RawProfile& longer, const Analysis& analysis,
                            BenchmarkProfile& bench) {
  std::map<SiteKey, Tally> sites;
  bench.objects = bench.bytes = bench.framework_objects = 0;
  tally(longer, analysis, +1, sites, bench);
  tally(shorter, analysis, -1, sites, bench);

  std::map<std::pair<std::string, int>, std::vector<const Finding*>> findings;
  for (const auto& f : analysis.findings)
    if (f.allocation != Allocation::no) findings[{f.file, f.line}].push_back(&f);
  std::map<std::pair<std::string, int>, std::vector<const CompilerNote*>> notes;
  for (const auto& n : analysis.notes) notes[{n.file, n.line}].push_back(&n);
  std::map<std::string, std::optional<std::string>> sources;

  std::vector<Site> out;
  for (const auto& [key, t] : sites) {
    if (t.objects <= 0 && t.bytes <= 0) continue;  // what the two runs share, and noise
    const auto& [function, file, line] = key;
    Site s;
    s.benchmark = bench.name;
    s.bench_package = bench.package;
    s.package = package_of(function);
    s.function = function;
    s.file = file;
    s.line = line;
    s.objects = t.objects;
    s.bytes = t.bytes;
    s.ops = bench.ops;
    s.caller = t.caller;
    if (analysis.source) {
      auto [src, inserted] = sources.try_emplace(file);
      if (inserted) src->second = analysis.source(file);
      if (src->second) s.code = line_text(*src->second, line);
    }
    const Finding* match = nullptr;
    if (auto it = findings.find({file, line}); it != findings.end()) match = best_finding(it->second, s.code);
    if (match) {
      s.finding = *match;
      s.column = match->column;
    }
    if (!analysed(analysis, function)) {
      s.category = SiteCategory::outside;
      s.reason = t.caller ? fmt::format("inside {}, called from {} ({}:{})", function, t.caller->function,
                                        t.caller->file, t.caller->line)
                          : fmt::format("inside {}", function);
    } else if (match) {
      s.category = SiteCategory::escape;
      s.reason = fmt::format("{} ({})", match->message, to_string(match->shape));
    } else if (contains(s.code, "append(")) {
      s.category = SiteCategory::runtime_growth;
      s.reason =
          "append grew the slice: runtime.growslice allocates the new backing array, and the compiler reports "
          "no escape for it";
    } else if (map_store(s.code)) {
      s.category = SiteCategory::runtime_growth;
      s.reason = "the map grew: an insert into a full map allocates new buckets (or a new table) in the runtime";
    } else {
      s.category = SiteCategory::no_escape;
      auto it = notes.find({file, line});
      s.reason = no_escape_reason(s.code, it == notes.end() ? std::vector<const CompilerNote*>{} : it->second);
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const Site& a, const Site& b) {
    return std::tie(b.bytes, b.objects, a.file, a.line, a.function) <
           std::tie(a.bytes, a.objects, b.file, b.line, b.function);
  });
  return out;
}

std::vector<Finding> unreached(const Analysis& a, const std::vector<Site>& sites) {
  std::set<std::pair<std::string, int>> reached;
  for (const auto& s : sites) reached.emplace(s.file, s.line);
  std::vector<Finding> out;
  for (const auto& f : a.findings)
    if (f.allocation != Allocation::no && !f.file.ends_with("_test.go") && !f.file.ends_with("/_testmain.go") &&
        f.file != "_testmain.go" && f.file != "<autogenerated>" && !reached.count({f.file, f.line}))
      out.push_back(f);
  return out;
}

}  // namespace eh
