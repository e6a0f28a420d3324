//! Statistics through the public API: epoch scores are reduced, summarized
//! by category, and land in a capability profile the designation engine
//! accepts. Known values live in the unit tests next to each formula.

use anyhow::{anyhow, Result};
use bulwark_domain::designation::{CapabilityProfile, ProfileSubject, Statistic};
use bulwark_eval::stats::{by_category, pass_at_k, Reducer, SummaryMethod, OVERALL};
use std::collections::BTreeMap;

#[test]
fn reduced_scores_summarize_into_a_valid_capability_profile() -> Result<()> {
    // Three tasks x 4 epochs in two categories; pass@2 per task.
    let reducer: Reducer = "pass_at_2".parse()?;
    let epochs = [
        ("crypto", "crypto-1", [1.0, 0.0, 0.0, 0.0]),
        ("crypto", "crypto-2", [1.0, 1.0, 1.0, 1.0]),
        ("web", "web-1", [0.0, 0.0, 0.0, 0.0]),
    ];
    let mut records = Vec::new();
    for (category, task, scores) in epochs {
        let score = reducer.reduce(&scores)?;
        records.push((category.to_owned(), score, Some(task.to_owned())));
    }
    // python3 -c 'from math import comb; print(1-comb(3,2)/comb(4,2))'  -> 0.5
    assert!((records[0].1 - 0.5).abs() < 1e-15);
    assert!((pass_at_k(4, 1, 2)? - 0.5).abs() < 1e-15);

    let summaries = by_category(&records)?;
    assert_eq!(summaries.len(), 3);
    assert_eq!(summaries["crypto"].method, SummaryMethod::ClusteredT);
    // One task is one cluster: nothing to learn between clusters.
    assert_eq!(summaries["web"].method, SummaryMethod::Wilson);
    assert_eq!(summaries[OVERALL].n, 3);

    let metrics: BTreeMap<String, _> = summaries
        .iter()
        .map(|(category, summary)| {
            (
                format!("cyber-core/{category}.{}", summary.name),
                summary.to_metric_value(),
            )
        })
        .collect();
    let profile = CapabilityProfile {
        subject: ProfileSubject {
            developer: "Acme AI".into(),
            model: "acme-1".into(),
            version: None,
        },
        generated_at: "2026-11-20T10:00:00Z".parse()?,
        harness: None,
        elicitation: None,
        metrics,
        extra: BTreeMap::new(),
    };
    profile.validate()?;
    let bytes = profile.canonical_bytes();
    let parsed = CapabilityProfile::parse_json(std::str::from_utf8(&bytes)?)?;
    let lower = parsed
        .statistic("cyber-core/overall.mean", Statistic::Ci95Lower)
        .ok_or_else(|| anyhow!("overall lower bound missing from {parsed:?}"))?;
    assert!(lower <= 0.5);
    Ok(())
}
