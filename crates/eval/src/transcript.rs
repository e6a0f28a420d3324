//! [`Transcript`]: everything that happened to one sample, in order — every
//! message sent to and received from the model (Chat Completions shape, tool
//! calls and tool results included) and an event per model call, tool call,
//! submission and error. It is stored as the `transcript` of the sample's
//! [`SampleRecord`](crate::runlog::SampleRecord) and exported to Inspect logs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::provider::Message;

/// Characters of a tool's output kept in an event (the message given to the
/// model holds the same truncated text).
pub const MAX_EVENT_OUTPUT_CHARS: usize = 16 * 1024;

/// One sample's history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// The conversation as the model saw it, last state.
    pub messages: Vec<Message>,
    /// What happened, in order.
    pub events: Vec<Event>,
}

/// One thing that happened while solving or scoring a sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A model call.
    Model {
        /// Milliseconds since the sample started.
        at_ms: u64,
        /// How long the call took, retries included.
        duration_ms: u64,
        /// Tokens of the prompt.
        prompt_tokens: u64,
        /// Tokens of the completion.
        completion_tokens: u64,
        /// Why the model stopped (`stop`, `tool_calls`, `length`, …).
        finish_reason: Option<String>,
        /// The assistant message, as received.
        output: Message,
    },
    /// A tool call run in the sandbox (or refused).
    Tool {
        /// Milliseconds since the sample started.
        at_ms: u64,
        /// How long it ran.
        duration_ms: u64,
        /// The tool call id the model gave.
        call_id: String,
        /// `bash`, `python`, `submit`, or what the model asked for.
        name: String,
        /// The arguments, as the model sent them (parsed when JSON).
        arguments: Value,
        /// The exit code, when a process ran and exited.
        exit_code: Option<i32>,
        /// Output, truncated to [`MAX_EVENT_OUTPUT_CHARS`].
        output: String,
        /// Whether output was cut.
        truncated: bool,
        /// Whether the wall clock killed it.
        timed_out: bool,
        /// Why the call could not run (unknown tool, bad arguments, …).
        error: Option<String>,
    },
    /// An answer submitted (agent `submit`, or the single-turn reply).
    Submission {
        /// Milliseconds since the sample started.
        at_ms: u64,
        /// The attempt number, from 1.
        attempt: u32,
        /// The answer.
        answer: String,
        /// Its primary score, when it was scored during the loop.
        score: Option<f64>,
    },
    /// A scorer's verdict.
    Score {
        /// Milliseconds since the sample started.
        at_ms: u64,
        /// The scorer kind.
        scorer: String,
        /// The value in [0, 1].
        value: f64,
        /// The answer it judged.
        answer: Option<String>,
        /// Why.
        explanation: String,
    },
    /// A limit ended the sample (messages, tokens, wall time, attempts).
    Limit {
        /// Milliseconds since the sample started.
        at_ms: u64,
        /// Which limit: `messages`, `tokens`, `wall_time`, `attempts`.
        limit: String,
        /// A sentence for people.
        message: String,
    },
    /// Something went wrong for this sample (the run goes on).
    Error {
        /// Milliseconds since the sample started.
        at_ms: u64,
        /// What went wrong.
        message: String,
    },
    /// Sandbox set-up (files copied, setup command run).
    Setup {
        /// Milliseconds since the sample started.
        at_ms: u64,
        /// How long it took.
        duration_ms: u64,
        /// The setup command's exit code, when one ran.
        exit_code: Option<i32>,
        /// The tail of its output.
        output: String,
    },
}

impl Transcript {
    /// The transcript as the JSON value stored in a sample record.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads a stored transcript back; `None` when it is not one.
    pub fn from_value(value: &Value) -> Option<Transcript> {
        serde_json::from_value(value.clone()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_and_round_trip() {
        let t = Transcript {
            messages: vec![Message::user("hi")],
            events: vec![Event::Limit {
                at_ms: 5,
                limit: "messages".into(),
                message: "50 messages".into(),
            }],
        };
        let v = t.to_value();
        assert_eq!(v["events"][0]["type"], "limit");
        assert_eq!(Transcript::from_value(&v), Some(t));
    }
}
