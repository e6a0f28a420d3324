//! The per-sample limits a solver enforces ([`LimitKind`]) and the
//! [`Budget`] that tracks them: a wall-clock deadline counted from the
//! sample's start, the conversation's length and the tokens spent.

use std::fmt;
use std::time::{Duration, Instant};

use crate::task::Limits;

/// The deadline used when `wall_seconds` is too large for the clock.
const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Which limit ended a sample; [`LimitKind::as_str`] is the name stored in
/// [`SolveOutcome::limit`](super::SolveOutcome::limit) and in the
/// transcript's `Limit` events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// The conversation reached `limits.messages` messages.
    Messages,
    /// The sample's model calls used `limits.tokens` tokens (prompt plus
    /// completion, summed over calls).
    Tokens,
    /// `limits.wall_seconds` passed since the sample started.
    WallTime,
    /// Every submission attempt was used, none correct.
    Attempts,
}

impl LimitKind {
    /// `messages`, `tokens`, `wall_time` or `attempts`.
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKind::Messages => "messages",
            LimitKind::Tokens => "tokens",
            LimitKind::WallTime => "wall_time",
            LimitKind::Attempts => "attempts",
        }
    }
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A limit that was reached, with a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitHit {
    /// Which limit.
    pub kind: LimitKind,
    /// What happened, e.g. "the conversation reached 50 messages".
    pub message: String,
}

/// What one sample may still spend.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    limits: Limits,
    deadline: Instant,
}

impl Budget {
    /// The budget of a sample that started at `started` under `limits`.
    pub fn new(limits: &Limits, started: Instant) -> Self {
        // A deadline beyond what `Instant` can represent is no deadline.
        let deadline = started
            .checked_add(Duration::from_secs(limits.wall_seconds))
            .or_else(|| started.checked_add(CENTURY))
            .unwrap_or(started);
        Budget {
            limits: *limits,
            deadline,
        }
    }

    /// When the sample's wall time runs out.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The limit hit when the wall clock ran out.
    pub fn wall_time_hit(&self) -> LimitHit {
        LimitHit {
            kind: LimitKind::WallTime,
            message: format!(
                "the sample's wall-time limit of {} s was reached",
                self.limits.wall_seconds
            ),
        }
    }

    /// The limit that forbids another model call, if any: the conversation
    /// already holds `messages` messages or `tokens` tokens were spent, or
    /// the deadline has passed.
    pub fn before_model_call(&self, messages: usize, tokens: u64) -> Option<LimitHit> {
        if Instant::now() >= self.deadline {
            return Some(self.wall_time_hit());
        }
        let message_limit = self.limits.messages as usize;
        if messages >= message_limit {
            return Some(LimitHit {
                kind: LimitKind::Messages,
                message: format!("the conversation reached the limit of {message_limit} messages"),
            });
        }
        if tokens >= self.limits.tokens {
            return Some(LimitHit {
                kind: LimitKind::Tokens,
                message: format!(
                    "{tokens} tokens used, the limit is {} tokens",
                    self.limits.tokens
                ),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(messages: u32, tokens: u64, wall_seconds: u64) -> Limits {
        Limits {
            messages,
            tokens,
            wall_seconds,
        }
    }

    #[test]
    fn names_are_the_stored_ones() {
        let names: Vec<&str> = [
            LimitKind::Messages,
            LimitKind::Tokens,
            LimitKind::WallTime,
            LimitKind::Attempts,
        ]
        .iter()
        .map(|k| k.as_str())
        .collect();
        assert_eq!(names, ["messages", "tokens", "wall_time", "attempts"]);
        assert_eq!(LimitKind::WallTime.to_string(), "wall_time");
    }

    #[test]
    fn messages_and_tokens_stop_at_the_limit() {
        let budget = Budget::new(&limits(4, 100, 60), Instant::now());
        assert_eq!(budget.before_model_call(3, 99), None);
        let hit = budget.before_model_call(4, 0).map(|h| h.kind);
        assert_eq!(hit, Some(LimitKind::Messages));
        let hit = budget.before_model_call(1, 100);
        assert_eq!(hit.as_ref().map(|h| h.kind), Some(LimitKind::Tokens));
        assert!(hit.is_some_and(|h| h.message.contains("100 tokens")));
    }

    #[test]
    fn the_deadline_counts_from_the_start() {
        let started = Instant::now();
        let budget = Budget::new(&limits(10, 10, 5), started);
        assert_eq!(budget.deadline() - started, Duration::from_secs(5));
        let past = Instant::now()
            .checked_sub(Duration::from_secs(10))
            .unwrap_or(started);
        let expired = Budget::new(&limits(10, 10, 1), past);
        if past < started {
            let hit = expired.before_model_call(0, 0).map(|h| h.kind);
            assert_eq!(hit, Some(LimitKind::WallTime));
        }
    }

    #[test]
    fn an_enormous_wall_limit_does_not_overflow() {
        let budget = Budget::new(&limits(10, 10, u64::MAX), Instant::now());
        assert!(budget.deadline() > Instant::now());
        assert_eq!(budget.before_model_call(0, 0), None);
    }
}
