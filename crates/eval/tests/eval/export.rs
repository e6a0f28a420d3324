//! Reading run directories and exporting them as Inspect logs, through the
//! public API, on run directories written with `RunLog`. The structure
//! asserted here was checked against inspect-ai 0.3.285 (`inspect log
//! dump`, `read_eval_log`) with `bench/inspect/check_export.sh`.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, Result};
use bulwark_domain::designation::{CapabilityProfile, ProfileSubject};
use bulwark_eval::export::inspect::{resolve_out, write_log, InspectOptions};
use bulwark_eval::export::{list_runs, resolve_run, ExportError, RunDir};
use bulwark_eval::provider::{Message, ToolCall};
use bulwark_eval::runlog::{
    ElicitationSettings, RunHeader, RunLog, RunLogError, SampleRecord, TaskRef, TokenUsage,
    SAMPLES_FILE,
};
use bulwark_eval::runner::{RunCounts, RunSummary, Throughput};
use bulwark_eval::stats::summarize_binary;
use bulwark_eval::transcript::{Event, Transcript};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

fn at(secs: i64) -> Result<DateTime<Utc>> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0)
        .single()
        .ok_or_else(|| anyhow!("bad timestamp"))
}

fn header(run_id: &str, tasks: &[(&str, &str)], suite: &str) -> Result<RunHeader> {
    Ok(RunHeader {
        run_id: run_id.into(),
        tasks: tasks
            .iter()
            .map(|(id, version)| TaskRef {
                id: (*id).into(),
                version: (*version).into(),
            })
            .collect(),
        model: "mock-model".into(),
        elicitation: ElicitationSettings {
            epochs: 1,
            temperature: Some(0.0),
            max_tokens: Some(512),
            seed: None,
            max_connections: Some(4),
            extra: json!({}),
        },
        started_at: at(0)?,
        config: json!({"suite": suite}),
    })
}

/// A single-turn multiple-choice record: `correct` picks B (the target),
/// otherwise A; `None` is a sample whose provider call failed.
fn mc_record(task: &str, id: &str, i: i64, correct: Option<bool>) -> Result<SampleRecord> {
    let mut messages = vec![
        Message::system("Answer with ANSWER: <letter>."),
        Message::user(format!(
            "Which port does SSH use? ({id})\nMOCK-ANSWER: ANSWER: B\n\nA) 21\nB) 22"
        )),
    ];
    let mut events = Vec::new();
    let (score, answer, error) = match correct {
        Some(correct) => {
            let letter = if correct { "B" } else { "A" };
            let reply = Message::assistant(format!("ANSWER: {letter}"));
            messages.push(reply.clone());
            events.push(Event::Model {
                at_ms: 1,
                duration_ms: 20,
                prompt_tokens: 30,
                completion_tokens: 3,
                finish_reason: Some("stop".into()),
                output: reply,
            });
            let value = if correct { 1.0 } else { 0.0 };
            events.push(Event::Score {
                at_ms: 22,
                scorer: "choice".into(),
                value,
                answer: Some(letter.into()),
                explanation: format!("chose {letter}; target B"),
            });
            (Some(value), Some(letter.to_owned()), None)
        }
        None => {
            events.push(Event::Error {
                at_ms: 5,
                message: "provider returned 503 three times".into(),
            });
            (
                None,
                None,
                Some("provider returned 503 three times".to_owned()),
            )
        }
    };
    Ok(SampleRecord {
        sample_id: id.into(),
        epoch: 1,
        task_id: task.into(),
        score,
        answer,
        error,
        transcript: Transcript { messages, events }.to_value(),
        tokens: TokenUsage {
            prompt: 30,
            completion: if correct.is_some() { 3 } else { 0 },
        },
        started_at: at(i)?,
        finished_at: at(i + 1)?,
    })
}

/// An agent record: `bash` reads the flag, then `submit`s it (or a wrong
/// one, ended by the attempts limit).
fn agent_record(task: &str, id: &str, epoch: u32, correct: bool) -> Result<SampleRecord> {
    let flag = "flag{abc}";
    let submitted = if correct { flag } else { "flag{nope}" };
    let bash = ToolCall::function("call_1", "bash", &json!({"cmd": "cat flag.txt"}));
    let submit = ToolCall::function("call_2", "submit", &json!({"answer": submitted}));
    let messages = vec![
        Message::system("You are solving a CTF challenge."),
        Message::user("Find the flag.\nMOCK-CMD: cat flag.txt"),
        Message::assistant_tool_calls(vec![bash.clone()]),
        Message::tool_result("call_1", format!("{flag}\n")),
        Message::assistant_tool_calls(vec![submit.clone()]),
        Message::tool_result("call_2", submitted),
    ];
    let mut events = vec![
        Event::Setup {
            at_ms: 0,
            duration_ms: 40,
            exit_code: Some(0),
            output: String::new(),
        },
        Event::Model {
            at_ms: 41,
            duration_ms: 10,
            prompt_tokens: 50,
            completion_tokens: 8,
            finish_reason: Some("tool_calls".into()),
            output: Message::assistant_tool_calls(vec![bash]),
        },
        Event::Tool {
            at_ms: 52,
            duration_ms: 7,
            call_id: "call_1".into(),
            name: "bash".into(),
            arguments: json!({"cmd": "cat flag.txt"}),
            exit_code: Some(0),
            output: format!("{flag}\n"),
            truncated: false,
            timed_out: false,
            error: None,
        },
        Event::Model {
            at_ms: 60,
            duration_ms: 10,
            prompt_tokens: 70,
            completion_tokens: 9,
            finish_reason: Some("tool_calls".into()),
            output: Message::assistant_tool_calls(vec![submit]),
        },
        Event::Submission {
            at_ms: 71,
            attempt: 1,
            answer: submitted.into(),
            score: Some(if correct { 1.0 } else { 0.0 }),
        },
    ];
    if !correct {
        events.push(Event::Limit {
            at_ms: 72,
            limit: "attempts".into(),
            message: "1 attempt used".into(),
        });
    }
    events.push(Event::Score {
        at_ms: 73,
        scorer: "includes".into(),
        value: if correct { 1.0 } else { 0.0 },
        answer: Some(submitted.into()),
        explanation: "scored during the agent loop".into(),
    });
    Ok(SampleRecord {
        sample_id: id.into(),
        epoch,
        task_id: task.into(),
        score: Some(if correct { 1.0 } else { 0.0 }),
        answer: Some(submitted.into()),
        error: None,
        transcript: Transcript { messages, events }.to_value(),
        tokens: TokenUsage {
            prompt: 120,
            completion: 17,
        },
        started_at: at(10)?,
        finished_at: at(12)?,
    })
}

/// A summary with the binary metrics of `outcomes` for every group.
fn summary(
    head: &RunHeader,
    dir: &Path,
    groups: &[&str],
    outcomes: &[bool],
    errors: u64,
) -> Result<Value> {
    let metric = summarize_binary(outcomes, None)?;
    let suite = head.config["suite"].as_str().unwrap_or("s");
    let metrics: std::collections::BTreeMap<String, _> = groups
        .iter()
        .map(|g| (format!("{suite}/{g}.accuracy"), metric.clone()))
        .collect();
    let n = outcomes.len() as u64;
    let correct = outcomes.iter().filter(|o| **o).count() as u64;
    let s = RunSummary {
        run_id: head.run_id.clone(),
        run_dir: dir.display().to_string(),
        model: head.model.clone(),
        status: "complete".into(),
        counts: RunCounts {
            total: n,
            completed: n,
            resumed: 0,
            errors,
            correct,
        },
        metrics: metrics.clone(),
        tokens: TokenUsage {
            prompt: 1,
            completion: 1,
        },
        provider: json!({}),
        throughput: Throughput {
            wall_seconds: 2.0,
            samples_per_second: 2.0,
            log_bytes_per_sample: None,
        },
        profile: CapabilityProfile {
            subject: ProfileSubject {
                developer: "Acme".into(),
                model: head.model.clone(),
                version: None,
            },
            generated_at: at(100)?,
            harness: None,
            elicitation: None,
            metrics: metrics
                .iter()
                .map(|(k, m)| (k.clone(), m.to_metric_value()))
                .collect(),
            extra: Default::default(),
        },
    };
    Ok(serde_json::to_value(s)?)
}

/// The multiple-choice run: q1, q2 right, q3 wrong, q4 failed.
fn write_mc_run(dir: &Path) -> Result<()> {
    let head = header("mc-run", &[("mc-1", "1.0.0")], "mc-1")?;
    let mut log = RunLog::create(dir, head.clone())?;
    for (i, (id, outcome)) in [
        ("q1", Some(true)),
        ("q2", Some(true)),
        ("q3", Some(false)),
        ("q4", None),
    ]
    .into_iter()
    .enumerate()
    {
        log.append(&mc_record("mc-1", id, i as i64, outcome)?)?;
    }
    let groups = ["overall", "knowledge", "task/mc-1"];
    log.write_summary(&summary(
        &head,
        dir,
        &groups,
        &[true, true, false, false],
        1,
    )?)?;
    Ok(())
}

/// The agent run: f1 solved, f2 not.
fn write_agent_run(dir: &Path) -> Result<()> {
    let head = header("agent-run", &[("ctf-1", "2")], "ctf-1")?;
    let mut log = RunLog::create(dir, head.clone())?;
    log.append(&agent_record("ctf-1", "f1", 1, true)?)?;
    log.append(&agent_record("ctf-1", "f2", 1, false)?)?;
    let groups = ["overall", "cryptography", "task/ctf-1"];
    log.write_summary(&summary(&head, dir, &groups, &[true, false], 0)?)?;
    Ok(())
}

/// The task directories of both runs.
fn write_task_dirs(root: &Path) -> Result<()> {
    let mc = root.join("mc-1");
    std::fs::create_dir_all(&mc)?;
    std::fs::write(
        mc.join("task.toml"),
        "id = \"mc-1\"\nversion = \"1.0.0\"\ncategory = \"knowledge\"\ndescription = \"Ports.\"\n\n[solver]\nkind = \"single_turn\"\nprompt_template = \"{input}\\n\\n{choices}\"\n\n[[scorers]]\nkind = \"choice\"\n",
    )?;
    let mut dataset = String::new();
    for id in ["q1", "q2", "q3", "q4"] {
        dataset.push_str(&serde_json::to_string(&json!({
            "id": id, "input": format!("Which port does SSH use? ({id})"),
            "choices": ["21", "22"], "target": "B", "metadata": {"topic": "ports"},
        }))?);
        dataset.push('\n');
    }
    std::fs::write(mc.join("dataset.jsonl"), dataset)?;

    let ctf = root.join("ctf-1");
    std::fs::create_dir_all(&ctf)?;
    std::fs::write(
        ctf.join("task.toml"),
        "id = \"ctf-1\"\nversion = \"2\"\ncategory = \"cryptography\"\ndescription = \"Read the flag.\"\n\n[solver]\nkind = \"agent\"\ntools = [\"bash\", \"submit\"]\nmax_attempts = 1\n\n[[scorers]]\nkind = \"includes\"\n",
    )?;
    std::fs::write(
        ctf.join("dataset.jsonl"),
        "{\"id\": \"f1\", \"input\": \"Find the flag.\", \"target\": \"flag{abc}\"}\n{\"id\": \"f2\", \"input\": \"Find the flag.\", \"target\": \"flag{abc}\"}\n",
    )?;
    Ok(())
}

fn read_json(path: &Path) -> Result<Value> {
    Ok(serde_json::from_slice(&std::fs::read(path)?)?)
}

#[test]
fn single_turn_run_exports_scores_errors_and_summary_metrics() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let run_dir = tmp.path().join("runs/mc-run");
    write_mc_run(&run_dir)?;
    let run = resolve_run(&tmp.path().join("runs"), "mc-run")?;
    let out = tmp.path().join("inspect/mc.json");
    let report = write_log(&run, &out, &InspectOptions::default())?;
    assert_eq!(
        (report.samples, report.errors, report.status.as_str()),
        (4, 1, "success")
    );
    // Readable under any name, but `inspect view` would not list this one.
    assert_eq!(report.warnings.len(), 1);
    assert!(report.warnings[0].contains("2023-11-14T22-13-20-00-00_mc-1_mc-run.json"));

    let text = std::fs::read_to_string(&out)?;
    // Inspect reads header fields up to `samples`: samples must come last.
    let samples_at = text
        .find("\"samples\":[")
        .ok_or_else(|| anyhow!("no samples"))?;
    assert!(text[..samples_at].contains("\"stats\":"));
    let log: Value = serde_json::from_str(&text)?;
    assert_eq!(log["version"], 2);
    assert_eq!(log["status"], "success");
    assert_eq!(log["eval"]["task"], "mc-1");
    assert_eq!(log["eval"]["task_version"], "1.0.0");
    assert_eq!(log["eval"]["model"], "mock-model");
    assert_eq!(log["eval"]["created"], "2023-11-14T22:13:20+00:00");
    assert_eq!(log["eval"]["dataset"]["samples"], 4);
    assert_eq!(log["eval"]["config"]["epochs"], 1);
    assert_eq!(log["eval"]["model_generate_config"]["max_tokens"], 512);
    assert_eq!(log["plan"]["steps"][0]["solver"], "system_message");
    assert_eq!(log["plan"]["steps"][1]["solver"], "generate");

    let score = &log["results"]["scores"][0];
    assert_eq!(score["name"], "choice");
    assert_eq!(score["metrics"]["accuracy"]["value"], 0.5);
    let se = score["metrics"]["stderr"]["value"]
        .as_f64()
        .ok_or_else(|| anyhow!("no stderr"))?;
    // s/√n of [1, 1, 0, 0] with n − 1 in the variance: √(1/12).
    assert!((se - (1.0f64 / 12.0).sqrt()).abs() < 1e-12, "{se}");
    assert!(score["metrics"]["ci95_lower"]["value"].as_f64() < Some(0.5));
    assert_eq!(score["metadata"]["method"], "wilson");
    assert_eq!(score["scored_samples"], 3);
    assert_eq!(log["results"]["total_samples"], 4);
    assert_eq!(log["results"]["completed_samples"], 3);
    assert_eq!(log["stats"]["started_at"], "2023-11-14T22:13:20+00:00");
    assert_eq!(log["stats"]["completed_at"], "2023-11-14T22:13:24+00:00");
    assert_eq!(
        log["stats"]["model_usage"]["mock-model"],
        json!({"input_tokens": 120, "output_tokens": 9, "total_tokens": 129})
    );

    let samples = log["samples"]
        .as_array()
        .ok_or_else(|| anyhow!("samples"))?;
    assert_eq!(samples.len(), 4);
    let ids: Vec<&str> = samples.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, ["q1", "q2", "q3", "q4"]);
    let values: Vec<&Value> = samples
        .iter()
        .map(|s| &s["scores"]["choice"]["value"])
        .collect();
    assert_eq!(
        values,
        [&json!("C"), &json!("C"), &json!("I"), &Value::Null]
    );
    let q1 = &samples[0];
    assert_eq!(q1["epoch"], 1);
    // Without the task directory: the input as the model saw it, no target.
    assert!(q1["input"]
        .as_str()
        .is_some_and(|s| s.starts_with("Which port does SSH use? (q1)")));
    assert_eq!(q1["target"], "");
    let roles: Vec<&str> = q1["messages"]
        .as_array()
        .map(|m| m.iter().filter_map(|m| m["role"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(roles, ["system", "user", "assistant"]);
    assert_eq!(q1["output"]["completion"], "ANSWER: B");
    assert_eq!(q1["output"]["choices"][0]["stop_reason"], "stop");
    assert_eq!(q1["scores"]["choice"]["answer"], "B");
    assert_eq!(q1["metadata"]["bulwark"]["task_id"], "mc-1");
    assert_eq!(q1["events"][0]["event"], "model");
    assert_eq!(q1["events"][0]["output"]["usage"]["input_tokens"], 30);
    assert_eq!(q1["events"][1]["event"], "score");
    assert_eq!(q1["total_time"], 1.0);

    let q4 = &samples[3];
    assert_eq!(q4["error"]["message"], "provider returned 503 three times");
    assert_eq!(q4["scores"], Value::Null);
    assert_eq!(q4["output"]["choices"], json!([]));
    assert_eq!(q4["events"][0]["event"], "error");
    Ok(())
}

#[test]
fn agent_run_exports_tool_calls_and_dataset_targets() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let run_dir = tmp.path().join("agent-run");
    write_agent_run(&run_dir)?;
    write_task_dirs(&tmp.path().join("tasks"))?;
    let run = RunDir::open(&run_dir)?;
    // A directory as output: Inspect's own file name, which `inspect view` lists.
    let out = resolve_out(&tmp.path().join("logs/"), &run, None);
    assert_eq!(
        out,
        tmp.path()
            .join("logs/2023-11-14T22-13-20-00-00_ctf-1_agent-run.json")
    );
    let options = InspectOptions {
        task: None,
        task_dirs: vec![tmp.path().join("tasks")],
    };
    let report = write_log(&run, &out, &options)?;
    assert_eq!(report.samples, 2);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let log = read_json(&out)?;

    let steps: Vec<&str> = log["plan"]["steps"]
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["solver"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(steps, ["system_message", "use_tools", "react"]);
    assert_eq!(
        log["plan"]["steps"][1]["params"]["tools"][0][0]["name"],
        "bash"
    );
    assert_eq!(log["plan"]["steps"][2]["params"]["attempts"], 1);
    assert_eq!(log["eval"]["sandbox"]["type"], "bubblewrap");
    assert_eq!(log["eval"]["config"]["message_limit"], 50);
    assert_eq!(log["eval"]["task_description"], "Read the flag.");
    assert_eq!(log["results"]["scores"][0]["name"], "includes");
    assert_eq!(
        log["results"]["scores"][0]["metrics"]["accuracy"]["value"],
        0.5
    );

    let f1 = &log["samples"][0];
    assert_eq!(f1["input"], "Find the flag.");
    assert_eq!(f1["target"], "flag{abc}");
    assert_eq!(f1["scores"]["includes"]["value"], "C");
    assert_eq!(log["samples"][1]["scores"]["includes"]["value"], "I");
    let messages = f1["messages"]
        .as_array()
        .ok_or_else(|| anyhow!("messages"))?;
    assert_eq!(messages.len(), 6);
    let call = &messages[2]["tool_calls"][0];
    assert_eq!(
        (
            &call["id"],
            &call["function"],
            &call["arguments"],
            &call["type"]
        ),
        (
            &json!("call_1"),
            &json!("bash"),
            &json!({"cmd": "cat flag.txt"}),
            &json!("function")
        )
    );
    assert_eq!(messages[2]["content"], "");
    assert_eq!(messages[3]["role"], "tool");
    assert_eq!(messages[3]["tool_call_id"], "call_1");
    assert_eq!(messages[3]["function"], "bash");
    assert_eq!(messages[3]["content"], "flag{abc}\n");
    assert_eq!(messages[5]["function"], "submit");
    assert_eq!(f1["output"]["completion"], "flag{abc}");
    assert_eq!(f1["output"]["choices"][0]["stop_reason"], "tool_calls");

    let kinds: Vec<&str> = f1["events"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["event"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["info", "model", "tool", "model", "info", "score"]);
    let tool = &f1["events"][2];
    assert_eq!(tool["function"], "bash");
    assert_eq!(tool["id"], "call_1");
    assert_eq!(tool["arguments"], json!({"cmd": "cat flag.txt"}));
    assert_eq!(tool["result"], "flag{abc}\n");
    assert_eq!(tool["working_time"], 0.007);
    assert_eq!(f1["events"][5]["target"], "flag{abc}");

    let f2 = &log["samples"][1];
    let limit = f2["events"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["event"] == "sample_limit"))
        .ok_or_else(|| anyhow!("no limit event"))?;
    assert_eq!(limit["type"], "custom");
    assert_eq!(f2["metadata"]["bulwark"]["limit"]["limit"], "attempts");
    Ok(())
}

#[test]
fn several_tasks_share_one_log_with_prefixed_ids() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("suite-run");
    let head = header(
        "suite-run",
        &[("mc-1", "1.0.0"), ("ctf-1", "2")],
        "cyber-core",
    )?;
    let mut log = RunLog::create(&dir, head.clone())?;
    log.append(&mc_record("mc-1", "s1", 0, Some(true))?)?;
    log.append(&agent_record("ctf-1", "s1", 1, false)?)?;
    let groups = ["overall", "knowledge", "cryptography"];
    log.write_summary(&summary(&head, &dir, &groups, &[true, false], 0)?)?;
    let run = RunDir::open(&dir)?;

    let out = tmp.path().join("suite.json");
    write_log(&run, &out, &InspectOptions::default())?;
    let all = read_json(&out)?;
    assert_eq!(all["eval"]["task"], "cyber-core");
    assert_eq!(all["samples"][0]["id"], "mc-1/s1");
    assert_eq!(all["samples"][1]["id"], "ctf-1/s1");
    // The tasks' primary scorers differ: one generic key.
    assert_eq!(all["results"]["scores"][0]["name"], "score");
    assert_eq!(all["samples"][0]["scores"]["score"]["value"], "C");
    let metrics = &all["results"]["scores"][0]["metrics"];
    assert_eq!(metrics["knowledge"]["group"], "category");
    assert_eq!(metrics["cryptography"]["value"], 0.5);

    // One task of the run: its own name and unprefixed ids.
    let options = InspectOptions {
        task: Some("ctf-1".into()),
        task_dirs: Vec::new(),
    };
    let report = write_log(&run, &out, &options)?;
    assert_eq!(report.samples, 1);
    let one = read_json(&out)?;
    assert_eq!(one["eval"]["task"], "ctf-1");
    assert_eq!(one["samples"][0]["id"], "s1");
    assert_eq!(one["results"]["scores"][0]["name"], "includes");
    // Inferred from the records: an agent with the tools it used.
    assert_eq!(one["plan"]["steps"][1]["solver"], "use_tools");

    // The same sample id in two tasks needs --task.
    let err = run.find_sample("s1", None, None).unwrap_err();
    assert!(
        matches!(&err, ExportError::AmbiguousSample { tasks, .. } if tasks == &["ctf-1", "mc-1"]),
        "{err}"
    );
    let found = run.find_sample("s1", None, Some("mc-1"))?;
    assert_eq!(found.record.answer.as_deref(), Some("B"));
    assert_eq!(found.epochs, [1]);

    let err = write_log(
        &run,
        &out,
        &InspectOptions {
            task: Some("nope".into()),
            task_dirs: Vec::new(),
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "run suite-run has no task `nope` (its tasks: mc-1, ctf-1)"
    );
    Ok(())
}

#[test]
fn unfinished_run_is_listed_and_exported_as_started() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let runs = tmp.path().join("runs");
    write_mc_run(&runs.join("mc-run"))?;
    let mut head = header("late-run", &[("mc-1", "1.0.0")], "mc-1")?;
    head.started_at = at(500)?;
    let mut log = RunLog::create(runs.join("late-run"), head)?;
    let mut first = mc_record("mc-1", "q1", 0, Some(true))?;
    first.epoch = 0;
    log.append(&first)?;
    log.append(&mc_record("mc-1", "q2", 1, Some(false))?)?;
    std::fs::create_dir_all(runs.join("not-a-run"))?;

    let listed = list_runs(&runs)?;
    let ids: Vec<&str> = listed.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids, ["late-run", "mc-run"]);
    assert_eq!(
        (
            listed[0].status.as_str(),
            listed[0].done,
            listed[0].total,
            listed[0].accuracy
        ),
        ("incomplete", 2, None, Some(0.5))
    );
    assert_eq!(
        (
            listed[1].status.as_str(),
            listed[1].done,
            listed[1].total,
            listed[1].errors
        ),
        ("complete", 4, Some(4), 1)
    );

    let run = resolve_run(&runs, "late-run")?;
    let out = tmp.path().join("late.json");
    let report = write_log(&run, &out, &InspectOptions::default())?;
    assert_eq!(report.status, "started");
    let log = read_json(&out)?;
    assert_eq!(log["status"], "started");
    let score = &log["results"]["scores"][0];
    assert_eq!(score["metrics"]["accuracy"]["value"], 0.5);
    assert_eq!(
        score["metrics"]["stderr"]["value"]
            .as_f64()
            .map(|v| (v * 1e9).round()),
        Some(0.5e9)
    );
    // A run numbered from epoch 0 is exported 1-based.
    assert_eq!(log["samples"][0]["epoch"], 1);
    assert_eq!(log["samples"][1]["epoch"], 2);
    Ok(())
}

#[test]
fn bad_input_gives_clear_errors() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let runs = tmp.path().join("runs");
    write_mc_run(&runs.join("mc-run"))?;

    let err = resolve_run(&runs, "missing").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no run `missing` in {} (runs there: mc-run)",
            runs.display()
        )
    );
    let err = resolve_run(&tmp.path().join("nowhere"), "x").unwrap_err();
    assert!(matches!(err, ExportError::NoLogDir { .. }), "{err}");
    assert!(matches!(
        resolve_run(&runs, tmp.path().to_str().unwrap_or("/")),
        Err(ExportError::NotARun { .. })
    ));

    let run = resolve_run(&runs, "mc-run")?;
    let err = run.find_sample("q9", Some(2), None).unwrap_err();
    assert_eq!(err.to_string(), "run mc-run has no sample `q9` at epoch 2");

    // A task directory of another task is refused, not ignored.
    write_task_dirs(&tmp.path().join("tasks"))?;
    let options = InspectOptions {
        task: None,
        task_dirs: vec![tmp.path().join("tasks/ctf-1")],
    };
    let out = tmp.path().join("x.json");
    let err = write_log(&run, &out, &options).unwrap_err();
    assert!(
        matches!(err, ExportError::NoMatchingTaskDir { .. }),
        "{err}"
    );
    assert!(!out.exists());

    // A complete gzip member that holds no record: a corrupt log.
    let samples = runs.join("mc-run").join(SAMPLES_FILE);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"{\"not\": \"a record\"}\n")?;
    let member = gz.finish()?;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&samples)?
        .write_all(&member)?;
    let err = write_log(&run, &out, &InspectOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ExportError::RunLog(RunLogError::Record { index: 4, .. })
        ),
        "{err}"
    );
    assert!(!out.exists(), "no half-written export");

    // A corrupt summary is named.
    std::fs::write(runs.join("mc-run/summary.json"), "{\"status\": 3}")?;
    let err = RunDir::open(runs.join("mc-run")).unwrap_err();
    assert!(
        err.to_string()
            .contains("summary.json is not a run summary"),
        "{err}"
    );
    Ok(())
}
