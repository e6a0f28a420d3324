//! Crash safety of clearinghouse intake: the real `bulwark serve` is killed
//! with SIGKILL in the middle of concurrent bulk uploads, several times, and
//! restarted on the same database. Every upload that was answered 2xx must
//! have all its accepted reports stored exactly once; uploads that were not
//! answered are sent again after the restart (same `Idempotency-Key`) and must
//! succeed without doubling anything; the audit chain must still verify.
//!
//! Runs on SQLite and, when `BULWARK_TEST_POSTGRES_URL` is set, on a fresh
//! PostgreSQL database (required with `BULWARK_REQUIRE_POSTGRES=1`).
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sqlx::Connection;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD_VAR: &str = "BULWARK_TEST_ADMIN_PASSWORD";
const PASSWORD: &str = "correct horse battery staple";
/// Kill-and-restart rounds per backend.
const ROUNDS: usize = 6;
/// Concurrent clients per round.
const CLIENTS: usize = 4;
/// Records per upload.
const RECORDS: usize = 150;

/// The binary with no `BULWARK_*` settings inherited, on `database_url`.
fn bulwark(dir: &Path, database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bulwark"));
    for var in [
        "BULWARK_DATA_DIR",
        "BULWARK_ADDR",
        "BULWARK_KEK",
        "BULWARK_SERVER",
        "BULWARK_TOKEN",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("BULWARK_DATABASE_URL", database_url);
    cmd.current_dir(dir);
    cmd
}

/// A running server; SIGKILLed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(dir: &Path, database_url: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data = dir.join("data");
        let child = bulwark(dir, database_url)
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
                data.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}/api/v1"),
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while http
            .get(format!("{}/health", server.base))
            .send()
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "serve did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    /// SIGKILL (`Child::kill` sends SIGKILL on Unix) and reap.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut req = http.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{status} {v}");
    v
}

async fn login(http: &reqwest::Client, base: &str, user: &str) -> String {
    let body = json!({"username": user, "password": PASSWORD, "name": "crash-test"});
    post(http, format!("{base}/auth/token"), None, body).await["secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// One bulk upload: NDJSON of native reports, each named by its title
/// `crash-report-N`; a record may repeat an earlier record verbatim.
#[derive(Clone)]
struct Upload {
    key: String,
    body: String,
    /// Title of each record, in order.
    titles: Vec<String>,
}

fn record(n: usize) -> (String, String) {
    let title = format!("crash-report-{n}");
    // Distinct words per report so no two are near duplicates of each other.
    let words: Vec<String> = (0..12)
        .map(|i| format!("w{}x{}", n, i * 7 + n % 5))
        .collect();
    let line = json!({
        "title": title,
        "description": format!("Crash test report {n}: {}", words.join(" ")),
        "cwes": [20 + n % 50],
    })
    .to_string();
    (title, line)
}

/// `count` uploads; about one record in ten repeats an earlier record of the
/// same or an earlier upload.
fn uploads(count: usize, rng: &mut impl Rng) -> (Vec<Upload>, HashSet<String>) {
    let mut next = 0;
    let mut made: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for u in 0..count {
        let mut titles = Vec::new();
        let mut lines = Vec::new();
        for _ in 0..RECORDS {
            let (title, line) = if !made.is_empty() && rng.gen_bool(0.1) {
                made[rng.gen_range(0..made.len())].clone()
            } else {
                let r = record(next);
                next += 1;
                made.push(r.clone());
                r
            };
            titles.push(title);
            lines.push(line);
        }
        out.push(Upload {
            key: format!("crash-upload-{u}"),
            body: lines.join("\n"),
            titles,
        });
    }
    let distinct = made.into_iter().map(|(t, _)| t).collect();
    (out, distinct)
}

/// What a 2xx answer said.
struct Ack {
    upload: usize,
    outcome: Value,
}

async fn send(http: &reqwest::Client, base: &str, token: &str, upload: &Upload) -> Option<Value> {
    let res = http
        .post(format!("{base}/intake?format=native"))
        .bearer_auth(token)
        .header("idempotency-key", &upload.key)
        .body(upload.body.clone())
        .send()
        .await
        .ok()?;
    let status = res.status();
    let body = res.text().await.ok()?;
    // Anything but success or a dropped connection is a bug.
    assert!(status.is_success(), "{status}: {body}");
    Some(serde_json::from_str(&body).unwrap())
}

/// The stored reports' (id, title) and the number of intake audit events.
async fn stored(database_url: &str) -> (Vec<(String, String)>, i64) {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(database_url).await.unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, title FROM vuln_reports")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let (events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'vuln_report.ingest'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    (rows, events)
}

/// Checks every acknowledged upload against the database: each accepted
/// report present once under its own title, each duplicate's title present
/// once, nothing stored twice. Returns the stored titles.
async fn check_acks(
    database_url: &str,
    all: &[Upload],
    acks: &[Ack],
    context: &str,
) -> (HashSet<String>, i64) {
    let (rows, events) = stored(database_url).await;
    let mut by_title: HashMap<&str, usize> = HashMap::new();
    let mut by_id: HashMap<&str, &str> = HashMap::new();
    for (id, title) in &rows {
        *by_title.entry(title).or_default() += 1;
        assert!(
            by_id.insert(id, title).is_none(),
            "{context}: id {id} twice"
        );
    }
    for (title, n) in &by_title {
        assert_eq!(*n, 1, "{context}: {title} stored {n} times");
    }
    for ack in acks {
        let upload = &all[ack.upload];
        let records = ack.outcome["records"].as_array().unwrap();
        assert_eq!(records.len(), upload.titles.len(), "{context}");
        for r in records {
            let index = r["index"].as_u64().unwrap() as usize;
            let title = upload.titles[index].as_str();
            match r["status"].as_str().unwrap() {
                "accepted" => {
                    let id = r["report"].as_str().unwrap();
                    assert_eq!(
                        by_id.get(id).copied(),
                        Some(title),
                        "{context}: acknowledged report {id} ({title}, upload {}) is not stored",
                        upload.key
                    );
                }
                "duplicate" => assert!(
                    by_title.contains_key(title),
                    "{context}: {title} was answered duplicate but is not stored"
                ),
                other => panic!("{context}: record {index} of {}: {other}", upload.key),
            }
        }
    }
    (by_title.keys().map(|t| t.to_string()).collect(), events)
}

async fn crash_rounds(database_url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let o = bulwark(dir.path(), database_url)
        .args(["admin", "bootstrap", "--username", "admin"])
        .args(["--password-env", PASSWORD_VAR, "--data-dir"])
        .arg(&data)
        .env(PASSWORD_VAR, PASSWORD)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let http = reqwest::Client::new();
    let mut server = Server::start(dir.path(), database_url).await;
    let admin = login(&http, &server.base, "admin").await;
    let base = server.base.clone();
    post(
        &http,
        format!("{base}/orgs"),
        Some(&admin),
        json!({"slug": "ch", "name": "Clearinghouse", "kind": "clearinghouse"}),
    )
    .await;
    post(
        &http,
        format!("{base}/users"),
        Some(&admin),
        json!({"username": "analyst", "org": "ch", "role": "analyst", "password": PASSWORD}),
    )
    .await;
    let analyst = login(&http, &base, "analyst").await;

    let seed: u64 = rand::random();
    eprintln!(
        "crash test seed {seed} on {}",
        database_url.split(':').next().unwrap()
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (all, distinct) = uploads(ROUNDS * CLIENTS * 4, &mut rng);
    let all = std::sync::Arc::new(all);
    let mut queue: Vec<usize> = (0..all.len()).rev().collect();
    let mut acks: Vec<Ack> = Vec::new();
    let mut unanswered: Vec<usize> = Vec::new();
    let mut killed_mid_upload = 0;

    for round in 0..ROUNDS {
        // Clients take uploads from a shared queue until the server dies.
        let shared = std::sync::Arc::new(std::sync::Mutex::new(std::mem::take(&mut queue)));
        let in_flight = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut clients = Vec::new();
        for _ in 0..CLIENTS {
            let (shared, in_flight, http, base, token, all) = (
                shared.clone(),
                in_flight.clone(),
                http.clone(),
                server.base.clone(),
                analyst.clone(),
                all.clone(),
            );
            clients.push(tokio::spawn(async move {
                let mut acked = Vec::new();
                loop {
                    let Some(u) = shared.lock().unwrap().pop() else {
                        return (acked, None);
                    };
                    in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let answer = send(&http, &base, &token, &all[u]).await;
                    in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    match answer {
                        Some(outcome) => acked.push(Ack { upload: u, outcome }),
                        None => return (acked, Some(u)),
                    }
                }
            }));
        }
        let delay = rng.gen_range(5..400);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let busy = in_flight.load(std::sync::atomic::Ordering::SeqCst);
        server.kill();
        killed_mid_upload += usize::from(busy > 0);
        let mut lost = 0;
        for client in clients {
            let (acked, failed) = client.await.unwrap();
            acks.extend(acked);
            if let Some(u) = failed {
                unanswered.push(u);
                lost += 1;
            }
        }
        queue = std::mem::take(&mut *shared.lock().unwrap());
        eprintln!(
            "round {round}: SIGKILL after {delay} ms with {busy} uploads in flight; {} answered so far, {lost} unanswered",
            acks.len()
        );

        // Restart on the same database: everything acknowledged is there once.
        server = Server::start(dir.path(), database_url).await;
        let context = format!("after restart {round}");
        check_acks(database_url, &all, &acks, &context).await;
    }
    assert!(
        killed_mid_upload >= 3,
        "only {killed_mid_upload} of {ROUNDS} kills hit an upload in flight"
    );
    assert!(!acks.is_empty(), "no upload was answered before a kill");

    // Unanswered uploads sent again (same key), then the rest: all succeed.
    let resent = unanswered.len();
    let base = server.base.clone();
    for u in unanswered.drain(..).chain(queue.drain(..).rev()) {
        let outcome = send(&http, &base, &analyst, &all[u])
            .await
            .expect("the restarted server answers");
        assert_eq!(outcome["rejected"], 0, "{outcome}");
        acks.push(Ack { upload: u, outcome });
    }
    let (titles, events) = check_acks(database_url, &all, &acks, "at the end").await;
    assert_eq!(
        titles, distinct,
        "every distinct report is stored exactly once, nothing else"
    );
    // One audit event per committed upload: every answered one, and at most
    // the unanswered ones whose transaction committed before the kill.
    let answered = acks.len() as i64;
    assert!(
        (answered..=answered + resent as i64).contains(&events),
        "{events} intake audit events for {answered} answered uploads ({resent} re-sent)"
    );
    // Sending everything once more stores nothing new.
    let again = send(&http, &base, &analyst, &all[0]).await.unwrap();
    assert_eq!(again["accepted"], 0, "{again}");
    assert_eq!(again["duplicates"], RECORDS, "{again}");

    let verify: Value = http
        .get(format!("{base}/audit/verify"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verify["problems"], json!([]), "{verify}");
    assert!(verify["events"].as_i64().unwrap() > events, "{verify}");
    server.kill();
    eprintln!(
        "{} uploads answered, {resent} re-sent after a kill, {} distinct reports, {events} intake events",
        acks.len(),
        distinct.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_bulk_intake_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}/crash.db", dir.path().display());
    crash_rounds(&sqlite).await;

    let Ok(admin) = std::env::var("BULWARK_TEST_POSTGRES_URL") else {
        assert_ne!(
            std::env::var("BULWARK_REQUIRE_POSTGRES").as_deref(),
            Ok("1"),
            "BULWARK_REQUIRE_POSTGRES=1 but BULWARK_TEST_POSTGRES_URL is not set"
        );
        eprintln!("skipping PostgreSQL: set BULWARK_TEST_POSTGRES_URL to run it");
        return;
    };
    let name = format!("bulwark_crash_{}", hex::encode(rand::random::<[u8; 6]>()));
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    crash_rounds(&format!("{base}/{name}")).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}
