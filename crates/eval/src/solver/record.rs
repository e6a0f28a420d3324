//! [`Recorder`]: builds a [`SolveOutcome`] while a solver runs — events with
//! their times since the sample started, answers, counters, and the one
//! error or limit that ended the sample.

use std::time::Instant;

use super::limits::LimitHit;
use super::SolveOutcome;
use crate::provider::Message;
use crate::transcript::Event;

/// The outcome of one sample, in the making.
pub(crate) struct Recorder {
    started: Instant,
    outcome: SolveOutcome,
}

impl Recorder {
    /// A recorder for a sample that started at `started`.
    pub(crate) fn new(started: Instant) -> Self {
        Recorder {
            started,
            outcome: SolveOutcome::default(),
        }
    }

    /// Milliseconds from the sample's start to `at`.
    pub(crate) fn ms_at(&self, at: Instant) -> u64 {
        millis(at.saturating_duration_since(self.started).as_millis())
    }

    /// Milliseconds since the sample started.
    pub(crate) fn now_ms(&self) -> u64 {
        self.ms_at(Instant::now())
    }

    /// The outcome so far (counters, answers).
    pub(crate) fn outcome(&mut self) -> &mut SolveOutcome {
        &mut self.outcome
    }

    /// Appends an event to the transcript.
    pub(crate) fn event(&mut self, event: Event) {
        self.outcome.transcript.events.push(event);
    }

    /// Records that `hit` ended the sample.
    pub(crate) fn limit(&mut self, hit: LimitHit) {
        let at_ms = self.now_ms();
        self.outcome.limit = Some(hit.kind.as_str().to_owned());
        self.event(Event::Limit {
            at_ms,
            limit: hit.kind.as_str().to_owned(),
            message: hit.message,
        });
    }

    /// Records the error that ended the sample.
    pub(crate) fn error(&mut self, message: String) {
        let at_ms = self.now_ms();
        self.event(Event::Error {
            at_ms,
            message: message.clone(),
        });
        self.outcome.error = Some(message);
    }

    /// Records a submitted answer (and its score, when it was judged);
    /// returns its attempt number, from 1.
    pub(crate) fn submission(&mut self, answer: String, score: Option<f64>) -> u32 {
        let at_ms = self.now_ms();
        let attempt = u32::try_from(self.outcome.answers.len() + 1).unwrap_or(u32::MAX);
        self.outcome.answers.push(answer.clone());
        if let Some(score) = score {
            self.outcome.attempt_scores.push(score);
        }
        self.event(Event::Submission {
            at_ms,
            attempt,
            answer,
            score,
        });
        attempt
    }

    /// The finished outcome, with `messages` as the final conversation.
    pub(crate) fn finish(mut self, messages: Vec<Message>) -> SolveOutcome {
        self.outcome.transcript.messages = messages;
        self.outcome
    }
}

/// Milliseconds as `u64`, saturating.
pub(crate) fn millis(ms: u128) -> u64 {
    u64::try_from(ms).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::limits::LimitKind;

    #[test]
    fn limits_errors_and_submissions_land_in_the_outcome() {
        let mut recorder = Recorder::new(Instant::now());
        assert_eq!(recorder.submission("a".into(), Some(0.0)), 1);
        assert_eq!(recorder.submission("b".into(), None), 2);
        recorder.limit(LimitHit {
            kind: LimitKind::Attempts,
            message: "no attempts left".into(),
        });
        recorder.error("boom".into());
        let outcome = recorder.finish(vec![Message::user("hi")]);
        assert_eq!(outcome.answers, ["a", "b"]);
        assert_eq!(outcome.attempt_scores, [0.0]);
        assert_eq!(outcome.limit.as_deref(), Some("attempts"));
        assert_eq!(outcome.error.as_deref(), Some("boom"));
        assert_eq!(outcome.transcript.messages.len(), 1);
        let kinds: Vec<&str> = outcome
            .transcript
            .events
            .iter()
            .map(|e| match e {
                Event::Submission { .. } => "submission",
                Event::Limit { .. } => "limit",
                Event::Error { .. } => "error",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["submission", "submission", "limit", "error"]);
    }
}
