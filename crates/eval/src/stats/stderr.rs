//! Standard errors of a mean: the plain one and the cluster-robust one.

use super::clusters::{checked_groups, Parts};
use super::error::StatsError;
use std::hash::Hash;

/// The standard error of the mean, s / √n, with s the sample standard
/// deviation (divisor n − 1) — Inspect's `stderr()`. Needs n >= 2.
pub fn standard_error(values: &[f64]) -> Result<f64, StatsError> {
    standard_error_of(&Parts::one(values))
}

/// [`standard_error`] of a sample held in parts.
pub(crate) fn standard_error_of(sample: &Parts<'_>) -> Result<f64, StatsError> {
    sample.check("sample variance", 2)?;
    Ok((sample.variance() / sample.len() as f64).sqrt())
}

/// The cluster-robust (CR1-style) standard error of the mean when samples
/// share clusters (e.g. several samples or epochs of one task), with the
/// finite-cluster correction G/(G − 1) — the semantics of Inspect's
/// `stderr(cluster=...)` (Miller 2024, "Adding Error Bars to Evals",
/// appendix A, plus the correction):
///
/// ```text
/// SE = sqrt( G/(G−1) · Σ_g ( Σ_{i∈g} (x_i − x̄) )² ) / n
/// ```
///
/// with n samples, G distinct clusters and x̄ the mean over all samples.
/// When every cluster holds exactly one sample (G = n) this equals
/// [`standard_error`] exactly: the G/(G−1) = n/(n−1) factor turns the
/// divisor-n variance into the divisor-(n−1) one. When samples within a
/// cluster move together it is larger. `clusters[i]` labels `values[i]`;
/// needs at least two distinct clusters.
pub fn clustered_standard_error<C: Eq + Hash>(
    values: &[f64],
    clusters: &[C],
) -> Result<f64, StatsError> {
    let groups = checked_groups(values, clusters, "clustered standard error", 2)?;
    clustered_standard_error_of(&Parts::of(&groups))
}

/// [`clustered_standard_error`] with each part of `clusters` one cluster.
pub(crate) fn clustered_standard_error_of(clusters: &Parts<'_>) -> Result<f64, StatsError> {
    clusters.check("clustered standard error", 2)?;
    let g = clusters.count();
    if g < 2 {
        return Err(StatsError::TooFewSamples {
            what: "clustered standard error (distinct clusters)",
            needed: 2,
            got: g,
        });
    }
    let m = clusters.mean();
    let between: f64 = clusters.sums(|x| x - m).iter().map(|r| r * r).sum();
    let g = g as f64;
    Ok((g / (g - 1.0) * between).sqrt() / clusters.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() <= 1e-14 * expected.abs().max(1.0),
            "{actual} != {expected}"
        );
    }

    #[test]
    fn plain_standard_error_known_value() -> Result<(), StatsError> {
        // python3 -c 'import statistics as s, math; v=[2,4,4,4,5,5,7,9]; print(s.stdev(v)/math.sqrt(len(v)))'
        //   -> 0.7559289460184544
        close(
            standard_error(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])?,
            0.7559289460184544,
        );
        Ok(())
    }

    #[test]
    fn clustered_standard_error_known_values() -> Result<(), StatsError> {
        // Inspect's formula, by hand:
        // python3 -c 'import math; x=[1,1,1,0,0,0]; c=[0,1,1,1,0,0]; m=sum(x)/len(x); G=len(set(c));
        //   r=[sum(xi-m for xi,ci in zip(x,c) if ci==g) for g in set(c)];
        //   print(math.sqrt(G/(G-1)*sum(ri*ri for ri in r))/len(x))'  -> 0.16666666666666666
        close(
            clustered_standard_error(&[1.0, 1.0, 1.0, 0.0, 0.0, 0.0], &[0, 1, 1, 1, 0, 0])?,
            0.16666666666666666,
        );
        // Internally correlated: each task all-pass or all-fail.
        // python3 -c 'import math; x=[1,1,1,0,0,0,1,1,1,0,0,0]; c=[0,0,0,1,1,1,2,2,2,3,3,3]; m=sum(x)/len(x);
        //   G=len(set(c)); r=[sum(xi-m for xi,ci in zip(x,c) if ci==g) for g in set(c)];
        //   print(math.sqrt(G/(G-1)*sum(ri*ri for ri in r))/len(x))'  -> 0.28867513459481287
        close(
            clustered_standard_error(
                &[1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0],
                &["a", "a", "a", "b", "b", "b", "c", "c", "c", "d", "d", "d"],
            )?,
            0.28867513459481287,
        );
        Ok(())
    }

    #[test]
    fn singleton_clusters_give_the_plain_standard_error() -> Result<(), StatsError> {
        let values = [0.3, 0.9, 0.1, 0.5, 0.5, 1.0, 0.0];
        let labels: Vec<usize> = (0..values.len()).collect();
        close(
            clustered_standard_error(&values, &labels)?,
            standard_error(&values)?,
        );
        Ok(())
    }

    #[test]
    fn correlated_clusters_widen_the_error() -> Result<(), StatsError> {
        let values = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0];
        let tasks = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3];
        // python3 -c 'import statistics as s, math; v=[1,1,1,0,0,0]*2; print(s.stdev(v)/math.sqrt(len(v)))'
        //   -> 0.15075567228888181
        close(standard_error(&values)?, 0.15075567228888181);
        assert!(clustered_standard_error(&values, &tasks)? > standard_error(&values)?);
        Ok(())
    }

    #[test]
    fn rejects_one_cluster_and_mismatched_labels() {
        assert!(matches!(
            clustered_standard_error(&[1.0, 0.0], &["t", "t"]),
            Err(StatsError::TooFewSamples { got: 1, .. })
        ));
        assert!(matches!(
            clustered_standard_error(&[1.0, 0.0], &["t"]),
            Err(StatsError::ClusterLengthMismatch { .. })
        ));
        assert!(matches!(
            standard_error(&[1.0]),
            Err(StatsError::TooFewSamples { .. })
        ));
    }
}
