//! The single-turn solver: one model call — the optional system prompt and
//! the sample's rendered input — whose reply is the answer. The runner
//! scores it, so the `Submission` event carries no score.
//!
//! This path runs thousands of samples a second against a fast endpoint:
//! the conversation is built once and moved, never copied, between the
//! request and the transcript.

use super::limits::Budget;
use super::prompt::initial_messages;
use super::record::Recorder;
use super::{model, SolveContext, SolveOutcome};
use crate::task::SolverSpec;

/// Solves `ctx.sample` with one model call. Never fails: a provider error
/// is the outcome's `error` (and no answer), the wall-time limit its
/// `limit`.
pub async fn solve(ctx: &SolveContext<'_>) -> SolveOutcome {
    let mut recorder = Recorder::new(ctx.started);
    let SolverSpec::SingleTurn {
        prompt_template,
        system_prompt,
        limits,
    } = &ctx.task.spec().solver
    else {
        recorder.error(
            "the single-turn solver was given a task whose solver is not single_turn".into(),
        );
        return recorder.finish(Vec::new());
    };
    let budget = Budget::new(limits, ctx.started);
    let messages = initial_messages(
        system_prompt.as_deref(),
        &ctx.sample.input,
        &ctx.sample.choices,
        Some(prompt_template),
    );
    let mut request = model::request(ctx, messages, Vec::new());
    let reply = model::call(ctx, &mut recorder, &budget, &request).await;
    let mut messages = std::mem::take(&mut request.messages);
    if let Some(reply) = reply {
        let answer = reply.text().to_owned();
        messages.push(reply);
        recorder.submission(answer, None);
    }
    recorder.finish(messages)
}
