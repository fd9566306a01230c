#include "yaml_document.h"

#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

namespace eh {

namespace {

/// Records where each document starts; every other event is ignored.
class DocumentStarts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::string stuck_message(const std::string& text, const YAML::Mark& at) {
  const auto p = static_cast<std::size_t>(at.pos);
  const char c = p < text.size() ? text[p] : '\0';
  if (c == ',')
    return "',' after a complete value: a comma separates items only inside [...] or {...}; "
           "quote the whole value to keep it";
  if (c > ' ' && c < 0x7f) return fmt::format("'{}' after a complete value, where the document should end", c);
  return "text after a complete value, where the document should end";
}

}  // namespace

YamlDocument load_yaml_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts handler;
  while (parser.HandleNextDocument(handler)) {
    const auto n = handler.starts.size();
    if (n >= 2 && handler.starts[n - 1].pos == handler.starts[n - 2].pos)
      throw YAML::ParserException(handler.starts[n - 1], stuck_message(text, handler.starts[n - 1]));
  }
  YamlDocument doc;
  doc.documents = handler.starts.size();
  if (doc.documents >= 2) doc.second = handler.starts[1];
  if (doc.documents >= 1) doc.root = YAML::Load(text);
  return doc;
}

}  // namespace eh
