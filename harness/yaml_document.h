#pragma once
// One YAML document read from a spec's text, with yaml-cpp 0.7 kept from
// its one known hang: after a complete value at the top level, a ',' (as in
// `"quoted", more` or `[a], b`) makes its document loop emit empty
// documents at the same place without end, allocating until memory runs
// out (found by the spec_loader fuzz target). Documents are counted with the
// event parser, which stops when a document starts where the last one did.

#include <cstddef>
#include <string>

#include <yaml-cpp/yaml.h>

namespace eh {

struct YamlDocument {
  YAML::Node root;            ///< the first document (null when the text has none)
  std::size_t documents = 0;  ///< how many documents the text holds
  YAML::Mark second;          ///< where the second starts, when there is one
};

/// Reads `text`. Throws YAML::ParserException for a syntax error, including
/// the one yaml-cpp would loop on, with its mark.
YamlDocument load_yaml_document(const std::string& text);

}  // namespace eh
