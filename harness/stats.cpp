#include "stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>

namespace eh::stats {
namespace {

double binomial_pmf(int n, int k) {
  if (k < 0 || k > n) return 0;
  double log_p = std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) - n * std::log(2.0);
  return std::exp(log_p);
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

/// How many ways n1 of the pooled values have each doubled rank sum, by
/// dynamic programming over the values. Without ties the ranks are 1..n
/// and the counts depend on n1 and n alone: those are kept, as a sequential
/// test asks for the same sizes again and again.
const std::vector<double>& rank_sum_counts(const std::vector<long>& rank2, std::size_t n1, bool untied) {
  static std::mutex mu;
  static std::map<std::pair<std::size_t, std::size_t>, std::vector<double>> kept;
  thread_local std::vector<double> scratch;
  const std::size_t n = rank2.size();
  std::unique_lock lock(mu, std::defer_lock);
  if (untied) {
    lock.lock();
    if (auto it = kept.find({n1, n}); it != kept.end()) return it->second;
  }
  // counts[j][s]: ways to choose j of the values seen so far with doubled rank sum s.
  const long max_sum = std::accumulate(rank2.begin(), rank2.end(), 0L);
  std::vector<std::vector<double>> counts(n1 + 1, std::vector<double>(static_cast<std::size_t>(max_sum) + 1, 0));
  counts[0][0] = 1;
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t j = std::min(n1, k + 1); j >= 1; --j)
      for (long s = max_sum; s >= rank2[k]; --s)
        counts[j][static_cast<std::size_t>(s)] += counts[j - 1][static_cast<std::size_t>(s - rank2[k])];
  if (untied) return kept[{n1, n}] = std::move(counts[n1]);
  scratch = std::move(counts[n1]);
  return scratch;
}

}  // namespace

std::optional<double> median(std::vector<double> xs) {
  if (xs.empty()) return std::nullopt;
  std::sort(xs.begin(), xs.end());
  std::size_t n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

std::optional<MedianInterval> median_ci(std::vector<double> xs, double confidence) {
  if (xs.empty()) return std::nullopt;
  std::sort(xs.begin(), xs.end());
  const int n = static_cast<int>(xs.size());
  MedianInterval r;
  r.median = *median(xs);
  // k = how many samples lie below the population median ~ Binomial(n, 1/2);
  // k = i means the median is between sorted values i and i+1 (1-based).
  // Grow [l, r) from the mode, taking the more likely neighbour (the left
  // one on ties), until the covered probability reaches the confidence.
  int l = static_cast<int>(std::ceil((n + 1) * 0.5) - 1);  // the (lower) mode
  int rr = l + 1;
  double acc = binomial_pmf(n, l);
  while (acc < confidence) {
    double lp = binomial_pmf(n, l - 1), rp = binomial_pmf(n, rr);
    if (lp <= 0 && rp <= 0) break;
    if (lp >= rp) {
      acc += lp;
      --l;
    } else {
      acc += rp;
      ++rr;
    }
  }
  r.confidence = std::min(acc, 1.0);
  // Interval k in [l, r) lies between order statistics l and r (1-based).
  const double inf = std::numeric_limits<double>::infinity();
  r.lo = l >= 1 ? xs[static_cast<std::size_t>(l - 1)] : -inf;
  r.hi = rr <= n ? xs[static_cast<std::size_t>(rr - 1)] : inf;
  return r;
}

std::optional<UTest> mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n1 = a.size(), n2 = b.size(), n = n1 + n2;
  if (n1 == 0 || n2 == 0) return std::nullopt;
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2);
  // Mid-ranks of the pooled sample, doubled so they stay integers.
  std::vector<std::pair<double, int>> pooled;
  for (double x : a) pooled.push_back({x, 0});
  for (double x : b) pooled.push_back({x, 1});
  std::sort(pooled.begin(), pooled.end(), [](auto& x, auto& y) { return x.first < y.first; });
  std::vector<long> rank2(n);
  double tie_term = 0;  // sum of t^3 - t over tie groups
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && pooled[j].first == pooled[i].first) ++j;
    long r2 = static_cast<long>(i + 1 + j);  // 2 * mean of ranks i+1..j
    for (std::size_t k = i; k < j; ++k) rank2[k] = r2;
    double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  if (pooled.front().first == pooled.back().first) return std::nullopt;
  long w2 = 0;  // doubled rank sum of sample a
  for (std::size_t k = 0; k < n; ++k)
    if (pooled[k].second == 0) w2 += rank2[k];
  const double u1 = static_cast<double>(w2) / 2.0 - d1 * (d1 + 1) / 2.0;
  UTest r;
  r.u = std::min(u1, d1 * d2 - u1);

  if (n <= 100) {
    const std::vector<double>& dist = rank_sum_counts(rank2, n1, tie_term == 0);
    const long max_sum = static_cast<long>(dist.size()) - 1;
    double total = 0, below = 0, above = 0;
    for (long s = 0; s <= max_sum; ++s) {
      double c = dist[static_cast<std::size_t>(s)];
      total += c;
      if (s <= w2) below += c;
      if (s >= w2) above += c;
    }
    r.p = std::min(1.0, 2 * std::min(below, above) / total);
    r.exact = true;
    return r;
  }
  const double mu = d1 * d2 / 2.0;
  const double nn = static_cast<double>(n);
  const double sigma = std::sqrt(d1 * d2 / 12.0 * ((nn + 1) - tie_term / (nn * (nn - 1))));
  const double z = (std::abs(u1 - mu) - 0.5) / sigma;
  r.p = std::min(1.0, 2 * (1 - normal_cdf(std::max(z, 0.0))));
  r.exact = false;
  return r;
}

std::optional<RatioInterval> ratio_ci(const std::vector<double>& a, const std::vector<double>& b, double confidence) {
  if (a.size() < 2 || b.size() < 2) return std::nullopt;
  for (const auto* xs : {&a, &b})
    for (double x : *xs)
      if (!(x > 0) || !std::isfinite(x)) return std::nullopt;
  // Each median's distribution-free interval at sqrt(confidence): the two
  // hold together with at least `confidence`, whatever shape the samples
  // have (timings are often bimodal, where a shift model would mislead).
  const double each = std::sqrt(confidence);
  auto ma = median_ci(a, each), mb = median_ci(b, each);
  RatioInterval r;
  r.estimate = ma->median / mb->median;
  r.confidence = ma->confidence * mb->confidence;
  const double inf = std::numeric_limits<double>::infinity();
  const bool bounded =
      std::isfinite(ma->lo) && std::isfinite(ma->hi) && std::isfinite(mb->lo) && std::isfinite(mb->hi) && mb->lo > 0;
  r.lo = bounded ? ma->lo / mb->hi : 0;
  r.hi = bounded ? ma->hi / mb->lo : inf;
  return r;
}

double crossing_probability(const std::vector<double>& t, const std::vector<double>& z) {
  if (t.empty() || t.size() != z.size()) return 0;
  // f holds the density of B(t_k) on the paths that have not crossed yet,
  // on a grid of the continuation interval (-b_k, b_k), b_k = z_k sqrt(t_k).
  constexpr std::size_t kPoints = 401;  // odd, for Simpson's rule
  auto phi = [](double x, double var) { return std::exp(-x * x / (2 * var)) / std::sqrt(2 * M_PI * var); };
  std::vector<double> grid(kPoints), weight(kPoints), f(kPoints), next(kPoints);
  auto lay_out = [&](double b) {
    const double h = 2 * b / static_cast<double>(kPoints - 1);
    for (std::size_t i = 0; i < kPoints; ++i) {
      grid[i] = -b + h * static_cast<double>(i);
      weight[i] = h / 3 * (i == 0 || i == kPoints - 1 ? 1 : i % 2 ? 4 : 2);
    }
  };
  std::vector<double> prev_grid, prev_weight;
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (!(t[k] > (k ? t[k - 1] : 0)) || !(z[k] > 0)) return 0;
    prev_grid = grid;
    prev_weight = weight;
    lay_out(z[k] * std::sqrt(t[k]));
    for (std::size_t j = 0; j < kPoints; ++j) {
      if (k == 0) {
        next[j] = phi(grid[j], t[0]);
        continue;
      }
      double sum = 0;
      for (std::size_t i = 0; i < kPoints; ++i)
        sum += prev_weight[i] * f[i] * phi(grid[j] - prev_grid[i], t[k] - t[k - 1]);
      next[j] = sum;
    }
    f.swap(next);
  }
  double stay = 0;
  for (std::size_t i = 0; i < kPoints; ++i) stay += weight[i] * f[i];
  return std::clamp(1 - stay, 0.0, 1.0);
}

std::vector<Look> obrien_fleming(const std::vector<int>& samples, double alpha) {
  if (samples.empty() || !(alpha > 0 && alpha < 1)) return {};
  for (std::size_t k = 0; k < samples.size(); ++k)
    if (samples[k] <= 0 || (k && samples[k] <= samples[k - 1])) return {};
  std::vector<double> t;
  for (int n : samples) t.push_back(static_cast<double>(n) / samples.back());
  auto bounds = [&](double c) {
    std::vector<double> z;
    for (double tk : t) z.push_back(c / std::sqrt(tk));
    return z;
  };
  // The crossing chance falls as C grows: bisect for the C that gives alpha.
  double lo = inverse_normal_cdf(1 - alpha / 2), hi = lo + 3;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    (crossing_probability(t, bounds(mid)) > alpha ? lo : hi) = mid;
  }
  std::vector<Look> looks;
  const std::vector<double> z = bounds((lo + hi) / 2);
  for (std::size_t k = 0; k < samples.size(); ++k)
    looks.push_back({samples[k], z[k], std::erfc(z[k] / std::sqrt(2.0))});
  return looks;
}

double inverse_normal_cdf(double p) {
  // Bisection on normal_cdf: exact enough (1e-12) and obviously right.
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace eh::stats
