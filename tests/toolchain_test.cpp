#include <catch2/catch.hpp>

#include "test_util.h"
#include "toolchain.h"

using namespace eh;

TEST_CASE("a toolchain is what go env says it is", "[toolchain]") {
  test::FakeProcessRunner fake;
  fake.on({"env", "GOVERSION"}, test::exited(0, "go1.27.3\nlinux\namd64\n/root/sdk/go1.27.3\n"));
  std::string err;
  auto tc = probe_toolchain(fake, "go1.27.3", {{"PATH", "/bin:/usr/local/go/bin"}, {"GOFLAGS", "-mod=vendor"}}, &err);
  REQUIRE(tc);
  CHECK(tc->version == "go1.27.3");
  CHECK(tc->gotoolchain == "go1.27.3");
  CHECK(tc->go == "/usr/local/go/bin/go");
  CHECK(tc->label() == "go1.27.3 linux/amd64");
  REQUIRE(fake.commands.size() == 1);
  const Command& c = fake.commands[0];
  CHECK(c.argv == std::vector<std::string>{"/usr/local/go/bin/go", "env", "GOVERSION", "GOOS", "GOARCH", "GOROOT"});
  CHECK(c.env.at("GOTOOLCHAIN") == "go1.27.3");
  CHECK(c.env.at("GOFLAGS").empty());
  CHECK(c.env.at("GOENV") == "off");
}

TEST_CASE("the go environment is explicit and minimal", "[toolchain]") {
  Toolchain tc;
  tc.gotoolchain = "local";
  auto env = go_environment(tc, {{"HOME", "/root"},
                                 {"PATH", "/bin"},
                                 {"GOFLAGS", "-race"},
                                 {"GODEBUG", "x=1"},
                                 {"GOPROXY", "https://proxy.golang.org"},
                                 {"SECRET", "s"}});
  CHECK(env == std::map<std::string, std::string>{{"CGO_ENABLED", "0"},
                                                  {"GO111MODULE", "on"},
                                                  {"GOENV", "off"},
                                                  {"GOFLAGS", ""},
                                                  {"GOPROXY", "https://proxy.golang.org"},
                                                  {"GOTOOLCHAIN", "local"},
                                                  {"GOWORK", "off"},
                                                  {"HOME", "/root"},
                                                  {"LC_ALL", "C"},
                                                  {"PATH", "/bin"}});
}

TEST_CASE("no go on PATH says how to get one", "[toolchain]") {
  test::FakeProcessRunner fake;
  std::string err;
  CHECK_FALSE(probe_toolchain(fake, "go", {{"PATH", "/nonexistent"}}, &err));
  CHECK(err ==
        "go: not found on PATH. Install Go (https://go.dev/dl/, or `apt-get install golang-go`), put its bin directory "
        "on PATH, or pass --go /path/to/go");
  CHECK(fake.commands.empty());
}

TEST_CASE("a path that is not a go binary is refused", "[toolchain]") {
  SystemProcessRunner real;
  std::string err;
  CHECK_FALSE(probe_toolchain(real, "/bin/true", {{"PATH", "/bin"}}, &err));
  CHECK(err == "/bin/true: not a go command: `/bin/true env GOVERSION GOOS GOARCH GOROOT` printed nothing");
  CHECK_FALSE(probe_toolchain(real, "/etc", {{"PATH", "/bin"}}, &err));
  CHECK(err == "/etc/bin/go: not an executable file (pass --go with a go binary, a GOROOT or a version like go1.27.3)");
  CHECK_FALSE(probe_toolchain(real, "/bin/false", {{"PATH", "/bin"}}, &err));
  CHECK(err == "/bin/false: `/bin/false env GOVERSION GOOS GOARCH GOROOT` failed (exit status 1)");
}
