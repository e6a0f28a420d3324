//! The first pass over a run's records: counts, times, tokens, scorer
//! names and values, tools, the system prompt.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Utc};

use crate::export::run::RunDir;
use crate::export::ExportError;
use crate::provider::Role;
use crate::runlog::{SampleRecord, TokenUsage};
use crate::transcript::{Event, Transcript};

/// Running sums of one score.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tally {
    pub(super) n: u64,
    pub(super) sum: f64,
    pub(super) sum_sq: f64,
}

impl Tally {
    pub(super) fn add(&mut self, value: f64) {
        self.n += 1;
        self.sum += value;
        self.sum_sq += value * value;
    }

    pub(super) fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// s/√n, as Inspect's `stderr()`; `None` below two values.
    pub(super) fn stderr(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let variance = ((self.sum_sq - self.sum * self.sum / n) / (n - 1.0)).max(0.0);
        Some((variance / n).sqrt())
    }
}

/// What the first pass over the records learns.
#[derive(Debug, Default)]
pub(super) struct Survey {
    pub(super) records: u64,
    pub(super) errors: u64,
    pub(super) samples: HashSet<(String, String)>,
    pub(super) min_epoch: Option<u32>,
    pub(super) first_started: Option<DateTime<Utc>>,
    pub(super) last_finished: Option<DateTime<Utc>>,
    pub(super) tokens: TokenUsage,
    /// Primary scores, errors counting 0 (Bulwark's convention).
    pub(super) primary: Tally,
    /// Records with a primary score.
    pub(super) scored: u64,
    /// First scorer name seen, per task.
    pub(super) primary_names: BTreeMap<String, String>,
    /// Other scorers' values.
    pub(super) others: BTreeMap<String, Tally>,
    pub(super) tools: BTreeSet<String>,
    pub(super) system_prompt: Option<String>,
    pub(super) broken_tail: bool,
}

impl Survey {
    pub(super) fn scan(run: &RunDir, task: Option<&str>) -> Result<Self, ExportError> {
        let mut survey = Survey::default();
        let mut reader = run.records()?;
        for record in reader.by_ref() {
            let record = record?;
            if task.is_some_and(|t| t != record.task_id) {
                continue;
            }
            survey.add(&record);
        }
        survey.broken_tail = reader.broken_tail();
        Ok(survey)
    }

    pub(super) fn add(&mut self, record: &SampleRecord) {
        self.records += 1;
        if record.error.is_some() {
            self.errors += 1;
        }
        self.samples
            .insert((record.task_id.clone(), record.sample_id.clone()));
        self.min_epoch = Some(self.min_epoch.map_or(record.epoch, |e| e.min(record.epoch)));
        self.first_started = Some(
            self.first_started
                .map_or(record.started_at, |t| t.min(record.started_at)),
        );
        self.last_finished = Some(
            self.last_finished
                .map_or(record.finished_at, |t| t.max(record.finished_at)),
        );
        self.tokens.prompt += record.tokens.prompt;
        self.tokens.completion += record.tokens.completion;
        self.primary.add(record.score.unwrap_or(0.0));
        if record.score.is_some() {
            self.scored += 1;
        }
        let Some(transcript) = Transcript::from_value(&record.transcript) else {
            return;
        };
        if self.system_prompt.is_none() {
            self.system_prompt = transcript
                .messages
                .iter()
                .find(|m| m.role == Role::System)
                .map(|m| m.text().to_owned());
        }
        for message in &transcript.messages {
            for call in &message.tool_calls {
                self.tools.insert(call.function.name.clone());
            }
        }
        let mut first_scorer: Option<&str> = None;
        for event in &transcript.events {
            match event {
                Event::Tool { name, .. } => {
                    self.tools.insert(name.clone());
                }
                Event::Score { scorer, value, .. } => match first_scorer {
                    None => first_scorer = Some(scorer),
                    Some(first) if first == scorer => {}
                    Some(_) => self.others.entry(scorer.clone()).or_default().add(*value),
                },
                _ => {}
            }
        }
        if let Some(first) = first_scorer {
            self.primary_names
                .entry(record.task_id.clone())
                .or_insert_with(|| first.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_matches_inspect_stderr() {
        // Inspect's stderr() of [1, 0, 1, 1]: sqrt(var(ddof=1) / n) = 0.25.
        let mut t = Tally::default();
        for v in [1.0, 0.0, 1.0, 1.0] {
            t.add(v);
        }
        assert_eq!(t.mean(), Some(0.75));
        let se = t.stderr().unwrap();
        assert!((se - 0.25).abs() < 1e-12, "{se}");
        let mut one = Tally::default();
        one.add(1.0);
        assert_eq!(one.stderr(), None);
    }
}
