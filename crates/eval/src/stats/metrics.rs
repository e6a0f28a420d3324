//! Metric summaries: a point estimate with its standard error and 95%
//! interval, in the shape the capability profile stores.

use super::bootstrap::clustered_bootstrap_of;
use super::clusters::{checked_groups, Parts};
use super::error::StatsError;
use super::intervals::{t_interval_from, wilson_for_proportion, Interval, CONFIDENCE_95, Z_95};
use super::stderr::{clustered_standard_error_of, standard_error_of};
use bulwark_domain::designation::MetricValue;
use serde::{Deserialize, Serialize};

/// How a summary's interval was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SummaryMethod {
    /// Wilson's score interval for a proportion.
    #[serde(rename = "wilson")]
    Wilson,
    /// Wilson's interval over the effective sample size n / deff, where the
    /// design effect deff = (clustered SE / plain SE)², floored at 1.
    #[serde(rename = "clustered-wilson")]
    ClusteredWilson,
    /// Student's t interval, n − 1 degrees of freedom.
    #[serde(rename = "t")]
    T,
    /// Student's t interval on the cluster-robust standard error, G − 1
    /// degrees of freedom.
    #[serde(rename = "clustered-t")]
    ClusteredT,
    /// Percentile bootstrap over samples.
    #[serde(rename = "bootstrap")]
    Bootstrap,
    /// Percentile bootstrap over whole clusters.
    #[serde(rename = "clustered-bootstrap")]
    ClusteredBootstrap,
}

impl SummaryMethod {
    /// The method's name as written in JSON: `wilson`, `clustered-wilson`,
    /// `t`, `clustered-t`, `bootstrap` or `clustered-bootstrap`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SummaryMethod::Wilson => "wilson",
            SummaryMethod::ClusteredWilson => "clustered-wilson",
            SummaryMethod::T => "t",
            SummaryMethod::ClusteredT => "clustered-t",
            SummaryMethod::Bootstrap => "bootstrap",
            SummaryMethod::ClusteredBootstrap => "clustered-bootstrap",
        }
    }
}

/// Which interval [`summarize_mean`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeanInterval {
    /// Student's t (on the clustered standard error when clusters are given).
    T,
    /// Percentile bootstrap (over clusters when clusters are given).
    Bootstrap {
        /// Number of resamples, at least 1.
        resamples: u32,
        /// Seed of the random generator, so the interval is reproducible.
        seed: u64,
    },
}

/// One metric: its point estimate, standard error and 95% interval. Fields
/// that cannot be estimated from the data (a standard error from one sample,
/// a clustered one from one cluster) are `None` — never a made-up number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// What is measured: `accuracy` for proportions, `mean` for means.
    pub name: String,
    /// The point estimate.
    pub value: f64,
    /// The standard error: s/√n (Inspect's `stderr()`), or the
    /// cluster-robust one when clusters were given.
    pub stderr: Option<f64>,
    /// Lower bound of the 95% interval; never above `value`.
    pub ci95_lower: Option<f64>,
    /// Upper bound of the 95% interval; never below `value`.
    pub ci95_upper: Option<f64>,
    /// Number of samples, at least 1.
    pub n: u64,
    /// Number of distinct clusters, when clusters were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<u64>,
    /// How the interval was computed.
    pub method: SummaryMethod,
}

impl MetricSummary {
    /// The capability-profile metric (`value`, `stderr`, `ci95_lower`,
    /// `ci95_upper`, `n`) that the designation engine reads.
    pub fn to_metric_value(&self) -> MetricValue {
        MetricValue {
            value: self.value,
            stderr: self.stderr,
            ci95_lower: self.ci95_lower,
            ci95_upper: self.ci95_upper,
            n: self.n,
        }
    }

    fn new(
        name: &str,
        value: f64,
        stderr: Option<f64>,
        interval: Option<Interval>,
        n: usize,
        clusters: Option<usize>,
        method: SummaryMethod,
    ) -> Self {
        let interval = interval.map(|i| i.covering(value));
        MetricSummary {
            name: name.to_owned(),
            value,
            stderr,
            ci95_lower: interval.map(|i| i.lower),
            ci95_upper: interval.map(|i| i.upper),
            n: n as u64,
            clusters: clusters.map(|g| g as u64),
            method,
        }
    }
}

/// Summarizes successes as an accuracy: the proportion, its standard error
/// (s/√n with divisor n − 1, as Inspect; from 2 samples) and Wilson's 95%
/// interval. With `clusters` (one label per sample, usually the task), the
/// standard error is the cluster-robust one (see
/// [`super::clustered_standard_error`]; needs 2 clusters) and the interval
/// is Wilson's over the effective sample size n / deff, with design effect
/// deff = (clustered SE / plain SE)² floored at 1; when that ratio is
/// undefined (all successes or all failures, or one cluster) the effective
/// size is conservatively the number of clusters G. With one sample per
/// cluster this is exactly the unclustered interval.
pub fn summarize_binary(
    successes: &[bool],
    clusters: Option<&[String]>,
) -> Result<MetricSummary, StatsError> {
    let values: Vec<f64> = successes.iter().map(|&s| f64::from(u8::from(s))).collect();
    match clusters {
        Some(labels) => {
            let groups = checked_groups(&values, labels, "accuracy", 1)?;
            summarize_binary_of(&Parts::of(&groups), true)
        }
        None => summarize_binary_of(&Parts::one(&values), false),
    }
}

/// [`summarize_binary`] of 0/1 scores held in parts, each part one cluster
/// when `clustered`.
pub(crate) fn summarize_binary_of(
    sample: &Parts<'_>,
    clustered: bool,
) -> Result<MetricSummary, StatsError> {
    let n = sample.len();
    if n == 0 {
        return Err(StatsError::TooFewSamples {
            what: "accuracy",
            needed: 1,
            got: 0,
        });
    }
    let p = sample.mean();
    let plain_stderr = if n >= 2 {
        Some(standard_error_of(sample)?)
    } else {
        None
    };
    if !clustered {
        let interval = wilson_for_proportion(p, n as f64, Z_95);
        return Ok(MetricSummary::new(
            "accuracy",
            p,
            plain_stderr,
            Some(interval),
            n,
            None,
            SummaryMethod::Wilson,
        ));
    }
    let g = sample.count();
    let clustered_stderr = if g >= 2 {
        Some(clustered_standard_error_of(sample)?)
    } else {
        None
    };
    let effective_n = match (clustered_stderr, plain_stderr) {
        (Some(clustered), Some(plain)) if plain > 0.0 => {
            let design_effect = ((clustered / plain).powi(2)).max(1.0);
            n as f64 / design_effect
        }
        _ => g as f64,
    };
    let interval = wilson_for_proportion(p, effective_n, Z_95);
    Ok(MetricSummary::new(
        "accuracy",
        p,
        clustered_stderr,
        Some(interval),
        n,
        Some(g),
        SummaryMethod::ClusteredWilson,
    ))
}

/// Summarizes finite scores as a mean: the mean, its standard error (from 2
/// samples) and a 95% interval by `method` (from 2 samples). With `clusters`
/// (one label per sample, usually the task), the standard error is the
/// cluster-robust one and the interval is the t interval on it with G − 1
/// degrees of freedom, or the bootstrap over whole clusters; both need 2
/// clusters.
pub fn summarize_mean(
    values: &[f64],
    clusters: Option<&[String]>,
    method: MeanInterval,
) -> Result<MetricSummary, StatsError> {
    match clusters {
        Some(labels) => {
            let groups = checked_groups(values, labels, "mean", 1)?;
            summarize_mean_of(&Parts::of(&groups), true, method)
        }
        None => summarize_mean_of(&Parts::one(values), false, method),
    }
}

/// [`summarize_mean`] of scores held in parts, each part one cluster when
/// `clustered`.
pub(crate) fn summarize_mean_of(
    sample: &Parts<'_>,
    clustered: bool,
    method: MeanInterval,
) -> Result<MetricSummary, StatsError> {
    sample.check("mean", 1)?;
    let n = sample.len();
    let m = sample.mean();
    // Unclustered, every sample is a unit of its own.
    let g = if clustered { sample.count() } else { n };
    let (stderr, interval) = if g < 2 {
        (None, None)
    } else {
        let stderr = if clustered {
            clustered_standard_error_of(sample)?
        } else {
            standard_error_of(sample)?
        };
        let interval = match method {
            MeanInterval::T => t_interval_from(m, stderr, (g - 1) as f64, CONFIDENCE_95)?,
            MeanInterval::Bootstrap { resamples, seed } if clustered => {
                clustered_bootstrap_of(sample, CONFIDENCE_95, resamples, seed)?
            }
            MeanInterval::Bootstrap { resamples, seed } => {
                clustered_bootstrap_of(&sample.singletons(), CONFIDENCE_95, resamples, seed)?
            }
        };
        (Some(stderr), Some(interval))
    };
    let method = match (method, clustered) {
        (MeanInterval::T, false) => SummaryMethod::T,
        (MeanInterval::T, true) => SummaryMethod::ClusteredT,
        (MeanInterval::Bootstrap { .. }, false) => SummaryMethod::Bootstrap,
        (MeanInterval::Bootstrap { .. }, true) => SummaryMethod::ClusteredBootstrap,
    };
    Ok(MetricSummary::new(
        "mean",
        m,
        stderr,
        interval,
        n,
        clustered.then_some(g),
        method,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::bootstrap::bootstrap_interval;
    use crate::stats::intervals::t_interval;

    fn close(actual: Option<f64>, expected: f64) {
        match actual {
            Some(actual) => assert!(
                (actual - expected).abs() <= 1e-12,
                "{actual} is not {expected}"
            ),
            None => panic!("expected {expected}, got None"),
        }
    }

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn binary(count: usize, successes: usize) -> Vec<bool> {
        (0..count).map(|i| i < successes).collect()
    }

    #[test]
    fn binary_summary_known_values() -> Result<(), StatsError> {
        let summary = summarize_binary(&binary(263, 81), None)?;
        assert_eq!(summary.name, "accuracy");
        assert_eq!(summary.method, SummaryMethod::Wilson);
        assert_eq!(summary.n, 263);
        assert_eq!(summary.clusters, None);
        close(Some(summary.value), 81.0 / 263.0);
        // python3 -c 'import statistics as s, math; v=[1]*81+[0]*182; print(s.stdev(v)/math.sqrt(len(v)))'
        //   -> 0.028521463691155085
        close(summary.stderr, 0.028521463691155085);
        // statsmodels proportion_confint(81, 263, method="wilson"), see intervals.rs
        close(summary.ci95_lower, 0.2552885198782742);
        close(summary.ci95_upper, 0.36620957698280004);
        Ok(())
    }

    #[test]
    fn one_sample_has_an_interval_but_no_standard_error() -> Result<(), StatsError> {
        let summary = summarize_binary(&[true], None)?;
        assert_eq!(summary.stderr, None);
        // statsmodels proportion_confint(1, 1, method="wilson") -> (0.2065493143772374, 1.0)
        close(summary.ci95_lower, 0.2065493143772374);
        close(summary.ci95_upper, 1.0);
        let mean = summarize_mean(&[0.4], None, MeanInterval::T)?;
        assert_eq!(
            (mean.stderr, mean.ci95_lower, mean.ci95_upper),
            (None, None, None)
        );
        Ok(())
    }

    #[test]
    fn singleton_clusters_change_nothing_but_the_label() -> Result<(), StatsError> {
        let successes = binary(40, 13);
        let tasks: Vec<String> = (0..40).map(|i| format!("task-{i}")).collect();
        let plain = summarize_binary(&successes, None)?;
        let clustered = summarize_binary(&successes, Some(&tasks))?;
        assert_eq!(clustered.method, SummaryMethod::ClusteredWilson);
        assert_eq!(clustered.clusters, Some(40));
        for (a, b) in [
            (plain.stderr, clustered.stderr),
            (plain.ci95_lower, clustered.ci95_lower),
            (plain.ci95_upper, clustered.ci95_upper),
        ] {
            close(b, a.unwrap_or(f64::NAN));
        }
        Ok(())
    }

    #[test]
    fn correlated_clusters_widen_binary_intervals() -> Result<(), StatsError> {
        // 10 tasks x 4 epochs; tasks 0-3 always solved, the rest never.
        let successes: Vec<bool> = (0..40).map(|i| i / 4 < 4).collect();
        let tasks: Vec<String> = (0..40).map(|i| format!("t{}", i / 4)).collect();
        let plain = summarize_binary(&successes, None)?;
        let clustered = summarize_binary(&successes, Some(&tasks))?;
        // python3 -c 'import math; x=[1]*16+[0]*24; c=[i//4 for i in range(40)]; m=sum(x)/40; G=10;
        //   r=[sum(xi-m for xi,ci in zip(x,c) if ci==g) for g in range(G)]; print(math.sqrt(G/(G-1)*sum(v*v for v in r))/40)'
        //   -> 0.16329931618554525
        close(clustered.stderr, 0.16329931618554525);
        let width = |s: &MetricSummary| s.ci95_upper.unwrap_or(0.0) - s.ci95_lower.unwrap_or(1.0);
        assert!(width(&clustered) > 1.5 * width(&plain));
        // deff = (0.16329931618554525 / 0.0784464540552736)^2 = 4.333..., n_eff = 40/deff
        // = 9.2307...; python3 -c 'from math import sqrt; z=1.959963984540054; p=0.4; n=40/((0.16329931618554525/0.0784464540552736)**2);
        //   d=1+z*z/n; c=(p+z*z/(2*n))/d; h=z/d*sqrt(p*(1-p)/n+z*z/(4*n*n)); print(c-h, c+h)'
        //   -> 0.16219556181772782 0.6965772626093079
        close(clustered.ci95_lower, 0.16219556181772782);
        close(clustered.ci95_upper, 0.6965772626093079);
        Ok(())
    }

    #[test]
    fn all_failures_in_clusters_use_the_cluster_count() -> Result<(), StatsError> {
        let tasks = labels(&["a", "a", "a", "b", "b", "b"]);
        let summary = summarize_binary(&[false; 6], Some(&tasks))?;
        close(summary.stderr, 0.0);
        // Wilson for 0 out of G = 2: statsmodels proportion_confint(0, 2, method="wilson")
        //   -> (0.0, 0.657619772493347)
        close(summary.ci95_lower, 0.0);
        close(summary.ci95_upper, 0.657619772493347);
        Ok(())
    }

    #[test]
    fn mean_summary_matches_the_interval_functions() -> Result<(), StatsError> {
        let values = [0.2, 0.5, 0.9, 1.0, 0.0, 0.35];
        let t = summarize_mean(&values, None, MeanInterval::T)?;
        assert_eq!(t.method, SummaryMethod::T);
        let expected = t_interval(&values, CONFIDENCE_95)?;
        close(t.ci95_lower, expected.lower);
        close(t.ci95_upper, expected.upper);
        let boot = summarize_mean(
            &values,
            None,
            MeanInterval::Bootstrap {
                resamples: 300,
                seed: 9,
            },
        )?;
        assert_eq!(boot.method, SummaryMethod::Bootstrap);
        let expected = bootstrap_interval(&values, CONFIDENCE_95, 300, 9)?;
        close(boot.ci95_lower, expected.lower);
        close(boot.ci95_upper, expected.upper);
        close(boot.stderr, t.stderr.unwrap_or(f64::NAN));
        Ok(())
    }

    #[test]
    fn clustered_t_uses_clusters_minus_one_degrees_of_freedom() -> Result<(), StatsError> {
        let values = [0.2, 0.4, 0.9, 1.0, 0.1, 0.3];
        let tasks = labels(&["a", "a", "b", "b", "c", "c"]);
        let summary = summarize_mean(&values, Some(&tasks), MeanInterval::T)?;
        assert_eq!(summary.method, SummaryMethod::ClusteredT);
        assert_eq!(summary.clusters, Some(3));
        // python3 (with scipy) -c 'import math, scipy.stats as st; x=[0.2,0.4,0.9,1.0,0.1,0.3]; c=[0,0,1,1,2,2];
        //   m=sum(x)/6; r=[sum(xi-m for xi,ci in zip(x,c) if ci==g) for g in range(3)];
        //   se=math.sqrt(3/2*sum(v*v for v in r))/6; print(m, se, m-st.t.ppf(0.975,2)*se, m+st.t.ppf(0.975,2)*se)'
        close(Some(summary.value), 0.48333333333333334);
        close(summary.stderr, 0.23511226632776475);
        close(summary.ci95_lower, -0.5282731011794062);
        close(summary.ci95_upper, 1.494939767846073);
        let boot = summarize_mean(
            &values,
            Some(&tasks),
            MeanInterval::Bootstrap {
                resamples: 100,
                seed: 1,
            },
        )?;
        assert_eq!(boot.method, SummaryMethod::ClusteredBootstrap);
        Ok(())
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            summarize_binary(&[], None),
            Err(StatsError::TooFewSamples { .. })
        ));
        assert!(matches!(
            summarize_binary(&[true, false], Some(&labels(&["a"]))),
            Err(StatsError::ClusterLengthMismatch { .. })
        ));
        assert!(matches!(
            summarize_mean(&[0.5, f64::NAN], None, MeanInterval::T),
            Err(StatsError::InvalidScore { index: 1, .. })
        ));
    }

    #[test]
    fn serializes_the_method_name() -> Result<(), serde_json::Error> {
        let summary = MetricSummary::new(
            "mean",
            0.5,
            None,
            None,
            1,
            Some(1),
            SummaryMethod::ClusteredT,
        );
        let json = serde_json::to_value(&summary)?;
        assert_eq!(json["method"], "clustered-t");
        assert_eq!(json["clusters"], 1);
        assert_eq!(SummaryMethod::ClusteredT.as_str(), "clustered-t");
        let back: MetricSummary = serde_json::from_value(json)?;
        assert_eq!(back, summary);
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn binary_intervals_contain_the_estimate_within_unit_range(
            outcomes in proptest::collection::vec((proptest::prelude::any::<bool>(), 0u8..6), 1..120),
            clustered in proptest::prelude::any::<bool>()
        ) {
            let successes: Vec<bool> = outcomes.iter().map(|(s, _)| *s).collect();
            let tasks: Vec<String> = outcomes.iter().map(|(_, t)| t.to_string()).collect();
            let summary = summarize_binary(&successes, clustered.then_some(tasks.as_slice()))
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let (lower, upper) = (summary.ci95_lower.unwrap_or(f64::NAN), summary.ci95_upper.unwrap_or(f64::NAN));
            proptest::prop_assert!(0.0 <= lower && lower <= summary.value);
            proptest::prop_assert!(summary.value <= upper && upper <= 1.0);
            proptest::prop_assert!(summary.stderr.is_none_or(|s| s.is_finite() && s >= 0.0));
        }

        #[test]
        fn mean_intervals_contain_the_estimate(
            samples in proptest::collection::vec((0.0f64..=1.0, 0u8..5), 1..80),
            clustered in proptest::prelude::any::<bool>(),
            bootstrap in proptest::prelude::any::<bool>()
        ) {
            let values: Vec<f64> = samples.iter().map(|(v, _)| *v).collect();
            let tasks: Vec<String> = samples.iter().map(|(_, t)| t.to_string()).collect();
            let method = if bootstrap {
                MeanInterval::Bootstrap { resamples: 50, seed: 3 }
            } else {
                MeanInterval::T
            };
            let summary = summarize_mean(&values, clustered.then_some(tasks.as_slice()), method)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            if let (Some(lower), Some(upper)) = (summary.ci95_lower, summary.ci95_upper) {
                proptest::prop_assert!(lower <= summary.value && summary.value <= upper);
            }
        }
    }
}
