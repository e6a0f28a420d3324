//! Metric summaries grouped by task category, plus one over all samples.

use super::clusters::{group_by_label, Parts};
use super::error::StatsError;
use super::metrics::{summarize_binary_of, summarize_mean_of, MeanInterval, MetricSummary};
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

impl<'a> Label<'a> {
    /// The label of record `index` with `cluster`.
    fn of<S: AsRef<str>>(index: usize, cluster: Option<&'a S>) -> Self {
        match cluster {
            Some(name) => Label::Named(name.as_ref()),
            None => Label::Alone(index),
        }
    }
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
    for (index, (category, score, _)) in records.iter().enumerate() {
        check_category(category.as_ref())?;
        check_score(*score, index)?;
    }
    let clustered = records.iter().any(|(_, _, cluster)| cluster.is_some());
    let mut groups: BTreeMap<&str, (Vec<f64>, Vec<Label<'_>>)> = BTreeMap::new();
    for (index, (category, score, cluster)) in records.iter().enumerate() {
        let (scores, labels) = groups.entry(category.as_ref()).or_default();
        scores.push(*score);
        labels.push(Label::of(index, cluster.as_ref()));
    }
    let all_scores: Vec<f64> = records.iter().map(|(_, score, _)| *score).collect();
    let all_labels: Vec<Label<'_>> = records
        .iter()
        .enumerate()
        .map(|(index, (_, _, cluster))| Label::of(index, cluster.as_ref()))
        .collect();
    let summarize = |scores: &[f64], labels: &[Label<'_>]| {
        if clustered {
            let groups = group_by_label(scores, labels)?;
            summarize_group(&Parts::of(&groups), true, mean_interval)
        } else {
            summarize_group(&Parts::one(scores), false, mean_interval)
        }
    };
    let mut summaries = BTreeMap::new();
    for (category, (scores, labels)) in &groups {
        summaries.insert((*category).to_owned(), summarize(scores, labels)?);
    }
    summaries.insert(OVERALL.to_owned(), summarize(&all_scores, &all_labels)?);
    Ok(summaries)
}

/// One cluster of a run: its category and its scores in [0, 1] (usually
/// one task's samples).
pub type ClusterScores<'a> = (&'a str, &'a [f64]);

/// [`by_category`] for scores already grouped by cluster: each entry is one
/// cluster with its category, and every group is summarized with clusters
/// (t intervals for non-binary scores). The same summaries as
/// [`by_category`] over one record per score labelled with its entry, but
/// no score is copied, so the memory used does not grow with the number of
/// samples. A score's index in an error counts the entries' scores in order.
pub fn by_category_of_clusters(
    clusters: &[ClusterScores<'_>],
) -> Result<BTreeMap<String, MetricSummary>, StatsError> {
    let mut index = 0;
    for (category, scores) in clusters.iter().filter(|(_, scores)| !scores.is_empty()) {
        check_category(category)?;
        for &score in scores.iter() {
            check_score(score, index)?;
            index += 1;
        }
    }
    if index == 0 {
        return Err(StatsError::TooFewSamples {
            what: "summary by category",
            needed: 1,
            got: 0,
        });
    }
    let mut groups: BTreeMap<&str, Vec<&[f64]>> = BTreeMap::new();
    for &(category, scores) in clusters {
        groups.entry(category).or_default().push(scores);
    }
    let mut summaries = BTreeMap::new();
    for (category, parts) in groups {
        let sample = Parts::new(parts);
        if sample.len() > 0 {
            let summary = summarize_group(&sample, true, MeanInterval::T)?;
            summaries.insert(category.to_owned(), summary);
        }
    }
    let sample = Parts::new(clusters.iter().map(|(_, scores)| *scores));
    summaries.insert(
        OVERALL.to_owned(),
        summarize_group(&sample, true, MeanInterval::T)?,
    );
    Ok(summaries)
}

/// The summary of one group of scores in [0, 1], unclustered: what
/// [`by_category`] gives a category whose records name no cluster (an
/// accuracy when every score is 0 or 1, else a mean). Errors on no scores
/// or a score that is not a finite number in [0, 1].
pub fn summarize_scores(scores: &[f64]) -> Result<MetricSummary, StatsError> {
    for (index, &score) in scores.iter().enumerate() {
        check_score(score, index)?;
    }
    summarize_group(&Parts::one(scores), false, MeanInterval::T)
}

/// Refuses the reserved category name.
fn check_category(category: &str) -> Result<(), StatsError> {
    if category == OVERALL {
        return Err(StatsError::ReservedCategory {
            name: category.to_owned(),
        });
    }
    Ok(())
}

/// Refuses a score outside [0, 1]; `index` names it in the error.
fn check_score(score: f64, index: usize) -> Result<(), StatsError> {
    if !(score.is_finite() && (0.0..=1.0).contains(&score)) {
        return Err(StatsError::InvalidScore {
            index,
            value: score,
            range: "[0, 1]",
        });
    }
    Ok(())
}

/// The summary of one group, its parts being clusters when `clustered`.
fn summarize_group(
    sample: &Parts<'_>,
    clustered: bool,
    mean_interval: MeanInterval,
) -> Result<MetricSummary, StatsError> {
    // One cluster says nothing about variation between clusters: such a
    // group (a category with one task) is summarized as plain samples.
    let clustered = clustered && sample.count() >= 2;
    if sample.values().all(|s| s == 0.0 || s == 1.0) {
        summarize_binary_of(sample, clustered)
    } else {
        let mut summary = summarize_mean_of(sample, clustered, mean_interval)?;
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

    #[test]
    fn clusters_given_as_slices_skip_empty_ones() -> Result<(), StatsError> {
        let crypto = [1.0, 0.0, 1.0];
        let summaries = by_category_of_clusters(&[("crypto", &crypto), ("web", &[])])?;
        assert_eq!(
            summaries.keys().map(String::as_str).collect::<Vec<_>>(),
            vec!["crypto", OVERALL]
        );
        // One non-empty cluster: the plain summary.
        let plain = by_category(&[
            record("crypto", 1.0, None),
            record("crypto", 0.0, None),
            record("crypto", 1.0, None),
        ])?;
        assert_eq!(summaries, plain);
        assert!(matches!(
            by_category_of_clusters(&[("web", &[])]),
            Err(StatsError::TooFewSamples { .. })
        ));
        assert!(matches!(
            by_category_of_clusters(&[("a", &[0.5]), ("b", &[1.0, 2.0])]),
            Err(StatsError::InvalidScore { index: 2, .. })
        ));
        Ok(())
    }

    #[test]
    fn one_group_of_scores_is_summarized_as_a_category_without_clusters() -> Result<(), StatsError>
    {
        let scores = [0.5, 0.0, 0.1];
        let records: Vec<CategoryRecord> = scores.iter().map(|&s| record("t", s, None)).collect();
        assert_eq!(summarize_scores(&scores)?, by_category(&records)?["t"]);
        assert!(matches!(
            summarize_scores(&[]),
            Err(StatsError::TooFewSamples { .. })
        ));
        assert!(matches!(
            summarize_scores(&[0.5, 1.5]),
            Err(StatsError::InvalidScore { index: 1, .. })
        ));
        Ok(())
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

        #[test]
        fn slices_summarize_like_records_labelled_with_their_cluster(
            tasks in proptest::collection::vec(
                (0u8..3, proptest::collection::vec(proptest::prop_oneof![proptest::prelude::Just(0.0), proptest::prelude::Just(1.0), 0.0f64..=1.0], 0..12)),
                1..8,
            )
        ) {
            let scores: Vec<(String, Vec<f64>)> = tasks.iter().map(|(c, v)| (format!("cat{c}"), v.clone())).collect();
            let clusters: Vec<ClusterScores<'_>> = scores.iter().map(|(c, v)| (c.as_str(), v.as_slice())).collect();
            let records: Vec<CategoryRecord> = scores
                .iter()
                .enumerate()
                .flat_map(|(t, (c, v))| v.iter().map(move |s| (c.clone(), *s, Some(format!("task{t}")))))
                .collect();
            proptest::prop_assume!(!records.is_empty());
            let from_slices = by_category_of_clusters(&clusters)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let from_records = by_category(&records)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(from_slices, from_records);
        }
    }
}
