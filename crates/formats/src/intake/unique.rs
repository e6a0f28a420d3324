//! Order-preserving de-duplication of a report's lists (the model keeps
//! CWEs, ratings, aliases, references, products and statements without
//! repeats), in time linear in their length: a document may repeat an
//! entry any number of times.

use std::collections::HashSet;
use std::hash::Hash;

use crate::model::{Report, Severity};

/// Drops every item whose key an earlier item already had.
pub(crate) fn dedupe_by<T, K: Hash + Eq>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    if items.len() < 2 {
        return;
    }
    let mut seen = HashSet::with_capacity(items.len());
    items.retain(|item| seen.insert(key(item)));
}

/// De-duplicates every list of a report that must not repeat: CWEs,
/// ratings, aliases, references (by URL), affected products and VEX
/// statements.
pub(crate) fn tidy(report: &mut Report) {
    dedupe_by(&mut report.cwes, |cwe| *cwe);
    dedupe_by(&mut report.severities, severity_key);
    dedupe_by(&mut report.aliases, Clone::clone);
    dedupe_by(&mut report.references, |r| r.url.clone());
    // Products and statements have no Hash in the model; their debug text
    // stands for them.
    dedupe_by(&mut report.affected, |a| format!("{a:?}"));
    dedupe_by(&mut report.vex, |v| format!("{v:?}"));
}

fn severity_key(severity: &Severity) -> (u8, String) {
    match severity {
        Severity::CvssV3 { vector } => (3, vector.clone()),
        Severity::CvssV4 { vector } => (4, vector.clone()),
        Severity::CvssV2 { vector } => (2, vector.clone()),
        Severity::Qualitative { rating } => (0, rating.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Reference;

    #[test]
    fn first_occurrences_stay_in_order() {
        let mut items = vec![3, 1, 3, 2, 1];
        dedupe_by(&mut items, |i| *i);
        assert_eq!(items, vec![3, 1, 2]);
    }

    #[test]
    fn reports_lose_their_repeats() {
        let high = Severity::Qualitative {
            rating: "high".into(),
        };
        let link = |kind: Option<&str>| Reference {
            url: "https://a".into(),
            kind: kind.map(str::to_owned),
        };
        let mut report = Report {
            cwes: vec![79, 79, 89],
            severities: vec![high.clone(), high.clone()],
            aliases: vec!["CVE-1".into(), "CVE-1".into()],
            references: vec![link(Some("fix")), link(None)],
            ..Report::default()
        };
        tidy(&mut report);
        assert_eq!(report.cwes, vec![79, 89]);
        assert_eq!(report.severities, vec![high]);
        assert_eq!(report.aliases.len(), 1);
        assert_eq!(report.references, vec![link(Some("fix"))]);
    }

    #[test]
    fn many_repeats_take_linear_time() {
        let mut items: Vec<u32> = (0..200_000).map(|i| i % 7).collect();
        dedupe_by(&mut items, |i| *i);
        assert_eq!(items.len(), 7);
    }
}
