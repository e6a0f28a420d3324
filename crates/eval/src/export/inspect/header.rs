//! [`Plan`]: the log's header — eval spec, plan, results, stats — decided
//! once from the run, the task facts and the first pass over the records,
//! and the conversion of each record with it.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{json, Map, Value};

use super::sample::{sample_json, timestamp, usage_json, SampleContext};
use super::survey::Survey;
use super::{GENERIC_SCORER, LOG_SCHEMA_VERSION};
use crate::export::dataset_index::DatasetIndex;
use crate::export::metric_key::MetricKey;
use crate::export::run::RunDir;
use crate::export::task_facts::TaskFacts;
use crate::runlog::SampleRecord;
use crate::stats::MetricSummary;

/// Everything the header needs, decided once.
pub(super) struct Plan<'a> {
    run: &'a RunDir,
    index: &'a DatasetIndex,
    survey: &'a Survey,
    /// The exported tasks.
    tasks: Vec<String>,
    /// What is known of each exported task, in task order.
    facts: Vec<TaskFacts>,
    /// Whether sample ids are prefixed with their task.
    prefixed: bool,
    /// The Inspect task name.
    pub(super) name: String,
    primary_scorer: String,
    agent: bool,
    epoch_offset: u32,
}

impl<'a> Plan<'a> {
    pub(super) fn new(
        run: &'a RunDir,
        index: &'a DatasetIndex,
        survey: &'a Survey,
        only: Option<&str>,
    ) -> Self {
        let tasks: Vec<String> = match only {
            Some(task) => vec![task.to_owned()],
            None => run.task_ids(),
        };
        let facts: Vec<TaskFacts> = tasks
            .iter()
            .map(|task| match index.spec(task) {
                Some((spec, dir)) => TaskFacts::from_spec(spec, dir.clone()),
                None => TaskFacts::from_header(run.header(), task).unwrap_or_default(),
            })
            .collect();
        let name = if let [task] = tasks.as_slice() {
            task.clone()
        } else {
            suite_name(run)
        };
        let primary_scorer = primary_scorer(&tasks, &facts, survey);
        // Unknown solvers count as agents when the records show tool use.
        let agent = facts
            .iter()
            .any(|f| f.agent.unwrap_or(!survey.tools.is_empty()));
        Self {
            run,
            index,
            survey,
            prefixed: tasks.len() > 1,
            name,
            primary_scorer,
            agent,
            epoch_offset: u32::from(survey.min_epoch == Some(0)),
            tasks,
            facts,
        }
    }

    /// The facts of the single exported task.
    fn single(&self) -> Option<&TaskFacts> {
        match self.facts.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    pub(super) fn status(&self) -> &'static str {
        match self.run.summary().map(|s| s.status.as_str()) {
            Some("complete") => "success",
            Some(_) => "cancelled",
            None => "started",
        }
    }

    fn generate_config(&self) -> Value {
        let e = &self.run.header().elicitation;
        let mut config = Map::new();
        if let Some(t) = e.temperature {
            config.insert("temperature".into(), json!(t));
        }
        if let Some(m) = e.max_tokens {
            config.insert("max_tokens".into(), json!(m));
        }
        if let Some(s) = e.seed {
            config.insert("seed".into(), json!(s));
        }
        if let Some(c) = e.max_connections {
            config.insert("max_connections".into(), json!(c));
        }
        Value::Object(config)
    }

    fn eval_spec(&self) -> Value {
        let header = self.run.header();
        let versions: Vec<Value> = header
            .tasks
            .iter()
            .filter(|t| self.tasks.contains(&t.id))
            .map(|t| json!({"id": t.id, "version": t.version}))
            .collect();
        let task_version = match versions.as_slice() {
            [one] => one["version"].clone(),
            _ => json!(0),
        };
        let single = self.single();
        let mut dataset = json!({
            "name": self.name,
            "samples": self.survey.samples.len(),
            "shuffled": false,
        });
        if let (Some(dir), Some(map)) = (
            single.and_then(|f| f.location.as_ref()),
            dataset.as_object_mut(),
        ) {
            map.insert("location".into(), json!(dir.display().to_string()));
        }
        let mut config = json!({"epochs": header.elicitation.epochs.max(1)});
        if let (Some(limits), Some(map)) = (
            single.and_then(|f| f.limits.as_ref()),
            config.as_object_mut(),
        ) {
            let pairs = [
                ("message_limit", "messages"),
                ("token_limit", "tokens"),
                ("time_limit", "wall_seconds"),
            ];
            for (inspect_key, key) in pairs {
                if let Some(v) = limits.get(key).filter(|v| v.is_u64()) {
                    map.insert(inspect_key.into(), v.clone());
                }
            }
        }
        let mut spec = json!({
            "eval_id": format!("{}/{}", header.run_id, self.name),
            "run_id": header.run_id,
            "created": timestamp(header.started_at),
            "task": self.name,
            // As in Inspect's file name `{created}_{task}_{id}`.
            "task_id": header.run_id,
            "task_version": task_version,
            "task_description": single.and_then(|f| f.description.clone()),
            "task_attribs": {},
            "task_args": {},
            "solver_args": {},
            "dataset": dataset,
            "model": header.model,
            "model_generate_config": self.generate_config(),
            "model_args": {},
            "config": config,
            "packages": {"bulwark-eval": env!("CARGO_PKG_VERSION")},
            "metadata": {
                "bulwark": {
                    "run_id": header.run_id,
                    "tasks": versions,
                    "elicitation": header.elicitation,
                    "config": header.config,
                    "exported_from": self.run.dir().display().to_string(),
                }
            },
            "scorers": self.scorers(),
        });
        if self.agent {
            if let Some(map) = spec.as_object_mut() {
                map.insert("sandbox".into(), json!({"type": "bubblewrap"}));
            }
        }
        spec
    }

    fn scorers(&self) -> Value {
        let metrics = json!([
            {"name": "inspect_ai/accuracy", "options": {}},
            {"name": "inspect_ai/stderr", "options": {}},
        ]);
        let names =
            std::iter::once(self.primary_scorer.clone()).chain(self.survey.others.keys().cloned());
        Value::Array(
            names
                .map(
                    |name| json!({"name": name, "options": {}, "metrics": metrics, "metadata": {}}),
                )
                .collect(),
        )
    }

    /// The tools offered: the tasks' own, else those the records show.
    fn tools(&self) -> Vec<String> {
        let known: BTreeSet<String> = self
            .facts
            .iter()
            .flat_map(|f| f.tools.iter().cloned())
            .collect();
        if known.is_empty() {
            self.survey.tools.iter().cloned().collect()
        } else {
            known.into_iter().collect()
        }
    }

    fn plan(&self) -> Value {
        let single = self.single();
        let system_prompt = single
            .and_then(|f| f.system_prompt.clone())
            .or_else(|| self.survey.system_prompt.clone());
        let mut steps = Vec::new();
        if let Some(prompt) = system_prompt {
            steps.push(json!({"solver": "system_message", "params": {"template": prompt}}));
        }
        if let Some(template) = single.and_then(|f| f.template.as_ref()) {
            steps.push(json!({"solver": "prompt_template", "params": {"template": template}}));
        }
        if self.agent {
            let tools = self.tools();
            let infos: Vec<Value> = tools
                .iter()
                .map(|name| json!({"type": "tool", "name": name, "params": {}}))
                .collect();
            steps.push(json!({
                "solver": "use_tools",
                "params": {"tools": [infos], "tool_choice": "auto"},
            }));
            let mut params = json!({"tools": tools, "implementation": "bulwark agent loop"});
            if let (Some(attempts), Some(map)) =
                (single.and_then(|f| f.attempts), params.as_object_mut())
            {
                map.insert("attempts".into(), json!(attempts));
            }
            steps.push(json!({"solver": "react", "params": params}));
        } else {
            steps.push(json!({"solver": "generate", "params": {}}));
        }
        json!({"name": "plan", "steps": steps, "config": self.generate_config()})
    }

    /// The summary metric behind the primary score: the task's own when the
    /// export covers one task, else (the whole run) the overall one.
    fn summary_metric(&self) -> Option<(&'a str, &'a MetricSummary)> {
        let summary = self.run.summary()?;
        let whole_run = self.tasks.len() == self.run.header().tasks.len();
        // One task: its own metric (plain standard error; the overall one of
        // a one-task run is clustered on a single cluster and has none).
        let task_metric = |key: &MetricKey<'_>| match self.tasks.as_slice() {
            [task] => key.task() == Some(task.as_str()),
            _ => false,
        };
        let overall = |key: &MetricKey<'_>| whole_run && key.is_overall();
        pick_metric(&summary.metrics, task_metric)
            .or_else(|| pick_metric(&summary.metrics, overall))
    }

    fn primary_score(&self) -> Value {
        let mut metrics = Map::new();
        let metadata;
        if let Some((name, m)) = self.summary_metric() {
            let metric_name = MetricKey::parse(name).map_or("accuracy", |k| k.metric);
            metrics.insert(
                metric_name.into(),
                json!({"name": metric_name, "value": m.value, "params": {}}),
            );
            let optional = [
                ("stderr", m.stderr),
                ("ci95_lower", m.ci95_lower),
                ("ci95_upper", m.ci95_upper),
            ];
            for (key, value) in optional {
                if let Some(v) = value {
                    metrics.insert(key.into(), json!({"name": key, "value": v, "params": {}}));
                }
            }
            if self.tasks.len() > 1 {
                self.insert_categories(&mut metrics, metric_name);
            }
            metadata = json!({
                "source": "summary.json",
                "metric": name,
                "n": m.n,
                "clusters": m.clusters,
                "method": m.method.as_str(),
            });
        } else {
            let tally = self.survey.primary;
            if let Some(mean) = tally.mean() {
                metrics.insert(
                    "accuracy".into(),
                    json!({"name": "accuracy", "value": mean, "params": {}}),
                );
            }
            if let Some(se) = tally.stderr() {
                metrics.insert(
                    "stderr".into(),
                    json!({"name": "stderr", "value": se, "params": {}}),
                );
            }
            metadata = json!({
                "source": "records (the run has no summary yet); errors count 0",
                "n": tally.n,
            });
        }
        json!({
            "name": self.primary_scorer,
            "scorer": self.primary_scorer,
            "scored_samples": self.survey.scored,
            "unscored_samples": self.survey.records - self.survey.scored,
            "params": {},
            "metrics": metrics,
            "metadata": metadata,
        })
    }

    /// Per-category values of `metric` as grouped metrics.
    fn insert_categories(&self, metrics: &mut Map<String, Value>, metric: &str) {
        let Some(summary) = self.run.summary() else {
            return;
        };
        for (name, m) in &summary.metrics {
            let Some(key) = MetricKey::parse(name) else {
                continue;
            };
            if key.rank() == 1 && key.metric == metric && !metrics.contains_key(key.group) {
                metrics.insert(
                    key.group.to_owned(),
                    json!({"name": key.group, "group": "category", "value": m.value, "params": {}}),
                );
            }
        }
    }

    fn results(&self) -> Value {
        let mut scores = vec![self.primary_score()];
        for (name, tally) in &self.survey.others {
            let mut metrics = Map::new();
            if let Some(mean) = tally.mean() {
                metrics.insert(
                    "accuracy".into(),
                    json!({"name": "accuracy", "value": mean, "params": {}}),
                );
            }
            if let Some(se) = tally.stderr() {
                metrics.insert(
                    "stderr".into(),
                    json!({"name": "stderr", "value": se, "params": {}}),
                );
            }
            scores.push(json!({
                "name": name,
                "scorer": name,
                "scored_samples": tally.n,
                "unscored_samples": self.survey.records - tally.n,
                "params": {},
                "metrics": metrics,
            }));
        }
        let total = match (
            self.run.summary(),
            self.tasks.len() == self.run.header().tasks.len(),
        ) {
            (Some(summary), true) => summary.counts.total,
            _ => self.survey.records,
        };
        json!({
            "total_samples": total,
            "completed_samples": self.survey.records - self.survey.errors,
            "scores": scores,
            "headline": {"scorer": self.primary_scorer, "score": self.primary_scorer},
        })
    }

    fn stats(&self) -> Value {
        let started = self
            .survey
            .first_started
            .map_or(self.run.header().started_at, |t| {
                t.min(self.run.header().started_at)
            });
        let completed = self.survey.last_finished.map_or(String::new(), timestamp);
        json!({
            "started_at": timestamp(started),
            "completed_at": completed,
            "model_usage": {self.run.header().model.as_str(): usage_json(self.survey.tokens)},
        })
    }

    /// Everything before `samples`, in Inspect's order.
    pub(super) fn header(&self) -> Value {
        let mut map = Map::new();
        map.insert("version".into(), json!(LOG_SCHEMA_VERSION));
        map.insert("status".into(), json!(self.status()));
        map.insert("eval".into(), self.eval_spec());
        map.insert("plan".into(), self.plan());
        map.insert("results".into(), self.results());
        map.insert("stats".into(), self.stats());
        map.insert("invalidated".into(), json!(false));
        map.insert("tags".into(), json!([]));
        map.insert("metadata".into(), json!({}));
        Value::Object(map)
    }

    pub(super) fn sample(&self, record: &SampleRecord) -> Value {
        let id = if self.prefixed {
            format!("{}/{}", record.task_id, record.sample_id)
        } else {
            record.sample_id.clone()
        };
        let tool_choice = if self.agent { "auto" } else { "none" };
        sample_json(
            record,
            &SampleContext {
                model: &self.run.header().model,
                id,
                epoch: record.epoch.saturating_add(self.epoch_offset),
                primary_scorer: &self.primary_scorer,
                dataset: self.index.sample(&record.task_id, &record.sample_id),
                tool_choice,
            },
        )
    }
}

/// The `accuracy` metric among those `wanted` accepts, else the first one.
fn pick_metric(
    metrics: &BTreeMap<String, MetricSummary>,
    wanted: impl Fn(&MetricKey<'_>) -> bool,
) -> Option<(&str, &MetricSummary)> {
    let mut first = None;
    for (name, metric) in metrics {
        let Some(key) = MetricKey::parse(name) else {
            continue;
        };
        if !wanted(&key) {
            continue;
        }
        if key.metric == "accuracy" {
            return Some((name.as_str(), metric));
        }
        first.get_or_insert((name.as_str(), metric));
    }
    first
}

/// The run's suite: `config.suite`, else the prefix of its metric names,
/// else `bulwark-run`.
pub(super) fn suite_name(run: &RunDir) -> String {
    let from_config = run
        .header()
        .config
        .get("suite")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let from_metrics = || {
        run.summary()?
            .metrics
            .keys()
            .find_map(|name| MetricKey::parse(name).map(|k| k.suite.to_owned()))
    };
    from_config
        .or_else(from_metrics)
        .unwrap_or_else(|| "bulwark-run".to_owned())
}

/// The key of the primary score: the exported tasks' common primary scorer
/// (from their definitions or the header, else from the records' score
/// events), else [`GENERIC_SCORER`].
fn primary_scorer(tasks: &[String], facts: &[TaskFacts], survey: &Survey) -> String {
    let names: HashSet<String> = tasks
        .iter()
        .zip(facts)
        .filter_map(|(task, f)| {
            f.scorer
                .clone()
                .or_else(|| survey.primary_names.get(task).cloned())
        })
        .collect();
    match names.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => one.clone(),
        _ => GENERIC_SCORER.to_owned(),
    }
}
