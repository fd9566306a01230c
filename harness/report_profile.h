#pragma once
// report: profile results for people (a terminal summary, Markdown) and tools
// (JSON, SARIF 2.1.0 with each result's measured cost). Pure functions.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "profile.h"

namespace eh {

struct ProfileError {
  std::string package;
  std::string benchmark;  // empty: the whole package
  std::string reason;
};

struct ProfileReport {
  std::string toolchain;
  std::vector<std::string> patterns;
  std::string dir, goroot;
  std::int64_t shorter = 0, longer = 0;  // the two runs' -test.benchtime counts
  double seconds = 0;
  std::vector<BenchmarkProfile> benchmarks;
  std::vector<Site> sites;
  std::vector<Finding> unreached;
  std::vector<ProfileError> errors;
  std::map<std::string, std::string> verdicts;  // scenario id -> its symptom verdict on `toolchain`
};

/// Why the profile's objects/op can fall short of -benchmem's allocs/op.
extern const char* const kProfileGap;
/// Whether a benchmark's profile agrees with -benchmem within the stated gap:
/// the profile sees no more than -benchmem counts (plus its truncation), and
/// the longer run allocated no less than the shorter.
bool reconciled(const BenchmarkProfile& b);

std::string profile_summary(const ProfileReport& r, std::size_t top);
std::string profile_markdown(const ProfileReport& r);
std::string profile_json(const ProfileReport& r);
std::string profile_sarif(const ProfileReport& r);

/// profile --diff: per benchmark, the sites a newer toolchain adds, removes
/// or changes (another cost or category), matched by benchmark, function and
/// line (the two runs profile the same source; a site outside it by the line
/// that called it).
struct ProfileDiff {
  std::string older, newer;
  std::vector<Site> added, removed;
  std::vector<std::pair<Site, Site>> changed;
  long unchanged = 0;
  /// Sites added, or changed to allocate more objects or bytes per op.
  long more() const;
};

ProfileDiff diff_profiles(const ProfileReport& older, const ProfileReport& newer);
std::string profile_diff_summary(const ProfileDiff& d, std::size_t listed);
std::string profile_diff_markdown(const ProfileDiff& d);
std::string profile_diff_json(const ProfileDiff& d);

}  // namespace eh
