//! Solvers: the single-turn call and the agent loop, with scripted models
//! and a real sandbox (tool output reaching the model, attempts, every
//! limit, malformed tool calls, the transcript), and one run against the
//! mock server's `tool-then-submit` model.
//!
//! Agent tests need a working bubblewrap; where it cannot build namespaces
//! they print `skipping solver test: ...` and pass, unless
//! `BULWARK_REQUIRE_SANDBOX=1`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use bulwark_eval::provider::mock::{MockBehaviour, MockConfig, MockServer};
use bulwark_eval::provider::{
    ChatRequest, ChatResponse, Message, OpenAiConfig, OpenAiProvider, Provider, ProviderError,
    ProviderFuture, Role, ScriptedProvider, ToolCall, Usage,
};
use bulwark_eval::sandbox::SandboxConfig;
use bulwark_eval::scorer::Score;
use bulwark_eval::session::{SampleSandbox, SessionError};
use bulwark_eval::solver::{
    self, AttemptJudge, GenerateConfig, JudgeFuture, SolveContext, SolveOutcome,
};
use bulwark_eval::task::{ChatMessage, Input, Sample, SampleId, Target, Task, TaskSpec};
use bulwark_eval::transcript::Event;
use serde_json::{json, Value};

// ---------------------------------------------------------------- fixtures

/// A task with `solver` as its `[solver]` table (TOML body).
fn task(solver: &str, sample: &Sample) -> Result<Task> {
    let text = format!(
        "id = \"solver-test\"\nversion = \"1\"\ncategory = \"cryptography\"\n\
         description = \"Solver tests.\"\n\n[solver]\n{solver}\n\n[[scorers]]\nkind = \"exact\"\n"
    );
    let spec = TaskSpec::parse(&text, Path::new("task.toml"))?;
    Ok(Task::from_parts(
        spec,
        vec![sample.clone()],
        BTreeMap::new(),
    )?)
}

fn sample(input: &str, target: &str) -> Result<Sample> {
    let mut sample = Sample::new(SampleId::parse("s1").map_err(anyhow::Error::msg)?, input);
    sample.target = Target::One(target.to_owned());
    Ok(sample)
}

/// An agent solver with these tools, attempts and limits.
fn agent_solver(tools: &str, max_attempts: u32, limits: (u32, u64, u64)) -> String {
    let (messages, tokens, wall_seconds) = limits;
    format!(
        "kind = \"agent\"\ntools = [{tools}]\nmax_attempts = {max_attempts}\n\n\
         [solver.limits]\nmessages = {messages}\ntokens = {tokens}\nwall_seconds = {wall_seconds}"
    )
}

const ALL_TOOLS: &str = "\"bash\", \"python\", \"submit\"";
const ROOMY: (u32, u64, u64) = (50, 1_000_000, 120);

/// Scores 1 when the answer is exactly the target, else 0.
struct Exact(&'static str);

impl AttemptJudge for Exact {
    fn judge<'a>(&'a self, answer: &'a str) -> JudgeFuture<'a> {
        let value = if answer.trim() == self.0 { 1.0 } else { 0.0 };
        Box::pin(std::future::ready(Ok(Score {
            value,
            answer: Some(answer.to_owned()),
            explanation: String::new(),
        })))
    }
}

/// A judge that cannot score.
struct Broken;

impl AttemptJudge for Broken {
    fn judge<'a>(&'a self, _answer: &'a str) -> JudgeFuture<'a> {
        Box::pin(std::future::ready(Err("the grader is down".to_owned())))
    }
}

/// A model that never answers in time.
struct Hanging;

impl Provider for Hanging {
    fn complete<'a>(&'a self, _req: &'a ChatRequest) -> ProviderFuture<'a> {
        Box::pin(async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(ChatResponse::text("too late"))
        })
    }

    fn model(&self) -> &str {
        "hanging"
    }
}

/// The sample's sandbox, or `None` (after printing why) where bubblewrap is
/// not usable and the sandbox is not required.
async fn sandbox(task: &Task, sample: &Sample) -> Result<Option<SampleSandbox>> {
    match SampleSandbox::prepare(task, sample, &SandboxConfig::default()).await {
        Ok((sandbox, _report)) => Ok(Some(sandbox)),
        Err(SessionError::Sandbox(error)) => {
            crate::skip_without_bwrap(error, "solver test").map(|()| None)
        }
        Err(error) => Err(error).context("preparing the sample's sandbox"),
    }
}

/// `let s = sandbox_or_skip!(task, sample);` returns from the test when skipping.
macro_rules! sandbox_or_skip {
    ($task:expr, $sample:expr) => {
        match sandbox($task, $sample).await? {
            Some(sandbox) => sandbox,
            None => return Ok(()),
        }
    };
}

async fn solve(
    task: &Task,
    sample: &Sample,
    provider: &dyn Provider,
    sandbox: Option<&SampleSandbox>,
    judge: &dyn AttemptJudge,
) -> SolveOutcome {
    let generate = GenerateConfig {
        temperature: Some(0.5),
        max_tokens: Some(256),
        seed: Some(7),
    };
    solver::solve(SolveContext {
        task,
        sample,
        epoch: 3,
        provider,
        sandbox,
        generate: &generate,
        judge,
        started: Instant::now(),
    })
    .await
}

fn usage(prompt: u64, completion: u64) -> Usage {
    Usage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
    }
}

fn call(id: &str, name: &str, arguments: Value) -> ChatResponse {
    ChatResponse::tool_calls(vec![ToolCall::function(id, name, &arguments)])
}

fn bash(id: &str, cmd: &str) -> ChatResponse {
    call(id, "bash", json!({ "cmd": cmd }))
}

fn submit(id: &str, answer: &str) -> ChatResponse {
    call(id, "submit", json!({ "answer": answer }))
}

/// The content of the tool message answering `call_id`.
fn tool_output<'a>(outcome: &'a SolveOutcome, call_id: &str) -> Result<&'a str> {
    outcome
        .transcript
        .messages
        .iter()
        .find(|m| m.role == Role::Tool && m.tool_call_id.as_deref() == Some(call_id))
        .map(Message::text)
        .with_context(|| format!("no tool message answers {call_id}"))
}

/// The events' types, in order.
fn kinds(outcome: &SolveOutcome) -> Vec<&'static str> {
    outcome
        .transcript
        .events
        .iter()
        .map(|e| match e {
            Event::Model { .. } => "model",
            Event::Tool { .. } => "tool",
            Event::Submission { .. } => "submission",
            Event::Score { .. } => "score",
            Event::Limit { .. } => "limit",
            Event::Error { .. } => "error",
            Event::Setup { .. } => "setup",
        })
        .collect()
}

/// The `Tool` events as (name, exit code, timed out, error).
fn tool_events(outcome: &SolveOutcome) -> Vec<(String, Option<i32>, bool, Option<String>)> {
    outcome
        .transcript
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Tool {
                name,
                exit_code,
                timed_out,
                error,
                ..
            } => Some((name.clone(), *exit_code, *timed_out, error.clone())),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------- single turn

#[tokio::test]
async fn single_turn_answers_with_the_reply_and_counts_tokens() -> Result<()> {
    let mut sample = sample("Which port does SSH use?", "B")?;
    sample.choices = vec!["21".into(), "22".into()];
    let task = task(
        "kind = \"single_turn\"\nsystem_prompt = \"Answer with a letter.\"\n\
         prompt_template = \"Q: {input}\\n{choices}\"",
        &sample,
    )?;
    let provider = ScriptedProvider::new([ChatResponse::text("B").with_usage(usage(12, 1))]);
    let outcome = solve(&task, &sample, &provider, None, &Exact("B")).await;

    assert_eq!(outcome.error, None);
    assert_eq!(outcome.limit, None);
    assert_eq!(outcome.answers, ["B"]);
    assert_eq!(outcome.final_answer(), Some("B"));
    assert!(outcome.attempt_scores.is_empty());
    assert_eq!((outcome.tokens.prompt, outcome.tokens.completion), (12, 1));
    assert_eq!((outcome.model_calls, outcome.tool_calls), (1, 0));
    let shape: Vec<(Role, &str)> = outcome
        .transcript
        .messages
        .iter()
        .map(|m| (m.role, m.text()))
        .collect();
    assert_eq!(
        shape,
        [
            (Role::System, "Answer with a letter."),
            (Role::User, "Q: Which port does SSH use?\nA) 21\nB) 22"),
            (Role::Assistant, "B"),
        ]
    );
    assert_eq!(kinds(&outcome), ["model", "submission"]);
    match &outcome.transcript.events[1] {
        Event::Submission {
            attempt,
            answer,
            score,
            ..
        } => assert_eq!((*attempt, answer.as_str(), *score), (1, "B", None)),
        other => bail!("expected a submission, got {other:?}"),
    }
    let requests = provider.requests();
    ensure!(requests.len() == 1, "{} requests", requests.len());
    assert_eq!(requests[0].epoch, 3);
    assert_eq!(requests[0].temperature, Some(0.5));
    assert_eq!(requests[0].max_tokens, Some(256));
    assert_eq!(requests[0].seed, Some(7));
    assert!(requests[0].tools.is_empty());
    Ok(())
}

#[tokio::test]
async fn single_turn_chat_input_is_sent_as_given_with_the_last_user_message_templated() -> Result<()>
{
    let mut sample = sample("unused", "ok")?;
    sample.input = Input::Messages(vec![
        ChatMessage {
            role: bulwark_eval::task::Role::User,
            content: "first".into(),
        },
        ChatMessage {
            role: bulwark_eval::task::Role::Assistant,
            content: "noted".into(),
        },
        ChatMessage {
            role: bulwark_eval::task::Role::User,
            content: "second".into(),
        },
    ]);
    let task = task(
        "kind = \"single_turn\"\nprompt_template = \"<<{input}>>\"",
        &sample,
    )?;
    let provider = ScriptedProvider::new([ChatResponse::text("ok")]);
    let outcome = solve(&task, &sample, &provider, None, &Exact("ok")).await;
    let sent: Vec<(Role, String)> = provider
        .requests()
        .first()
        .map(|r| {
            r.messages
                .iter()
                .map(|m| (m.role, m.text().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        sent,
        [
            (Role::User, "first".to_owned()),
            (Role::Assistant, "noted".to_owned()),
            (Role::User, "<<second>>".to_owned()),
        ]
    );
    assert_eq!(outcome.answers, ["ok"]);
    assert_eq!(outcome.tokens.prompt + outcome.tokens.completion, 0);
    Ok(())
}

#[tokio::test]
async fn a_provider_error_is_the_samples_error_not_an_answer() -> Result<()> {
    let sample = sample("Hi?", "x")?;
    let task = task("kind = \"single_turn\"", &sample)?;
    let provider = ScriptedProvider::from_results([Err(ProviderError::Status {
        status: 503,
        message: "overloaded".into(),
        attempts: 4,
    })]);
    let outcome = solve(&task, &sample, &provider, None, &Exact("x")).await;
    let error = outcome.error.clone().unwrap_or_default();
    assert!(error.contains("server_error"), "{error}");
    assert!(error.contains("HTTP 503"), "{error}");
    assert!(error.contains("overloaded"), "{error}");
    assert!(outcome.answers.is_empty());
    assert_eq!(outcome.limit, None);
    assert_eq!(outcome.model_calls, 1);
    assert_eq!(kinds(&outcome), ["error"]);
    // The conversation as sent is kept, without a reply.
    assert_eq!(outcome.transcript.messages.len(), 1);
    Ok(())
}

#[tokio::test]
async fn single_turn_stops_at_the_wall_time_limit() -> Result<()> {
    let sample = sample("Hi?", "x")?;
    let task = task(
        "kind = \"single_turn\"\n[solver.limits]\nwall_seconds = 1",
        &sample,
    )?;
    let started = Instant::now();
    let outcome = solve(&task, &sample, &Hanging, None, &Exact("x")).await;
    let took = started.elapsed();
    ensure!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(10),
        "took {took:?}"
    );
    assert_eq!(outcome.limit.as_deref(), Some("wall_time"));
    assert_eq!(outcome.error, None);
    assert!(outcome.answers.is_empty());
    assert_eq!(kinds(&outcome), ["limit"]);
    Ok(())
}

// ---------------------------------------------------------------- agent

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bash_output_reaches_the_model_and_a_right_answer_ends_the_loop() -> Result<()> {
    let sample = sample("Find the flag.", "flag{ok}")?;
    let task = task(&agent_solver(ALL_TOOLS, 1, ROOMY), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let provider = ScriptedProvider::new([
        bash("c1", "echo hello-from-the-sandbox; echo oops >&2; exit 3").with_usage(usage(100, 10)),
        submit("c2", "flag{ok}").with_usage(usage(150, 5)),
    ]);
    let outcome = solve(
        &task,
        &sample,
        &provider,
        Some(&sandbox),
        &Exact("flag{ok}"),
    )
    .await;

    assert_eq!(outcome.error, None);
    assert_eq!(outcome.limit, None);
    assert_eq!(outcome.answers, ["flag{ok}"]);
    assert_eq!(outcome.attempt_scores, [1.0]);
    assert_eq!((outcome.model_calls, outcome.tool_calls), (2, 2));
    assert_eq!(
        (outcome.tokens.prompt, outcome.tokens.completion),
        (250, 15)
    );
    let output = tool_output(&outcome, "c1")?;
    assert!(output.contains("hello-from-the-sandbox"), "{output}");
    assert!(output.contains("[stderr]\noops"), "{output}");
    assert!(output.contains("[exit status 3]"), "{output}");
    // The second model call saw the command's output.
    let requests = provider.requests();
    let seen = requests
        .get(1)
        .and_then(|r| r.messages.last())
        .context("a second request")?;
    assert_eq!(seen.role, Role::Tool);
    assert_eq!(seen.tool_call_id.as_deref(), Some("c1"));
    assert!(seen.text().contains("hello-from-the-sandbox"));
    // The tools offered, with the request settings.
    let offered: Vec<&str> = requests[0]
        .tools
        .iter()
        .map(|t| t.function.name.as_str())
        .collect();
    assert_eq!(offered, ["bash", "python", "submit"]);
    assert_eq!(requests[0].epoch, 3);
    // The default system prompt, then the input.
    assert_eq!(requests[0].messages[0].role, Role::System);
    assert!(requests[0].messages[0].text().contains("`submit`"));
    assert_eq!(requests[0].messages[1].text(), "Find the flag.");
    // Every step is in the transcript, in order.
    assert_eq!(
        kinds(&outcome),
        ["model", "tool", "model", "tool", "submission"]
    );
    assert_eq!(
        tool_events(&outcome),
        [
            ("bash".to_owned(), Some(3), false, None),
            ("submit".to_owned(), None, false, None),
        ]
    );
    let roles: Vec<Role> = outcome.transcript.messages.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        [
            Role::System,
            Role::User,
            Role::Assistant,
            Role::Tool,
            Role::Assistant,
            Role::Tool
        ]
    );
    match &outcome.transcript.events[4] {
        Event::Submission { attempt, score, .. } => assert_eq!((*attempt, *score), (1, Some(1.0))),
        other => bail!("expected a submission, got {other:?}"),
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_tool_runs_code_in_the_same_work_directory() -> Result<()> {
    let sample = sample("Compute.", "42")?;
    let task = task(&agent_solver(ALL_TOOLS, 1, ROOMY), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let provider = ScriptedProvider::new([
        bash("c1", "echo 6 > six.txt"),
        call(
            "c2",
            "python",
            json!({"code": "import sys\nn = int(open('six.txt').read())\nprint('answer', n * 7)\nprint(sys.version_info[0])"}),
        ),
        submit("c3", "42"),
    ]);
    let outcome = solve(&task, &sample, &provider, Some(&sandbox), &Exact("42")).await;
    assert_eq!(outcome.error, None);
    let output = tool_output(&outcome, "c2")?;
    assert!(output.contains("answer 42\n3\n"), "{output}");
    assert!(output.ends_with("[exit status 0]"), "{output}");
    assert_eq!(outcome.answers, ["42"]);
    assert_eq!(outcome.attempt_scores, [1.0]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_answer_then_a_right_one_uses_two_attempts() -> Result<()> {
    let sample = sample("Find the flag.", "flag{right}")?;
    let task = task(&agent_solver(ALL_TOOLS, 2, ROOMY), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let provider =
        ScriptedProvider::new([submit("c1", "flag{wrong}"), submit("c2", "flag{right}")]);
    let outcome = solve(
        &task,
        &sample,
        &provider,
        Some(&sandbox),
        &Exact("flag{right}"),
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.limit, None);
    assert_eq!(outcome.answers, ["flag{wrong}", "flag{right}"]);
    assert_eq!(outcome.attempt_scores, [0.0, 1.0]);
    assert_eq!(outcome.final_answer(), Some("flag{right}"));
    let feedback = tool_output(&outcome, "c1")?;
    assert!(feedback.contains("incorrect"), "{feedback}");
    assert!(feedback.contains("1 attempt left"), "{feedback}");
    let attempts: Vec<(u32, Option<f64>)> = outcome
        .transcript
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Submission { attempt, score, .. } => Some((*attempt, *score)),
            _ => None,
        })
        .collect();
    assert_eq!(attempts, [(1, Some(0.0)), (2, Some(1.0))]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_attempts_end_the_sample_with_the_attempts_limit() -> Result<()> {
    let sample = sample("Find the flag.", "flag{right}")?;
    let task = task(&agent_solver(ALL_TOOLS, 2, ROOMY), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let provider = ScriptedProvider::new([
        submit("c1", "flag{a}"),
        submit("c2", "flag{b}"),
        submit("c3", "flag{right}"),
    ]);
    let outcome = solve(
        &task,
        &sample,
        &provider,
        Some(&sandbox),
        &Exact("flag{right}"),
    )
    .await;
    assert_eq!(outcome.limit.as_deref(), Some("attempts"));
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.answers, ["flag{a}", "flag{b}"]);
    assert_eq!(outcome.attempt_scores, [0.0, 0.0]);
    assert_eq!(outcome.model_calls, 2);
    assert_eq!(provider.requests().len(), 2);
    assert_eq!(kinds(&outcome).last(), Some(&"limit"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_limit_stops_the_loop() -> Result<()> {
    let sample = sample("Loop.", "x")?;
    // system + user + (assistant + tool) = 4 messages after one turn.
    let task = task(&agent_solver(ALL_TOOLS, 1, (4, 1_000_000, 120)), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let provider = ScriptedProvider::from_fn(|_| Ok(bash("c", "echo again")));
    let outcome = solve(&task, &sample, &provider, Some(&sandbox), &Exact("x")).await;
    assert_eq!(outcome.limit.as_deref(), Some("messages"));
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.model_calls, 1);
    assert_eq!(outcome.transcript.messages.len(), 4);
    assert_eq!(kinds(&outcome), ["model", "tool", "limit"]);
    match outcome.transcript.events.last() {
        Some(Event::Limit { limit, message, .. }) => {
            assert_eq!(limit, "messages");
            assert!(message.contains("4 messages"), "{message}");
        }
        other => bail!("expected a limit, got {other:?}"),
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_limit_stops_the_loop() -> Result<()> {
    let sample = sample("Loop.", "x")?;
    let task = task(&agent_solver(ALL_TOOLS, 1, (50, 25, 120)), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let provider = ScriptedProvider::from_fn(|_| Ok(bash("c", "true").with_usage(usage(8, 2))));
    let outcome = solve(&task, &sample, &provider, Some(&sandbox), &Exact("x")).await;
    assert_eq!(outcome.limit.as_deref(), Some("tokens"));
    assert_eq!(outcome.error, None);
    // 10, 20, 30 tokens: the third call crosses 25, and no fourth is made.
    assert_eq!(outcome.model_calls, 3);
    assert_eq!((outcome.tokens.prompt, outcome.tokens.completion), (24, 6));
    assert_eq!(provider.requests().len(), 3);
    assert_eq!(kinds(&outcome).last(), Some(&"limit"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wall_time_limit_kills_a_sleeping_command() -> Result<()> {
    let sample = sample("Wait.", "x")?;
    let task = task(&agent_solver(ALL_TOOLS, 1, (50, 1_000_000, 2)), &sample)?;
    let started = Instant::now();
    let sandbox = sandbox_or_skip!(&task, &sample);
    let marker = format!("sleep 3{}.25", std::process::id() % 1000);
    let provider = ScriptedProvider::new([bash("c1", &marker), submit("c2", "x")]);
    let outcome = solve(&task, &sample, &provider, Some(&sandbox), &Exact("x")).await;
    let took = started.elapsed();
    ensure!(took < Duration::from_secs(15), "took {took:?}");
    assert_eq!(outcome.limit.as_deref(), Some("wall_time"));
    assert_eq!(outcome.error, None);
    assert!(outcome.answers.is_empty());
    assert_eq!(outcome.model_calls, 1);
    assert_eq!(kinds(&outcome), ["model", "tool", "limit"]);
    let events = tool_events(&outcome);
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].1, events[0].2), (None, true));
    assert!(events[0]
        .3
        .as_deref()
        .is_some_and(|e| e.contains("wall-time limit of 2 s")));
    let output = tool_output(&outcome, "c1")?;
    assert!(output.starts_with("Stopped:"), "{output}");
    // Nothing the command started survives the sample.
    let mut left = String::new();
    for _ in 0..50 {
        let found = std::process::Command::new("pgrep")
            .args(["-a", "-f", &marker])
            .output()
            .context("running pgrep")?;
        left = String::from_utf8_lossy(&found.stdout).into_owned();
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(left.is_empty(), "still running: {left}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_tools_and_bad_arguments_are_reported_and_the_loop_goes_on() -> Result<()> {
    let sample = sample("Find the flag.", "flag{ok}")?;
    let task = task(&agent_solver("\"bash\", \"submit\"", 1, ROOMY), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let mut bad_json = ToolCall::function("c2", "bash", &json!({}));
    bad_json.function.arguments = "{\"cmd\": \"ls".to_owned();
    let provider = ScriptedProvider::new([
        call("c1", "curl", json!({"url": "http://example.com"})),
        ChatResponse::tool_calls(vec![bad_json]),
        call("c3", "python", json!({"code": "print(1)"})),
        call("c4", "bash", json!({"command": "ls"})),
        submit("c5", "flag{ok}"),
    ]);
    let outcome = solve(
        &task,
        &sample,
        &provider,
        Some(&sandbox),
        &Exact("flag{ok}"),
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.limit, None);
    assert_eq!(outcome.answers, ["flag{ok}"]);
    assert_eq!((outcome.model_calls, outcome.tool_calls), (5, 5));
    let unknown = tool_output(&outcome, "c1")?;
    assert!(unknown.contains("no tool named `curl`"), "{unknown}");
    assert!(unknown.contains("bash, submit"), "{unknown}");
    let invalid = tool_output(&outcome, "c2")?;
    assert!(invalid.contains("not valid JSON"), "{invalid}");
    let unoffered = tool_output(&outcome, "c3")?;
    assert!(unoffered.contains("no tool named `python`"), "{unoffered}");
    let misnamed = tool_output(&outcome, "c4")?;
    assert!(
        misnamed.contains("needs a string argument `cmd`"),
        "{misnamed}"
    );
    let errors: Vec<bool> = tool_events(&outcome)
        .iter()
        .map(|(_, _, _, error)| error.is_some())
        .collect();
    assert_eq!(errors, [true, true, true, true, false]);
    // The unparsable arguments are kept as the raw text.
    let raw = outcome.transcript.events.iter().find_map(|e| match e {
        Event::Tool {
            call_id, arguments, ..
        } if call_id == "c2" => Some(arguments.clone()),
        _ => None,
    });
    assert_eq!(raw, Some(json!("{\"cmd\": \"ls")));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_without_tool_calls_is_asked_to_continue() -> Result<()> {
    let sample = sample("Find the flag.", "flag{ok}")?;
    let task = task(&agent_solver(ALL_TOOLS, 1, ROOMY), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let provider = ScriptedProvider::new([
        ChatResponse::text("Let me think about it."),
        submit("c1", "flag{ok}"),
    ]);
    let outcome = solve(
        &task,
        &sample,
        &provider,
        Some(&sandbox),
        &Exact("flag{ok}"),
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.answers, ["flag{ok}"]);
    assert_eq!(outcome.model_calls, 2);
    let nudge = &outcome.transcript.messages[3];
    assert_eq!(nudge.role, Role::User);
    assert!(
        nudge.text().contains("You did not call a tool"),
        "{}",
        nudge.text()
    );
    assert!(nudge.text().contains("`submit`"), "{}", nudge.text());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_submit_the_final_reply_is_the_answer() -> Result<()> {
    let sample = sample("Compute.", "42")?;
    let task = task(&agent_solver("\"bash\"", 1, ROOMY), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let provider = ScriptedProvider::new([bash("c1", "echo $((6*7))"), ChatResponse::text("42")]);
    let outcome = solve(&task, &sample, &provider, Some(&sandbox), &Exact("42")).await;
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.limit, None);
    assert_eq!(outcome.answers, ["42"]);
    assert_eq!(outcome.attempt_scores, [1.0]);
    assert_eq!(kinds(&outcome), ["model", "tool", "model", "submission"]);
    Ok(())
}

#[tokio::test]
async fn the_agent_without_a_sandbox_fails_clearly() -> Result<()> {
    let sample = sample("Find the flag.", "x")?;
    let task = task(&agent_solver(ALL_TOOLS, 1, ROOMY), &sample)?;
    let provider = ScriptedProvider::new([bash("c1", "ls")]);
    let outcome = solve(&task, &sample, &provider, None, &Exact("x")).await;
    let error = outcome.error.clone().unwrap_or_default();
    assert!(error.contains("needs the sample's sandbox"), "{error}");
    assert_eq!(outcome.limit, None);
    assert_eq!(kinds(&outcome), ["model", "tool", "error"]);
    Ok(())
}

#[tokio::test]
async fn agent_provider_and_judge_failures_end_the_sample_with_an_error() -> Result<()> {
    let sample = sample("Find the flag.", "x")?;
    let task = task(&agent_solver(ALL_TOOLS, 2, ROOMY), &sample)?;
    let provider = ScriptedProvider::from_results([Err(ProviderError::Timeout {
        timeout: Duration::from_secs(30),
        attempts: 3,
    })]);
    let outcome = solve(&task, &sample, &provider, None, &Exact("x")).await;
    let error = outcome.error.clone().unwrap_or_default();
    assert!(error.starts_with("model call failed (timeout)"), "{error}");
    assert_eq!(outcome.model_calls, 1);

    let provider = ScriptedProvider::new([submit("c1", "x")]);
    let outcome = solve(&task, &sample, &provider, None, &Broken).await;
    let error = outcome.error.clone().unwrap_or_default();
    assert!(error.contains("the grader is down"), "{error}");
    assert_eq!(outcome.answers, ["x"]);
    assert!(outcome.attempt_scores.is_empty());
    assert_eq!(kinds(&outcome), ["model", "tool", "submission", "error"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_models_bash_then_submit_run_end_to_end() -> Result<()> {
    let mut sample = sample(
        "Find the flag in flag.txt.\nMOCK-CMD: cat flag.txt\nMOCK-ANSWER: flag{mock_e2e}",
        "flag{mock_e2e}",
    )?;
    sample.setup = Some("printf 'flag{mock_e2e}\\n' > flag.txt".to_owned());
    let task = task(&agent_solver(ALL_TOOLS, 1, ROOMY), &sample)?;
    let sandbox = sandbox_or_skip!(&task, &sample);
    let (_addr, mock) = MockServer::start(MockConfig::new(MockBehaviour::ToolThenSubmit)).await?;
    let provider = OpenAiProvider::new(OpenAiConfig::new(mock.base_url(), "mock-model"))?;
    let outcome = solve(
        &task,
        &sample,
        &provider,
        Some(&sandbox),
        &Exact("flag{mock_e2e}"),
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.limit, None);
    assert_eq!((outcome.model_calls, outcome.tool_calls), (2, 2));
    assert_eq!(outcome.answers, ["flag{mock_e2e}"]);
    assert_eq!(outcome.attempt_scores, [1.0]);
    assert!(outcome.tokens.prompt > 0 && outcome.tokens.completion > 0);
    let bash_output = outcome
        .transcript
        .messages
        .iter()
        .find(|m| m.role == Role::Tool)
        .map(Message::text)
        .unwrap_or_default();
    assert!(bash_output.contains("flag{mock_e2e}"), "{bash_output}");
    assert_eq!(
        kinds(&outcome),
        ["model", "tool", "model", "tool", "submission"]
    );
    assert_eq!(mock.requests(), 2);
    Ok(())
}
