//! `bulwark ingest PATH...`: submits vulnerability reports to the
//! clearinghouse — files or directories (recursively), each file one upload,
//! large NDJSON files split into uploads of at most [`CHUNK_RECORDS`] lines,
//! [`IN_FLIGHT`] uploads at a time; answers are read in upload order.
use crate::client::{ApiArgs, Client};
use anyhow::{bail, Context as _, Result};
use bulwark_app::clearinghouse::intake::IngestOutcomeView;
use bulwark_formats::model::SourceFormat;
use serde::Serialize;
use serde_json::Value;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::task::JoinHandle;

/// Most NDJSON lines per upload.
const CHUNK_RECORDS: usize = 10_000;
/// Files at least this large are split when they are NDJSON.
const SPLIT_BYTES: usize = 8 * 1024 * 1024;
/// Uploads sent before the first answer is awaited: the server parses the
/// next ones while it files one (filing is serialised by its intake lock),
/// so a parsed upload is always waiting for the lock (measured at 200,000
/// reports: two in flight left the lock idle a third of the time). Answers
/// are still read in upload order.
const IN_FLIGHT: usize = 4;
/// File name endings read from directories.
const EXTENSIONS: [&str; 7] = ["json", "ndjson", "jsonl", "sarif", "yaml", "yml", "csaf"];

/// Options of `bulwark ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    /// Files or directories of reports.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The format of every file (default: detected per file).
    #[arg(long, default_value = "auto", value_parser = parse_format)]
    format: String,
}

fn parse_format(text: &str) -> Result<String, String> {
    if text == "auto" || SourceFormat::parse(text).is_some() {
        Ok(text.to_owned())
    } else {
        Err("use auto, native, sarif, osv, csaf, cve5, cyclonedx-vex or kev".to_owned())
    }
}

/// One rejection: a whole file or one record of it.
#[derive(Debug, Serialize)]
struct Rejected {
    file: String,
    reason: String,
}

/// What `--json` prints.
#[derive(Debug, Default, Serialize)]
struct Summary {
    accepted: usize,
    duplicates: usize,
    new_cases: usize,
    rejected: Vec<Rejected>,
}

/// Runs `bulwark ingest`.
pub async fn run(args: IngestArgs) -> Result<()> {
    let client = Arc::new(Client::new(&args.api)?);
    let files = collect_files(&args.paths)?;
    if files.is_empty() {
        bail!(
            "no report files found under the given paths (looked for .{})",
            EXTENSIONS.join(", .")
        );
    }
    let mut summary = Summary::default();
    let mut pending: VecDeque<Upload> = VecDeque::with_capacity(IN_FLIGHT);
    for file in &files {
        let name = file.display().to_string();
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {name}"))?;
        for (offset, chunk) in chunks(bytes) {
            if pending.len() == IN_FLIGHT {
                if let Some(upload) = pending.pop_front() {
                    settle(&mut summary, upload).await?;
                }
            }
            let (client, path) = (client.clone(), format!("/intake?format={}", args.format));
            pending.push_back(Upload {
                file: name.clone(),
                offset,
                answer: tokio::spawn(async move { client.post_bytes(&path, chunk).await }),
            });
        }
    }
    while let Some(upload) = pending.pop_front() {
        settle(&mut summary, upload).await?;
    }
    if args.api.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "{} files: {} accepted, {} duplicates, {} rejected, {} new cases",
            files.len(),
            summary.accepted,
            summary.duplicates,
            summary.rejected.len(),
            summary.new_cases
        );
        for r in &summary.rejected {
            eprintln!("rejected: {}: {}", r.file, r.reason);
        }
    }
    if summary.rejected.is_empty() {
        Ok(())
    } else {
        bail!("{} rejected (see above)", summary.rejected.len())
    }
}

/// A 4xx answer about the upload itself (bad document, too large), as
/// opposed to a server or connection failure, which stops the command.
/// One upload on its way.
struct Upload {
    file: String,
    /// Index of its first record in the file.
    offset: usize,
    answer: JoinHandle<Result<Value>>,
}

/// Waits for an upload's answer and counts it; a refusal of the whole
/// upload is a rejection of the file, any other error stops the command.
async fn settle(summary: &mut Summary, upload: Upload) -> Result<()> {
    match upload.answer.await? {
        Ok(value) => {
            let outcome: IngestOutcomeView = serde_json::from_value(value)
                .context("the server's intake answer has an unexpected shape")?;
            add(summary, &upload.file, upload.offset, outcome);
            Ok(())
        }
        Err(error) if is_rejection(&error) => {
            summary.rejected.push(Rejected {
                file: upload.file,
                reason: error.to_string(),
            });
            Ok(())
        }
        Err(error) => Err(error),
    }
}

fn is_rejection(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<crate::client::ApiError>()
        .is_some_and(|e| {
            e.status.is_client_error() && e.status.as_u16() != 401 && e.status.as_u16() != 403
        })
}

fn add(summary: &mut Summary, file: &str, offset: usize, outcome: IngestOutcomeView) {
    summary.accepted += outcome.accepted;
    summary.duplicates += outcome.duplicates;
    summary.new_cases += outcome.new_cases;
    for record in outcome
        .records
        .into_iter()
        .filter(|r| r.status == "rejected")
    {
        summary.rejected.push(Rejected {
            file: file.to_owned(),
            reason: format!(
                "record {}: {}",
                record.index + offset,
                record.reason.unwrap_or_default()
            ),
        });
    }
}

/// The files named, and the report files under the directories named.
fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            walk(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot list {}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, files)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            files.push(path);
        }
    }
    Ok(())
}

/// The uploads of one file with the index of their first record: the file
/// itself, or, for a large NDJSON file, runs of [`CHUNK_RECORDS`] lines.
fn chunks(bytes: Vec<u8>) -> Vec<(usize, Vec<u8>)> {
    if bytes.len() < SPLIT_BYTES || !looks_like_ndjson(&bytes) {
        return vec![(0, bytes)];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut first_record = 0;
    let mut lines = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if *byte == b'\n' {
            lines += 1;
            if lines == CHUNK_RECORDS {
                out.push((first_record, bytes[start..=i].to_vec()));
                first_record += lines;
                start = i + 1;
                lines = 0;
            }
        }
    }
    if start < bytes.len() && bytes[start..].iter().any(|b| !b.is_ascii_whitespace()) {
        out.push((first_record, bytes[start..].to_vec()));
    }
    out
}

/// One JSON object per line: starts with `{` and its first line ends with `}`.
fn looks_like_ndjson(bytes: &[u8]) -> bool {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let trimmed = first_line.trim_ascii();
    trimmed.first() == Some(&b'{') && trimmed.last() == Some(&b'}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_ndjson_files_are_split_on_line_boundaries() {
        let line = format!("{{\"description\":\"{}\"}}\n", "x".repeat(1000));
        let bytes = line.repeat(25_000).into_bytes();
        let parts = chunks(bytes.clone());
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].0, 0);
        assert_eq!(parts[1].0, CHUNK_RECORDS);
        assert_eq!(parts[2].0, 2 * CHUNK_RECORDS);
        assert_eq!(parts.iter().map(|p| p.1.len()).sum::<usize>(), bytes.len());
        assert!(parts.iter().all(|p| p.1.ends_with(b"}\n")));
    }

    #[test]
    fn documents_are_never_split() {
        let doc = format!("{{\n\"runs\": [{}]\n}}", "1,".repeat(5_000_000)).into_bytes();
        assert_eq!(chunks(doc).len(), 1);
    }
}
