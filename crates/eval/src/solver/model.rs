//! One model call of a solver: the request with the run's generation
//! settings, the call bounded by the sample's deadline, its tokens counted
//! and its `Model` event recorded.

use std::time::Instant;

use super::limits::Budget;
use super::record::{millis, Recorder};
use super::SolveContext;
use crate::provider::{ChatRequest, Message, ProviderError, ToolDefinition};
use crate::transcript::Event;

/// A request for `messages` (and `tools`) with the run's generation
/// settings and the sample's epoch.
pub(crate) fn request(
    ctx: &SolveContext<'_>,
    messages: Vec<Message>,
    tools: Vec<ToolDefinition>,
) -> ChatRequest {
    ChatRequest {
        messages,
        tools,
        tool_choice: None,
        temperature: ctx.generate.temperature,
        max_tokens: ctx.generate.max_tokens,
        seed: ctx.generate.seed,
        epoch: ctx.epoch,
    }
}

/// Asks the model for the next message of `request`. Counts the call and
/// its tokens and records its `Model` event; returns `None` after recording
/// why there is no message (the provider's error, or the wall-time limit).
pub(crate) async fn call(
    ctx: &SolveContext<'_>,
    recorder: &mut Recorder,
    budget: &Budget,
    request: &ChatRequest,
) -> Option<Message> {
    let started = Instant::now();
    recorder.outcome().model_calls += 1;
    let deadline = tokio::time::Instant::from_std(budget.deadline());
    let response = match tokio::time::timeout_at(deadline, ctx.provider.complete(request)).await {
        Err(_elapsed) => {
            recorder.limit(budget.wall_time_hit());
            return None;
        }
        Ok(Err(error)) => {
            recorder.error(describe_provider_error(&error));
            return None;
        }
        Ok(Ok(response)) => response,
    };
    let usage = response.usage.unwrap_or_default();
    let tokens = &mut recorder.outcome().tokens;
    tokens.prompt = tokens.prompt.saturating_add(usage.prompt_tokens);
    tokens.completion = tokens.completion.saturating_add(usage.completion_tokens);
    let Some(choice) = response.choices.into_iter().next() else {
        recorder.error("the model's response has no choices".to_owned());
        return None;
    };
    let at_ms = recorder.ms_at(started);
    recorder.event(Event::Model {
        at_ms,
        duration_ms: millis(started.elapsed().as_millis()),
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        finish_reason: choice.finish_reason.map(String::from),
        output: choice.message.clone(),
    });
    Some(choice.message)
}

/// "model call failed (rate_limited): …": the error's kind and its message
/// (which the provider keeps free of the API key).
pub(crate) fn describe_provider_error(error: &ProviderError) -> String {
    let kind = serde_json::to_value(error.kind())
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{:?}", error.kind()));
    format!("model call failed ({kind}): {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_name_their_kind() {
        let error = ProviderError::Status {
            status: 503,
            message: "overloaded".into(),
            attempts: 3,
        };
        let text = describe_provider_error(&error);
        assert!(
            text.starts_with("model call failed (server_error): "),
            "{text}"
        );
        assert!(text.contains("HTTP 503"), "{text}");
        assert!(text.contains("overloaded"), "{text}");
    }
}
