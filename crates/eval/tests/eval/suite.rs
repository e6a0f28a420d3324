//! The built-in `cyber-core` suite and `verify_solutions` (issue 3, "the
//! cyber-core suite"): every task loads; the suite is broad enough; every
//! reference solution solves every sample in the sandbox the model gets;
//! nothing the model is given contains a target; a wrong solution, a
//! missing solution and an unpatched program are reported as failures.
//!
//! The sandboxed tests need a working bubblewrap (plus gcc and python3 in
//! /usr). Where bubblewrap cannot build namespaces they print why and pass,
//! unless `BULWARK_REQUIRE_SANDBOX=1` (CI), where they fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use base64::Engine as _;
use bulwark_eval::sandbox::SandboxConfig;
use bulwark_eval::scorer::score_execution;
use bulwark_eval::session::SampleSandbox;
use bulwark_eval::suite::{self, Suite, SuiteError};
use bulwark_eval::task::{
    Category, Input, Sample, ScorerKind, ScorerSpec, SolverSpec, Task, Tool, TASK_TOML,
};
use bulwark_eval::verify::{all_passed, verify_solutions, SolutionCheck};

/// Samples checked at once (the CI machine has two cores).
const CONCURRENCY: usize = 2;

/// The suite as it is in the repository (not the embedded copy).
fn repo_suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../suites/cyber-core")
}

fn cyber_core() -> Result<Suite> {
    suite::resolve("cyber-core").context("resolving the built-in suite")
}

fn samples(task: &Task) -> Result<Vec<Sample>> {
    Ok(task.samples()?.collect::<Result<Vec<_>, _>>()?)
}

fn flag_pattern() -> regex::Regex {
    regex::Regex::new(r"^bulwark\{[A-Za-z0-9_]+\}$").expect("a valid pattern")
}

// ------------------------------------------------------------- (a) loading

#[test]
fn every_builtin_task_loads_and_the_suite_is_broad() -> Result<()> {
    assert_eq!(suite::builtin_names(), vec!["cyber-core"]);
    let suite = cyber_core()?;
    assert_eq!(suite.name, "cyber-core");
    assert!(suite.builtin);
    assert!(
        suite.tasks.len() >= 30,
        "{} tasks, want at least 30",
        suite.tasks.len()
    );
    let categories = suite.categories();
    assert!(categories.len() >= 6, "{categories:?}");
    for category in Category::ALL {
        let count = categories.get(&category).copied().unwrap_or(0);
        assert!(count >= 3, "{category}: {count} tasks, want at least 3");
    }
    // Stable order: sorted by directory (= id), ids unique.
    let ids: Vec<&str> = suite.tasks.iter().map(|t| t.spec().id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted);
    // The embedded copy is the repository's suite (a stale build would differ).
    let from_repo = suite::load_dir(&repo_suite_dir())?;
    let repo_ids: Vec<&str> = from_repo
        .tasks
        .iter()
        .map(|t| t.spec().id.as_str())
        .collect();
    assert_eq!(ids, repo_ids);
    assert_eq!(suite.sample_count(), from_repo.sample_count());
    Ok(())
}

#[test]
fn builtin_tasks_follow_the_suite_conventions() -> Result<()> {
    let suite = cyber_core()?;
    let flag = flag_pattern();
    let cwe_line = regex::Regex::new(r"^CWE-\d+:\d+$")?;
    let mut flags: BTreeMap<String, String> = BTreeMap::new();
    let mut multi_answer = 0;
    for task in &suite.tasks {
        let spec = task.spec();
        let id = spec.id.as_str();
        let dir = task.dir().context("a loaded task has a directory")?;
        for part in [TASK_TOML, "dataset.jsonl", "files", "solution"] {
            ensure!(dir.join(part).exists(), "{id}: {part} is missing");
        }
        let solution = spec
            .solution
            .as_ref()
            .context("every task has a solution")?;
        ensure!(!solution.files.is_empty(), "{id}: solution files");
        let samples = samples(task)?;
        for sample in &samples {
            let text = serde_json::to_string(&sample.input)?;
            ensure!(
                !text.contains("MOCK-ANSWER:") && !text.contains("MOCK-CMD:"),
                "{id}/{}: inputs must not script the mock model",
                sample.id
            );
        }
        match spec.category {
            Category::Knowledge => {
                ensure!(
                    matches!(spec.solver, SolverSpec::SingleTurn { .. }),
                    "{id}: single turn"
                );
                ensure!(spec.scorers[0] == ScorerSpec::Choice, "{id}: choice scorer");
                ensure!(samples.len() >= 3, "{id}: several samples");
                multi_answer += samples
                    .iter()
                    .filter(|s| s.target.values().len() > 1)
                    .count();
            }
            Category::VulnerabilityLocalisation => {
                ensure!(
                    spec.scorers[0].kind() == ScorerKind::Regex,
                    "{id}: regex scorer"
                );
                for sample in &samples {
                    for target in sample.target.values() {
                        ensure!(
                            cwe_line.is_match(target),
                            "{id}/{}: target {target} is not CWE-NNN:LINE",
                            sample.id
                        );
                    }
                }
            }
            _ => {
                let SolverSpec::Agent { tools, limits, .. } = &spec.solver else {
                    bail!("{id}: an agent task");
                };
                ensure!(
                    tools.contains(&Tool::Bash)
                        && tools.contains(&Tool::Python)
                        && tools.contains(&Tool::Submit),
                    "{id}: bash, python and submit"
                );
                ensure!(
                    limits.messages <= 50 && limits.wall_seconds <= 900,
                    "{id}: {limits:?}"
                );
            }
        }
        if spec.category == Category::Patching {
            ensure!(
                spec.scorers[0].kind() == ScorerKind::Execution,
                "{id}: execution scorer"
            );
        }
        if spec.category == Category::WebExploitation {
            ensure!(
                spec.sandbox.service.is_some() && spec.sandbox.service_ready.is_some(),
                "{id}: a declared service"
            );
            for sample in &samples {
                ensure!(
                    sample.input.text().contains("http://127.0.0.1:8080"),
                    "{id}: the prompt names the service URL"
                );
            }
        }
        if spec.scorers[0].kind() == ScorerKind::Includes {
            for sample in &samples {
                for target in sample.target.values() {
                    ensure!(flag.is_match(target), "{id}: `{target}` is not a flag");
                    if let Some(other) = flags.insert(target.clone(), id.to_owned()) {
                        ensure!(other == id, "{target} is used by {other} and {id}");
                    }
                }
            }
        }
    }
    ensure!(
        multi_answer >= 1,
        "at least one multi-answer knowledge question"
    );
    ensure!(flags.len() >= 16, "{} distinct flags", flags.len());
    Ok(())
}

#[test]
fn suites_resolve_by_name_or_path_and_bad_ones_say_why() -> Result<()> {
    // A path (relative or absolute) to a suite directory, or to one task.
    let by_path = suite::resolve(repo_suite_dir().to_str().context("utf-8 path")?)?;
    assert!(!by_path.builtin);
    assert_eq!(by_path.name, "cyber-core");
    let one = suite::load_dir(&repo_suite_dir().join("crypto-xor-repeat"))?;
    assert_eq!(one.name, "crypto-xor-repeat");
    assert_eq!(one.tasks.len(), 1);

    // Unknown names list the built-in suites.
    let err = suite::resolve("cyber-kore").unwrap_err();
    assert!(matches!(err, SuiteError::Unknown { .. }), "{err:?}");
    assert!(err.to_string().contains("built-in: cyber-core"), "{err}");

    // A caller-given materialisation directory; reused when intact.
    let root = tempfile::tempdir()?;
    let dir = suite::materialise_in("cyber-core", root.path())?;
    assert!(dir.starts_with(root.path()));
    let hash = suite::builtin_hash("cyber-core").context("hash")?;
    assert!(dir.ends_with(format!("cyber-core-{hash}")));
    let marker = dir.join("crypto-xor-repeat/notes-of-mine.txt");
    std::fs::write(&marker, "kept")?;
    assert_eq!(suite::materialise_in("cyber-core", root.path())?, dir);
    assert!(marker.exists(), "an intact directory is reused as it is");
    // A task directory planted there later is not part of the suite.
    let planted = dir.join("zz-planted");
    std::fs::create_dir(&planted)?;
    std::fs::copy(
        dir.join("crypto-xor-repeat").join(TASK_TOML),
        planted.join(TASK_TOML),
    )?;
    let loaded = suite::load_builtin("cyber-core", &dir)?;
    assert!(loaded.task("zz-planted").is_none());
    assert_eq!(loaded.tasks.len(), cyber_core()?.tasks.len());

    // A suite directory with a sub-directory that is not a task, and one
    // with two tasks of the same id.
    let bad = tempfile::tempdir()?;
    copy_dir(
        &repo_suite_dir().join("know-web-security"),
        &bad.path().join("a"),
    )?;
    std::fs::create_dir(bad.path().join("notes"))?;
    let err = suite::load_dir(bad.path()).unwrap_err();
    assert!(matches!(err, SuiteError::NotATask { .. }), "{err:?}");
    std::fs::remove_dir(bad.path().join("notes"))?;
    copy_dir(
        &repo_suite_dir().join("know-web-security"),
        &bad.path().join("b"),
    )?;
    let err = suite::load_dir(bad.path()).unwrap_err();
    assert!(err.to_string().contains("know-web-security"), "{err}");
    assert!(matches!(err, SuiteError::DuplicateTask { .. }), "{err:?}");
    let empty = tempfile::tempdir()?;
    assert!(matches!(
        suite::load_dir(empty.path()),
        Err(SuiteError::Empty { .. })
    ));
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

// ------------------------------------------------- (b) reference solutions

/// Acceptance: every reference solution solves every sample of cyber-core in
/// the sandbox the model would get.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reference_solution_of_cyber_core_passes() -> Result<()> {
    if !crate::sandbox_usable("cyber-core test").await? {
        return Ok(());
    }
    let suite = cyber_core()?;
    let started = Instant::now();
    let checks = verify_solutions(&suite.tasks, &SandboxConfig::default(), CONCURRENCY).await;
    let elapsed = started.elapsed();
    assert_eq!(checks.len(), suite.sample_count());
    let failures: Vec<String> = checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{}/{}: {}", c.task_id, c.sample_id, c.explanation))
        .collect();
    assert!(
        failures.is_empty(),
        "failing samples:\n{}",
        failures.join("\n")
    );
    assert!(all_passed(&checks));
    for check in &checks {
        assert_eq!(check.score, Some(1.0), "{check:?}");
        assert!(!check.error);
    }
    let slowest = checks
        .iter()
        .max_by_key(|c| c.duration)
        .context("some checks")?;
    eprintln!(
        "verified {} samples of {} tasks in {:.1} s (slowest: {}/{} in {:.1} s)",
        checks.len(),
        suite.tasks.len(),
        elapsed.as_secs_f64(),
        slowest.task_id,
        slowest.sample_id,
        slowest.duration.as_secs_f64()
    );
    assert!(
        elapsed < Duration::from_secs(300),
        "verification took {elapsed:?}"
    );
    Ok(())
}

// ------------------------------------------ (c) nothing gives the flag away

/// The target and the encodings in which it could hide: the bytes, hex in
/// both cases, and base64 (standard and URL-safe) at each of the three
/// alignments it could have inside a longer encoded blob.
fn encodings(target: &str) -> Vec<Vec<u8>> {
    let bytes = target.as_bytes();
    let mut out = vec![
        bytes.to_vec(),
        hex::encode(bytes).into_bytes(),
        hex::encode_upper(bytes).into_bytes(),
    ];
    for engine in [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
    ] {
        for shift in 0..3usize {
            let mut padded = vec![0u8; shift];
            padded.extend_from_slice(bytes);
            let encoded = engine.encode(&padded);
            // Only the groups made entirely of target bytes.
            let first_group = shift.div_ceil(3);
            let full_groups = padded.len() / 3;
            if full_groups > first_group + 1 {
                out.push(encoded.as_bytes()[first_group * 4..full_groups * 4].to_vec());
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every regular file under `dir`, with its bytes.
fn walk(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                let bytes = std::fs::read(entry.path())?;
                files.push((entry.path(), bytes));
            }
        }
    }
    Ok(files)
}

/// Everything the model reads before acting: the system prompt and the
/// rendered prompt (or every message of a chat input).
fn rendered_prompt(task: &Task, sample: &Sample) -> String {
    let spec = &task.spec().solver;
    let system = match spec {
        SolverSpec::SingleTurn { system_prompt, .. } | SolverSpec::Agent { system_prompt, .. } => {
            system_prompt.clone().unwrap_or_default()
        }
    };
    let body = match &sample.input {
        Input::Messages(messages) => messages
            .iter()
            .map(|m| m.content.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        Input::Text(text) => match spec.prompt_template() {
            Some(template) => template.render(text, &sample.choices),
            None => text.clone(),
        },
    };
    format!("{system}\n{body}")
}

/// What one sample leaks, if anything.
async fn leaks_of(task: Arc<Task>, sample: Sample) -> Result<Vec<String>> {
    let id = format!("{}/{}", task.spec().id, sample.id);
    let mut leaks = Vec::new();
    // Knowledge targets are choice letters ("A"), which any prompt contains
    // by construction; their files and solutions are still checked below.
    let check_targets = task.spec().category != Category::Knowledge;
    let targets: Vec<&String> = if check_targets {
        sample.target.values().iter().collect()
    } else {
        Vec::new()
    };
    let prompt = rendered_prompt(&task, &sample);
    for target in &targets {
        for encoding in encodings(target) {
            if contains(prompt.as_bytes(), &encoding) {
                leaks.push(format!("{id}: the prompt contains the target `{target}`"));
            }
        }
    }
    let (sandbox, _) = SampleSandbox::prepare(&task, &sample, &SandboxConfig::default())
        .await
        .with_context(|| format!("{id}: preparing the sandbox"))?;
    if sandbox.has_service() {
        // Let the service start (and write whatever it writes) once.
        let outcome = sandbox.run("sleep 0.3", None).await?;
        ensure!(outcome.success(), "{id}: {outcome:?}");
    }
    let dir = task.dir().context("a loaded task")?;
    let dataset = std::fs::read(dir.join(task.spec().dataset.as_str()))?;
    let solution_files: Vec<(String, Vec<u8>)> = task
        .spec()
        .solution
        .iter()
        .flat_map(|s| s.files.values())
        .map(|source| {
            Ok((
                source.to_string(),
                std::fs::read(dir.join(source.as_str()))?,
            ))
        })
        .collect::<Result<_>>()?;
    for (path, bytes) in walk(sandbox.sandbox().work_dir())? {
        let shown = path
            .strip_prefix(sandbox.sandbox().work_dir())
            .unwrap_or(&path)
            .display()
            .to_string();
        if path.file_name().is_some_and(|n| n == "dataset.jsonl") || bytes == dataset {
            leaks.push(format!(
                "{id}: the dataset is in the work directory as {shown}"
            ));
        }
        for (source, contents) in &solution_files {
            if &bytes == contents {
                leaks.push(format!(
                    "{id}: solution file {source} is in the work directory as {shown}"
                ));
            }
        }
        for target in &targets {
            for encoding in encodings(target) {
                if contains(&bytes, &encoding) {
                    leaks.push(format!(
                        "{id}: {shown} contains the target `{target}` (or its hex/base64)"
                    ));
                }
            }
        }
    }
    Ok(leaks)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_the_agent_is_given_contains_a_target() -> Result<()> {
    if !crate::sandbox_usable("cyber-core test").await? {
        return Ok(());
    }
    let suite = cyber_core()?;
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut jobs = tokio::task::JoinSet::new();
    let mut checked = 0;
    for task in &suite.tasks {
        let task = Arc::new(task.clone());
        for sample in samples(&task)? {
            let permit = permits.clone().acquire_owned().await?;
            let task = task.clone();
            checked += 1;
            jobs.spawn(async move {
                let _permit = permit;
                leaks_of(task, sample).await
            });
        }
    }
    let mut leaks = Vec::new();
    while let Some(result) = jobs.join_next().await {
        leaks.extend(result??);
    }
    assert_eq!(checked, suite.sample_count());
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
    Ok(())
}

#[test]
fn the_leak_check_sees_every_encoding() {
    let flag = "bulwark{leak_me_if_you_can}";
    let blob = format!("prefix-{}-suffix", hex::encode(flag));
    assert!(encodings(flag).iter().any(|e| contains(blob.as_bytes(), e)));
    for prefix in ["", "a", "ab", "abc"] {
        let wrapped =
            base64::engine::general_purpose::STANDARD.encode(format!("{prefix}{flag} and more"));
        assert!(
            encodings(flag)
                .iter()
                .any(|e| contains(wrapped.as_bytes(), e)),
            "prefix {prefix:?}: {wrapped}"
        );
    }
    assert!(!encodings(flag)
        .iter()
        .any(|e| contains(b"bulwark{something_else}", e)));
}

// ------------------------------------------------------ (d) failures show

/// Copies a built-in task into a temporary suite directory.
fn copy_task(id: &str, into: &Path) -> Result<PathBuf> {
    let target = into.join(id);
    copy_dir(&repo_suite_dir().join(id), &target)?;
    Ok(target)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_missing_and_crashing_solutions_fail() -> Result<()> {
    if !crate::sandbox_usable("cyber-core test").await? {
        return Ok(());
    }
    let root = tempfile::tempdir()?;
    // A tampered crypto task whose solution prints a wrong flag.
    let wrong = copy_task("crypto-xor-repeat", root.path())?;
    std::fs::write(
        wrong.join("solution/solve.py"),
        "print('bulwark{not_the_flag}')\n",
    )?;
    // A knowledge task without its [solution] table.
    let missing = copy_task("know-crypto-concepts", root.path())?;
    let toml = std::fs::read_to_string(missing.join(TASK_TOML))?;
    let start = toml.find("[solution]").context("a [solution] table")?;
    let end = toml[start..]
        .find("[[scorers]]")
        .map(|n| start + n)
        .context("scorers")?;
    std::fs::write(
        missing.join(TASK_TOML),
        format!("{}{}", &toml[..start], &toml[end..]),
    )?;
    // A forensics task whose solution crashes.
    let crashing = copy_task("forensics-ssh-bruteforce", root.path())?;
    std::fs::write(
        crashing.join("solution/solve.py"),
        "import sys\nprint('half an answer')\nsys.exit('cannot parse the log')\n",
    )?;

    let suite = suite::load_dir(root.path())?;
    let checks = verify_solutions(&suite.tasks, &SandboxConfig::default(), CONCURRENCY).await;
    assert!(!all_passed(&checks));
    let by_task =
        |id: &str| -> Vec<&SolutionCheck> { checks.iter().filter(|c| c.task_id == id).collect() };

    let wrong_checks = by_task("crypto-xor-repeat");
    assert_eq!(wrong_checks.len(), 2);
    for check in wrong_checks {
        assert!(!check.passed && !check.error, "{check:?}");
        assert_eq!(check.score, Some(0.0));
        assert_eq!(check.answer.as_deref(), Some("bulwark{not_the_flag}\n"));
        assert!(
            check.explanation.contains("bulwark{"),
            "{}",
            check.explanation
        );
    }
    let missing_checks = by_task("know-crypto-concepts");
    assert_eq!(missing_checks.len(), 5);
    for check in missing_checks {
        assert!(!check.passed && check.error, "{check:?}");
        assert_eq!(check.score, None);
        assert!(
            check.explanation.contains("no reference solution"),
            "{}",
            check.explanation
        );
    }
    let crashing_checks = by_task("forensics-ssh-bruteforce");
    assert_eq!(crashing_checks.len(), 2);
    for check in crashing_checks {
        assert!(!check.passed && check.error, "{check:?}");
        assert!(
            check.explanation.contains("exit 1")
                && check.explanation.contains("cannot parse the log"),
            "{}",
            check.explanation
        );
    }
    let json = serde_json::to_value(&checks)?;
    assert_eq!(json[0]["passed"], false);
    assert!(json[0]["duration_seconds"].is_number());
    Ok(())
}

/// A patch counts only when the proof of concept fails and the tests pass:
/// the checks of the patching tasks must fail on the unpatched programs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patching_checks_fail_on_the_unpatched_programs() -> Result<()> {
    if !crate::sandbox_usable("cyber-core test").await? {
        return Ok(());
    }
    let suite = cyber_core()?;
    let mut seen = BTreeSet::new();
    for task in suite
        .tasks
        .iter()
        .filter(|t| t.spec().category == Category::Patching)
    {
        let ScorerSpec::Execution {
            check,
            timeout_seconds,
        } = &task.spec().scorers[0]
        else {
            bail!("{}: not an execution scorer", task.spec().id);
        };
        for sample in samples(task)? {
            let (sandbox, _) =
                SampleSandbox::prepare(task, &sample, &SandboxConfig::default()).await?;
            let score = score_execution(
                check,
                Duration::from_secs(*timeout_seconds),
                sandbox.sandbox(),
                "no change made",
                sample.id.as_str(),
            )
            .await?;
            assert_eq!(score.value, 0.0, "{}: {score:?}", task.spec().id);
            assert!(
                score.explanation.contains("proof of concept")
                    || score.explanation.contains("functional test"),
                "{}: {}",
                task.spec().id,
                score.explanation
            );
            seen.insert(task.spec().id.to_string());
        }
    }
    assert!(seen.len() >= 3, "{seen:?}");
    Ok(())
}

/// The leak check itself finds a flag that a task's setup leaves behind in
/// an encoded form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leak_check_catches_a_planted_flag() -> Result<()> {
    if !crate::sandbox_usable("cyber-core test").await? {
        return Ok(());
    }
    let root = tempfile::tempdir()?;
    let dir = copy_task("forensics-dns-exfil", root.path())?;
    let dataset = std::fs::read_to_string(dir.join("dataset.jsonl"))?;
    let mut sample: serde_json::Value = serde_json::from_str(dataset.trim())?;
    let flag = sample["target"].as_str().context("a flag")?.to_owned();
    let planted = base64::engine::general_purpose::STANDARD.encode(format!("cache:{flag}"));
    sample["setup"] = serde_json::Value::String(format!("printf '%s' '{planted}' > .cache"));
    std::fs::write(dir.join("dataset.jsonl"), format!("{sample}\n"))?;
    let task = Task::load(&dir)?;
    let sample = samples(&task)?.remove(0);
    let leaks = leaks_of(Arc::new(task), sample).await?;
    assert!(
        leaks
            .iter()
            .any(|l| l.contains(".cache") && l.contains(&flag)),
        "{leaks:?}"
    );
    Ok(())
}
