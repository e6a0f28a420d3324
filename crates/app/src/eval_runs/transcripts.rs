//! Reading a run's sample records and transcripts from its run directory
//! (the run log the workers write, under their shared data directory).
//! Only the agency that started the run reads them; every read is audited.
use crate::audit::record;
use crate::views::*;
use crate::{App, AppError, OpContext};
use bulwark_domain::ids::EvalRunId;
use bulwark_domain::policy::Action;
use bulwark_eval::runlog::{RecordReader, SampleRecord, SAMPLES_FILE};
use bulwark_eval::transcript::{Event, Transcript};
use serde_json::{json, Value};
use std::path::PathBuf;

/// Most samples listed at once.
pub const SAMPLE_PAGE_MAX: usize = 1000;

fn sample_view(r: &SampleRecord) -> EvalSampleView {
    EvalSampleView {
        sample_id: r.sample_id.clone(),
        epoch: r.epoch,
        task_id: r.task_id.clone(),
        score: r.score,
        answer: r.answer.clone(),
        error: r.error.clone(),
        prompt_tokens: r.tokens.prompt,
        completion_tokens: r.tokens.completion,
        started_at: r.started_at,
        finished_at: r.finished_at,
    }
}

fn arguments_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn event_view(e: &Event) -> TranscriptEventView {
    let base = |kind: &str, at_ms: u64| TranscriptEventView {
        kind: kind.to_string(),
        at_ms,
        duration_ms: None,
        name: None,
        arguments: None,
        exit_code: None,
        score: None,
        text: String::new(),
    };
    match e {
        Event::Model {
            at_ms,
            duration_ms,
            prompt_tokens,
            completion_tokens,
            finish_reason,
            output,
        } => {
            let calls: Vec<String> = output
                .tool_calls
                .iter()
                .map(|c| format!("{}({})", c.function.name, c.function.arguments))
                .collect();
            let mut text = output.content.clone().unwrap_or_default();
            if !calls.is_empty() {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&format!("tool calls: {}", calls.join(", ")));
            }
            TranscriptEventView {
                duration_ms: Some(*duration_ms),
                name: Some(format!(
                    "{prompt_tokens}+{completion_tokens} tokens, {}",
                    finish_reason.as_deref().unwrap_or("no finish reason")
                )),
                text,
                ..base("model", *at_ms)
            }
        }
        Event::Tool {
            at_ms,
            duration_ms,
            name,
            arguments,
            exit_code,
            output,
            truncated,
            timed_out,
            error,
            ..
        } => {
            let mut text = output.clone();
            if *truncated {
                text.push_str("\n[output truncated]");
            }
            if *timed_out {
                text.push_str("\n[killed by the wall clock]");
            }
            if let Some(e) = error {
                text.push_str(&format!("\n[error: {e}]"));
            }
            TranscriptEventView {
                duration_ms: Some(*duration_ms),
                name: Some(name.clone()),
                arguments: Some(arguments_text(arguments)),
                exit_code: *exit_code,
                text,
                ..base("tool", *at_ms)
            }
        }
        Event::Submission {
            at_ms,
            attempt,
            answer,
            score,
        } => TranscriptEventView {
            name: Some(format!("attempt {attempt}")),
            score: *score,
            text: answer.clone(),
            ..base("submission", *at_ms)
        },
        Event::Score {
            at_ms,
            scorer,
            value,
            answer,
            explanation,
        } => TranscriptEventView {
            name: Some(scorer.clone()),
            score: Some(*value),
            arguments: answer.clone(),
            text: explanation.clone(),
            ..base("score", *at_ms)
        },
        Event::Limit {
            at_ms,
            limit,
            message,
        } => TranscriptEventView {
            name: Some(limit.clone()),
            text: message.clone(),
            ..base("limit", *at_ms)
        },
        Event::Error { at_ms, message } => TranscriptEventView {
            text: message.clone(),
            ..base("error", *at_ms)
        },
        Event::Setup {
            at_ms,
            duration_ms,
            exit_code,
            output,
        } => TranscriptEventView {
            duration_ms: Some(*duration_ms),
            exit_code: *exit_code,
            text: output.clone(),
            ..base("setup", *at_ms)
        },
    }
}

fn transcript_view(run_id: EvalRunId, r: &SampleRecord) -> EvalTranscriptView {
    let t = Transcript::from_value(&r.transcript).unwrap_or_default();
    EvalTranscriptView {
        run_id,
        sample: sample_view(r),
        messages: t
            .messages
            .iter()
            .map(|m| TranscriptMessageView {
                role: serde_json::to_value(m.role)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                content: m.content.clone(),
                tool_calls: m
                    .tool_calls
                    .iter()
                    .map(|c| TranscriptToolCallView {
                        id: c.id.clone(),
                        name: c.function.name.clone(),
                        arguments: c.function.arguments.clone(),
                    })
                    .collect(),
                tool_call_id: m.tool_call_id.clone(),
            })
            .collect(),
        events: t.events.iter().map(event_view).collect(),
    }
}

/// Streams the records of a run's samples file through `visit` until it
/// returns false. A run that has not written anything yet has no records.
async fn read_records(
    run_dir: Option<String>,
    mut visit: impl FnMut(SampleRecord) -> bool + Send + 'static,
) -> Result<(), AppError> {
    let Some(dir) = run_dir else { return Ok(()) };
    let path = PathBuf::from(dir).join(SAMPLES_FILE);
    tokio::task::spawn_blocking(move || {
        if !path.exists() {
            return Ok(());
        }
        let reader =
            RecordReader::open(&path).map_err(|e| AppError::Internal(format!("run log: {e}")))?;
        for record in reader {
            let record = record.map_err(|e| AppError::Internal(format!("run log: {e}")))?;
            if !visit(record) {
                break;
            }
        }
        Ok(())
    })
    .await
    .map_err(|e| AppError::Internal(format!("run log reader: {e}")))?
}

impl App {
    /// The finished samples of a run, in the order they finished, `offset`
    /// first, at most `limit` (≤ [`SAMPLE_PAGE_MAX`]). An audited read.
    pub async fn list_eval_samples(
        &self,
        ctx: &OpContext,
        id: EvalRunId,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<EvalSampleView>, AppError> {
        if limit == 0 || limit > SAMPLE_PAGE_MAX {
            return Err(AppError::invalid(
                "limit",
                format!("must be between 1 and {SAMPLE_PAGE_MAX}"),
            ));
        }
        let mut tx = self.store.begin().await?;
        let (r, _) = self
            .load_eval_run(&mut tx, ctx, id, Action::ReadEvalTranscript)
            .await?;
        let found = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = found.clone();
        let mut index = 0usize;
        read_records(r.run_dir.clone(), move |record| {
            if index >= offset {
                if let Ok(mut v) = sink.lock() {
                    v.push(sample_view(&record));
                }
            }
            index += 1;
            index < offset.saturating_add(limit)
        })
        .await?;
        let samples = std::mem::take(
            &mut *found
                .lock()
                .map_err(|_| AppError::Internal("poisoned".into()))?,
        );
        record(
            &mut tx,
            ctx.into(),
            self.clock.now(),
            "eval_run.list_samples",
            ("eval_run", &id.to_string()),
            json!({"offset": offset, "count": samples.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(samples)
    }

    /// One sample's transcript (a sample is named by its task, its id and
    /// the epoch): the model's messages, its tool calls and their outputs,
    /// scores. An audited read.
    pub async fn get_eval_transcript(
        &self,
        ctx: &OpContext,
        id: EvalRunId,
        task_id: &str,
        sample_id: &str,
        epoch: u32,
    ) -> Result<EvalTranscriptView, AppError> {
        let mut tx = self.store.begin().await?;
        let (r, _) = self
            .load_eval_run(&mut tx, ctx, id, Action::ReadEvalTranscript)
            .await?;
        let found = std::sync::Arc::new(std::sync::Mutex::new(None));
        let sink = found.clone();
        let (wanted_task, wanted) = (task_id.to_string(), sample_id.to_string());
        read_records(r.run_dir.clone(), move |record| {
            if record.task_id == wanted_task && record.sample_id == wanted && record.epoch == epoch
            {
                if let Ok(mut slot) = sink.lock() {
                    *slot = Some(record);
                }
                return false;
            }
            true
        })
        .await?;
        let record = found
            .lock()
            .map_err(|_| AppError::Internal("poisoned".into()))?
            .take()
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "sample {sample_id:?} of task {task_id:?}, epoch {epoch}, of run {id}"
                ))
            })?;
        record_read(self, &mut tx, ctx, id, (task_id, sample_id, epoch)).await?;
        tx.commit().await?;
        Ok(transcript_view(id, &record))
    }
}

async fn record_read(
    app: &App,
    tx: &mut bulwark_store::Tx,
    ctx: &OpContext,
    id: EvalRunId,
    (task_id, sample_id, epoch): (&str, &str, u32),
) -> Result<(), AppError> {
    record(
        tx,
        ctx.into(),
        app.clock.now(),
        "eval_run.read_transcript",
        ("eval_run", &id.to_string()),
        json!({"task_id": task_id, "sample_id": sample_id, "epoch": epoch}),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulwark_eval::provider::{Message, ToolCall};
    use bulwark_eval::runlog::TokenUsage;
    use chrono::Utc;

    #[test]
    fn transcripts_become_messages_and_events() {
        let mut assistant = Message::assistant("let me look");
        assistant.tool_calls = vec![ToolCall::function("c1", "bash", &json!({"cmd": "ls"}))];
        let t = Transcript {
            messages: vec![Message::user("Find the flag."), assistant],
            events: vec![Event::Tool {
                at_ms: 5,
                duration_ms: 7,
                call_id: "c1".into(),
                name: "bash".into(),
                arguments: json!({"cmd": "ls"}),
                exit_code: Some(0),
                output: "flag.txt".into(),
                truncated: true,
                timed_out: false,
                error: None,
            }],
        };
        let r = SampleRecord {
            sample_id: "s1".into(),
            epoch: 1,
            task_id: "t".into(),
            score: Some(1.0),
            answer: Some("flag{x}".into()),
            error: None,
            transcript: t.to_value(),
            tokens: TokenUsage {
                prompt: 10,
                completion: 3,
            },
            started_at: Utc::now(),
            finished_at: Utc::now(),
        };
        let v = transcript_view(EvalRunId::random(), &r);
        assert_eq!(v.messages.len(), 2);
        assert_eq!(v.messages[0].role, "user");
        assert_eq!(v.messages[0].content.as_deref(), Some("Find the flag."));
        assert_eq!(v.messages[1].tool_calls[0].name, "bash");
        assert_eq!(v.messages[1].tool_calls[0].arguments, "{\"cmd\":\"ls\"}");
        assert_eq!(v.events[0].kind, "tool");
        assert_eq!(v.events[0].exit_code, Some(0));
        assert_eq!(v.events[0].arguments.as_deref(), Some("{\"cmd\":\"ls\"}"));
        assert_eq!(v.events[0].text, "flag.txt\n[output truncated]");
        assert_eq!(v.sample.prompt_tokens, 10);
    }
}
