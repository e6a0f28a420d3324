//! [`RunLog`]: create, resume and append to a run directory.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use serde::Deserialize;
use serde_json::Value;

use super::error::RunLogError;
use super::files::{read_json, write_json_atomic, HEADER_FILE, SAMPLES_FILE, SUMMARY_FILE};
use super::header::RunHeader;
use super::reader::RecordReader;
use super::record::{key_digest, SampleRecord};

/// The resume key of a record, parsed without the rest of it.
#[derive(Deserialize)]
struct RecordKey {
    task_id: String,
    sample_id: String,
    epoch: u32,
}

/// An open run log, ready for appends.
///
/// Holds the header, an append handle on the samples file and the set of
/// completed (task id, sample id, epoch) keys — never the records themselves.
#[derive(Debug)]
pub struct RunLog {
    dir: PathBuf,
    samples_path: PathBuf,
    header: RunHeader,
    file: File,
    completed: HashSet<u128>,
    record_count: u64,
    samples_bytes: u64,
}

impl RunLog {
    /// Creates a new run in `dir` (created if missing): writes `header.json`
    /// and an empty samples file. Refuses a directory that already holds a
    /// run ([`RunLogError::AlreadyExists`]).
    pub fn create(dir: impl AsRef<Path>, header: RunHeader) -> Result<Self, RunLogError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| RunLogError::io(&dir, e))?;
        let header_path = dir.join(HEADER_FILE);
        if header_path.exists() {
            return Err(RunLogError::AlreadyExists { path: header_path });
        }
        let samples_path = dir.join(SAMPLES_FILE);
        File::create(&samples_path).map_err(|e| RunLogError::io(&samples_path, e))?;
        header.write(&header_path)?;
        let file = open_append(&samples_path)?;
        Ok(Self {
            dir,
            samples_path,
            header,
            file,
            completed: HashSet::new(),
            record_count: 0,
            samples_bytes: 0,
        })
    }

    /// Opens an existing run to resume it: reads the header (refusing other
    /// format versions), scans every complete record for its key, and cuts
    /// off a broken tail left by a crash. The cut bytes are kept in
    /// `samples.jsonl.gz.broken-<offset>` beside the log.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, RunLogError> {
        let dir = dir.as_ref().to_path_buf();
        let header = RunHeader::read(&dir.join(HEADER_FILE))?;
        let samples_path = dir.join(SAMPLES_FILE);
        if !samples_path.exists() {
            File::create(&samples_path).map_err(|e| RunLogError::io(&samples_path, e))?;
        }

        let mut completed = HashSet::new();
        let mut record_count = 0u64;
        let mut reader = RecordReader::open(&samples_path)?;
        while let Some(key) = reader.next_as::<RecordKey>() {
            let key = key?;
            completed.insert(key_digest(&key.task_id, &key.sample_id, key.epoch));
            record_count += 1;
        }
        let complete_len = reader.complete_len();
        let broken = reader.broken_tail();
        drop(reader);
        if broken {
            cut_broken_tail(&samples_path, complete_len)?;
        }

        let file = open_append(&samples_path)?;
        Ok(Self {
            dir,
            samples_path,
            header,
            file,
            completed,
            record_count,
            samples_bytes: complete_len,
        })
    }

    /// Appends one record as its own gzip member, written with one `write`
    /// and flushed to the operating system (call [`RunLog::sync`] for
    /// durability against power loss). Refuses a key already recorded.
    pub fn append(&mut self, record: &SampleRecord) -> Result<(), RunLogError> {
        self.append_batch(std::slice::from_ref(record))
    }

    /// Appends several records as one gzip member (better compression for
    /// small records; a crash loses the whole batch). Refuses the batch if
    /// any key is already recorded or repeated within it.
    pub fn append_batch(&mut self, records: &[SampleRecord]) -> Result<(), RunLogError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut batch_keys = HashSet::with_capacity(records.len());
        for record in records {
            let key = record.key_digest();
            if self.completed.contains(&key) || !batch_keys.insert(key) {
                return Err(RunLogError::Duplicate {
                    path: self.samples_path.clone(),
                    sample_id: record.sample_id.clone(),
                    epoch: record.epoch,
                });
            }
        }
        let member = self.encode(records)?;
        if let Err(e) = self
            .file
            .write_all(&member)
            .and_then(|()| self.file.flush())
        {
            // Roll back a partial member so later appends stay readable.
            let _ = self.file.set_len(self.samples_bytes);
            return Err(RunLogError::io(&self.samples_path, e));
        }
        self.samples_bytes += member.len() as u64;
        self.record_count += records.len() as u64;
        self.completed.extend(batch_keys);
        Ok(())
    }

    /// Compresses `records` as JSON lines into one gzip member.
    fn encode(&self, records: &[SampleRecord]) -> Result<Vec<u8>, RunLogError> {
        let path = &self.samples_path;
        // JSON first, then one write into the compressor: flate2 prepares
        // (zeroes) its whole output buffer on every write, and serde_json
        // writes field by field.
        let mut json = Vec::with_capacity(1024 * records.len());
        for record in records {
            serde_json::to_writer(&mut json, record).map_err(|e| RunLogError::json(path, e))?;
            json.push(b'\n');
        }
        let mut encoder = GzEncoder::new(
            Vec::with_capacity(json.len() / 4 + 64),
            Compression::default(),
        );
        encoder
            .write_all(&json)
            .map_err(|e| RunLogError::io(path, e))?;
        encoder.finish().map_err(|e| RunLogError::io(path, e))
    }

    /// Syncs the samples file to stable storage.
    pub fn sync(&self) -> Result<(), RunLogError> {
        self.file
            .sync_data()
            .map_err(|e| RunLogError::io(&self.samples_path, e))
    }

    /// The digests ([`key_digest`]) of the recorded keys.
    pub fn completed_digests(&self) -> &HashSet<u128> {
        &self.completed
    }

    /// How many (task id, sample id, epoch) keys are recorded.
    pub fn completed_count(&self) -> usize {
        self.completed.len()
    }

    /// Whether (task id, sample id, epoch) is already recorded: the samples
    /// a resumed run skips. Sample ids are unique within a task only.
    pub fn is_completed(&self, task_id: &str, sample_id: &str, epoch: u32) -> bool {
        self.completed
            .contains(&key_digest(task_id, sample_id, epoch))
    }

    /// Streams the records in the order they were appended, from a fresh
    /// read handle on the samples file.
    pub fn records(&self) -> Result<RecordReader, RunLogError> {
        RecordReader::open(&self.samples_path)
    }

    /// Writes `summary.json` (atomically; replaces an earlier summary).
    pub fn write_summary(&self, summary: &Value) -> Result<(), RunLogError> {
        write_json_atomic(&self.dir.join(SUMMARY_FILE), summary)
    }

    /// Reads `summary.json`, or `None` if the run has none yet.
    pub fn read_summary(&self) -> Result<Option<Value>, RunLogError> {
        let path = self.dir.join(SUMMARY_FILE);
        if !path.exists() {
            return Ok(None);
        }
        read_json(&path).map(Some)
    }

    /// Compressed bytes of the samples file per record, or `None` when the
    /// log holds no record.
    pub fn bytes_per_sample(&self) -> Option<f64> {
        (self.record_count > 0).then(|| self.samples_bytes as f64 / self.record_count as f64)
    }

    /// Size of the samples file in bytes.
    pub fn samples_bytes(&self) -> u64 {
        self.samples_bytes
    }

    /// Number of records in the log.
    pub fn record_count(&self) -> u64 {
        self.record_count
    }

    /// The run header.
    pub fn header(&self) -> &RunHeader {
        &self.header
    }

    /// The run directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The samples file.
    pub fn samples_path(&self) -> &Path {
        &self.samples_path
    }
}

/// Opens the samples file for appending.
fn open_append(path: &Path) -> Result<File, RunLogError> {
    OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| RunLogError::io(path, e))
}

/// Moves the bytes after `complete_len` into a sidecar file, then truncates
/// the samples file to its complete members.
fn cut_broken_tail(path: &Path, complete_len: u64) -> Result<(), RunLogError> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| RunLogError::io(path, e))?;
    let mut tail = Vec::new();
    file.seek(SeekFrom::Start(complete_len))
        .and_then(|_| file.read_to_end(&mut tail))
        .map_err(|e| RunLogError::io(path, e))?;
    let mut sidecar = path.as_os_str().to_owned();
    sidecar.push(format!(".broken-{complete_len}"));
    let sidecar = PathBuf::from(sidecar);
    std::fs::write(&sidecar, &tail).map_err(|e| RunLogError::io(&sidecar, e))?;
    tracing::warn!(
        path = %path.display(),
        complete_len,
        dropped_bytes = tail.len(),
        sidecar = %sidecar.display(),
        "run log: cut a broken tail (crash mid-write?)"
    );
    file.set_len(complete_len)
        .and_then(|()| file.sync_all())
        .map_err(|e| RunLogError::io(path, e))
}
