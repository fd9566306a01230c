#pragma once
// Statistics for timing claims, as benchstat (golang.org/x/perf/benchmath,
// "AssumeNothing") does them: the sample median with a distribution-free
// confidence interval from order statistics, and the two-sided Mann-Whitney
// U test. Pure functions; their edge cases are stated here and tested with
// exact values.

#include <optional>
#include <vector>

namespace eh::stats {

/// The median; nothing for an empty sample. For an even count, the mean of
/// the two middle values.
std::optional<double> median(std::vector<double> xs);

/// A confidence interval for the median from the order statistics of the
/// sample: the binomial(n, 1/2) law of how many samples fall below the
/// population median gives which sorted values bound it. The bounds are -inf
/// or +inf when the sample is too small to bound the median at the requested
/// confidence (n = 1 always; n < 6 at 95%).
struct MedianInterval {
  double median = 0;
  double lo = 0;
  double hi = 0;
  double confidence = 0;  // achieved, >= the requested level
};
/// Nothing for an empty sample.
std::optional<MedianInterval> median_ci(std::vector<double> xs, double confidence = 0.95);

/// The two-sided Mann-Whitney U test of "neither sample tends to be larger".
/// p is exact: the permutation distribution of the rank sum, with mid-ranks
/// for ties, for up to 100 values in all; beyond that the normal
/// approximation with tie and continuity corrections.
struct UTest {
  double u = 0;  // the smaller of U1 and U2
  double p = 1;
  bool exact = true;
};
/// Nothing when either sample is empty or every value in both is equal
/// (no ranking exists: nothing can be said).
std::optional<UTest> mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b);

/// A confidence interval for the ratio of two samples' medians (a over b),
/// distribution-free: each median's order-statistic interval at
/// sqrt(confidence), the ratio bounded by their extremes. Conservative (the
/// achieved confidence is at least the one asked for), so "b is 1.1 times a"
/// is decided only where both medians are known well enough. Nothing with
/// fewer than 2 values on a side or a value that is not positive; [0, +inf]
/// when the samples are too few to bound a median.
struct RatioInterval {
  double estimate = 1;
  double lo = 0;
  double hi = 0;
  double confidence = 0;
};
std::optional<RatioInterval> ratio_ci(const std::vector<double>& a, const std::vector<double>& b,
                                      double confidence = 0.95);

/// The z with normal_cdf(z) = p, for 0 < p < 1.
double inverse_normal_cdf(double p);

/// One look of a group sequential test: after `samples` per variant, a
/// difference is decided when the two-sided test's p is below `alpha`
/// (|Z| >= z); otherwise sampling goes on to the next look, and after the
/// last one the answer is "no decision".
struct Look {
  int samples = 0;
  double z = 0;
  double alpha = 0;  // 2 (1 - Phi(z)): the nominal level at this look
};

/// O'Brien and Fleming's boundaries for looks after `samples` (increasing,
/// positive) per variant: z_k = C / sqrt(t_k) with t_k = samples_k /
/// samples_K, and C such that under the null hypothesis a statistic with
/// independent increments (Brownian motion in the information t) crosses a
/// boundary at some look with probability `alpha`, two-sided. Early looks
/// decide only large differences; the last look's level is close to
/// `alpha`. One look is the fixed-sample test. Empty for bad input.
std::vector<Look> obrien_fleming(const std::vector<int>& samples, double alpha = 0.05);

/// P(|B(t_k)| >= z_k sqrt(t_k) at some k) for standard Brownian motion B,
/// 0 < t_1 < ... < t_K: the chance a sequential test with boundaries z
/// stops under the null hypothesis. Numerical integration (Armitage,
/// McPherson and Rowe's recursion; Simpson's rule), accurate to about 1e-7.
double crossing_probability(const std::vector<double>& t, const std::vector<double>& z);

}  // namespace eh::stats
