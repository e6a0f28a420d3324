//! A sample held in parts: the scores of a sample as a list of slices whose
//! concatenation, in order, is the sample. As clusters, each part is one
//! cluster (usually one task's samples).
//!
//! Working on borrowed parts lets a caller whose scores are already grouped
//! (the runner keeps one score list per task) summarize any number of
//! samples without copying a score; callers with one label per sample group
//! them first with [`group_by_label`].

use super::error::StatsError;
use std::collections::HashMap;
use std::hash::Hash;

/// The scores of a sample as parts, in order; no part is empty.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parts<'a> {
    parts: Vec<&'a [f64]>,
    len: usize,
}

impl<'a> Parts<'a> {
    /// The sample made of `parts` in order; empty parts are dropped.
    pub(crate) fn new(parts: impl IntoIterator<Item = &'a [f64]>) -> Self {
        let parts: Vec<&[f64]> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        let len = parts.iter().map(|p| p.len()).sum();
        Parts { parts, len }
    }

    /// The sample `values` as one part.
    pub(crate) fn one(values: &'a [f64]) -> Self {
        Parts::new([values])
    }

    /// The sample made of `groups` in order (from [`checked_groups`]).
    pub(crate) fn of(groups: &'a [Vec<f64>]) -> Self {
        Parts::new(groups.iter().map(Vec::as_slice))
    }

    /// The same sample with every value a part of its own: unclustered
    /// samples as clusters of one.
    pub(crate) fn singletons(&self) -> Self {
        Parts::new(self.parts.iter().flat_map(|p| p.chunks(1)))
    }

    /// Number of samples.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Number of parts (clusters).
    pub(crate) fn count(&self) -> usize {
        self.parts.len()
    }

    /// The parts, in order.
    pub(crate) fn parts(&self) -> &[&'a [f64]] {
        &self.parts
    }

    /// Every score, in order.
    pub(crate) fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.parts.iter().flat_map(|p| p.iter().copied())
    }

    /// Checks that every value is finite; `what` names the statistic for the
    /// error when there are fewer than `needed` values.
    pub(crate) fn check(&self, what: &'static str, needed: usize) -> Result<(), StatsError> {
        if self.len < needed {
            return Err(StatsError::TooFewSamples {
                what,
                needed,
                got: self.len,
            });
        }
        match self.values().enumerate().find(|(_, v)| !v.is_finite()) {
            Some((index, value)) => Err(StatsError::InvalidScore {
                index,
                value,
                range: "(-inf, inf)",
            }),
            None => Ok(()),
        }
    }

    /// The mean of a checked, non-empty sample (summed in order).
    pub(crate) fn mean(&self) -> f64 {
        self.values().sum::<f64>() / self.len as f64
    }

    /// The sample variance (divisor n − 1, two-pass) of a checked sample of
    /// at least two values.
    pub(crate) fn variance(&self) -> f64 {
        let m = self.mean();
        let squares: f64 = self.values().map(|v| (v - m) * (v - m)).sum();
        squares / (self.len - 1) as f64
    }

    /// Per-part sums of `f(value)`, in part order.
    pub(crate) fn sums(&self, f: impl Fn(f64) -> f64) -> Vec<f64> {
        self.parts
            .iter()
            .map(|p| p.iter().map(|&v| f(v)).sum())
            .collect()
    }
}

/// `values` grouped by their `labels` as [`group_by_label`] does, and
/// checked as [`Parts::check`] does (at least `needed`, finite; errors name
/// `what` and a value by its place in `values`).
pub(crate) fn checked_groups<C: Eq + Hash>(
    values: &[f64],
    labels: &[C],
    what: &'static str,
    needed: usize,
) -> Result<Vec<Vec<f64>>, StatsError> {
    let groups = group_by_label(values, labels)?;
    Parts::one(values).check(what, needed)?;
    Ok(groups)
}

/// `values` grouped by their `labels` (one per value): one group per
/// distinct label, in order of first appearance, each keeping its values in
/// their order. Errors when the lengths differ.
pub(crate) fn group_by_label<C: Eq + Hash>(
    values: &[f64],
    labels: &[C],
) -> Result<Vec<Vec<f64>>, StatsError> {
    if labels.len() != values.len() {
        return Err(StatsError::ClusterLengthMismatch {
            values: values.len(),
            clusters: labels.len(),
        });
    }
    let mut numbers: HashMap<&C, usize> = HashMap::new();
    let mut groups: Vec<Vec<f64>> = Vec::new();
    for (label, &value) in labels.iter().zip(values) {
        let next = groups.len();
        let number = *numbers.entry(label).or_insert(next);
        if number == next {
            groups.push(Vec::new());
        }
        groups[number].push(value);
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_first_appearance_keeping_order() -> Result<(), StatsError> {
        let groups = group_by_label(&[1.0, 2.0, 3.0, 4.0], &["b", "a", "b", "c"])?;
        assert_eq!(groups, vec![vec![1.0, 3.0], vec![2.0], vec![4.0]]);
        let parts = Parts::of(&groups);
        assert_eq!((parts.len(), parts.count()), (4, 3));
        assert_eq!(parts.singletons().count(), 4);
        assert_eq!(parts.sums(|v| v), vec![4.0, 2.0, 4.0]);
        assert_eq!(parts.values().collect::<Vec<_>>(), vec![1.0, 3.0, 2.0, 4.0]);
        assert_eq!(
            group_by_label(&[1.0, 2.0], &["a"]),
            Err(StatsError::ClusterLengthMismatch {
                values: 2,
                clusters: 1
            })
        );
        Ok(())
    }

    #[test]
    fn empty_parts_are_not_clusters() {
        let parts = Parts::new([&[][..], &[0.5, 1.0][..], &[][..]]);
        assert_eq!((parts.len(), parts.count()), (2, 1));
        assert_eq!(parts.mean(), 0.75);
    }

    #[test]
    fn check_names_the_first_bad_value_by_its_place_in_the_sample() {
        let parts = Parts::new([&[0.5][..], &[1.0, f64::NAN][..]]);
        assert!(matches!(
            parts.check("mean", 1),
            Err(StatsError::InvalidScore { index: 2, .. })
        ));
        assert!(matches!(
            Parts::new([&[0.5][..]]).check("variance", 2),
            Err(StatsError::TooFewSamples {
                needed: 2,
                got: 1,
                ..
            })
        ));
    }
}
