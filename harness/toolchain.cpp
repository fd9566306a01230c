#include "toolchain.h"

#include <unistd.h>

#include <fmt/format.h>
#include <sys/stat.h>

extern char** environ;

namespace eh {
namespace {

/// "go1.27.3", "go1.22rc1": a release to run through GOTOOLCHAIN.
bool is_version_spec(const std::string& s) { return s.starts_with("go") && GoVersion::parse(s).has_value(); }

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string trim_right(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string first_lines(const std::string& text, int n) {
  std::string out;
  std::size_t b = 0;
  for (int i = 0; i < n && b < text.size(); ++i) {
    std::size_t e = text.find('\n', b);
    if (e == std::string::npos) e = text.size();
    out += (out.empty() ? "" : " | ") + text.substr(b, e - b);
    b = e + 1;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& passed_through_env() {
  static const std::vector<std::string> vars = {
      "HOME",        "PATH",     "TMPDIR",     "XDG_CACHE_HOME", "GOPATH",    "GOCACHE",       "GOMODCACHE",
      "GOPROXY",     "GOSUMDB",  "GONOSUMDB",  "GONOPROXY",      "GOPRIVATE", "GOINSECURE",    "HTTP_PROXY",
      "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",    "no_proxy",  "SSL_CERT_FILE", "SSL_CERT_DIR"};
  return vars;
}

std::map<std::string, std::string> go_environment(const Toolchain& tc,
                                                  const std::map<std::string, std::string>& inherited) {
  std::map<std::string, std::string> env;
  for (const auto& k : passed_through_env())
    if (auto it = inherited.find(k); it != inherited.end()) env[k] = it->second;
  if (!env.count("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  env["GOFLAGS"] = "";
  env["GOENV"] = "off";
  env["GOTOOLCHAIN"] = tc.gotoolchain.empty() ? "local" : tc.gotoolchain;
  env["GOWORK"] = "off";
  env["GO111MODULE"] = "on";
  env["CGO_ENABLED"] = "0";
  env["LC_ALL"] = "C";
  const ConfigInfo& ci = config_info(tc.config);
  if (!ci.env_name.empty()) env[std::string(ci.env_name)] = ci.env_value;
  return env;
}

std::string Toolchain::dir_name() const {
  std::string k = key();
  for (char& c : k)
    if (c == '/') c = '+';
  return k;
}

std::string Toolchain::label() const {
  const ConfigInfo& ci = config_info(config);
  return fmt::format("{} {}/{}{}", version, goos, goarch, ci.key.empty() ? "" : fmt::format(" ({})", ci.spelling));
}

std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

std::string named_pprof(const ProcessResult& lookup) {
  const std::string path(trim_right(lookup.out));
  return lookup.ok() && path.starts_with("/") ? path : "";
}

std::optional<Toolchain> probe_toolchain(ProcessRunner& runner, const std::string& spec,
                                         const std::map<std::string, std::string>& inherited, std::string* err,
                                         BuildConfig config) {
  Toolchain tc;
  tc.requested = spec;
  tc.config = config;
  tc.gotoolchain = "local";
  std::string path_var = inherited.count("PATH") ? inherited.at("PATH") : "";
  std::string binary = spec;
  if (is_version_spec(spec)) {
    binary = "go";
    tc.gotoolchain = spec;
  } else if (is_dir(spec)) {
    binary = spec + "/bin/go";
  }
  tc.go = search_path(binary, path_var);
  if (tc.go.empty()) {
    if (binary == "go")
      *err =
          "go: not found on PATH. Install Go (https://go.dev/dl/, or `apt-get install golang-go`), put its bin "
          "directory on PATH, or pass --go /path/to/go";
    else
      *err = fmt::format("{}: not an executable file (pass --go with a go binary, a GOROOT or a version like go1.27.3)",
                         binary);
    return std::nullopt;
  }
  if (tc.go.front() != '/') {
    char buf[4096];
    if (::getcwd(buf, sizeof buf)) tc.go = std::string(buf) + "/" + tc.go;
  }
  Command c;
  c.argv = {tc.go, "env", "GOVERSION", "GOOS", "GOARCH", "GOROOT"};
  c.env = go_environment(tc, inherited);
  // A version spec may download the toolchain from the module proxy first.
  c.timeout = std::chrono::minutes(is_version_spec(spec) ? 10 : 1);
  ProcessResult r = runner.run(c);
  if (!r.ok()) {
    *err = fmt::format("{}: `{}` failed ({}){}", spec, c.display(), r.describe(c.timeout),
                       r.err.empty() ? "" : ": " + first_lines(trim_right(r.err), 3));
    return std::nullopt;
  }
  std::vector<std::string> lines;
  std::size_t b = 0;
  while (b < r.out.size()) {
    std::size_t e = r.out.find('\n', b);
    if (e == std::string::npos) e = r.out.size();
    lines.push_back(r.out.substr(b, e - b));
    b = e + 1;
  }
  if (lines.size() < 4 || !lines[0].starts_with("go") || lines[1].empty() || lines[2].empty()) {
    *err = fmt::format("{}: not a go command: `{}` printed {}", spec, c.display(),
                       r.out.empty() ? "nothing" : "'" + first_lines(trim_right(r.out), 2) + "'");
    return std::nullopt;
  }
  tc.version = lines[0].substr(0, lines[0].find(" "));  // drop " X:experiment" suffixes
  tc.goos = lines[1];
  tc.goarch = lines[2];
  tc.goroot = lines[3];
  tc.parsed = GoVersion::parse(tc.version);
  if (const ConfigInfo& ci = config_info(config); !ci.emulator.empty()) {
    tc.emulator = search_path(std::string(ci.emulator), path_var);
    if (tc.emulator.empty())
      tc.unavailable = fmt::format(
          "{} runs its binaries under {}, which is not on PATH: install Debian's {} (apt-get install {}, or "
          ".ci/bootstrap)",
          ci.spelling, ci.emulator, ci.emulator_package, ci.emulator_package);
  }
  return tc;
}

}  // namespace eh
