//! Evaluation runs over HTTP on every backend: the JSON API (who may start
//! and read runs, bad input, conflicts, live progress, results, samples and
//! transcripts, comparison, proposals) and the portal pages (runs with live
//! progress, results by category with intervals as an SVG chart, sample
//! transcripts, the comparison) — with runs executed for real by the
//! harness against a small OpenAI-compatible endpoint served by the test.
use crate::support::{banned_words_in, PortalServer, PASSWORD};
use anyhow::{ensure, Context, Result};
use axum::routing::post;
use bulwark_app::eval_executor::EvalWorkerConfig;
use bulwark_app::views::{
    CreateModelParams, CreateSubmissionParams, DraftStandardParams, EndpointParams,
};
use bulwark_domain::ids::SubmissionId;
use bulwark_testkit::backends;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::Path;

/// An OpenAI-compatible endpoint that answers every prompt with the text
/// after `MOCK-ANSWER:` in its last user message. Returns its base URL.
async fn answering_endpoint() -> Result<(String, tokio::task::JoinHandle<()>)> {
    async fn chat(axum::Json(req): axum::Json<Value>) -> axum::Json<Value> {
        let prompt = req["messages"]
            .as_array()
            .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_string();
        let answer = prompt
            .lines()
            .find_map(|l| l.strip_prefix("MOCK-ANSWER: "))
            .unwrap_or("I do not know.");
        axum::Json(json!({
            "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": req["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}
        }))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().route("/v1/chat/completions", post(chat));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((format!("http://{addr}/v1"), task))
}

/// A single-turn multiple-choice task; the endpoint answers sample `i`
/// right when `correct(i)`.
fn choice_task(
    suite: &Path,
    id: &str,
    category: &str,
    n: usize,
    correct: impl Fn(usize) -> bool,
) -> Result<()> {
    let dir = suite.join(id);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("task.toml"),
        format!("id = \"{id}\"\nversion = \"1.0.0\"\ncategory = \"{category}\"\ndescription = \"test\"\n\n[solver]\nkind = \"single_turn\"\nprompt_template = \"{{input}}\\n\\n{{choices}}\"\n\n[[scorers]]\nkind = \"choice\"\n"),
    )?;
    let mut lines = String::new();
    for i in 0..n {
        let said = if correct(i) { "A" } else { "C" };
        lines.push_str(&serde_json::to_string(&json!({
            "id": format!("{id}-q{i}"),
            "input": format!("Which cipher is question {i} of {id} about?\nMOCK-ANSWER: ANSWER: {said}"),
            "choices": ["XOR", "AES", "ROT13"],
            "target": "A",
        }))?);
        lines.push('\n');
    }
    std::fs::write(dir.join("dataset.jsonl"), lines)?;
    Ok(())
}

/// The lab registers `name` pointing at `endpoint` and submits it to CAISI.
async fn submission(s: &PortalServer, name: &str, endpoint: &str) -> Result<SubmissionId> {
    let lab = s.world.ctx("lab").await?;
    let app = s.app();
    let m = app
        .create_model(
            &lab,
            CreateModelParams {
                name: name.into(),
                version: "2026.07".into(),
                planned_release: app.clock.now() + chrono::Duration::days(60),
                model_card: "card".into(),
                endpoint: EndpointParams {
                    base_url: endpoint.into(),
                    model: "test-model".into(),
                    api_key: Some("sk-web-test-secret".into()),
                },
            },
        )
        .await?;
    Ok(app
        .create_submission(
            &lab,
            CreateSubmissionParams {
                model_id: m.id,
                agencies: vec!["caisi".into()],
            },
        )
        .await?
        .id)
}

/// A worker on a data directory holding the `web-suite` suite: knowledge
/// 6 of 8 right, cryptography 1 of 4.
fn worker(data: &Path) -> Result<EvalWorkerConfig> {
    let mut cfg = EvalWorkerConfig::under("web-test-worker", data);
    choice_task(
        &cfg.suites_root.join("web-suite"),
        "mc-know",
        "knowledge",
        8,
        |i| i < 6,
    )?;
    choice_task(
        &cfg.suites_root.join("web-suite"),
        "mc-crypto",
        "cryptography",
        4,
        |i| i == 0,
    )?;
    cfg.heartbeat_every = std::time::Duration::from_millis(50);
    Ok(cfg)
}

struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    fn new(s: &PortalServer) -> Self {
        Self {
            base: format!("{}/api/v1", s.base),
            http: reqwest::Client::new(),
        }
    }

    async fn token(&self, username: &str) -> Result<String> {
        let (st, v) = self
            .call(
                None,
                Method::POST,
                "/auth/token",
                Some(json!({"username": username, "password": PASSWORD, "name": "t"})),
            )
            .await?;
        ensure!(st == StatusCode::OK, "login {username}: {v}");
        Ok(v["secret"].as_str().context("secret")?.to_string())
    }

    async fn call(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Value)> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await?;
        let status = res.status();
        let text = res.text().await?;
        ensure!(status.as_u16() < 500, "{path} answered {status}: {text}");
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).with_context(|| format!("{path}: {text}"))?
        };
        Ok((status, v))
    }

    async fn expect(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        want: StatusCode,
    ) -> Result<Value> {
        let (st, v) = self.call(Some(token), method, path, body).await?;
        ensure!(st == want, "{path}: expected {want}, got {st}: {v}");
        Ok(v)
    }
}

#[tokio::test]
async fn the_api_starts_runs_for_assigned_reviewers_and_shows_live_progress_and_results(
) -> Result<()> {
    let (endpoint, _server) = answering_endpoint().await?;
    for backend in backends()? {
        let s = PortalServer::start(backend).await?;
        let data = tempfile::tempdir()?;
        let cfg = worker(data.path())?;
        let api = Api::new(&s);
        let (reviewer, lab, dhs, designator) = (
            api.token("reviewer").await?,
            api.token("lab").await?,
            api.token("dhsreviewer").await?,
            api.token("designator").await?,
        );
        let sub = submission(&s, "Acme-Eval", &endpoint).await?;
        let runs = format!("/submissions/{sub}/eval-runs");
        let start = json!({"suite": "web-suite", "max_connections": 4});

        // Who may start: the assigned reviewer; the lab is refused, an unassigned agency sees nothing.
        let (st, e) = api
            .call(Some(&lab), Method::POST, &runs, Some(start.clone()))
            .await?;
        ensure!(
            st == StatusCode::FORBIDDEN && e["code"] == "forbidden",
            "{st} {e}"
        );
        let (st, e) = api
            .call(Some(&dhs), Method::POST, &runs, Some(start.clone()))
            .await?;
        ensure!(
            st == StatusCode::NOT_FOUND && e["code"] == "not_found",
            "{st} {e}"
        );
        // Bad input is a 4xx naming the field.
        for (body, field) in [
            (json!({"suite": "../../etc"}), "suite"),
            (json!({"suite": "web-suite", "epochs": 0}), "epochs"),
            (json!({"suite": "web-suite", "epochs": "two"}), "epochs"),
            (
                json!({"suite": "web-suite", "max_connections": 100000}),
                "max_connections",
            ),
            (json!({"suite": "web-suite", "colour": "red"}), "colour"),
            (json!({}), "suite"),
        ] {
            let (st, e) = api
                .call(Some(&reviewer), Method::POST, &runs, Some(body.clone()))
                .await?;
            ensure!(st == StatusCode::UNPROCESSABLE_ENTITY, "{body}: {st} {e}");
            ensure!(e["code"] == "invalid_input", "{e}");
            ensure!(
                e["message"].as_str().unwrap_or_default().contains(field),
                "{body}: {e}"
            );
        }
        let (st, e) = api
            .call(Some(&reviewer), Method::GET, "/eval-runs/not-a-uuid", None)
            .await?;
        ensure!(
            st == StatusCode::BAD_REQUEST && e["code"] == "invalid_path",
            "{st} {e}"
        );

        let run = api
            .expect(
                &reviewer,
                Method::POST,
                &runs,
                Some(start.clone()),
                StatusCode::OK,
            )
            .await?;
        let id = run["id"].as_str().context("id")?.to_string();
        ensure!(
            run["status"] == "queued" && run["suite"] == "web-suite" && run["agency"] == "caisi",
            "{run}"
        );
        ensure!(
            run["max_connections"] == 4 && run["progress"].is_null(),
            "{run}"
        );
        let listed = api
            .expect(&reviewer, Method::GET, &runs, None, StatusCode::OK)
            .await?;
        ensure!(
            listed.as_array().map(Vec::len) == Some(1) && listed[0]["id"] == id.as_str(),
            "{listed}"
        );
        let (st, _) = api
            .call(Some(&dhs), Method::GET, &format!("/eval-runs/{id}"), None)
            .await?;
        ensure!(st == StatusCode::NOT_FOUND);

        // Live progress, as a worker reports it with its heartbeat.
        let claim = s
            .app()
            .claim_eval_run("probe", data.path())
            .await?
            .context("claim")?;
        let p = bulwark_app::views::EvalProgressView {
            total: 12,
            done: 5,
            errors: 0,
            correct: 4,
            tokens: 75,
            retries: 0,
            elapsed_seconds: 1.0,
        };
        s.app().heartbeat_eval_run(&claim.lease, Some(&p)).await?;
        let live = api
            .expect(
                &reviewer,
                Method::GET,
                &format!("/eval-runs/{id}"),
                None,
                StatusCode::OK,
            )
            .await?;
        ensure!(
            live["status"] == "running"
                && live["progress"]["done"] == 5
                && live["progress"]["total"] == 12,
            "{live}"
        );
        // That worker stops; once its lease lapses the real worker takes the run over and finishes it.
        s.world.clock.advance(chrono::Duration::seconds(61));
        ensure!(s.app().execute_next_eval_run(&cfg).await? == Some(claim.lease.id));

        let done = api
            .expect(
                &reviewer,
                Method::GET,
                &format!("/eval-runs/{id}"),
                None,
                StatusCode::OK,
            )
            .await?;
        ensure!(
            done["status"] == "succeeded" && done["attempts"] == 2,
            "{done}"
        );
        ensure!(
            done["progress"]["done"] == 12 && done["progress"]["correct"] == 7,
            "{done}"
        );
        let metric = |v: &Value, name: &str| {
            v["metrics"]
                .as_array()
                .and_then(|m| m.iter().find(|m| m["name"] == name).cloned())
        };
        let know = metric(&done, "web-suite/knowledge.accuracy").context("knowledge")?;
        ensure!(
            know["value"] == 0.75 && know["n"] == 8 && know["group"] == "knowledge",
            "{know}"
        );
        ensure!(
            know["ci95_lower"].as_f64().unwrap_or(1.0) < 0.75
                && know["ci95_upper"].as_f64().unwrap_or(0.0) > 0.75,
            "{know}"
        );
        let crypto = metric(&done, "web-suite/cryptography.accuracy").context("crypto")?;
        ensure!(crypto["value"] == 0.25 && crypto["n"] == 4, "{crypto}");
        // The lab reads the results, not the transcripts.
        let seen = api
            .expect(
                &lab,
                Method::GET,
                &format!("/eval-runs/{id}"),
                None,
                StatusCode::OK,
            )
            .await?;
        ensure!(seen["metrics"] == done["metrics"], "{seen}");
        let (st, e) = api
            .call(
                Some(&lab),
                Method::GET,
                &format!("/eval-runs/{id}/samples"),
                None,
            )
            .await?;
        ensure!(st == StatusCode::FORBIDDEN, "{st} {e}");

        // Samples and a transcript, from the run log.
        let samples = api
            .expect(
                &reviewer,
                Method::GET,
                &format!("/eval-runs/{id}/samples?limit=100"),
                None,
                StatusCode::OK,
            )
            .await?;
        let samples = samples.as_array().context("array")?;
        ensure!(samples.len() == 12, "{}", samples.len());
        ensure!(samples.iter().filter(|x| x["score"] == 1.0).count() == 7);
        let (st, e) = api
            .call(
                Some(&reviewer),
                Method::GET,
                &format!("/eval-runs/{id}/samples?limit=0"),
                None,
            )
            .await?;
        ensure!(
            st == StatusCode::UNPROCESSABLE_ENTITY
                && e["message"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("limit"),
            "{st} {e}"
        );
        let t = api
            .expect(
                &reviewer,
                Method::GET,
                &format!("/eval-runs/{id}/samples/mc-know/mc-know-q0/1"),
                None,
                StatusCode::OK,
            )
            .await?;
        ensure!(
            t["sample"]["answer"] == "ANSWER: A" && t["sample"]["score"] == 1.0,
            "{t}"
        );
        ensure!(
            t["messages"][0]["role"] == "user"
                && t["messages"][0]["content"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("question 0 of mc-know"),
            "{t}"
        );
        ensure!(
            t["messages"][1]["role"] == "assistant" && t["messages"][1]["content"] == "ANSWER: A",
            "{t}"
        );
        let (st, _) = api
            .call(
                Some(&reviewer),
                Method::GET,
                &format!("/eval-runs/{id}/samples/mc-know/nope/1"),
                None,
            )
            .await?;
        ensure!(st == StatusCode::NOT_FOUND);

        // A second model, then the comparison of both profiles.
        let sub2 = submission(&s, "Other-Eval", &endpoint).await?;
        let run2 = api
            .expect(
                &reviewer,
                Method::POST,
                &format!("/submissions/{sub2}/eval-runs"),
                Some(json!({"suite": "web-suite", "limit": 2})),
                StatusCode::OK,
            )
            .await?;
        let id2 = run2["id"].as_str().context("id")?.to_string();
        ensure!(
            s.app()
                .execute_next_eval_run(&cfg)
                .await?
                .map(|r| r.to_string())
                == Some(id2.clone())
        );
        let cmp = api
            .expect(
                &reviewer,
                Method::GET,
                &format!("/eval-runs/compare?runs={id},{id2}"),
                None,
                StatusCode::OK,
            )
            .await?;
        ensure!(
            cmp["columns"][0]["model_name"] == "Acme-Eval"
                && cmp["columns"][1]["model_name"] == "Other-Eval",
            "{cmp}"
        );
        let row = cmp["rows"]
            .as_array()
            .and_then(|r| {
                r.iter()
                    .find(|r| r["name"] == "web-suite/knowledge.accuracy")
                    .cloned()
            })
            .context("row")?;
        ensure!(
            row["cells"][0]["value"] == 0.75
                && row["cells"][1]["value"] == 1.0
                && row["cells"][1]["n"] == 2,
            "{row}"
        );
        let (st, e) = api
            .call(
                Some(&reviewer),
                Method::GET,
                "/eval-runs/compare?runs=zzz",
                None,
            )
            .await?;
        ensure!(
            st == StatusCode::UNPROCESSABLE_ENTITY
                && e["message"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("runs[0]"),
            "{st} {e}"
        );
        let (st, e) = api
            .call(
                Some(&reviewer),
                Method::GET,
                &format!("/eval-runs/compare?runs={id}"),
                None,
            )
            .await?;
        ensure!(
            st == StatusCode::UNPROCESSABLE_ENTITY
                && e["message"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("runs:"),
            "{st} {e}"
        );

        // The designator sees what the engine proposed; nobody else does.
        let props = api
            .expect(
                &designator,
                Method::GET,
                "/eval-proposals",
                None,
                StatusCode::OK,
            )
            .await?;
        ensure!(props.as_array().map(Vec::len) == Some(2), "{props}");
        ensure!(
            props
                .as_array()
                .into_iter()
                .flatten()
                .all(|p| p["outcome"].is_null() && p["lab"] == "acme-ai"),
            "{props}"
        );
        let (st, _) = api
            .call(Some(&reviewer), Method::GET, "/eval-proposals", None)
            .await?;
        ensure!(st == StatusCode::NOT_FOUND);

        // Cancel a queued run; cancelling again conflicts.
        let run3 = api
            .expect(
                &reviewer,
                Method::POST,
                &runs,
                Some(start.clone()),
                StatusCode::OK,
            )
            .await?;
        let c = format!("/eval-runs/{}/cancel", run3["id"].as_str().context("id")?);
        let (st, e) = api.call(Some(&lab), Method::POST, &c, None).await?;
        ensure!(st == StatusCode::FORBIDDEN, "{st} {e}");
        let cancelled = api
            .expect(&reviewer, Method::POST, &c, None, StatusCode::OK)
            .await?;
        ensure!(
            cancelled["status"] == "cancelled" && cancelled["error"] == "cancelled by reviewer",
            "{cancelled}"
        );
        let (st, e) = api.call(Some(&reviewer), Method::POST, &c, None).await?;
        ensure!(
            st == StatusCode::CONFLICT && e["code"] == "conflict",
            "{st} {e}"
        );

        // Closed reviews: an expired window refuses new runs (409); a withdrawn submission is gone (404).
        s.world.clock.advance(chrono::Duration::days(31));
        let (st, e) = api
            .call(Some(&reviewer), Method::POST, &runs, Some(start.clone()))
            .await?;
        ensure!(
            st == StatusCode::CONFLICT
                && e["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("the submission is expired"),
            "{st} {e}"
        );
        let (st, _) = api
            .call(
                Some(&lab),
                Method::POST,
                &format!("/submissions/{sub2}/withdraw"),
                None,
            )
            .await?;
        ensure!(st == StatusCode::OK || st == StatusCode::CONFLICT, "{st}");
        let sub3 = submission(&s, "Third-Eval", &endpoint).await?;
        api.expect(
            &lab,
            Method::POST,
            &format!("/submissions/{sub3}/withdraw"),
            None,
            StatusCode::OK,
        )
        .await?;
        let (st, e) = api
            .call(
                Some(&reviewer),
                Method::POST,
                &format!("/submissions/{sub3}/eval-runs"),
                Some(start.clone()),
            )
            .await?;
        ensure!(st == StatusCode::NOT_FOUND, "{st} {e}");
    }
    Ok(())
}

#[tokio::test]
async fn portal_pages_show_runs_progress_results_transcripts_and_comparisons() -> Result<()> {
    let (endpoint, _server) = answering_endpoint().await?;
    for backend in backends()? {
        let s = PortalServer::start(backend).await?;
        let data = tempfile::tempdir()?;
        let cfg = worker(data.path())?;
        let sub = submission(&s, "Acme-Eval", &endpoint).await?;
        let mut rev = s.logged_in("reviewer").await?;

        // The submission page links to its runs; the runs page holds the start form.
        let page = rev
            .get(&format!("/submissions/{sub}"))
            .await?
            .expect(StatusCode::OK)?;
        ensure!(
            page.body
                .contains(&format!("href=\"/submissions/{sub}/eval\"")),
            "no link to the runs"
        );
        let runs_path = format!("/submissions/{sub}/eval");
        let page = rev.get(&runs_path).await?.expect(StatusCode::OK)?;
        ensure!(
            page.body.contains("No evaluation run yet.")
                && page.body.contains("Start an evaluation run"),
            "{}",
            page.body
        );
        // Bad input shows a page naming the field.
        let bad = rev
            .submit(
                &runs_path,
                &runs_path,
                &[("suite", "web-suite"), ("epochs", "many")],
            )
            .await?;
        ensure!(
            bad.status == StatusCode::UNPROCESSABLE_ENTITY
                && bad
                    .body
                    .contains("Epochs: &quot;many&quot; is not a whole number"),
            "{} {}",
            bad.status,
            bad.body
        );
        let started = rev
            .submit(
                &runs_path,
                &runs_path,
                &[
                    ("suite", "web-suite"),
                    ("epochs", ""),
                    ("limit", ""),
                    ("max_connections", "4"),
                ],
            )
            .await?
            .expect(StatusCode::SEE_OTHER)?;
        let run_path = started.location.clone().context("location")?;
        ensure!(run_path.starts_with("/eval/runs/"), "{run_path}");
        let page = rev.get(&run_path).await?.expect(StatusCode::OK)?;
        ensure!(
            page.body.contains(">queued</span>") && page.body.contains("Waiting for a worker."),
            "{}",
            page.body
        );
        ensure!(
            page.body.contains("window.location.reload()"),
            "an active run's page refreshes itself"
        );

        // Live progress from a worker's heartbeat.
        let claim = s
            .app()
            .claim_eval_run("probe", data.path())
            .await?
            .context("claim")?;
        let p = bulwark_app::views::EvalProgressView {
            total: 12,
            done: 3,
            errors: 1,
            correct: 2,
            tokens: 45,
            retries: 0,
            elapsed_seconds: 1.0,
        };
        s.app().heartbeat_eval_run(&claim.lease, Some(&p)).await?;
        let page = rev.get(&run_path).await?.expect(StatusCode::OK)?;
        ensure!(
            page.body.contains(">running</span>")
                && page.body.contains("3 / 12")
                && page.body.contains("(25%)"),
            "{}",
            page.body
        );
        s.world.clock.advance(chrono::Duration::seconds(61));
        ensure!(s.app().execute_next_eval_run(&cfg).await? == Some(claim.lease.id));

        // Results by category with their intervals, as a chart and a table.
        let page = rev.get(&run_path).await?.expect(StatusCode::OK)?;
        let b = &page.body;
        ensure!(
            b.contains(">succeeded</span>") && !b.contains("window.location.reload()"),
            "{b}"
        );
        ensure!(
            b.contains("<svg") && b.contains("Results by category, with 95% intervals"),
            "{b}"
        );
        for text in [
            "knowledge",
            "cryptography",
            "overall",
            "0.750",
            "0.250",
            "0.583",
            "12 / 12",
            "task/mc-know",
        ] {
            ensure!(b.contains(text), "the run page lacks {text:?}:\n{b}");
        }
        ensure!(
            b.contains("Samples and transcripts"),
            "the agency reads transcripts"
        );
        ensure!(banned_words_in(b).is_empty(), "{:?}", banned_words_in(b));

        // Samples, and one transcript with the model's messages.
        let page = rev
            .get(&format!("{run_path}/samples"))
            .await?
            .expect(StatusCode::OK)?;
        ensure!(
            page.body.contains("mc-crypto-q3") && page.body.contains("ANSWER: C"),
            "{}",
            page.body
        );
        let link = format!("{run_path}/samples/mc-know/mc-know-q1/1");
        ensure!(
            page.body.contains(&format!("href=\"{link}\"")),
            "{}",
            page.body
        );
        let page = rev.get(&link).await?.expect(StatusCode::OK)?;
        for text in [
            "Which cipher is question 1 of mc-know about?",
            "ANSWER: A",
            "assistant",
            "user",
            "A) XOR",
        ] {
            ensure!(
                page.body.contains(text),
                "the transcript lacks {text:?}:\n{}",
                page.body
            );
        }

        // The lab sees results but not transcripts.
        let mut lab = s.logged_in("lab").await?;
        let page = lab.get(&run_path).await?.expect(StatusCode::OK)?;
        ensure!(
            page.body.contains("0.750") && !page.body.contains("Samples and transcripts"),
            "{}",
            page.body
        );
        lab.get(&format!("{run_path}/samples"))
            .await?
            .expect(StatusCode::FORBIDDEN)?;
        let page = lab.get(&runs_path).await?.expect(StatusCode::OK)?;
        ensure!(
            !page.body.contains("Start an evaluation run") && page.body.contains("web-suite"),
            "{}",
            page.body
        );
        // Another agency does not see the run at all.
        let mut dhs = s.logged_in("dhsreviewer").await?;
        dhs.get(&run_path).await?.expect(StatusCode::NOT_FOUND)?;

        // Two models side by side.
        let sub2 = submission(&s, "Other-Eval", &endpoint).await?;
        let p2 = format!("/submissions/{sub2}/eval");
        let second = rev
            .submit(&p2, &p2, &[("suite", "web-suite"), ("limit", "2")])
            .await?
            .expect(StatusCode::SEE_OTHER)?;
        ensure!(s.app().execute_next_eval_run(&cfg).await?.is_some());
        let (a, b2) = (
            run_path.trim_start_matches("/eval/runs/"),
            second
                .location
                .context("location")?
                .trim_start_matches("/eval/runs/")
                .to_string(),
        );
        let page = rev.get("/eval/compare").await?.expect(StatusCode::OK)?;
        ensure!(
            page.body.contains(&format!("value=\"{a}\""))
                && page.body.contains(&format!("value=\"{b2}\"")),
            "{}",
            page.body
        );
        let page = rev
            .get(&format!("/eval/compare?runs={a}&runs={b2}"))
            .await?
            .expect(StatusCode::OK)?;
        for text in [
            "Acme-Eval",
            "Other-Eval",
            "web-suite/knowledge.accuracy",
            "0.750 [",
            "1.000 [",
            "n=2",
        ] {
            ensure!(
                page.body.contains(text),
                "the comparison lacks {text:?}:\n{}",
                page.body
            );
        }
        rev.get(&format!("/eval/compare?runs={a}"))
            .await?
            .expect(StatusCode::UNPROCESSABLE_ENTITY)?;

        // The designator's list of proposals, with an effective standard in force.
        let docs = "name = \"Knowledge\"\ndecision = \"any\"\n\n[[rules]]\nmetric = \"web-suite/knowledge.accuracy\"\nstatistic = \"ci95_lower\"\ncomparison = \">=\"\nthreshold = 0.3\nalert_threshold = 0.2\n";
        let drafted = s
            .app()
            .draft_standard(
                &s.world.ctx("docauthor").await?,
                DraftStandardParams {
                    standard_id: None,
                    document: docs.into(),
                },
            )
            .await?;
        for author in [
            "docauthor",
            "whauthor",
            "dodauthor",
            "dhsauthor",
            "treasauthor",
        ] {
            s.app()
                .sign_standard(&s.world.ctx(author).await?, drafted.version.id)
                .await?;
        }
        let third = rev
            .submit(&runs_path, &runs_path, &[("suite", "web-suite")])
            .await?
            .expect(StatusCode::SEE_OTHER)?;
        ensure!(
            s.app().execute_next_eval_run(&cfg).await?.is_some(),
            "{:?}",
            third.location
        );
        let mut des = s.logged_in("designator").await?;
        let page = des
            .get("/designations/evaluations")
            .await?
            .expect(StatusCode::OK)?;
        ensure!(
            page.body.contains("Acme-Eval")
                && page.body.contains("badge-outcome-covered")
                && page.body.contains("no effective standard"),
            "{}",
            page.body
        );
        rev.get("/designations/evaluations")
            .await?
            .expect(StatusCode::FORBIDDEN)?;
    }
    Ok(())
}
