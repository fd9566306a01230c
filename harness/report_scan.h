#pragma once
// report: scan findings for people (a terminal summary, Markdown) and tools
// (JSON, SARIF 2.1.0 for GitHub code scanning). Pure functions.

#include <map>
#include <string>
#include <vector>

#include "scan.h"

namespace eh {

struct ScanReport {
  std::string toolchain;              // "go1.26.8"
  std::vector<std::string> patterns;  // what was scanned
  std::string dir;                    // where (module root), for relative paths
  std::string goroot;                 // files under it are shown as $GOROOT/src/...
  double seconds = 0;
  long long bytes = 0;  // of -m=2 output read
  std::vector<Finding> findings;
  /// Per scenario id: its symptom verdict on `toolchain` from results.json
  /// ("refuted"), when known.
  std::map<std::string, std::string> verdicts;
};

std::string scan_summary(const ScanReport& r);
std::string scan_markdown(const ScanReport& r);
std::string scan_json(const ScanReport& r);
std::string scan_sarif(const ScanReport& r);

/// A finding's file for display and SARIF: relative to the module, or to
/// GOROOT/src ("$GOROOT/src/net/http/server.go").
std::string display_path(const ScanReport& r, const std::string& file);

}  // namespace eh
