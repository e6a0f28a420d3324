//! Sample moments: the mean and the sample variance, with input checks.

use super::clusters::Parts;
use super::error::StatsError;

/// The arithmetic mean of at least one finite value.
pub fn mean(values: &[f64]) -> Result<f64, StatsError> {
    let sample = Parts::one(values);
    sample.check("mean", 1)?;
    Ok(sample.mean())
}

/// The sample variance (divisor n − 1, two-pass) of at least two finite
/// values.
pub fn sample_variance(values: &[f64]) -> Result<f64, StatsError> {
    let sample = Parts::one(values);
    sample.check("sample variance", 2)?;
    Ok(sample.variance())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() -> Result<(), StatsError> {
        // python3 -c 'import statistics as s; print(s.mean([2,4,4,4,5,5,7,9]), s.variance([2,4,4,4,5,5,7,9]))'
        //   -> 5 4.571428571428571
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&values)?, 5.0);
        assert!((sample_variance(&values)? - 4.571428571428571).abs() < 1e-15);
        Ok(())
    }

    #[test]
    fn rejects_too_few_or_non_finite_values() {
        assert!(matches!(
            mean(&[]),
            Err(StatsError::TooFewSamples { needed: 1, .. })
        ));
        assert!(matches!(
            sample_variance(&[1.0]),
            Err(StatsError::TooFewSamples { needed: 2, .. })
        ));
        assert!(matches!(
            mean(&[1.0, f64::INFINITY]),
            Err(StatsError::InvalidScore { index: 1, .. })
        ));
    }
}
