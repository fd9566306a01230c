#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>

#include <fmt/format.h>

#include "process.h"
#include "report_compiler.h"
#include "report_svg.h"
#include "results_json.h"
#include "test_util.h"

using namespace eh;

// The committed charts as a reader sees them: each rendered by headless
// Chromium (Debian's chromium, installed by .ci/bootstrap) to a PNG of the
// SVG's own size that is not blank. "Not blank" is measured, not guessed:
// the chart's PNG must be several times the size of a white page's of the
// same size (white compresses to almost nothing).

namespace {

struct Png {
  std::uint32_t width = 0, height = 0;
  std::uintmax_t bytes = 0;
};

/// Renders `svg_path` at width x height; the PNG's header size and its file size.
std::optional<Png> render(const std::string& svg_path, int width, int height, const std::string& png_path,
                          std::string* log) {
  test::TempDir profile("chromium");
  SystemProcessRunner r;
  Command c;
  // The flags this machine needs: no sandbox as root, and nothing that
  // reaches for the network, which is closed here.
  c.argv = {"/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--user-data-dir=" + profile.path,
            fmt::format("--window-size={},{}", width, height),
            "--screenshot=" + png_path,
            "file://" + svg_path};
  c.env = test::test_environment();
  c.timeout = std::chrono::minutes(2);
  auto out = r.run(c);
  *log = out.describe() + "\n" + out.err;
  std::string data = test::read_file(png_path);
  if (!out.ok() || data.size() < 24 || data.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return std::nullopt;
  auto be32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(data[at])) << 24 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 1])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 2])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 3]));
  };
  return Png{be32(16), be32(20), data.size()};  // IHDR: width, height
}

}  // namespace

TEST_CASE("every committed chart renders in headless Chromium at its size and is not blank",
          "[integration][svg][heavy]") {
  if (!std::filesystem::exists("/usr/bin/chromium")) FAIL("no /usr/bin/chromium: run .ci/bootstrap");
  std::string err;
  auto results = results_from_json(test::read_repo_file("reports/results.json"), &err);
  REQUIRE(results);
  test::TempDir dir("render");
  struct Job {
    std::string path;
    int width = 0, height = 0;
    std::future<std::pair<std::optional<Png>, std::string>> chart, blank;
  };
  std::vector<Job> jobs;
  const std::regex size("<svg [^>]*width=\"([0-9]+)\" height=\"([0-9]+)\"");
  auto compiler = compiler_from_json(test::read_repo_file("reports/compiler.json"), &err);
  REQUIRE(compiler);
  auto charts = all_charts(*results);
  charts.emplace_back("compiler.svg", compiler_heatmap_svg(*compiler));
  for (const auto& [path, svg] : charts) {
    std::smatch m;
    REQUIRE(std::regex_search(svg, m, size));
    Job j{path, std::stoi(m[1]), std::stoi(m[2]), {}, {}};
    jobs.push_back(std::move(j));
  }
  REQUIRE(jobs.size() >= 14);  // an entry chart per scenario, the sweeps, the heatmap
  // Two renders at a time: the machine has two cores.
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    Job& j = jobs[i];
    const std::string base = fmt::format("{}/{}", dir.path, i);
    const std::string blank_svg = base + "-blank.svg";
    std::ofstream(blank_svg) << fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\"><rect width=\"100%\" "
        "height=\"100%\" fill=\"white\"/></svg>\n",
        j.width, j.height);
    auto go = [w = j.width, h = j.height](std::string svg, std::string png) {
      std::string log;
      auto p = render(svg, w, h, png, &log);
      return std::pair{p, log};
    };
    j.chart = std::async(std::launch::async, go, test::repo_path("reports/" + j.path), base + ".png");
    j.blank = std::async(std::launch::async, go, blank_svg, base + "-blank.png");
    auto [chart, log] = j.chart.get();
    auto [blank, blank_log] = j.blank.get();
    INFO(j.path << ": " << log << blank_log);
    REQUIRE(chart);
    REQUIRE(blank);
    CHECK(chart->width == static_cast<std::uint32_t>(j.width));
    CHECK(chart->height == static_cast<std::uint32_t>(j.height));
    CHECK(chart->bytes > 3 * blank->bytes);
  }
}
