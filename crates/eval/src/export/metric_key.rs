//! [`MetricKey`]: the parts of a profile metric name, `SUITE/GROUP.METRIC`.

use crate::stats::OVERALL;

/// A metric name of a run summary split into its parts:
/// `cyber-core/cryptography.accuracy` is suite `cyber-core`, group
/// `cryptography`, metric `accuracy`; `cyber-core/task/crypto-1.v2.accuracy`
/// is group `task/crypto-1.v2` (task ids may hold dots, metric names do not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricKey<'a> {
    /// The suite (or single task) the run was named after.
    pub suite: &'a str,
    /// `overall`, a category, or `task/ID`.
    pub group: &'a str,
    /// `accuracy`, `mean`, …
    pub metric: &'a str,
}

impl<'a> MetricKey<'a> {
    /// Splits `name`; `None` when it is not of the form `SUITE/GROUP.METRIC`.
    pub fn parse(name: &'a str) -> Option<Self> {
        let (suite, rest) = name.split_once('/')?;
        let (group, metric) = rest.rsplit_once('.')?;
        if suite.is_empty() || group.is_empty() || metric.is_empty() {
            return None;
        }
        Some(Self {
            suite,
            group,
            metric,
        })
    }

    /// The task id of a `task/ID` group.
    pub fn task(&self) -> Option<&'a str> {
        self.group.strip_prefix("task/")
    }

    /// Whether this is the run-wide group.
    pub fn is_overall(&self) -> bool {
        self.group == OVERALL
    }

    /// Sort rank for display: overall first, then categories, then tasks.
    pub fn rank(&self) -> u8 {
        if self.is_overall() {
            0
        } else if self.task().is_some() {
            2
        } else {
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_suite_group_and_metric() {
        let k = MetricKey::parse("cyber-core/overall.accuracy").unwrap();
        assert_eq!(
            (k.suite, k.group, k.metric, k.is_overall(), k.rank()),
            ("cyber-core", "overall", "accuracy", true, 0)
        );
        let k = MetricKey::parse("cyber-core/task/crypto.v2.accuracy").unwrap();
        assert_eq!(k.group, "task/crypto.v2");
        assert_eq!(k.task(), Some("crypto.v2"));
        assert_eq!(k.metric, "accuracy");
        assert_eq!(k.rank(), 2);
        assert_eq!(
            MetricKey::parse("s/cryptography.mean").map(|k| k.rank()),
            Some(1)
        );
        assert_eq!(MetricKey::parse("accuracy"), None);
        assert_eq!(MetricKey::parse("s/overall"), None);
        assert_eq!(MetricKey::parse("/overall.accuracy"), None);
    }
}
