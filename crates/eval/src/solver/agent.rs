//! The agent solver: a ReAct loop. The model gets a system prompt, the
//! sample's input and the task's tools (`bash`, `python`, `submit`); each
//! turn it may call tools, which run in the sample's sandbox and whose
//! output goes back to it as `tool` messages. It ends when an answer is
//! correct, the attempts are used up, a limit is reached (messages, tokens,
//! wall time), or something fails (the provider, the sandbox, the judge).
//!
//! Limits stop further model calls; the tool calls of a reply already
//! received are still answered (so an answer submitted in the last allowed
//! turn counts), but never past the wall-time deadline, which bounds every
//! model call, command and judgement.
//!
//! Without a `submit` tool, a reply that calls no tool is the answer.

use std::borrow::Cow;
use std::time::Instant;

use super::attempts::{self, Ending, Judged};
use super::limits::Budget;
use super::output::{format_exec_output, truncate_middle};
use super::prompt::initial_messages;
use super::record::{millis, Recorder};
use super::tools::{parse_call, tool_definitions, ParsedCall, ToolRequest};
use super::{model, SolveContext, SolveOutcome};
use crate::provider::{ChatRequest, Message, ToolCall};
use crate::task::{SolverSpec, Tool};
use crate::transcript::{Event, MAX_EVENT_OUTPUT_CHARS};

/// Solves `ctx.sample` with the agent loop. Never fails: errors and limits
/// are recorded in the outcome.
pub async fn solve(ctx: &SolveContext<'_>) -> SolveOutcome {
    let mut recorder = Recorder::new(ctx.started);
    let SolverSpec::Agent {
        tools,
        max_attempts,
        prompt_template,
        system_prompt,
        limits,
    } = &ctx.task.spec().solver
    else {
        recorder.error("the agent solver was given a task whose solver is not agent".into());
        return recorder.finish(Vec::new());
    };
    let system = match system_prompt {
        Some(text) => Cow::Borrowed(text.as_str()),
        None => Cow::Owned(default_system_prompt(tools, *max_attempts)),
    };
    let messages = initial_messages(
        Some(&system),
        &ctx.sample.input,
        &ctx.sample.choices,
        prompt_template.as_ref(),
    );
    let mut agent = Agent {
        ctx,
        tools,
        max_attempts: *max_attempts,
        budget: Budget::new(limits, ctx.started),
        recorder,
        request: model::request(ctx, messages, tool_definitions(tools)),
    };
    agent.run().await;
    agent.recorder.finish(agent.request.messages)
}

/// The system prompt when the task gives none: how to work, the tools
/// offered, and how to answer.
pub fn default_system_prompt(tools: &[Tool], max_attempts: u32) -> String {
    let mut text = String::from(
        "You are an expert working on a task in a sandboxed Linux environment. Work step by \
         step: think about what to do next, then act by calling a tool, and use what the tool \
         returns to decide the next step.\n",
    );
    if tools.contains(&Tool::Bash) {
        text.push_str("\n- `bash` runs a shell command and returns its output.");
    }
    if tools.contains(&Tool::Python) {
        text.push_str("\n- `python` runs a Python 3 program and returns its output.");
    }
    if tools.contains(&Tool::Bash) || tools.contains(&Tool::Python) {
        text.push_str(
            "\n\nEvery call runs in a fresh process in the same working directory: files you \
             create persist, running processes and shell state do not.",
        );
    }
    if tools.contains(&Tool::Submit) {
        let attempts = if max_attempts == 1 {
            "You have one attempt.".to_owned()
        } else {
            format!("You have {max_attempts} attempts.")
        };
        text.push_str(&format!(
            "\n\nWhen you have found the flag or the answer, call the `submit` tool with the \
             answer alone. {attempts}"
        ));
    } else {
        text.push_str(
            "\n\nWhen you are done, reply with your final answer alone, without calling a tool.",
        );
    }
    text
}

/// Whether the loop goes on after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

/// One sample's agent loop.
struct Agent<'c, 'a> {
    ctx: &'c SolveContext<'a>,
    tools: &'c [Tool],
    max_attempts: u32,
    budget: Budget,
    recorder: Recorder,
    /// The conversation so far, with the tools and generation settings.
    request: ChatRequest,
}

impl Agent<'_, '_> {
    async fn run(&mut self) {
        loop {
            let tokens = self.tokens_used();
            let messages = self.request.messages.len();
            if let Some(hit) = self.budget.before_model_call(messages, tokens) {
                self.recorder.limit(hit);
                return;
            }
            let Some(reply) =
                model::call(self.ctx, &mut self.recorder, &self.budget, &self.request).await
            else {
                return;
            };
            let calls = reply.tool_calls.clone();
            let answer = (calls.is_empty() && !self.tools.contains(&Tool::Submit))
                .then(|| reply.text().to_owned());
            self.request.messages.push(reply);
            let flow = match answer {
                Some(answer) => self.answer_in_text(answer).await,
                None if calls.is_empty() => {
                    let nudge = self.continue_prompt();
                    self.request.messages.push(Message::user(nudge));
                    Flow::Continue
                }
                None => self.handle_calls(&calls).await,
            };
            if flow == Flow::Stop {
                return;
            }
        }
    }

    fn tokens_used(&mut self) -> u64 {
        let tokens = self.recorder.outcome().tokens;
        tokens.prompt.saturating_add(tokens.completion)
    }

    /// The user message sent when the model called no tool.
    fn continue_prompt(&self) -> String {
        let working: Vec<String> = self
            .tools
            .iter()
            .filter(|t| **t != Tool::Submit)
            .map(|t| format!("`{t}`"))
            .collect();
        let mut text = String::from("You did not call a tool. ");
        if !working.is_empty() {
            text.push_str(&format!(
                "Continue working on the task with the tools ({}). ",
                working.join(", ")
            ));
        }
        text.push_str("When you have the answer, call the `submit` tool with it.");
        text
    }

    async fn handle_calls(&mut self, calls: &[ToolCall]) -> Flow {
        for call in calls {
            if self.handle_call(call).await == Flow::Stop {
                return Flow::Stop;
            }
        }
        Flow::Continue
    }

    async fn handle_call(&mut self, call: &ToolCall) -> Flow {
        self.recorder.outcome().tool_calls += 1;
        let started = Instant::now();
        let ParsedCall { arguments, request } = parse_call(call, self.tools);
        let exec = ToolRun {
            call,
            arguments,
            started,
        };
        match request {
            Err(problem) => {
                let text = format!("Error: {problem}");
                self.finish_tool(exec, text, None, Some(problem));
                Flow::Continue
            }
            Ok(ToolRequest::Bash { cmd }) => self.execute(exec, &cmd, None).await,
            Ok(ToolRequest::Python { code }) => {
                self.execute(exec, "python3 -", Some(code.as_bytes())).await
            }
            Ok(ToolRequest::Submit { answer }) => self.submit(exec, answer).await,
        }
    }

    /// Runs `script` (with `stdin`) in the sandbox, bounded by the deadline.
    async fn execute(&mut self, run: ToolRun<'_>, script: &str, stdin: Option<&[u8]>) -> Flow {
        let name = run.call.function.name.clone();
        let Some(sandbox) = self.ctx.sandbox else {
            let message =
                format!("the `{name}` tool needs the sample's sandbox, and none was prepared");
            self.finish_tool(
                run,
                format!("Error: {message}"),
                None,
                Some(message.clone()),
            );
            self.recorder.error(message);
            return Flow::Stop;
        };
        let deadline = self.budget.deadline();
        if Instant::now() >= deadline {
            return self.out_of_time(run);
        }
        let bounded = tokio::time::timeout_at(
            tokio::time::Instant::from_std(deadline),
            sandbox.run(script, stdin),
        );
        match bounded.await {
            Err(_elapsed) => self.out_of_time(run),
            Ok(Err(error)) => {
                let message = format!("the sandbox failed to run the `{name}` tool: {error}");
                self.finish_tool(
                    run,
                    format!("Error: {message}"),
                    None,
                    Some(message.clone()),
                );
                self.recorder.error(message);
                Flow::Stop
            }
            Ok(Ok(outcome)) => {
                let (text, cut) =
                    truncate_middle(format_exec_output(&outcome), MAX_EVENT_OUTPUT_CHARS);
                let status = ExecStatus {
                    exit_code: outcome.exit_code,
                    truncated: cut || outcome.truncated,
                    timed_out: outcome.timed_out,
                };
                self.finish_tool(run, text, Some(status), None);
                Flow::Continue
            }
        }
    }

    /// A tool call stopped by the sample's wall-time limit.
    fn out_of_time(&mut self, run: ToolRun<'_>) -> Flow {
        let hit = self.budget.wall_time_hit();
        let status = ExecStatus {
            exit_code: None,
            truncated: false,
            timed_out: true,
        };
        self.finish_tool(
            run,
            format!("Stopped: {}.", hit.message),
            Some(status),
            Some(hit.message.clone()),
        );
        self.recorder.limit(hit);
        Flow::Stop
    }

    /// The `submit` tool: judge the answer, tell the model, record it.
    async fn submit(&mut self, run: ToolRun<'_>, answer: String) -> Flow {
        let (judged, feedback, ending) = self.judge(&answer).await;
        self.finish_tool(run, feedback, None, None);
        self.conclude(answer, judged, ending)
    }

    /// Without a `submit` tool: the reply's text is the answer; an incorrect
    /// one with attempts left is answered with a user message.
    async fn answer_in_text(&mut self, answer: String) -> Flow {
        let (judged, feedback, ending) = self.judge(&answer).await;
        if matches!(ending, Ending::Continue) {
            self.request.messages.push(Message::user(feedback));
        }
        self.conclude(answer, judged, ending)
    }

    /// Judges `answer` as the next attempt: the judgement, what the model
    /// is told, and how the loop goes on.
    async fn judge(&mut self, answer: &str) -> (Judged, String, Ending) {
        let judged = attempts::judge(self.ctx.judge, answer, &self.budget).await;
        let attempt = u32::try_from(self.recorder.outcome().answers.len() + 1).unwrap_or(u32::MAX);
        let (feedback, ending) =
            attempts::verdict(&judged, attempt, self.max_attempts, &self.budget);
        (judged, feedback, ending)
    }

    /// Records the submission, then whatever ends the loop.
    fn conclude(&mut self, answer: String, judged: Judged, ending: Ending) -> Flow {
        self.recorder.submission(answer, judged.value());
        match ending {
            Ending::Continue => Flow::Continue,
            Ending::Correct => Flow::Stop,
            Ending::Limit(hit) => {
                self.recorder.limit(hit);
                Flow::Stop
            }
            Ending::Error(message) => {
                self.recorder.error(message);
                Flow::Stop
            }
        }
    }

    /// Answers a tool call: the `tool` message for the model and the
    /// `Tool` event (`status` when a process ran, `error` when the call
    /// could not run).
    fn finish_tool(
        &mut self,
        run: ToolRun<'_>,
        text: String,
        status: Option<ExecStatus>,
        error: Option<String>,
    ) {
        let status = status.unwrap_or_default();
        let at_ms = self.recorder.ms_at(run.started);
        self.recorder.event(Event::Tool {
            at_ms,
            duration_ms: millis(run.started.elapsed().as_millis()),
            call_id: run.call.id.clone(),
            name: run.call.function.name.clone(),
            arguments: run.arguments,
            exit_code: status.exit_code,
            output: text.clone(),
            truncated: status.truncated,
            timed_out: status.timed_out,
            error,
        });
        self.request
            .messages
            .push(Message::tool_result(run.call.id.as_str(), text));
    }
}

/// A tool call being answered.
struct ToolRun<'t> {
    call: &'t ToolCall,
    arguments: serde_json::Value,
    started: Instant,
}

/// How a process run by a tool ended, for its event.
#[derive(Debug, Clone, Copy, Default)]
struct ExecStatus {
    exit_code: Option<i32>,
    truncated: bool,
    timed_out: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_prompt_names_the_offered_tools_and_attempts() {
        let prompt = default_system_prompt(&[Tool::Bash, Tool::Submit], 3);
        assert!(prompt.contains("`bash`"), "{prompt}");
        assert!(!prompt.contains("`python`"), "{prompt}");
        assert!(prompt.contains("call the `submit` tool"), "{prompt}");
        assert!(prompt.contains("You have 3 attempts."), "{prompt}");
        let prompt = default_system_prompt(&[Tool::Python], 1);
        assert!(prompt.contains("`python`"), "{prompt}");
        assert!(prompt.contains("without calling a tool"), "{prompt}");
        assert!(!prompt.contains("`submit`"), "{prompt}");
    }
}
