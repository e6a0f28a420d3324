//! The percentile bootstrap confidence interval for a mean, over samples or
//! over whole clusters, reproducible from a seed.

use super::clusters::{checked_groups, Parts};
use super::error::StatsError;
use super::intervals::{check_confidence, Interval};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::hash::Hash;

/// Resamples used when a caller has no reason to choose (Inspect's
/// `bootstrap_stderr` default).
pub const DEFAULT_BOOTSTRAP_RESAMPLES: u32 = 1000;

/// The percentile bootstrap interval for the mean of `values`: draw
/// `resamples` samples of size n with replacement (from `rand`'s `StdRng`
/// seeded with `seed`, so the same inputs give the same interval), take each
/// one's mean, and return the (1−confidence)/2 and (1+confidence)/2
/// quantiles of those means (linear interpolation between order statistics,
/// numpy's default). The interval is stretched, if need be, to contain the
/// sample mean — it can miss it only for tiny or very skewed samples, or by
/// rounding. Needs n >= 1 finite values and resamples >= 1.
pub fn bootstrap_interval(
    values: &[f64],
    confidence: f64,
    resamples: u32,
    seed: u64,
) -> Result<Interval, StatsError> {
    // Every sample a cluster of its own, draw for draw.
    clustered_bootstrap_of(
        &Parts::one(values).singletons(),
        confidence,
        resamples,
        seed,
    )
}

/// The cluster (block) bootstrap: like [`bootstrap_interval`], but each
/// resample draws G whole clusters with replacement and takes the mean over
/// all their samples, so correlation within a cluster (e.g. a task's epochs
/// or variants) widens the interval as it should. `clusters[i]` labels
/// `values[i]`.
pub fn clustered_bootstrap_interval<C: Eq + Hash>(
    values: &[f64],
    clusters: &[C],
    confidence: f64,
    resamples: u32,
    seed: u64,
) -> Result<Interval, StatsError> {
    let groups = checked_groups(values, clusters, "bootstrap interval", 1)?;
    clustered_bootstrap_of(&Parts::of(&groups), confidence, resamples, seed)
}

/// [`clustered_bootstrap_interval`] with each part of `clusters` one cluster.
pub(crate) fn clustered_bootstrap_of(
    clusters: &Parts<'_>,
    confidence: f64,
    resamples: u32,
    seed: u64,
) -> Result<Interval, StatsError> {
    clusters.check("bootstrap interval", 1)?;
    let sums = clusters.sums(|v| v);
    let sizes: Vec<usize> = clusters.parts().iter().map(|p| p.len()).collect();
    percentile_bootstrap(&sums, &sizes, clusters.mean(), confidence, resamples, seed)
}

/// The shared engine: resample units (a sample, or a cluster given as its
/// sum and size) and return the percentile interval of the resampled means,
/// covering the sample's mean.
fn percentile_bootstrap(
    unit_sums: &[f64],
    unit_sizes: &[usize],
    mean: f64,
    confidence: f64,
    resamples: u32,
    seed: u64,
) -> Result<Interval, StatsError> {
    check_confidence(confidence)?;
    if resamples == 0 {
        return Err(StatsError::InvalidParameter {
            parameter: "bootstrap resamples",
            value: 0.0,
            reason: "must be at least 1",
        });
    }
    let units = unit_sums.len();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| {
            let (mut sum, mut size) = (0.0, 0usize);
            for _ in 0..units {
                let unit = rng.gen_range(0..units);
                sum += unit_sums[unit];
                size += unit_sizes[unit];
            }
            sum / size as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let alpha = 1.0 - confidence;
    let interval = Interval {
        lower: quantile_of_sorted(&means, 0.5 * alpha),
        upper: quantile_of_sorted(&means, 1.0 - 0.5 * alpha),
    };
    Ok(interval.covering(mean))
}

/// The q-quantile of a sorted, non-empty slice with linear interpolation
/// between order statistics (numpy's default, "type 7").
fn quantile_of_sorted(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len().saturating_sub(1);
    let h = last as f64 * q.clamp(0.0, 1.0);
    let below = (h.floor() as usize).min(last);
    let above = (below + 1).min(last);
    let (a, b) = (sorted[below], sorted[above]);
    a + (h - below as f64) * (b - a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::intervals::{t_interval, CONFIDENCE_95};

    /// A deterministic, roughly normal sample: Irwin–Hall sums of 12 uniforms.
    fn normalish(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = StdRng::seed_from_u64(seed);
        (0..n)
            .map(|_| (0..12).map(|_| rng.gen::<f64>()).sum::<f64>() - 6.0)
            .collect()
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // python3 (with numpy) -c 'import numpy as np; print(np.quantile([1,2,3,4,10], [0.025, 0.5, 0.975]))'
        //   -> [1.1  3.   9.4]
        let sorted = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile_of_sorted(&sorted, 0.025) - 1.1).abs() < 1e-12);
        assert_eq!(quantile_of_sorted(&sorted, 0.5), 3.0);
        assert!((quantile_of_sorted(&sorted, 0.975) - 9.4).abs() < 1e-12);
        assert_eq!(quantile_of_sorted(&[7.0], 0.3), 7.0);
    }

    #[test]
    fn same_seed_same_interval() -> Result<(), StatsError> {
        let values = normalish(300, 7);
        let first = bootstrap_interval(&values, CONFIDENCE_95, 500, 42)?;
        let again = bootstrap_interval(&values, CONFIDENCE_95, 500, 42)?;
        let other = bootstrap_interval(&values, CONFIDENCE_95, 500, 43)?;
        assert_eq!(first, again);
        assert_ne!(first, other);
        Ok(())
    }

    #[test]
    fn close_to_the_t_interval_on_a_large_normal_sample() -> Result<(), StatsError> {
        let values = normalish(2_000, 1);
        let t = t_interval(&values, CONFIDENCE_95)?;
        let boot = bootstrap_interval(&values, CONFIDENCE_95, 4_000, 2024)?;
        let half_width = 0.5 * (t.upper - t.lower);
        assert!(
            (boot.lower - t.lower).abs() < 0.1 * half_width
                && (boot.upper - t.upper).abs() < 0.1 * half_width,
            "bootstrap {boot:?} vs t {t:?}"
        );
        Ok(())
    }

    #[test]
    fn constant_values_give_a_point_interval() -> Result<(), StatsError> {
        let interval = bootstrap_interval(&[0.25; 40], CONFIDENCE_95, 100, 0)?;
        assert_eq!(
            interval,
            Interval {
                lower: 0.25,
                upper: 0.25
            }
        );
        Ok(())
    }

    #[test]
    fn cluster_bootstrap_widens_for_correlated_clusters() -> Result<(), StatsError> {
        // 20 tasks of 5 epochs each; every task all-pass or all-fail.
        let values: Vec<f64> = (0..100).map(|i| f64::from((i / 5) % 2 == 0)).collect();
        let tasks: Vec<usize> = (0..100).map(|i| i / 5).collect();
        let plain = bootstrap_interval(&values, CONFIDENCE_95, 2_000, 5)?;
        let clustered = clustered_bootstrap_interval(&values, &tasks, CONFIDENCE_95, 2_000, 5)?;
        assert!(
            clustered.upper - clustered.lower > 1.5 * (plain.upper - plain.lower),
            "clustered {clustered:?} vs plain {plain:?}"
        );
        // Singleton clusters are the plain bootstrap, draw for draw.
        let singletons: Vec<usize> = (0..100).collect();
        assert_eq!(
            clustered_bootstrap_interval(&values, &singletons, CONFIDENCE_95, 2_000, 5)?,
            plain
        );
        Ok(())
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(matches!(
            bootstrap_interval(&[], CONFIDENCE_95, 10, 0),
            Err(StatsError::TooFewSamples { .. })
        ));
        assert!(matches!(
            bootstrap_interval(&[1.0], CONFIDENCE_95, 0, 0),
            Err(StatsError::InvalidParameter { .. })
        ));
        assert!(matches!(
            bootstrap_interval(&[1.0], 0.0, 10, 0),
            Err(StatsError::InvalidParameter { .. })
        ));
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]
        #[test]
        fn contains_the_mean(
            values in proptest::collection::vec(0.0f64..=1.0, 1..60),
            seed in proptest::prelude::any::<u64>()
        ) {
            let interval = bootstrap_interval(&values, CONFIDENCE_95, 200, seed)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let m = Parts::one(&values).mean();
            proptest::prop_assert!(interval.contains(m));
            proptest::prop_assert!(0.0 <= interval.lower && interval.upper <= 1.0);
        }
    }
}
