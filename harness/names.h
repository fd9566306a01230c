#pragma once
// One name table per enum. An enum E gets names by declaring, next to it,
//
//   constexpr std::array<Named<E>, N> enum_names(E) { return {{{E::a, "a"}, ...}}; }
//
// which ADL finds; to_string, parse_enum, the list of names (for "expected
// one of" messages and suggestions) and fmt formatting ("{}" prints the
// name) all read that one table, so a name is written once.

#include <array>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace eh {

template <class E>
struct Named {
  E value;
  std::string_view name;
};

template <class E>
concept NamedEnum = std::is_enum_v<E> && requires(E e) {
  { enum_names(e).size() } -> std::convertible_to<std::size_t>;
};

template <NamedEnum E>
constexpr std::string_view to_string(E e) {
  for (const auto& n : enum_names(E{}))
    if (n.value == e) return n.name;
  return "?";
}

/// The value named `name`, or nothing.
template <NamedEnum E>
constexpr std::optional<E> parse_enum(std::string_view name) {
  for (const auto& n : enum_names(E{}))
    if (n.name == name) return n.value;
  return std::nullopt;
}

/// Every name, in the table's order.
template <NamedEnum E>
std::vector<std::string> enum_name_list() {
  std::vector<std::string> out;
  for (const auto& n : enum_names(E{})) out.emplace_back(n.name);
  return out;
}

/// Every value, in the table's order.
template <NamedEnum E>
constexpr auto enum_values() {
  constexpr auto names = enum_names(E{});
  std::array<E, names.size()> out{};
  for (std::size_t i = 0; i < names.size(); ++i) out[i] = names[i].value;
  return out;
}

}  // namespace eh

// fmt 9 takes format_as only for enums that map to integers, so the named
// enums format through this one formatter instead: fmt::format("{}", v).
template <eh::NamedEnum E>
struct fmt::formatter<E> : fmt::formatter<std::string_view> {
  auto format(E e, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(eh::to_string(e), ctx);
  }
};
