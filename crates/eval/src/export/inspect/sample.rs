//! One run record as an Inspect `EvalSample` (inspect-ai 0.3.285,
//! `inspect_ai/log/_log.py`): messages with tool calls and tool results, the
//! model output, scores (`C`/`I` or a number), the error, and events (model,
//! tool, score, submission, limit, error, setup).

use std::collections::HashMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::GENERIC_SCORER;
use crate::export::dataset_index::DatasetEntry;
use crate::provider::{Message, Role, ToolCall};
use crate::runlog::{SampleRecord, TokenUsage};
use crate::transcript::{Event, Transcript};

/// What a record needs from the rest of the export.
pub(crate) struct SampleContext<'a> {
    /// The model name, as in the eval spec.
    pub model: &'a str,
    /// The exported sample id (`TASK/ID` when several tasks share the log).
    pub id: String,
    /// The exported epoch (1-based).
    pub epoch: u32,
    /// The key of the primary score in `scores`.
    pub primary_scorer: &'a str,
    /// The dataset entry, when the task directory was given.
    pub dataset: Option<&'a DatasetEntry>,
    /// `auto` for agents, `none` for single-turn solvers.
    pub tool_choice: &'a str,
}

/// An Inspect timestamp (`2024-05-01T12:00:00.123+00:00`).
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// Milliseconds as seconds.
fn seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// Inspect's model usage object.
pub(crate) fn usage_json(tokens: TokenUsage) -> Value {
    json!({
        "input_tokens": tokens.prompt,
        "output_tokens": tokens.completion,
        "total_tokens": tokens.prompt + tokens.completion,
    })
}

/// A score value: `C` for 1, `I` for 0 (as Inspect's `choice()` and
/// `includes()` write them; its metrics read them as 1 and 0), else the
/// number.
pub(crate) fn score_value(value: f64) -> Value {
    if value == 1.0 {
        json!("C")
    } else if value == 0.0 {
        json!("I")
    } else {
        json!(value)
    }
}

/// Inspect's `EvalError` for a message. No traceback is recorded; the
/// viewer shows the traceback fields, so they carry the message.
fn error_json(message: &str) -> Value {
    json!({"message": message, "traceback": message, "traceback_ansi": message})
}

/// Tool-call arguments as Inspect's `dict`, with a parse error when they
/// are not a JSON object.
fn arguments_json(raw: &str) -> (Value, Option<String>) {
    if raw.trim().is_empty() {
        return (json!({}), None);
    }
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(map)) => (Value::Object(map), None),
        Ok(other) => (
            json!({}),
            Some(format!("arguments are not a JSON object: {other}")),
        ),
        Err(e) => (
            json!({}),
            Some(format!("arguments are not valid JSON ({e}): {raw}")),
        ),
    }
}

/// One tool call of an assistant message.
fn tool_call_json(call: &ToolCall) -> Value {
    let (arguments, parse_error) = arguments_json(&call.function.arguments);
    let mut out = json!({
        "id": call.id,
        "function": call.function.name,
        "arguments": arguments,
        "type": "function",
    });
    if let (Some(error), Some(map)) = (parse_error, out.as_object_mut()) {
        map.insert("parse_error".into(), json!(error));
    }
    out
}

/// An assistant message.
fn assistant_json(message: &Message, model: &str) -> Value {
    let mut out = json!({
        "role": "assistant",
        "content": message.text(),
        "source": "generate",
        "model": model,
    });
    if !message.tool_calls.is_empty() {
        if let Some(map) = out.as_object_mut() {
            let calls: Vec<Value> = message.tool_calls.iter().map(tool_call_json).collect();
            map.insert("tool_calls".into(), Value::Array(calls));
        }
    }
    out
}

/// What the transcript's tool events say about each call id.
struct ToolFacts<'a> {
    /// Function name by call id (assistant tool calls and tool events).
    names: HashMap<&'a str, &'a str>,
    /// Inspect `ToolCallError` by call id, for calls that failed.
    errors: HashMap<&'a str, Value>,
}

impl<'a> ToolFacts<'a> {
    fn gather(transcript: &'a Transcript) -> Self {
        let mut names = HashMap::new();
        let mut errors = HashMap::new();
        for message in &transcript.messages {
            for call in &message.tool_calls {
                names.insert(call.id.as_str(), call.function.name.as_str());
            }
        }
        for event in &transcript.events {
            if let Event::Tool {
                call_id,
                name,
                error,
                timed_out,
                ..
            } = event
            {
                names.insert(call_id.as_str(), name.as_str());
                if let Some(e) = tool_error_json(error.as_deref(), *timed_out) {
                    errors.insert(call_id.as_str(), e);
                }
            }
        }
        Self { names, errors }
    }
}

/// Inspect's `ToolCallError` for a failed or timed-out call.
fn tool_error_json(error: Option<&str>, timed_out: bool) -> Option<Value> {
    match (error, timed_out) {
        (_, true) => Some(json!({
            "type": "timeout",
            "message": error.unwrap_or("the command timed out"),
        })),
        (Some(message), false) => Some(json!({"type": "unknown", "message": message})),
        (None, false) => None,
    }
}

/// The conversation in Inspect's `ChatMessage` shapes.
fn messages_json(transcript: &Transcript, facts: &ToolFacts<'_>, model: &str) -> Vec<Value> {
    transcript
        .messages
        .iter()
        .map(|m| match m.role {
            Role::System => json!({"role": "system", "content": m.text()}),
            Role::User => json!({"role": "user", "content": m.text()}),
            Role::Assistant => assistant_json(m, model),
            Role::Tool => {
                let call_id = m.tool_call_id.as_deref().unwrap_or("");
                let mut out = json!({
                    "role": "tool",
                    "content": m.text(),
                    "tool_call_id": call_id,
                });
                if let Some(map) = out.as_object_mut() {
                    if let Some(name) = facts.names.get(call_id).copied().or(m.name.as_deref()) {
                        map.insert("function".into(), json!(name));
                    }
                    if let Some(error) = facts.errors.get(call_id) {
                        map.insert("error".into(), error.clone());
                    }
                }
                out
            }
        })
        .collect()
}

/// Inspect's stop reason for a Chat Completions finish reason.
fn stop_reason(finish: Option<&str>) -> &'static str {
    match finish {
        Some("stop") => "stop",
        Some("tool_calls") | Some("function_call") => "tool_calls",
        Some("length") => "max_tokens",
        Some("content_filter") => "content_filter",
        _ => "unknown",
    }
}

/// The sample's final model output: the last assistant message.
fn output_json(transcript: &Transcript, record: &SampleRecord, model: &str) -> Value {
    let last_model = transcript.events.iter().rev().find_map(|e| match e {
        Event::Model {
            finish_reason,
            output,
            ..
        } => Some((finish_reason.as_deref(), output)),
        _ => None,
    });
    let last_message = transcript
        .messages
        .iter()
        .rev()
        .find(|m| m.role == Role::Assistant)
        .or(last_model.map(|(_, m)| m));
    let Some(message) = last_message else {
        return json!({"model": model, "choices": [], "completion": "", "usage": usage_json(record.tokens)});
    };
    let completion = if message.text().is_empty() {
        record.answer.as_deref().unwrap_or("")
    } else {
        message.text()
    };
    json!({
        "model": model,
        "choices": [{
            "message": assistant_json(message, model),
            "stop_reason": stop_reason(last_model.and_then(|(f, _)| f)),
        }],
        "completion": completion,
        "usage": usage_json(record.tokens),
    })
}

/// The sample's scores: the record's score under the primary key (with the
/// explanation of the primary scorer's event), then every other scorer's
/// last verdict under its own name. `None` when nothing was scored.
///
/// The primary scorer's events are those named `primary`; under the generic
/// key (tasks with different primary scorers), the first scorer to report —
/// the runner scores the primary one first.
fn scores_json(transcript: &Transcript, record: &SampleRecord, primary: &str) -> Option<Value> {
    let score_events: Vec<(&str, f64, Option<&str>, &str)> = transcript
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Score {
                scorer,
                value,
                answer,
                explanation,
                ..
            } => Some((
                scorer.as_str(),
                *value,
                answer.as_deref(),
                explanation.as_str(),
            )),
            _ => None,
        })
        .collect();
    let first_scorer = if primary == GENERIC_SCORER {
        score_events.first().map(|(s, ..)| *s)
    } else {
        Some(primary)
    };
    let mut scores = Map::new();
    if let Some(value) = record.score {
        let explanation = score_events
            .iter()
            .rev()
            .find(|(s, ..)| Some(*s) == first_scorer)
            .map(|(.., e)| *e);
        scores.insert(
            primary.to_owned(),
            json!({"value": score_value(value), "answer": record.answer, "explanation": explanation}),
        );
    }
    for (scorer, value, answer, explanation) in &score_events {
        if Some(*scorer) == first_scorer {
            continue;
        }
        scores.insert(
            (*scorer).to_owned(),
            json!({"value": score_value(*value), "answer": answer, "explanation": explanation}),
        );
    }
    (!scores.is_empty()).then_some(Value::Object(scores))
}

/// Inspect's limit type for a Bulwark limit name.
fn limit_type(limit: &str) -> &'static str {
    match limit {
        "messages" => "message",
        "tokens" => "token",
        "wall_time" => "time",
        _ => "custom",
    }
}

/// The transcript's events as Inspect events.
fn events_json(
    transcript: &Transcript,
    record: &SampleRecord,
    ctx: &SampleContext<'_>,
    target: &Value,
) -> Vec<Value> {
    let at = |ms: u64| {
        let offset = Duration::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX / 2));
        timestamp(record.started_at + offset)
    };
    transcript
        .events
        .iter()
        .map(|event| match event {
            Event::Model {
                at_ms,
                duration_ms,
                prompt_tokens,
                completion_tokens,
                finish_reason,
                output,
            } => json!({
                "event": "model",
                "timestamp": at(*at_ms),
                "working_start": seconds(*at_ms),
                "model": ctx.model,
                "input": [],
                "tools": [],
                "tool_choice": ctx.tool_choice,
                "config": {},
                "output": {
                    "model": ctx.model,
                    "choices": [{
                        "message": assistant_json(output, ctx.model),
                        "stop_reason": stop_reason(finish_reason.as_deref()),
                    }],
                    "completion": output.text(),
                    "usage": usage_json(TokenUsage { prompt: *prompt_tokens, completion: *completion_tokens }),
                    "time": seconds(*duration_ms),
                },
                "completed": at(at_ms.saturating_add(*duration_ms)),
                "working_time": seconds(*duration_ms),
            }),
            Event::Tool {
                at_ms,
                duration_ms,
                call_id,
                name,
                arguments,
                exit_code,
                output,
                truncated,
                timed_out,
                error,
            } => {
                let arguments = match arguments {
                    Value::Object(_) => arguments.clone(),
                    Value::String(raw) => arguments_json(raw).0,
                    other => json!({"value": other}),
                };
                let mut out = json!({
                    "event": "tool",
                    "timestamp": at(*at_ms),
                    "working_start": seconds(*at_ms),
                    "type": "function",
                    "id": call_id,
                    "function": name,
                    "arguments": arguments,
                    "result": output,
                    "events": [],
                    "completed": at(at_ms.saturating_add(*duration_ms)),
                    "working_time": seconds(*duration_ms),
                    "metadata": {"exit_code": exit_code, "truncated": truncated, "timed_out": timed_out},
                });
                if let (Some(e), Some(map)) = (
                    tool_error_json(error.as_deref(), *timed_out),
                    out.as_object_mut(),
                ) {
                    map.insert("error".into(), e);
                }
                out
            }
            Event::Submission {
                at_ms,
                attempt,
                answer,
                score,
            } => json!({
                "event": "info",
                "timestamp": at(*at_ms),
                "working_start": seconds(*at_ms),
                "source": "submission",
                "data": {"attempt": attempt, "answer": answer, "score": score},
            }),
            Event::Score {
                at_ms,
                scorer,
                value,
                answer,
                explanation,
            } => json!({
                "event": "score",
                "timestamp": at(*at_ms),
                "working_start": seconds(*at_ms),
                "score": {"value": score_value(*value), "answer": answer, "explanation": explanation},
                "target": target,
                "scorer": scorer,
                "intermediate": false,
            }),
            Event::Limit {
                at_ms,
                limit,
                message,
            } => json!({
                "event": "sample_limit",
                "timestamp": at(*at_ms),
                "working_start": seconds(*at_ms),
                "type": limit_type(limit),
                "message": message,
            }),
            Event::Error { at_ms, message } => json!({
                "event": "error",
                "timestamp": at(*at_ms),
                "working_start": seconds(*at_ms),
                "error": error_json(message),
            }),
            Event::Setup {
                at_ms,
                duration_ms,
                exit_code,
                output,
            } => json!({
                "event": "info",
                "timestamp": at(*at_ms),
                "working_start": seconds(*at_ms),
                "source": "sandbox setup",
                "data": {"duration_ms": duration_ms, "exit_code": exit_code, "output": output},
            }),
        })
        .collect()
}

/// The first user message's text: the input as the model saw it, when the
/// dataset is not at hand.
fn input_from_transcript(transcript: &Transcript) -> Value {
    json!(transcript
        .messages
        .iter()
        .find(|m| m.role == Role::User)
        .map(Message::text)
        .unwrap_or(""))
}

/// The record as an Inspect `EvalSample`.
pub(crate) fn sample_json(record: &SampleRecord, ctx: &SampleContext<'_>) -> Value {
    let parsed = Transcript::from_value(&record.transcript);
    let transcript = parsed.clone().unwrap_or_default();
    let facts = ToolFacts::gather(&transcript);
    let target = ctx
        .dataset
        .map_or_else(|| json!(""), |entry| entry.target.clone());
    let input = ctx.dataset.map_or_else(
        || input_from_transcript(&transcript),
        |entry| entry.input.clone(),
    );

    let mut bulwark = json!({
        "task_id": record.task_id,
        "sample_id": record.sample_id,
        "epoch": record.epoch,
        "score": record.score,
        "answer": record.answer,
    });
    if let Some(map) = bulwark.as_object_mut() {
        let limit = transcript.events.iter().find_map(|e| match e {
            Event::Limit { limit, message, .. } => {
                Some(json!({"limit": limit, "message": message}))
            }
            _ => None,
        });
        if let Some(limit) = limit {
            map.insert("limit".into(), limit);
        }
        if parsed.is_none() && !record.transcript.is_null() {
            // Not a transcript this build understands: keep it as it was.
            map.insert("transcript".into(), record.transcript.clone());
        }
    }
    let mut metadata = ctx
        .dataset
        .map(|entry| entry.metadata.clone())
        .unwrap_or_default();
    metadata.insert("bulwark".into(), bulwark);

    let total_ms = (record.finished_at - record.started_at)
        .num_milliseconds()
        .max(0);
    let total_time = total_ms as f64 / 1000.0;
    let mut sample = json!({
        "id": ctx.id,
        "epoch": ctx.epoch,
        "input": input,
        "target": target,
        "messages": messages_json(&transcript, &facts, ctx.model),
        "output": output_json(&transcript, record, ctx.model),
        "scores": scores_json(&transcript, record, ctx.primary_scorer),
        "metadata": metadata,
        "events": events_json(&transcript, record, ctx, &target),
        "model_usage": {ctx.model: usage_json(record.tokens)},
        "started_at": timestamp(record.started_at),
        "completed_at": timestamp(record.finished_at),
        "total_time": total_time,
        "working_time": total_time,
    });
    if let Some(map) = sample.as_object_mut() {
        if let Some(entry) = ctx.dataset.filter(|e| !e.choices.is_empty()) {
            map.insert("choices".into(), json!(entry.choices));
        }
        if let Some(error) = &record.error {
            map.insert("error".into(), error_json(error));
        }
    }
    sample
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_scores_become_letters_and_partial_ones_stay_numbers() {
        assert_eq!(score_value(1.0), json!("C"));
        assert_eq!(score_value(0.0), json!("I"));
        assert_eq!(score_value(0.5), json!(0.5));
    }

    #[test]
    fn arguments_must_be_an_object() {
        assert_eq!(
            arguments_json(r#"{"cmd":"ls"}"#),
            (json!({"cmd": "ls"}), None)
        );
        assert_eq!(arguments_json(""), (json!({}), None));
        let (args, error) = arguments_json("[1]");
        assert_eq!(args, json!({}));
        assert_eq!(
            error.as_deref(),
            Some("arguments are not a JSON object: [1]")
        );
        assert!(arguments_json("{oops").1.is_some());
    }

    fn scored_record(score: Option<f64>, events: Vec<Event>) -> (Transcript, SampleRecord) {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let transcript = Transcript {
            messages: Vec::new(),
            events,
        };
        let record = SampleRecord {
            sample_id: "s".into(),
            epoch: 1,
            task_id: "t".into(),
            score,
            answer: Some("flag".into()),
            error: score
                .is_none()
                .then(|| "scorer includes: failed".to_owned()),
            transcript: transcript.to_value(),
            tokens: TokenUsage::default(),
            started_at: at,
            finished_at: at,
        };
        (transcript, record)
    }

    fn score_event(scorer: &str, value: f64) -> Event {
        Event::Score {
            at_ms: 0,
            scorer: scorer.into(),
            value,
            answer: None,
            explanation: format!("{scorer} says {value}"),
        }
    }

    #[test]
    fn primary_score_comes_from_the_record_and_others_from_events() {
        let events = vec![score_event("includes", 1.0), score_event("regex", 0.5)];
        let (t, r) = scored_record(Some(1.0), events);
        assert_eq!(
            scores_json(&t, &r, "includes"),
            Some(json!({
                "includes": {"value": "C", "answer": "flag", "explanation": "includes says 1"},
                "regex": {"value": 0.5, "answer": null, "explanation": "regex says 0.5"},
            }))
        );
        // The primary scorer failed: the other scorer keeps its own name.
        let (t, r) = scored_record(None, vec![score_event("regex", 0.0)]);
        assert_eq!(
            scores_json(&t, &r, "includes"),
            Some(json!({"regex": {"value": "I", "answer": null, "explanation": "regex says 0"}}))
        );
        // Under the generic key the first scorer to report is the primary one.
        let (t, r) = scored_record(Some(0.0), vec![score_event("exact", 0.0)]);
        assert_eq!(
            scores_json(&t, &r, GENERIC_SCORER),
            Some(json!({"score": {"value": "I", "answer": "flag", "explanation": "exact says 0"}}))
        );
        let (t, r) = scored_record(None, Vec::new());
        assert_eq!(scores_json(&t, &r, "includes"), None);
    }

    #[test]
    fn finish_reasons_map_to_inspect_stop_reasons() {
        assert_eq!(stop_reason(Some("length")), "max_tokens");
        assert_eq!(stop_reason(Some("tool_calls")), "tool_calls");
        assert_eq!(stop_reason(None), "unknown");
        assert_eq!(limit_type("wall_time"), "time");
        assert_eq!(limit_type("attempts"), "custom");
    }
}
