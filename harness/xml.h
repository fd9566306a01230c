#pragma once
// Text for XML 1.0 character data and attribute values (SVG charts, JUnit).

#include <string>
#include <string_view>

namespace eh {

/// Escapes the markup characters; control characters other than tab and
/// newline, which XML 1.0 does not allow at all, become '?'.
inline std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') out += '?';
        else
          out += c;
    }
  }
  return out;
}

}  // namespace eh
