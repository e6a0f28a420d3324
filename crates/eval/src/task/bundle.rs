//! [`Task`]: a checked task definition with its samples and files, loaded
//! from a task directory or built in memory by an importer.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use super::asset::Asset;
use super::dataset::DatasetReader;
use super::error::{Location, TaskError};
use super::rel_path::RelPath;
use super::sample::Sample;
use super::spec::TaskSpec;
use super::validate::{check_sample, check_spec_files, FileCheck};

/// Where a task's files are.
#[derive(Debug, Clone)]
pub(crate) enum TaskFiles {
    /// Under a task directory: as given, and canonical.
    Dir { given: PathBuf, canonical: PathBuf },
    /// Staged in memory, by relative path, until [`Task::write`].
    Staged(BTreeMap<RelPath, Asset>),
}

/// Where a task's samples are.
#[derive(Debug, Clone)]
pub(crate) enum SampleStore {
    /// In memory (imported tasks).
    Memory(Vec<Sample>),
    /// In a checked JSONL file, re-read on demand so that memory stays
    /// bounded however many samples there are.
    File {
        /// The canonical path read.
        path: PathBuf,
        /// The path named in errors (under the directory as given).
        name: PathBuf,
        /// Number of samples.
        count: usize,
    },
}

/// A task whose definition, samples and file references have all been
/// checked. Obtain one with [`Task::load`] (a directory) or
/// [`Task::from_parts`] (in memory, for importers), iterate its samples with
/// [`Task::samples`], write it out with [`Task::write`].
#[derive(Debug, Clone)]
pub struct Task {
    pub(crate) spec: TaskSpec,
    pub(crate) files: TaskFiles,
    pub(crate) samples: SampleStore,
}

impl Task {
    /// An in-memory task. `assets` maps every relative path that the spec
    /// and the samples use as a file source to its contents. Everything is
    /// checked as [`Task::load`] checks it.
    pub fn from_parts(
        spec: TaskSpec,
        samples: Vec<Sample>,
        assets: BTreeMap<RelPath, Asset>,
    ) -> Result<Self, TaskError> {
        let task_toml = Path::new("task.toml");
        spec.check(task_toml, None)?;
        let files = FileCheck::Staged(&assets);
        check_spec_files(&spec, files, task_toml)?;
        let dataset = spec.dataset.under(Path::new(""));
        let mut ids = IdRegistry::default();
        for (index, sample) in samples.iter().enumerate() {
            let at = Location::line(&dataset, index as u64 + 1);
            check_sample(&spec, sample, files, &at)?;
            ids.insert(sample, &at)?;
        }
        if samples.is_empty() {
            return Err(no_samples(&dataset));
        }
        Ok(Self {
            spec,
            files: TaskFiles::Staged(assets),
            samples: SampleStore::Memory(samples),
        })
    }

    /// The definition.
    pub fn spec(&self) -> &TaskSpec {
        &self.spec
    }

    /// How many samples the dataset has.
    pub fn sample_count(&self) -> usize {
        match &self.samples {
            SampleStore::Memory(samples) => samples.len(),
            SampleStore::File { count, .. } => *count,
        }
    }

    /// The task directory, for a loaded task (as given to [`Task::load`]).
    pub fn dir(&self) -> Option<&Path> {
        match &self.files {
            TaskFiles::Dir { given, .. } => Some(given),
            TaskFiles::Staged(_) => None,
        }
    }

    /// Where the file a spec or sample names as `source` is on disk: under
    /// the task directory, or the original of a staged copy. `None` for
    /// staged inline contents and unknown sources.
    pub fn source_path(&self, source: &RelPath) -> Option<PathBuf> {
        match &self.files {
            TaskFiles::Dir { canonical, .. } => Some(source.under(canonical)),
            TaskFiles::Staged(assets) => match assets.get(source) {
                Some(Asset::Copy(path)) => Some(path.clone()),
                _ => None,
            },
        }
    }

    /// The inline contents a staged (imported, not yet written) task holds
    /// for `source`; `None` for loaded tasks and for files to copy.
    pub fn inline_bytes(&self, source: &RelPath) -> Option<&[u8]> {
        match &self.files {
            TaskFiles::Staged(assets) => match assets.get(source) {
                Some(Asset::Bytes(bytes)) => Some(bytes),
                _ => None,
            },
            TaskFiles::Dir { .. } => None,
        }
    }

    /// False when an importer could not bring every referenced file along
    /// (see [`super::ImportRecord::missing_files`]).
    pub fn is_complete(&self) -> bool {
        self.spec
            .import
            .as_ref()
            .is_none_or(|record| record.missing_files.is_empty())
    }

    /// The samples, in dataset order. For a loaded task the dataset file is
    /// read again line by line and every sample re-checked, so a file
    /// changed since [`Task::load`] yields errors rather than bad samples.
    pub fn samples(&self) -> Result<Samples<'_>, TaskError> {
        Ok(match &self.samples {
            SampleStore::Memory(samples) => Samples {
                inner: SamplesInner::Memory(samples.iter()),
            },
            SampleStore::File { path, name, .. } => {
                let canonical = match &self.files {
                    TaskFiles::Dir { canonical, .. } => canonical.as_path(),
                    TaskFiles::Staged(_) => Path::new("."),
                };
                Samples {
                    inner: SamplesInner::File {
                        reader: DatasetReader::new(
                            BufReader::new(
                                File::open(path).map_err(|e| TaskError::io("read", name, e))?,
                            ),
                            name,
                        ),
                        spec: &self.spec,
                        root: canonical,
                    },
                }
            }
        })
    }
}

/// Iterator over a task's samples (see [`Task::samples`]).
#[derive(Debug)]
pub struct Samples<'a> {
    inner: SamplesInner<'a>,
}

#[derive(Debug)]
enum SamplesInner<'a> {
    Memory(std::slice::Iter<'a, Sample>),
    File {
        reader: DatasetReader<BufReader<File>>,
        spec: &'a TaskSpec,
        root: &'a Path,
    },
}

impl Iterator for Samples<'_> {
    type Item = Result<Sample, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            SamplesInner::Memory(iter) => iter.next().cloned().map(Ok),
            SamplesInner::File { reader, spec, root } => {
                let sample = reader.next()?;
                let at = Location::line(reader.file(), reader.line());
                Some(sample.and_then(|sample| {
                    check_sample(spec, &sample, FileCheck::Dir(root), &at)?;
                    Ok(sample)
                }))
            }
        }
    }
}

/// Sample ids seen so far, with the line each was first seen on.
#[derive(Debug, Default)]
pub(crate) struct IdRegistry {
    /// Id digest → first line: 24 bytes a sample, whatever the id's length,
    /// so loading a dataset of any size takes little memory.
    seen: HashMap<u128, u64>,
}

impl IdRegistry {
    /// Records a sample's id; a repeat is an error naming the first line.
    pub(crate) fn insert(&mut self, sample: &Sample, at: &Location) -> Result<(), TaskError> {
        let line = at.line.unwrap_or(0);
        let digest = crate::runlog::key_digest("", sample.id.as_str(), 0);
        if let Some(first) = self.seen.get(&digest) {
            return Err(TaskError::invalid(
                at.clone(),
                "id",
                format!("`{}` is already used on line {first}", sample.id),
            ));
        }
        self.seen.insert(digest, line);
        Ok(())
    }
}

/// The error for a dataset without samples.
pub(crate) fn no_samples(dataset: &Path) -> TaskError {
    TaskError::invalid(
        Location::file(dataset),
        "samples",
        "the dataset has no samples",
    )
}
