//! Submissions during the agent loop: judging an answer within the sample's
//! deadline ([`judge`]) and deciding what the model is told and whether the
//! loop ends ([`verdict`]).

use std::time::Instant;

use super::limits::{Budget, LimitHit, LimitKind};
use super::AttemptJudge;
use crate::scorer::Score;

/// What judging an answer gave.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Judged {
    /// The judge's score.
    Scored(Score),
    /// The judge could not score it.
    Failed(String),
    /// The sample's deadline passed first.
    OutOfTime,
}

impl Judged {
    /// The score's value, when there is one.
    pub(crate) fn value(&self) -> Option<f64> {
        match self {
            Judged::Scored(score) => Some(score.value),
            Judged::Failed(_) | Judged::OutOfTime => None,
        }
    }
}

/// How a submission leaves the loop.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ending {
    /// Incorrect, attempts remain: go on.
    Continue,
    /// Correct: stop.
    Correct,
    /// A limit (attempts, wall time) ends the sample.
    Limit(LimitHit),
    /// Scoring failed: the sample ends with this error.
    Error(String),
}

/// Scores `answer` with `judge`, unless the deadline passes first.
pub(crate) async fn judge(judge: &dyn AttemptJudge, answer: &str, budget: &Budget) -> Judged {
    let deadline = budget.deadline();
    if Instant::now() >= deadline {
        return Judged::OutOfTime;
    }
    let deadline = tokio::time::Instant::from_std(deadline);
    match tokio::time::timeout_at(deadline, judge.judge(answer)).await {
        Err(_elapsed) => Judged::OutOfTime,
        Ok(Err(error)) => Judged::Failed(error),
        Ok(Ok(score)) => Judged::Scored(score),
    }
}

/// What the model is told about attempt number `attempt` (from 1) of
/// `max_attempts`, and how the loop goes on.
pub(crate) fn verdict(
    judged: &Judged,
    attempt: u32,
    max_attempts: u32,
    budget: &Budget,
) -> (String, Ending) {
    match judged {
        Judged::Scored(score) if score.is_correct() => {
            ("Your answer is correct.".to_owned(), Ending::Correct)
        }
        Judged::Scored(_) if attempt < max_attempts => {
            let left = max_attempts - attempt;
            let attempts = if left == 1 { "attempt" } else { "attempts" };
            (
                format!(
                    "Your answer was incorrect. You have {left} {attempts} left: keep working \
                     on the task and submit again."
                ),
                Ending::Continue,
            )
        }
        Judged::Scored(_) => (
            "Your answer was incorrect, and no attempts are left.".to_owned(),
            Ending::Limit(LimitHit {
                kind: LimitKind::Attempts,
                message: format!(
                    "all {max_attempts} submission attempt(s) were used without a correct answer"
                ),
            }),
        ),
        Judged::Failed(error) => (
            "Your answer could not be scored.".to_owned(),
            Ending::Error(format!("scoring the submitted answer failed: {error}")),
        ),
        Judged::OutOfTime => {
            let hit = budget.wall_time_hit();
            (format!("Stopped: {}.", hit.message), Ending::Limit(hit))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::solver::JudgeFuture;
    use crate::task::Limits;

    fn scored(value: f64) -> Judged {
        Judged::Scored(Score {
            value,
            answer: None,
            explanation: String::new(),
        })
    }

    fn budget(wall_seconds: u64) -> Budget {
        let limits = Limits {
            wall_seconds,
            ..Limits::default()
        };
        Budget::new(&limits, Instant::now())
    }

    #[test]
    fn attempts_count_down_then_run_out() {
        let b = budget(60);
        let (text, ending) = verdict(&scored(0.0), 1, 3, &b);
        assert_eq!(ending, Ending::Continue);
        assert!(text.contains("2 attempts left"), "{text}");
        let (text, _) = verdict(&scored(0.0), 2, 3, &b);
        assert!(text.contains("1 attempt left"), "{text}");
        let (_, ending) = verdict(&scored(0.0), 3, 3, &b);
        assert!(matches!(
            ending,
            Ending::Limit(LimitHit {
                kind: LimitKind::Attempts,
                ..
            })
        ));
        let (_, ending) = verdict(&scored(1.0), 3, 3, &b);
        assert_eq!(ending, Ending::Correct);
        // Partial credit is not correct.
        let (_, ending) = verdict(&scored(0.5), 1, 2, &b);
        assert_eq!(ending, Ending::Continue);
    }

    #[test]
    fn failures_and_timeouts_end_the_loop() {
        let b = budget(7);
        let (_, ending) = verdict(&Judged::Failed("down".into()), 1, 5, &b);
        assert_eq!(
            ending,
            Ending::Error("scoring the submitted answer failed: down".into())
        );
        let (text, ending) = verdict(&Judged::OutOfTime, 1, 5, &b);
        assert!(text.contains("7 s"), "{text}");
        assert!(matches!(
            ending,
            Ending::Limit(LimitHit {
                kind: LimitKind::WallTime,
                ..
            })
        ));
        assert_eq!(Judged::OutOfTime.value(), None);
        assert_eq!(scored(0.5).value(), Some(0.5));
    }

    struct Slow;

    impl AttemptJudge for Slow {
        fn judge<'a>(&'a self, _answer: &'a str) -> JudgeFuture<'a> {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Err("never".to_owned())
            })
        }
    }

    #[tokio::test]
    async fn a_slow_judge_is_cut_at_the_deadline() {
        let started = Instant::now();
        let judged = judge(&Slow, "x", &budget(1)).await;
        assert_eq!(judged, Judged::OutOfTime);
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
