//! The run log through the public API: create, append, reopen after a
//! (simulated) crash, stream, summarize, refuse foreign format versions.

use anyhow::{anyhow, Result};
use bulwark_eval::runlog::{
    ElicitationSettings, FoundVersion, RunHeader, RunLog, RunLogError, SampleRecord, TaskRef,
    TokenUsage, FORMAT_VERSION, HEADER_FILE, SAMPLES_FILE,
};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

fn at(secs: i64) -> Result<DateTime<Utc>> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0)
        .single()
        .ok_or_else(|| anyhow!("bad timestamp"))
}

fn header() -> Result<RunHeader> {
    Ok(RunHeader {
        run_id: "run-1".into(),
        tasks: vec![
            TaskRef {
                id: "crypto-1".into(),
                version: "1.0.0".into(),
            },
            TaskRef {
                id: "web-1".into(),
                version: "2".into(),
            },
        ],
        model: "mock-model".into(),
        elicitation: ElicitationSettings {
            epochs: 2,
            temperature: Some(0.5),
            max_tokens: Some(1024),
            seed: Some(7),
            max_connections: Some(16),
            extra: json!({"system": "be brief"}),
        },
        started_at: at(0)?,
        config: json!({"suite": "cyber-core", "limits": {"time": 30}}),
    })
}

/// The task of record `i`: sample ids are unique within a task only.
fn task_of(i: u32) -> &'static str {
    if matches!((i / 2) % 3, 0) {
        "crypto-1"
    } else {
        "web-1"
    }
}

fn record(i: u32) -> Result<SampleRecord> {
    // Every fifth sample failed.
    let failed = matches!(i % 5, 0);
    Ok(SampleRecord {
        sample_id: format!("s{}", i / 2),
        epoch: i % 2,
        task_id: task_of(i).into(),
        score: (!failed).then(|| f64::from(i % 7) / 7.0),
        answer: (!failed).then(|| format!("answer {i}")),
        error: failed.then(|| "provider returned 503".to_owned()),
        transcript: json!([
            {"role": "user", "content": format!("question {i}")},
            {"role": "assistant", "content": format!("answer {i}")},
        ]),
        tokens: TokenUsage {
            prompt: u64::from(i) * 3,
            completion: u64::from(i) + 1,
        },
        started_at: at(i64::from(i))?,
        finished_at: at(i64::from(i) + 2)?,
    })
}

#[test]
fn thousand_records_round_trip_through_reopen() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("run");
    let mut log = RunLog::create(&dir, header()?)?;
    for i in 0..1_000 {
        log.append(&record(i)?)?;
    }
    assert_eq!(log.record_count(), 1_000);
    let bps = log
        .bytes_per_sample()
        .ok_or_else(|| anyhow!("no records"))?;
    assert!(bps > 0.0 && bps < 400.0, "bytes per sample {bps}");
    drop(log);

    let log = RunLog::open(&dir)?;
    assert_eq!(log.header(), &header()?);
    assert_eq!(log.record_count(), 1_000);
    assert_eq!(log.completed_count(), 1_000);
    assert!(log.is_completed("crypto-1", "s0", 0));
    assert!(log.is_completed(task_of(999), "s499", 1));
    assert!(!log.is_completed(task_of(1000), "s500", 0));
    assert!(!log.is_completed("web-1", "s0", 0));
    let mut n = 0u32;
    for (i, got) in log.records()?.enumerate() {
        let i = u32::try_from(i)?;
        assert_eq!(got?, record(i)?);
        n += 1;
    }
    assert_eq!(n, 1_000);
    Ok(())
}

#[test]
fn duplicate_key_and_existing_run_are_refused() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let mut log = RunLog::create(tmp.path(), header()?)?;
    log.append(&record(4)?)?;
    let err = log.append(&record(4)?);
    assert!(
        matches!(err, Err(RunLogError::Duplicate { epoch: 0, .. })),
        "{err:?}"
    );
    assert!(matches!(
        RunLog::create(tmp.path(), header()?),
        Err(RunLogError::AlreadyExists { .. })
    ));
    assert_eq!(log.record_count(), 1);
    Ok(())
}

#[test]
fn batch_members_are_read_back_in_order() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let mut log = RunLog::create(tmp.path(), header()?)?;
    let batch = (0..10).map(record).collect::<Result<Vec<_>>>()?;
    log.append_batch(&batch)?;
    log.append(&record(10)?)?;
    let log = RunLog::open(tmp.path())?;
    let got = log.records()?.collect::<Result<Vec<_>, _>>()?;
    assert_eq!(got.len(), 11);
    assert_eq!(got[..10], batch[..]);
    assert_eq!(got[10], record(10)?);
    Ok(())
}

#[test]
fn truncated_last_member_is_dropped_and_appends_continue() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let mut log = RunLog::create(tmp.path(), header()?)?;
    for i in 0..20 {
        log.append(&record(i)?)?;
    }
    let before_last = log.samples_bytes();
    log.append(&record(20)?)?;
    let full = log.samples_bytes();
    drop(log);

    // Crash: cut the file in the middle of the last member.
    let samples = tmp.path().join(SAMPLES_FILE);
    let cut = before_last + (full - before_last) / 2;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&samples)?
        .set_len(cut)?;

    let mut log = RunLog::open(tmp.path())?;
    assert_eq!(log.record_count(), 20);
    assert_eq!(log.completed_count(), 20);
    assert!(!log.is_completed(task_of(20), "s10", 0));
    assert_eq!(std::fs::metadata(&samples)?.len(), before_last);
    let sidecar = tmp
        .path()
        .join(format!("{SAMPLES_FILE}.broken-{before_last}"));
    assert_eq!(std::fs::metadata(&sidecar)?.len(), cut - before_last);

    // The lost sample is redone; everything reads back.
    log.append(&record(20)?)?;
    log.append(&record(21)?)?;
    let got = log.records()?.collect::<Result<Vec<_>, _>>()?;
    assert_eq!(got.len(), 22);
    for (i, r) in got.iter().enumerate() {
        assert_eq!(r, &record(u32::try_from(i)?)?);
    }
    drop(log);
    let log = RunLog::open(tmp.path())?;
    assert_eq!(log.record_count(), 22);
    Ok(())
}

#[test]
fn garbage_tail_and_gzip_header_cut_are_tolerated() -> Result<()> {
    // A cut inside the gzip header (3 bytes of the member) is also a tail.
    let tmp = tempfile::tempdir()?;
    let mut log = RunLog::create(tmp.path(), header()?)?;
    log.append(&record(0)?)?;
    let good = log.samples_bytes();
    log.append(&record(1)?)?;
    drop(log);
    let samples = tmp.path().join(SAMPLES_FILE);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&samples)?
        .set_len(good + 3)?;
    let log = RunLog::open(tmp.path())?;
    assert_eq!(log.record_count(), 1);
    assert_eq!(log.records()?.count(), 1);
    Ok(())
}

#[test]
fn summary_round_trips() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let log = RunLog::create(tmp.path(), header()?)?;
    assert_eq!(log.read_summary()?, None);
    let summary = json!({
        "samples": 1000, "errors": 3, "accuracy": 0.8125,
        "by_category": {"crypto": {"mean": 0.5, "ci": [0.25, 0.75]}},
    });
    log.write_summary(&summary)?;
    assert_eq!(log.read_summary()?, Some(summary.clone()));
    let reopened = RunLog::open(tmp.path())?;
    assert_eq!(reopened.read_summary()?, Some(summary));
    Ok(())
}

#[test]
fn hundred_thousand_records_stream() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let mut log = RunLog::create(tmp.path(), header()?)?;
    let base = record(1)?;
    let mut batch = Vec::with_capacity(1_000);
    for i in 0..100_000u32 {
        let mut r = base.clone();
        r.sample_id = format!("s{i}");
        r.transcript = json!(i);
        batch.push(r);
        if batch.len() == 1_000 {
            log.append_batch(&batch)?;
            batch.clear();
        }
    }
    assert_eq!(log.record_count(), 100_000);
    let mut n = 0u64;
    let mut sum = 0u64;
    for r in log.records()? {
        let r = r?;
        sum += r.transcript.as_u64().ok_or_else(|| anyhow!("transcript"))?;
        n += 1;
    }
    assert_eq!(n, 100_000);
    assert_eq!(sum, 99_999 * 100_000 / 2);
    Ok(())
}

#[test]
fn other_format_version_is_refused() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    drop(RunLog::create(tmp.path(), header()?)?);
    let path = tmp.path().join(HEADER_FILE);
    let mut stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)?;
    assert_eq!(stored["format_version"], json!(FORMAT_VERSION));
    stored["format_version"] = json!(FORMAT_VERSION + 1);
    std::fs::write(&path, serde_json::to_vec(&stored)?)?;

    let err = RunLog::open(tmp.path())
        .err()
        .ok_or_else(|| anyhow!("opened"))?;
    match &err {
        RunLogError::FormatVersion {
            found, expected, ..
        } => {
            assert_eq!(found, &FoundVersion::Version(u64::from(FORMAT_VERSION) + 1));
            assert_eq!(*expected, FORMAT_VERSION);
        }
        other => return Err(anyhow!("unexpected error {other:?}")),
    }
    let msg = err.to_string();
    assert!(msg.contains("header.json"), "{msg}");
    assert!(msg.contains("format version 2 is not supported"), "{msg}");

    stored
        .as_object_mut()
        .ok_or_else(|| anyhow!("object"))?
        .remove("format_version");
    std::fs::write(&path, serde_json::to_vec(&stored)?)?;
    assert!(matches!(
        RunLog::open(tmp.path()),
        Err(RunLogError::FormatVersion {
            found: FoundVersion::Missing,
            ..
        })
    ));
    Ok(())
}

#[test]
fn corrupt_record_in_a_complete_member_is_an_error() -> Result<()> {
    use std::io::Write;
    let tmp = tempfile::tempdir()?;
    let mut log = RunLog::create(tmp.path(), header()?)?;
    log.append(&record(0)?)?;
    drop(log);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(b"{\"not\": \"a record\"}\n")?;
    let member = enc.finish()?;
    let samples = tmp.path().join(SAMPLES_FILE);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&samples)?
        .write_all(&member)?;
    let err = RunLog::open(tmp.path())
        .err()
        .ok_or_else(|| anyhow!("opened"))?;
    assert!(
        matches!(err, RunLogError::Record { index: 1, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(SAMPLES_FILE));
    Ok(())
}

#[test]
fn every_cut_inside_the_last_member_reopens_cleanly() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("run");
    let mut log = RunLog::create(&dir, header()?)?;
    for i in 0..3 {
        log.append(&record(i)?)?;
    }
    let before_last = log.samples_bytes();
    log.append(&record(3)?)?;
    let full_bytes = std::fs::read(log.samples_path())?;
    drop(log);
    let samples = dir.join(SAMPLES_FILE);
    let full = u64::try_from(full_bytes.len())?;
    for cut in before_last..full {
        std::fs::write(&samples, &full_bytes[..usize::try_from(cut)?])?;
        let log = RunLog::open(&dir)?;
        assert_eq!(log.record_count(), 3, "cut at {cut}");
        assert_eq!(log.records()?.count(), 3, "cut at {cut}");
        assert_eq!(log.samples_bytes(), before_last, "cut at {cut}");
    }
    Ok(())
}
