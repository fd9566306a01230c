#pragma once
// A small XML well-formedness check for the tests (no XML library is among
// the project's dependencies): one root element, tags nested and closed,
// attributes quoted and unique, entities known. Enough for SVG and JUnit
// written by the harness; not a validating parser.

#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace eh::test {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attrs;  // entity-decoded
  std::vector<XmlElement> children;
  std::string text;  // decoded text directly inside
};

class XmlParser {
 public:
  explicit XmlParser(std::string_view s) : s_(s) {}

  /// The root element, or false with error() saying where it went wrong.
  bool parse(XmlElement& root) {
    skip_prolog();
    if (!element(root)) return false;
    skip_space();
    while (starts("<!--")) {
      if (!comment()) return false;
      skip_space();
    }
    if (i_ != s_.size()) return fail("content after the root element");
    return true;
  }
  const std::string& error() const { return err_; }

 private:
  bool fail(std::string what) {
    err_ = what + " at offset " + std::to_string(i_);
    return false;
  }
  bool starts(std::string_view p) const { return s_.substr(i_, p.size()) == p; }
  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  void skip_prolog() {
    skip_space();
    if (starts("<?xml")) {
      auto e = s_.find("?>", i_);
      i_ = e == std::string_view::npos ? s_.size() : e + 2;
    }
    skip_space();
  }
  bool comment() {
    auto e = s_.find("-->", i_);
    if (e == std::string_view::npos) return fail("unterminated comment");
    i_ = e + 3;
    return true;
  }
  bool name(std::string& out) {
    std::size_t b = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '_' ||
                              s_[i_] == ':' || s_[i_] == '.'))
      ++i_;
    if (i_ == b) return fail("expected a name");
    out = std::string(s_.substr(b, i_ - b));
    return true;
  }
  bool decode(std::string_view raw, std::string& out) {
    for (std::size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '<') return fail("'<' in text or attribute");
      if (raw[k] != '&') {
        out += raw[k];
        continue;
      }
      auto semi = raw.find(';', k);
      if (semi == std::string_view::npos) return fail("unterminated entity");
      std::string_view ent = raw.substr(k + 1, semi - k - 1);
      if (ent == "amp") out += '&';
      else if (ent == "lt")
        out += '<';
      else if (ent == "gt")
        out += '>';
      else if (ent == "quot")
        out += '"';
      else if (ent == "apos")
        out += '\'';
      else if (!ent.empty() && ent[0] == '#')
        out += '?';
      else
        return fail("unknown entity &" + std::string(ent) + ";");
      k = semi;
    }
    return true;
  }
  bool element(XmlElement& el) {
    if (!starts("<")) return fail("expected '<'");
    ++i_;
    if (!name(el.name)) return false;
    for (;;) {
      skip_space();
      if (starts("/>")) {
        i_ += 2;
        return true;
      }
      if (starts(">")) {
        ++i_;
        break;
      }
      std::string attr;
      if (!name(attr)) return false;
      skip_space();
      if (!starts("=")) return fail("expected '=' after attribute " + attr);
      ++i_;
      skip_space();
      if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\'')) return fail("unquoted attribute " + attr);
      char q = s_[i_++];
      auto e = s_.find(q, i_);
      if (e == std::string_view::npos) return fail("unterminated attribute " + attr);
      std::string value;
      if (!decode(s_.substr(i_, e - i_), value)) return false;
      if (el.attrs.count(attr)) return fail("duplicate attribute " + attr);
      el.attrs[attr] = value;
      i_ = e + 1;
    }
    for (;;) {
      if (i_ >= s_.size()) return fail("unclosed <" + el.name + ">");
      if (starts("<!--")) {
        if (!comment()) return false;
      } else if (starts("<![CDATA[")) {
        auto e = s_.find("]]>", i_);
        if (e == std::string_view::npos) return fail("unterminated CDATA");
        el.text += std::string(s_.substr(i_ + 9, e - i_ - 9));
        i_ = e + 3;
      } else if (starts("</")) {
        i_ += 2;
        std::string closing;
        if (!name(closing)) return false;
        if (closing != el.name) return fail("</" + closing + "> closes <" + el.name + ">");
        skip_space();
        if (!starts(">")) return fail("expected '>'");
        ++i_;
        return true;
      } else if (starts("<")) {
        XmlElement child;
        if (!element(child)) return false;
        el.children.push_back(std::move(child));
      } else {
        auto e = s_.find('<', i_);
        if (e == std::string_view::npos) e = s_.size();
        if (!decode(s_.substr(i_, e - i_), el.text)) return false;
        i_ = e;
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string err_;
};

/// Every element of the tree named `name`, depth first.
inline void find_all(const XmlElement& e, const std::string& name, std::vector<const XmlElement*>& out) {
  if (e.name == name) out.push_back(&e);
  for (const auto& c : e.children) find_all(c, name, out);
}

}  // namespace eh::test
