//! The capability profile of a run: every metric with its interval and
//! sample count, the task versions, and the elicitation settings (scaffold,
//! tools, attempts, limits, epochs, reducer, generation settings) — the
//! document the designation engine reads.

use std::collections::BTreeMap;

use bulwark_domain::designation::{CapabilityProfile, ProfileError};
use chrono::Utc;
use serde_json::{json, Value};

use crate::stats::MetricSummary;
use crate::task::{SolverSpec, Task};

use super::execute::epochs_of;
use super::options::RunOptions;
use super::summary::RunCounts;

/// The profile name of a metric: `SUITE/GROUP.METRIC`, for example
/// `cyber-core/cryptography.accuracy`, `cyber-core/overall.accuracy` or
/// `cyber-core/task/crypto-xor.accuracy`.
pub fn metric_name(suite: &str, group: &str, metric: &str) -> String {
    format!("{suite}/{group}.{metric}")
}

/// How the model was asked, task by task, and the run-wide settings.
pub(super) fn elicitation_of(tasks: &[Task], options: &RunOptions) -> Value {
    let per_task: Vec<Value> = tasks
        .iter()
        .map(|task| {
            let spec = task.spec();
            let scaffold = match &spec.solver {
                SolverSpec::SingleTurn { limits, .. } => json!({
                    "solver": "single_turn",
                    "limits": limits,
                }),
                SolverSpec::Agent {
                    tools,
                    max_attempts,
                    limits,
                    ..
                } => json!({
                    "solver": "agent",
                    "scaffold": "react",
                    "tools": tools,
                    "max_attempts": max_attempts,
                    "limits": limits,
                }),
            };
            json!({
                "id": spec.id.as_str(),
                "version": spec.version,
                "category": spec.category.as_str(),
                "samples": options.limit.map_or(task.sample_count(), |l| l.min(task.sample_count())),
                "epochs": epochs_of(task, options),
                "reducer": spec.reducer,
                "scorers": spec.scorers.iter().map(|s| s.kind().as_str()).collect::<Vec<_>>(),
                "scaffold": scaffold,
            })
        })
        .collect();
    json!({
        "suite": options.suite,
        "temperature": options.generate.temperature,
        "max_tokens": options.generate.max_tokens,
        "seed": options.generate.seed,
        "max_connections": options.max_connections,
        "sample_limit": options.limit,
        "tasks": per_task,
    })
}

/// Builds and validates the profile from the run's metrics.
pub(super) fn build_profile(
    tasks: &[Task],
    options: &RunOptions,
    model: &str,
    metrics: &BTreeMap<String, MetricSummary>,
    counts: &RunCounts,
) -> Result<CapabilityProfile, ProfileError> {
    let mut elicitation = elicitation_of(tasks, options);
    elicitation["model"] = json!(model);
    let mut extra = BTreeMap::new();
    extra.insert("run_id".to_owned(), json!(options.run_id));
    extra.insert("counts".to_owned(), json!(counts));
    extra.insert(
        "intervals".to_owned(),
        json!(metrics
            .iter()
            .map(|(name, m)| (
                name.clone(),
                json!({"method": m.method, "clusters": m.clusters})
            ))
            .collect::<BTreeMap<_, _>>()),
    );
    let profile = CapabilityProfile {
        subject: options.subject.clone(),
        generated_at: Utc::now(),
        harness: Some(json!({
            "name": "bulwark-eval",
            "version": env!("CARGO_PKG_VERSION"),
        })),
        elicitation: Some(elicitation),
        metrics: metrics
            .iter()
            .map(|(name, m)| (name.clone(), m.to_metric_value()))
            .collect(),
        extra,
    };
    profile.validate()?;
    Ok(profile)
}
