//! Metric summaries grouped by task category, plus one over all samples.

use super::clusters::ClusterAssignment;
use super::error::StatsError;
use super::metrics::{summarize_binary_with, summarize_mean_with, MeanInterval, MetricSummary};
use std::collections::BTreeMap;

/// The key of the summary over all samples in [`by_category`]'s map; no
/// category may have this name.
pub const OVERALL: &str = "overall";

/// One scored sample: its category, its score in [0, 1], and its cluster
/// (usually the task id), if any. Owned strings by default; the summaries
/// take any string type, so callers with many records can lend `&str`s.
pub type CategoryRecord<S = String> = (S, f64, Option<S>);

/// A cluster label: a named cluster, or a sample without one, which is a
/// cluster of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Label<'a> {
    Named(&'a str),
    Alone(usize),
}

/// Summaries by category plus an [`OVERALL`] entry, with t intervals for
/// non-binary scores. See [`by_category_with`].
pub fn by_category<S: AsRef<str>>(
    records: &[CategoryRecord<S>],
) -> Result<BTreeMap<String, MetricSummary>, StatsError> {
    by_category_with(records, MeanInterval::T)
}

/// Summaries by category plus an [`OVERALL`] entry over every record.
///
/// A group whose scores are all exactly 0 or 1 is summarized as an accuracy
/// ([`super::summarize_binary`], Wilson interval); any other group as a mean
/// ([`super::summarize_mean`] with `mean_interval`, its interval cut to
/// [0, 1] where the mean must lie). When at least one
/// record names a cluster, every group is summarized with clusters, a record
/// without one being a cluster by itself. Errors on no records, a score that
/// is not a finite number in [0, 1], or a category named [`OVERALL`].
pub fn by_category_with<S: AsRef<str>>(
    records: &[CategoryRecord<S>],
    mean_interval: MeanInterval,
) -> Result<BTreeMap<String, MetricSummary>, StatsError> {
    if records.is_empty() {
        return Err(StatsError::TooFewSamples {
            what: "summary by category",
            needed: 1,
            got: 0,
        });
    }
    let clustered = records.iter().any(|(_, _, cluster)| cluster.is_some());
    let mut groups: BTreeMap<&str, (Vec<f64>, Vec<Label<'_>>)> = BTreeMap::new();
    for (index, (category, score, cluster)) in records.iter().enumerate() {
        let category = category.as_ref();
        if category == OVERALL {
            return Err(StatsError::ReservedCategory {
                name: category.to_owned(),
            });
        }
        if !(score.is_finite() && (0.0..=1.0).contains(score)) {
            return Err(StatsError::InvalidScore {
                index,
                value: *score,
                range: "[0, 1]",
            });
        }
        let label = match cluster {
            Some(name) => Label::Named(name.as_ref()),
            None => Label::Alone(index),
        };
        let (scores, labels) = groups.entry(category).or_default();
        scores.push(*score);
        labels.push(label);
    }
    let mut summaries = BTreeMap::new();
    for (category, (scores, labels)) in &groups {
        let summary = summarize_group(scores, labels, clustered, mean_interval)?;
        summaries.insert((*category).to_owned(), summary);
    }
    let all_scores: Vec<f64> = records.iter().map(|(_, score, _)| *score).collect();
    let all_labels: Vec<Label<'_>> = records
        .iter()
        .enumerate()
        .map(|(index, (_, _, cluster))| match cluster {
            Some(name) => Label::Named(name.as_ref()),
            None => Label::Alone(index),
        })
        .collect();
    let overall = summarize_group(&all_scores, &all_labels, clustered, mean_interval)?;
    summaries.insert(OVERALL.to_owned(), overall);
    Ok(summaries)
}

fn summarize_group(
    scores: &[f64],
    labels: &[Label<'_>],
    clustered: bool,
    mean_interval: MeanInterval,
) -> Result<MetricSummary, StatsError> {
    // One cluster says nothing about variation between clusters: such a
    // group (a category with one task) is summarized as plain samples.
    let assignment = if clustered {
        Some(ClusterAssignment::from_labels(labels, scores.len())?).filter(|a| a.count >= 2)
    } else {
        None
    };
    if scores.iter().all(|&s| s == 0.0 || s == 1.0) {
        let successes: Vec<bool> = scores.iter().map(|&s| s == 1.0).collect();
        summarize_binary_with(&successes, assignment.as_ref())
    } else {
        let mut summary = summarize_mean_with(scores, assignment.as_ref(), mean_interval)?;
        // Scores lie in [0, 1], so does their mean: cut the interval there.
        summary.ci95_lower = summary.ci95_lower.map(|b| b.max(0.0));
        summary.ci95_upper = summary.ci95_upper.map(|b| b.min(1.0));
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::metrics::SummaryMethod;

    fn record(category: &str, score: f64, cluster: Option<&str>) -> CategoryRecord {
        (category.to_owned(), score, cluster.map(str::to_owned))
    }

    #[test]
    fn groups_by_category_with_an_overall_entry() -> Result<(), StatsError> {
        let records = vec![
            record("crypto", 1.0, None),
            record("crypto", 0.0, None),
            record("crypto", 1.0, None),
            record("web", 0.5, None),
            record("web", 1.0, None),
        ];
        let summaries = by_category(&records)?;
        assert_eq!(
            summaries.keys().map(String::as_str).collect::<Vec<_>>(),
            vec!["crypto", OVERALL, "web"]
        );
        let crypto = &summaries["crypto"];
        assert_eq!((crypto.method, crypto.n), (SummaryMethod::Wilson, 3));
        assert!((crypto.value - 2.0 / 3.0).abs() < 1e-15);
        let web = &summaries["web"];
        assert_eq!((web.method, web.n), (SummaryMethod::T, 2));
        assert_eq!(web.value, 0.75);
        let overall = &summaries[OVERALL];
        assert_eq!((overall.method, overall.n), (SummaryMethod::T, 5));
        assert!((overall.value - 0.7).abs() < 1e-15);
        Ok(())
    }

    #[test]
    fn clusters_apply_everywhere_once_any_record_has_one() -> Result<(), StatsError> {
        let records = vec![
            record("re", 1.0, Some("re-1")),
            record("re", 1.0, Some("re-1")),
            record("re", 0.0, Some("re-2")),
            record("re", 0.0, None),
            record("pwn", 0.0, Some("pwn-1")),
            record("pwn", 1.0, Some("pwn-1")),
        ];
        let summaries = by_category(&records)?;
        assert_eq!(summaries["re"].method, SummaryMethod::ClusteredWilson);
        assert_eq!(summaries["re"].clusters, Some(3));
        assert_eq!(summaries[OVERALL].clusters, Some(4));
        // One cluster says nothing between clusters: plain Wilson over the
        // samples, as if unclustered.
        let plain = &by_category(&[record("pwn", 0.0, None), record("pwn", 1.0, None)])?["pwn"];
        assert_eq!(summaries["pwn"].method, SummaryMethod::Wilson);
        assert_eq!(summaries["pwn"].clusters, None);
        assert_eq!(&summaries["pwn"], plain);
        Ok(())
    }

    #[test]
    fn mean_intervals_are_cut_to_the_unit_range() -> Result<(), StatsError> {
        let records = vec![
            record("web", 0.5, None),
            record("web", 0.0, None),
            record("web", 0.1, None),
        ];
        let web = &by_category(&records)?["web"];
        assert_eq!(web.method, SummaryMethod::T);
        assert_eq!(web.ci95_lower, Some(0.0));
        Ok(())
    }

    #[test]
    fn rejects_bad_records() {
        assert!(matches!(
            by_category::<String>(&[]),
            Err(StatsError::TooFewSamples { .. })
        ));
        assert_eq!(
            by_category(&[record(OVERALL, 1.0, None)]),
            Err(StatsError::ReservedCategory {
                name: OVERALL.into()
            })
        );
        assert!(matches!(
            by_category(&[record("a", 1.0, None), record("a", -0.1, None)]),
            Err(StatsError::InvalidScore { index: 1, .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn every_summary_lies_in_the_unit_range_around_its_estimate(
            samples in proptest::collection::vec(
                (0u8..3, proptest::prop_oneof![proptest::prelude::Just(0.0), proptest::prelude::Just(1.0), 0.0f64..=1.0], proptest::option::of(0u8..4)),
                1..60,
            )
        ) {
            let records: Vec<CategoryRecord> = samples
                .iter()
                .map(|(c, s, t)| (format!("cat{c}"), *s, t.map(|t| format!("task{t}"))))
                .collect();
            let summaries = by_category(&records)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            for summary in summaries.values() {
                let (lower, upper) = (summary.ci95_lower, summary.ci95_upper);
                proptest::prop_assert!(lower.is_none_or(|l| 0.0 <= l && l <= summary.value));
                proptest::prop_assert!(upper.is_none_or(|u| summary.value <= u && u <= 1.0));
            }
            proptest::prop_assert_eq!(summaries[OVERALL].n, records.len() as u64);
        }
    }
}
