#include "pprof_raw.h"

#include <charconv>
#include <fmt/format.h>

#include "text.h"

namespace eh {
namespace {

template <class T>
bool number(std::string_view s, T& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

/// "FUNCTION FILE:LINE[:COLUMN] s=START": the function may hold spaces (a
/// generic shape, "go.shape.interface {}"), the file does not.
std::optional<ProfileFrame> frame(std::string_view s) {
  s = trim(s);
  auto start = s.rfind(" s=");
  if (start != std::string_view::npos) s = s.substr(0, start);
  auto space = s.rfind(' ');
  if (space == std::string_view::npos) return std::nullopt;
  ProfileFrame f;
  f.function = std::string(trim(s.substr(0, space)));
  std::string_view where = s.substr(space + 1);
  // FILE:LINE:COLUMN (go1.21 on) or FILE:LINE.
  auto c1 = where.rfind(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  int a = 0;
  if (!number(where.substr(c1 + 1), a)) return std::nullopt;
  std::string_view rest = where.substr(0, c1);
  int b = 0;
  auto c2 = rest.rfind(':');
  if (c2 != std::string_view::npos && number(rest.substr(c2 + 1), b)) {
    f.file = std::string(rest.substr(0, c2));
    f.line = b;
  } else {
    f.file = std::string(rest);
    f.line = a;
  }
  return f;
}

}  // namespace

std::optional<std::size_t> RawProfile::type(std::string_view name) const {
  for (std::size_t i = 0; i < types.size(); ++i)
    if (std::string_view(types[i]).substr(0, types[i].find('/')) == name) return i;
  return std::nullopt;
}

std::optional<RawProfile> parse_pprof_raw(std::string_view text, std::string* err) {
  enum class Section { head, types, samples, locations, tail } section = Section::head;
  RawProfile p;
  std::vector<std::pair<std::size_t, std::vector<std::uint64_t>>> stacks;  // sample -> location ids
  std::map<std::uint64_t, std::vector<ProfileFrame>> locations;
  std::vector<ProfileFrame>* current = nullptr;
  int lineno = 0;
  auto fail = [&](std::string_view why, std::string_view line) {
    if (err) *err = fmt::format("pprof -raw line {}: {}: '{}'", lineno, why, line.substr(0, 120));
    return std::nullopt;
  };
  for (std::size_t pos = 0; pos < text.size();) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++lineno;
    if (line.starts_with("Samples:")) {
      section = Section::types;
      continue;
    }
    if (line.starts_with("Locations")) {
      section = Section::locations;
      continue;
    }
    if (line.starts_with("Mappings")) {
      section = Section::tail;
      continue;
    }
    std::string_view t = trim(line);
    if (t.empty()) continue;
    switch (section) {
      case Section::head:
      case Section::tail: break;
      case Section::types:
        for (std::size_t i = 0; i < t.size();) {
          auto sp = t.find(' ', i);
          std::string_view name = t.substr(i, sp == std::string_view::npos ? std::string_view::npos : sp - i);
          if (auto br = name.find('['); br != std::string_view::npos) name = name.substr(0, br);  // "[dflt]"
          if (!name.empty()) p.types.emplace_back(name);
          if (sp == std::string_view::npos) break;
          i = sp + 1;
        }
        section = Section::samples;
        break;
      case Section::samples: {
        auto colon = t.find(':');
        if (colon == std::string_view::npos) return fail("expected 'values: locations'", line);
        std::string_view head = t.substr(0, colon);
        if (head.find_first_not_of("0123456789- ") != std::string_view::npos) break;  // a label line, "bytes:[96]"
        ProfileSample s;
        for (std::size_t i = 0; i < head.size();) {
          while (i < head.size() && head[i] == ' ') ++i;
          auto sp = head.find(' ', i);
          std::string_view v = head.substr(i, sp == std::string_view::npos ? std::string_view::npos : sp - i);
          std::int64_t n = 0;
          if (!v.empty()) {
            if (!number(v, n)) return fail("a sample value is not a number", line);
            s.values.push_back(n);
          }
          if (sp == std::string_view::npos) break;
          i = sp + 1;
        }
        if (s.values.size() != p.types.size()) return fail("a sample has not one value per sample type", line);
        std::vector<std::uint64_t> ids;
        std::string_view rest = trim(t.substr(colon + 1));
        for (std::size_t i = 0; i < rest.size();) {
          auto sp = rest.find(' ', i);
          std::string_view v = rest.substr(i, sp == std::string_view::npos ? std::string_view::npos : sp - i);
          std::uint64_t id = 0;
          if (!v.empty() && !number(v, id)) return fail("a location id is not a number", line);
          if (!v.empty()) ids.push_back(id);
          if (sp == std::string_view::npos) break;
          i = sp + 1;
        }
        stacks.emplace_back(p.samples.size(), std::move(ids));
        p.samples.push_back(std::move(s));
        break;
      }
      case Section::locations: {
        // "ID: 0xADDR M=N FRAME" starts a location; an indented FRAME alone
        // is the next frame it was inlined into.
        auto colon = t.find(": 0x");
        std::uint64_t id = 0;
        if (colon != std::string_view::npos && number(t.substr(0, colon), id)) {
          current = &locations[id];
          std::string_view after = t.substr(colon + 2);
          auto m = after.find(" M=");
          if (m == std::string_view::npos) break;
          after = after.substr(m + 3);
          auto sp = after.find(' ');
          if (sp == std::string_view::npos) break;  // an address with no symbol
          if (auto f = frame(after.substr(sp + 1))) current->push_back(std::move(*f));
        } else if (current) {
          if (auto f = frame(t)) current->push_back(std::move(*f));
        }
        break;
      }
    }
  }
  if (p.types.empty()) {
    if (err) *err = "pprof -raw output without a 'Samples:' section";
    return std::nullopt;
  }
  for (auto& [index, ids] : stacks)
    for (auto id : ids) {
      auto it = locations.find(id);
      if (it == locations.end()) {
        if (err) *err = fmt::format("pprof -raw: a sample names location {}, which is not listed", id);
        return std::nullopt;
      }
      auto& frames = p.samples[index].frames;
      frames.insert(frames.end(), it->second.begin(), it->second.end());
    }
  return p;
}

}  // namespace eh
