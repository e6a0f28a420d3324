//! Confidence intervals in closed form: Wilson's score interval for a
//! proportion and Student's t interval for a mean.

use super::clusters::Parts;
use super::error::StatsError;
use super::stderr::standard_error_of;
use super::student_t::student_t_quantile;
use serde::{Deserialize, Serialize};

/// The standard normal quantile for a two-sided 95% interval, Φ⁻¹(0.975).
pub const Z_95: f64 = 1.959963984540054;

/// The confidence level of the profile's `ci95_*` fields.
pub const CONFIDENCE_95: f64 = 0.95;

/// A closed interval `[lower, upper]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The lower bound.
    pub lower: f64,
    /// The upper bound.
    pub upper: f64,
}

impl Interval {
    /// Whether `x` lies in the interval, bounds included.
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }

    /// The interval stretched, if need be, to contain `x` (guards against
    /// rounding, and against percentile intervals that miss the estimate).
    pub(crate) fn covering(self, x: f64) -> Interval {
        Interval {
            lower: self.lower.min(x),
            upper: self.upper.max(x),
        }
    }
}

/// Checks a two-sided confidence level, 0 < confidence < 1.
pub(crate) fn check_confidence(confidence: f64) -> Result<(), StatsError> {
    if confidence > 0.0 && confidence < 1.0 {
        Ok(())
    } else {
        Err(StatsError::InvalidParameter {
            parameter: "confidence level",
            value: confidence,
            reason: "must be a number in (0, 1)",
        })
    }
}

/// Wilson's score interval for a proportion of `successes` out of `n`, with
/// normal quantile `z` (use [`Z_95`] for 95%):
///
/// ```text
/// centre = (p̂ + z²/2n) / (1 + z²/n)
/// half   = z / (1 + z²/n) · sqrt( p̂(1 − p̂)/n + z²/4n² )
/// ```
///
/// The bounds lie in [0, 1] and contain p̂; 0/n has lower bound exactly 0 and
/// n/n upper bound exactly 1 (as statsmodels' `proportion_confint(method=
/// "wilson")`). Errors when n = 0, successes > n, or z is not a finite
/// positive number.
pub fn wilson_interval(successes: u64, n: u64, z: f64) -> Result<Interval, StatsError> {
    if n == 0 {
        return Err(StatsError::TooFewSamples {
            what: "Wilson interval",
            needed: 1,
            got: 0,
        });
    }
    if successes > n {
        return Err(StatsError::SuccessesExceedN { c: successes, n });
    }
    check_z(z)?;
    Ok(wilson_for_proportion(
        successes as f64 / n as f64,
        n as f64,
        z,
    ))
}

fn check_z(z: f64) -> Result<(), StatsError> {
    if z.is_finite() && z > 0.0 {
        Ok(())
    } else {
        Err(StatsError::InvalidParameter {
            parameter: "z",
            value: z,
            reason: "must be a finite number > 0",
        })
    }
}

/// Wilson's interval for proportion `p` in [0, 1] over a (possibly
/// fractional, effective) sample size `n` > 0; `z` already checked.
pub(crate) fn wilson_for_proportion(p: f64, n: f64, z: f64) -> Interval {
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let lower = if p <= 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let upper = if p >= 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Interval { lower, upper }.covering(p)
}

/// Student's t interval for the mean of `values` (n >= 2):
/// x̄ ± t_{(1+confidence)/2, n−1} · s/√n.
pub fn t_interval(values: &[f64], confidence: f64) -> Result<Interval, StatsError> {
    let sample = Parts::one(values);
    sample.check("t interval", 2)?;
    t_interval_from(
        sample.mean(),
        standard_error_of(&sample)?,
        (values.len() - 1) as f64,
        confidence,
    )
}

/// The t interval `estimate ± t_{(1+confidence)/2, df} · stderr` for an
/// estimate with a known standard error and `df` degrees of freedom (n − 1
/// for a plain mean; G − 1 for a cluster-robust one).
pub fn t_interval_from(
    estimate: f64,
    stderr: f64,
    df: f64,
    confidence: f64,
) -> Result<Interval, StatsError> {
    check_confidence(confidence)?;
    if !estimate.is_finite() {
        return Err(StatsError::InvalidParameter {
            parameter: "estimate",
            value: estimate,
            reason: "must be a finite number",
        });
    }
    if !(stderr.is_finite() && stderr >= 0.0) {
        return Err(StatsError::InvalidParameter {
            parameter: "standard error",
            value: stderr,
            reason: "must be a finite number >= 0",
        });
    }
    let t = student_t_quantile(0.5 * (1.0 + confidence), df)?;
    let half = t * stderr;
    Ok(Interval {
        lower: estimate - half,
        upper: estimate + half,
    }
    .covering(estimate))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} is not within {tolerance} of {expected}"
        );
    }

    fn wilson(successes: u64, n: u64) -> Interval {
        match wilson_interval(successes, n, Z_95) {
            Ok(interval) => interval,
            Err(e) => panic!("wilson({successes}, {n}): {e}"),
        }
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // python3 (with statsmodels) -c 'from statsmodels.stats.proportion import proportion_confint as pc;
        //   [print(x, n, pc(x, n, alpha=0.05, method="wilson")) for x, n in [(0,10),(5,10),(10,10),(81,263),(1,1),(0,1)]]'
        // The same numbers by hand (python3 -c 'from math import sqrt; z=1.959963984540054; x,n=81,263; p=x/n;
        //   d=1+z*z/n; c=(p+z*z/(2*n))/d; h=z/d*sqrt(p*(1-p)/n+z*z/(4*n*n)); print(c-h, c+h)').
        for (x, n, lower, upper) in [
            (0, 10, 0.0, 0.27753279986288926),
            (5, 10, 0.23659309051256394, 0.7634069094874361),
            (10, 10, 0.7224672001371106, 1.0),
            (81, 263, 0.2552885198782742, 0.36620957698280004),
            (1, 1, 0.2065493143772374, 1.0),
            (0, 1, 0.0, 0.7934506856227627),
        ] {
            let interval = wilson(x, n);
            close(interval.lower, lower, 1e-15);
            close(interval.upper, upper, 1e-15);
        }
        // The edges are exact, not merely close.
        assert_eq!(wilson(0, 10).lower, 0.0);
        assert_eq!(wilson(10, 10).upper, 1.0);
    }

    #[test]
    fn wilson_rejects_bad_counts() {
        assert!(matches!(
            wilson_interval(0, 0, Z_95),
            Err(StatsError::TooFewSamples { .. })
        ));
        assert_eq!(
            wilson_interval(3, 2, Z_95),
            Err(StatsError::SuccessesExceedN { c: 3, n: 2 })
        );
        assert!(matches!(
            wilson_interval(1, 2, f64::NAN),
            Err(StatsError::InvalidParameter { .. })
        ));
    }

    #[test]
    fn t_interval_matches_scipy() -> Result<(), StatsError> {
        // python3 (with scipy) -c 'import numpy as np, scipy.stats as st; v=[2,4,4,4,5,5,7,9];
        //   print(st.t.interval(0.95, len(v)-1, loc=np.mean(v), scale=st.sem(v)))'
        //   -> (3.21251208176379, 6.787487918236209)
        let interval = t_interval(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], CONFIDENCE_95)?;
        close(interval.lower, 3.21251208176379, 1e-12);
        close(interval.upper, 6.787487918236209, 1e-12);
        // python3 (with scipy) -c 'import numpy as np, scipy.stats as st; v=[0.1,0.9];
        //   print(st.t.interval(0.9, 1, loc=np.mean(v), scale=st.sem(v)))'
        //   -> (-2.0255006058700182, 3.0255006058700147)
        let interval = t_interval(&[0.1, 0.9], 0.9)?;
        close(interval.lower, -2.0255006058700182, 1e-12);
        close(interval.upper, 3.0255006058700147, 1e-12);
        Ok(())
    }

    #[test]
    fn t_interval_rejects_bad_input() {
        assert!(matches!(
            t_interval(&[1.0], CONFIDENCE_95),
            Err(StatsError::TooFewSamples { .. })
        ));
        assert!(matches!(
            t_interval(&[1.0, 2.0], 1.0),
            Err(StatsError::InvalidParameter { .. })
        ));
        assert!(matches!(
            t_interval_from(0.5, -1.0, 3.0, CONFIDENCE_95),
            Err(StatsError::InvalidParameter { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn wilson_contains_the_proportion_within_unit_range(
            n in 1u64..5_000, fraction in 0.0f64..=1.0
        ) {
            let successes = ((n as f64) * fraction).round() as u64;
            let interval = wilson(successes, n);
            let p = successes as f64 / n as f64;
            proptest::prop_assert!(interval.contains(p), "{interval:?} misses {p}");
            proptest::prop_assert!(0.0 <= interval.lower && interval.upper <= 1.0);
        }

        #[test]
        fn t_interval_contains_the_mean(
            values in proptest::collection::vec(-1e6f64..1e6, 2..200),
            confidence in 0.5f64..0.999
        ) {
            let interval = t_interval(&values, confidence)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let m = Parts::one(&values).mean();
            proptest::prop_assert!(interval.contains(m), "{interval:?} misses {m}");
        }
    }
}
