//! The runner end to end against the mock endpoint: scores, metrics and the
//! profile, resumption, per-sample errors that never stop a run, epochs and
//! reducers.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use bulwark_domain::designation::ProfileSubject;
use bulwark_eval::provider::mock::{
    FaultKind, FaultWhen, MockBehaviour, MockConfig, MockHandle, MockServer,
};
use bulwark_eval::provider::{
    ChatRequest, ChatResponse, OpenAiConfig, OpenAiProvider, Provider, ProviderFuture,
    ProviderStats, RetryPolicy, ScriptedProvider,
};
use bulwark_eval::runlog::{RunLog, SampleRecord};
use bulwark_eval::runner::{self, ProgressSnapshot, RunError, RunOptions};
use bulwark_eval::sandbox::SandboxConfig;
use bulwark_eval::solver::GenerateConfig;
use bulwark_eval::task::Task;
use bulwark_eval::transcript::{Event, Transcript};
use tempfile::TempDir;

/// A multiple-choice task of `n` samples; sample `i` is answerable by the
/// mock when `correct(i)` (its prompt carries the right letter) and gets
/// the wrong letter otherwise.
fn choice_task(
    root: &Path,
    id: &str,
    category: &str,
    n: usize,
    correct: impl Fn(usize) -> bool,
) -> Result<PathBuf> {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("task.toml"),
        format!(
            "id = \"{id}\"\nversion = \"1.2.0\"\ncategory = \"{category}\"\ndescription = \"test\"\n\n[solver]\nkind = \"single_turn\"\nprompt_template = \"{{input}}\\n\\n{{choices}}\"\n\n[[scorers]]\nkind = \"choice\"\n"
        ),
    )?;
    let mut lines = String::new();
    for i in 0..n {
        let (target, said) = if correct(i) { ("B", "B") } else { ("B", "C") };
        lines.push_str(&serde_json::to_string(&serde_json::json!({
            "id": format!("q{i}"),
            "input": format!("Question {i}?\nMOCK-ANSWER: ANSWER: {said}"),
            "choices": ["one", "two", "three"],
            "target": target,
        }))?);
        lines.push('\n');
    }
    std::fs::write(dir.join("dataset.jsonl"), lines)?;
    Ok(dir)
}

fn options(run_dir: &Path, max_connections: u32) -> RunOptions {
    RunOptions {
        run_dir: run_dir.to_path_buf(),
        run_id: "test-run".into(),
        suite: "unit".into(),
        subject: ProfileSubject {
            developer: "Acme AI".into(),
            model: "mock-model".into(),
            version: None,
        },
        epochs: None,
        max_connections,
        generate: GenerateConfig::default(),
        sandbox: SandboxConfig::default(),
        limit: None,
    }
}

async fn mock(config: MockConfig) -> MockHandle {
    MockServer::start(config).await.expect("mock starts").1
}

fn openai(mock: &MockHandle, max_attempts: u32, timeout: Duration) -> Arc<dyn Provider> {
    let config = OpenAiConfig::new(mock.base_url(), "mock-model")
        .with_retry(RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(1),
        })
        .with_request_timeout(timeout);
    Arc::new(OpenAiProvider::new(config).expect("valid config"))
}

fn records(dir: &Path) -> Result<Vec<SampleRecord>> {
    let log = RunLog::open(dir)?;
    let mut out = Vec::new();
    for record in log.records()? {
        out.push(record?);
    }
    Ok(out)
}

#[tokio::test]
async fn a_suite_run_scores_every_sample_and_builds_the_profile() -> Result<()> {
    let tmp = TempDir::new()?;
    let a = choice_task(tmp.path(), "mc-a", "knowledge", 40, |i| i % 10 < 7)?;
    let b = choice_task(tmp.path(), "mc-b", "cryptography", 20, |i| i % 4 == 0)?;
    let tasks = vec![Task::load(&a)?, Task::load(&b)?];
    let server = mock(MockConfig::new(MockBehaviour::AnswerFromPrompt)).await;
    let seen = Arc::new(Mutex::new(Vec::<ProgressSnapshot>::new()));
    let sink = Arc::clone(&seen);
    let progress: Arc<dyn runner::Progress> =
        Arc::new(move |p: &ProgressSnapshot| sink.lock().unwrap().push(p.clone()));
    let run_dir = tmp.path().join("run");
    let summary = runner::run(
        tasks,
        openai(&server, 3, Duration::from_secs(10)),
        options(&run_dir, 8),
        Some(progress),
    )
    .await?;

    assert_eq!(summary.status, "complete");
    assert_eq!(summary.counts.total, 60);
    assert_eq!(summary.counts.completed, 60);
    assert_eq!(summary.counts.errors, 0);
    assert_eq!(summary.counts.correct, 28 + 5);
    let acc = |name: &str| summary.metrics[name].value;
    assert!((acc("unit/knowledge.accuracy") - 0.7).abs() < 1e-12);
    assert!((acc("unit/cryptography.accuracy") - 0.25).abs() < 1e-12);
    assert!((acc("unit/overall.accuracy") - 33.0 / 60.0).abs() < 1e-12);
    assert!((acc("unit/task/mc-a.accuracy") - 0.7).abs() < 1e-12);
    // Within one task: Wilson's interval for 28 of 40 (scipy/statsmodels
    // proportion_confint(28, 40, method="wilson") = (0.5457, 0.8193)).
    let task = &summary.metrics["unit/task/mc-a.accuracy"];
    assert_eq!(task.n, 40);
    assert!((task.ci95_lower.unwrap() - 0.5457).abs() < 1e-3, "{task:?}");
    assert!((task.ci95_upper.unwrap() - 0.8193).abs() < 1e-3, "{task:?}");
    // Categories are clustered by task; a category of one task is one
    // cluster, which says nothing between tasks: plain Wilson then.
    let k = &summary.metrics["unit/knowledge.accuracy"];
    assert_eq!((k.n, k.clusters), (40, None));
    assert_eq!(k.ci95_lower, task.ci95_lower);
    let overall = &summary.metrics["unit/overall.accuracy"];
    assert_eq!(overall.clusters, Some(2));
    assert_eq!(overall.method.as_str(), "clustered-wilson");
    assert!(summary.tokens.prompt > 0);

    // The profile carries every metric, the task versions and the settings.
    let profile = &summary.profile;
    assert_eq!(profile.subject.developer, "Acme AI");
    assert_eq!(profile.metrics.len(), summary.metrics.len());
    assert_eq!(profile.metrics["unit/knowledge.accuracy"].n, 40);
    let elicitation = profile.elicitation.as_ref().unwrap();
    assert_eq!(elicitation["tasks"][0]["version"], "1.2.0");
    assert_eq!(elicitation["tasks"][0]["scaffold"]["solver"], "single_turn");
    assert_eq!(elicitation["model"], "mock-model");

    // Everything is on disk: 60 records and the summary.
    let stored = records(&run_dir)?;
    assert_eq!(stored.len(), 60);
    let q0 = stored
        .iter()
        .find(|r| r.task_id == "mc-a" && r.sample_id == "q0")
        .unwrap();
    assert_eq!(q0.score, Some(1.0));
    assert_eq!(q0.answer.as_deref(), Some("ANSWER: B"));
    let transcript = Transcript::from_value(&q0.transcript).expect("a transcript");
    assert!(transcript
        .events
        .iter()
        .any(|e| matches!(e, Event::Model { .. })));
    assert!(transcript
        .events
        .iter()
        .any(|e| matches!(e, Event::Score { value, .. } if *value == 1.0)));
    let on_disk = RunLog::open(&run_dir)?
        .read_summary()?
        .expect("summary.json");
    assert_eq!(on_disk["counts"]["correct"], 33);

    let seen = seen.lock().unwrap();
    assert_eq!(seen.last().map(|p| (p.done, p.total)), Some((60, 60)));
    Ok(())
}

/// Counts requests and delegates.
struct Counting {
    inner: Arc<dyn Provider>,
    requests: AtomicU64,
}

impl Provider for Counting {
    fn complete<'a>(&'a self, req: &'a ChatRequest) -> ProviderFuture<'a> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.inner.complete(req)
    }
    fn stats(&self) -> ProviderStats {
        self.inner.stats()
    }
    fn model(&self) -> &str {
        self.inner.model()
    }
}

#[tokio::test]
async fn running_the_same_run_again_resumes_only_unfinished_samples() -> Result<()> {
    let tmp = TempDir::new()?;
    let dir = choice_task(tmp.path(), "mc", "knowledge", 30, |i| i % 2 == 0)?;
    let server = mock(MockConfig::new(MockBehaviour::AnswerFromPrompt)).await;
    let run_dir = tmp.path().join("run");

    // A first process that stopped after 12 samples.
    let mut first = options(&run_dir, 4);
    first.limit = Some(12);
    let partial = runner::run(
        vec![Task::load(&dir)?],
        openai(&server, 1, Duration::from_secs(5)),
        first,
        None,
    )
    .await?;
    assert_eq!(partial.counts.completed, 12);

    let counting = Arc::new(Counting {
        inner: openai(&server, 1, Duration::from_secs(5)),
        requests: AtomicU64::new(0),
    });
    let summary = runner::run(
        vec![Task::load(&dir)?],
        counting.clone(),
        options(&run_dir, 4),
        None,
    )
    .await?;
    assert_eq!(
        counting.requests.load(Ordering::Relaxed),
        18,
        "only the 18 unfinished samples"
    );
    assert_eq!(summary.counts.resumed, 12);
    assert_eq!(summary.counts.completed, 30);
    assert_eq!(summary.status, "complete");
    assert!((summary.metrics["unit/overall.accuracy"].value - 0.5).abs() < 1e-12);
    assert_eq!(records(&run_dir)?.len(), 30);

    // A third run finds nothing to do and asks nothing.
    let counting = Arc::new(Counting {
        inner: openai(&server, 1, Duration::from_secs(5)),
        requests: AtomicU64::new(0),
    });
    let again = runner::run(
        vec![Task::load(&dir)?],
        counting.clone(),
        options(&run_dir, 4),
        None,
    )
    .await?;
    assert_eq!(counting.requests.load(Ordering::Relaxed), 0);
    assert_eq!(again.counts.completed, 30);
    Ok(())
}

#[tokio::test]
async fn a_directory_holding_another_run_is_refused() -> Result<()> {
    let tmp = TempDir::new()?;
    let a = choice_task(tmp.path(), "mc-a", "knowledge", 3, |_| true)?;
    let b = choice_task(tmp.path(), "mc-b", "knowledge", 3, |_| true)?;
    let server = mock(MockConfig::new(MockBehaviour::AnswerFromPrompt)).await;
    let run_dir = tmp.path().join("run");
    runner::run(
        vec![Task::load(&a)?],
        openai(&server, 1, Duration::from_secs(5)),
        options(&run_dir, 2),
        None,
    )
    .await?;
    let err = runner::run(
        vec![Task::load(&b)?],
        openai(&server, 1, Duration::from_secs(5)),
        options(&run_dir, 2),
        None,
    )
    .await
    .expect_err("another run's directory");
    assert!(matches!(err, RunError::Invalid(_)));
    assert!(err.to_string().contains("holds another run"), "{err}");
    assert!(err.to_string().contains("mc-a@1.2.0"), "{err}");
    Ok(())
}

#[tokio::test]
async fn provider_failures_are_per_sample_errors_and_the_run_goes_on() -> Result<()> {
    let tmp = TempDir::new()?;
    let dir = choice_task(tmp.path(), "mc", "knowledge", 40, |_| true)?;
    // Every 4th request: a 500; every 5th: invalid JSON; every 7th: an
    // enormous reply; every 9th: a hang past the client's timeout. No retries.
    let config = MockConfig::new(MockBehaviour::AnswerFromPrompt)
        .with_fault(FaultKind::ServerError, FaultWhen::Every(4))
        .with_fault(FaultKind::InvalidJson, FaultWhen::Every(5))
        .with_fault(FaultKind::Enormous { bytes: 32 << 20 }, FaultWhen::Every(7))
        .with_fault(
            FaultKind::Hang(Duration::from_secs(30)),
            FaultWhen::Every(9),
        );
    let server = mock(config).await;
    let run_dir = tmp.path().join("run");
    let summary = runner::run(
        vec![Task::load(&dir)?],
        openai(&server, 1, Duration::from_millis(500)),
        options(&run_dir, 1),
        None,
    )
    .await?;
    // Requests 1..=40 in order (one connection): hits of 4, 5, 7 or 9.
    let failing = (1..=40u64)
        .filter(|n| n % 4 == 0 || n % 5 == 0 || n % 7 == 0 || n % 9 == 0)
        .count() as u64;
    assert_eq!(summary.counts.completed, 40);
    assert_eq!(summary.counts.errors, failing);
    assert_eq!(summary.counts.correct, 40 - failing);
    // Errored samples are left out of the metrics (as Inspect does).
    assert_eq!(summary.metrics["unit/overall.accuracy"].n, 40 - failing);
    assert!((summary.metrics["unit/overall.accuracy"].value - 1.0).abs() < 1e-12);

    let stored = records(&run_dir)?;
    let errors: Vec<&str> = stored.iter().filter_map(|r| r.error.as_deref()).collect();
    assert_eq!(errors.len() as u64, failing);
    assert!(errors.iter().any(|e| e.contains("500")), "{errors:?}");
    assert!(
        errors.iter().any(|e| e.contains("invalid_response")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.to_lowercase().contains("timed out") || e.to_lowercase().contains("timeout")), "{errors:?}");
    assert!(
        errors.iter().any(|e| e.to_lowercase().contains("too large")
            || e.contains("MiB")
            || e.to_lowercase().contains("bytes")),
        "{errors:?}"
    );
    Ok(())
}

#[tokio::test]
async fn epochs_are_reduced_per_sample_with_the_tasks_reducer() -> Result<()> {
    let tmp = TempDir::new()?;
    let dir = choice_task(tmp.path(), "mc", "knowledge", 2, |_| true)?;
    let toml = std::fs::read_to_string(dir.join("task.toml"))?;
    std::fs::write(
        dir.join("task.toml"),
        toml.replace(
            "[solver]",
            "epochs = 4\n\n[reducer]\nkind = \"pass_at_k\"\nk = 2\n\n[solver]",
        ),
    )?;
    // q0 is right in epochs 1 and 3 only; q1 never.
    let provider = ScriptedProvider::from_fn(|req: &ChatRequest| {
        let text = req
            .messages
            .last()
            .and_then(|m| m.content.clone())
            .unwrap_or_default();
        let right = text.contains("Question 0") && req.epoch % 2 == 1;
        Ok(ChatResponse::text(if right {
            "ANSWER: B"
        } else {
            "ANSWER: A"
        }))
    });
    let run_dir = tmp.path().join("run");
    let summary = runner::run(
        vec![Task::load(&dir)?],
        Arc::new(provider),
        options(&run_dir, 2),
        None,
    )
    .await?;
    assert_eq!(summary.counts.total, 8);
    assert_eq!(summary.counts.completed, 8);
    // pass@2 with n = 4, c = 2: 1 − C(2,2)/C(4,2) = 5/6; q1: 0.
    let overall = &summary.metrics["unit/overall.mean"];
    assert!(
        (overall.value - (5.0 / 6.0) / 2.0).abs() < 1e-12,
        "{overall:?}"
    );
    assert_eq!(overall.n, 2);
    let elicitation = summary.profile.elicitation.unwrap();
    assert_eq!(elicitation["tasks"][0]["epochs"], 4);
    assert_eq!(elicitation["tasks"][0]["reducer"]["kind"], "pass_at_k");
    Ok(())
}

#[tokio::test]
async fn bad_options_are_refused_before_anything_is_written() -> Result<()> {
    let tmp = TempDir::new()?;
    let dir = choice_task(tmp.path(), "mc", "knowledge", 2, |_| true)?;
    let server = mock(MockConfig::new(MockBehaviour::AnswerFromPrompt)).await;
    let run_dir = tmp.path().join("run");
    let mut zero = options(&run_dir, 0);
    let err = runner::run(
        vec![Task::load(&dir)?],
        openai(&server, 1, Duration::from_secs(1)),
        zero.clone(),
        None,
    )
    .await
    .expect_err("zero connections");
    assert!(err.to_string().contains("max_connections"), "{err}");
    zero.max_connections = 1;
    zero.epochs = Some(0);
    let err = runner::run(
        vec![Task::load(&dir)?],
        openai(&server, 1, Duration::from_secs(1)),
        zero,
        None,
    )
    .await
    .expect_err("zero epochs");
    assert!(err.to_string().contains("epochs"), "{err}");
    assert!(!run_dir.exists(), "nothing written");
    let twice = vec![Task::load(&dir)?, Task::load(&dir)?];
    let err = runner::run(
        twice,
        openai(&server, 1, Duration::from_secs(1)),
        options(&run_dir, 1),
        None,
    )
    .await
    .expect_err("a task twice");
    assert!(err.to_string().contains("twice"), "{err}");
    Ok(())
}

/// An agent task: the flag is in a file of the sandbox; the mock reads it
/// with one `bash` call and submits what its prompt says.
fn agent_task(root: &Path, n: usize) -> Result<PathBuf> {
    let dir = root.join("agent");
    std::fs::create_dir_all(dir.join("files"))?;
    std::fs::write(dir.join("files/flag.txt"), "bulwark{in-the-box}\n")?;
    std::fs::write(
        dir.join("task.toml"),
        "id = \"agent\"\nversion = \"1\"\ncategory = \"forensics\"\ndescription = \"read a file\"\n\n[solver]\nkind = \"agent\"\nmax_attempts = 2\n\n[sandbox.files]\n\"flag.txt\" = \"files/flag.txt\"\n\n[[scorers]]\nkind = \"includes\"\n",
    )?;
    let mut lines = String::new();
    for i in 0..n {
        let said = if i % 2 == 0 {
            "bulwark{in-the-box}"
        } else {
            "bulwark{guess}"
        };
        lines.push_str(&serde_json::to_string(&serde_json::json!({
            "id": format!("a{i}"),
            "input": format!("Find the flag.\nMOCK-CMD: cat flag.txt\nMOCK-ANSWER: {said}"),
            "target": "bulwark{in-the-box}",
        }))?);
        lines.push('\n');
    }
    std::fs::write(dir.join("dataset.jsonl"), lines)?;
    Ok(dir)
}

#[tokio::test]
async fn agent_samples_run_their_tools_in_the_sandbox_and_are_scored() -> Result<()> {
    if !crate::sandbox_usable("the runner agent test").await? {
        return Ok(());
    }
    let tmp = TempDir::new()?;
    let dir = agent_task(tmp.path(), 6)?;
    let server = mock(MockConfig::new(MockBehaviour::ToolThenSubmit)).await;
    let run_dir = tmp.path().join("run");
    let summary = runner::run(
        vec![Task::load(&dir)?],
        openai(&server, 2, Duration::from_secs(10)),
        options(&run_dir, 3),
        None,
    )
    .await?;
    assert_eq!(summary.counts.completed, 6);
    assert_eq!(summary.counts.errors, 0, "{:?}", records(&run_dir)?);
    assert_eq!(summary.counts.correct, 3);
    assert!((summary.metrics["unit/forensics.accuracy"].value - 0.5).abs() < 1e-12);

    let stored = records(&run_dir)?;
    let a0 = stored.iter().find(|r| r.sample_id == "a0").unwrap();
    let t = Transcript::from_value(&a0.transcript).unwrap();
    let tool_output = t.events.iter().find_map(|e| match e {
        Event::Tool { name, output, .. } if name == "bash" => Some(output.clone()),
        _ => None,
    });
    assert!(
        tool_output
            .as_deref()
            .is_some_and(|o| o.contains("bulwark{in-the-box}")),
        "{tool_output:?}"
    );
    assert!(matches!(t.events.first(), Some(Event::Setup { .. })));
    // The wrong answer used both attempts.
    let a1 = stored.iter().find(|r| r.sample_id == "a1").unwrap();
    let t = Transcript::from_value(&a1.transcript).unwrap();
    let submissions = t
        .events
        .iter()
        .filter(|e| matches!(e, Event::Submission { .. }))
        .count();
    assert_eq!(submissions, 2);
    assert_eq!(a1.score, Some(0.0));
    let scaffold = &summary.profile.elicitation.as_ref().unwrap()["tasks"][0]["scaffold"];
    assert_eq!(scaffold["solver"], "agent");
    assert_eq!(scaffold["max_attempts"], 2);
    Ok(())
}
