//! Suites: named collections of tasks (DESIGN §4.2).
//!
//! A suite is a directory whose sub-directories are task directories (see
//! [`crate::task`]), loaded in the order of their names. Bulwark ships
//! built-in suites — `suites/` at the repository root, currently
//! `cyber-core` — embedded in the binary, so `bulwark eval run --suite
//! cyber-core` works from any directory with an installed binary. A built-in
//! suite is materialised on demand (the task loader, the sandbox and the
//! reference solutions work on real files) under the system temporary
//! directory in a directory keyed by a hash of the embedded contents
//! (`$TMPDIR/bulwark-suites-<uid>/cyber-core-<hash>/`), reused when it is already
//! there and every embedded file in it is byte-for-byte intact, or into a
//! directory the caller names ([`materialise_in`]).
//!
//! [`resolve`] takes what a user typed after `--suite`: a built-in name, or
//! the path of a suite directory (or of a single task directory). Anything
//! that contains a `/` or starts with `.` is always a path.
//!
//! ```no_run
//! # fn demo() -> Result<(), bulwark_eval::suite::SuiteError> {
//! let suite = bulwark_eval::suite::resolve("cyber-core")?;
//! assert!(suite.tasks.len() >= 30);
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use include_dir::{include_dir, Dir, DirEntry};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::task::{Category, Task, TaskError, TASK_TOML};

/// The built-in suites: `suites/` at the repository root, embedded at build
/// time (`build.rs` makes Cargo rebuild when anything under it changes).
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../suites");

/// The directory under the system temporary directory where built-in suites
/// are materialised by [`materialise`], followed by `-UID` (one per user).
pub const CACHE_DIR_NAME: &str = "bulwark-suites";

/// Hex digits of the content hash in a materialised directory's name.
const HASH_CHARS: usize = 16;

/// Why a suite could not be found or loaded.
#[derive(Debug, Error)]
pub enum SuiteError {
    /// Neither a built-in suite nor an existing directory.
    #[error("unknown suite `{given}`: it is not a built-in suite (built-in: {builtins}) and no directory of that name exists")]
    Unknown {
        /// What was asked for.
        given: String,
        /// The built-in names, comma-separated.
        builtins: String,
    },
    /// A file-system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A task of the suite does not load (the error names file, line, field).
    #[error("suite {}: {source}", dir.display())]
    Task {
        /// The suite directory.
        dir: PathBuf,
        /// The task's error.
        #[source]
        source: TaskError,
    },
    /// A sub-directory of the suite has no `task.toml`.
    #[error("{}: not a task directory (no task.toml); a suite directory holds only task directories", path.display())]
    NotATask {
        /// The sub-directory.
        path: PathBuf,
    },
    /// Two task directories declare the same id.
    #[error("suite {}: task id `{id}` is declared by both {} and {}", dir.display(), first.display(), second.display())]
    DuplicateTask {
        /// The suite directory.
        dir: PathBuf,
        /// The id.
        id: String,
        /// The first directory declaring it.
        first: PathBuf,
        /// The second.
        second: PathBuf,
    },
    /// The suite directory holds no task directory.
    #[error("suite {}: holds no task directories", dir.display())]
    Empty {
        /// The suite directory.
        dir: PathBuf,
    },
    /// The directory chosen for materialising is not safe to use.
    #[error("{}: {reason}", path.display())]
    UnsafeCacheDir {
        /// The directory.
        path: PathBuf,
        /// Why it is refused.
        reason: String,
    },
}

impl SuiteError {
    fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SuiteError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// A loaded suite: every task checked, in a stable order (task directory
/// names, byte order).
#[derive(Debug, Clone)]
pub struct Suite {
    /// The suite's name: the built-in name, or the directory's file name
    /// (the task id for a single task directory). Used as the metric prefix.
    pub name: String,
    /// The directory the tasks were loaded from.
    pub dir: PathBuf,
    /// Whether this is a built-in suite.
    pub builtin: bool,
    /// The tasks, in order.
    pub tasks: Vec<Task>,
}

impl Suite {
    /// How many tasks there are of each category.
    pub fn categories(&self) -> BTreeMap<Category, usize> {
        let mut counts = BTreeMap::new();
        for task in &self.tasks {
            *counts.entry(task.spec().category).or_insert(0) += 1;
        }
        counts
    }

    /// Samples over all tasks.
    pub fn sample_count(&self) -> usize {
        self.tasks.iter().map(Task::sample_count).sum()
    }

    /// The task with `id`, if the suite has it.
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.spec().id.as_str() == id)
    }
}

/// The names of the built-in suites, sorted.
pub fn builtin_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = BUILTIN
        .dirs()
        .filter_map(|d| d.path().file_name().and_then(|n| n.to_str()))
        .collect();
    names.sort_unstable();
    names
}

/// Whether `name` is a built-in suite.
pub fn is_builtin(name: &str) -> bool {
    builtin_dir(name).is_some()
}

/// The task directory names of a built-in suite, sorted; `None` for an
/// unknown name.
pub fn builtin_task_dirs(name: &str) -> Option<Vec<&'static str>> {
    let dir = builtin_dir(name)?;
    let mut tasks: Vec<&'static str> = dir
        .dirs()
        .filter(|d| d.get_file(d.path().join(TASK_TOML)).is_some())
        .filter_map(|d| d.path().file_name().and_then(|n| n.to_str()))
        .collect();
    tasks.sort_unstable();
    Some(tasks)
}

/// A short hash of a built-in suite's embedded files (paths and contents);
/// it names the materialised directory. `None` for an unknown name.
pub fn builtin_hash(name: &str) -> Option<&'static str> {
    static HASHES: OnceLock<HashMap<String, String>> = OnceLock::new();
    let hashes = HASHES.get_or_init(|| {
        BUILTIN
            .dirs()
            .filter_map(|d| {
                let name = d.path().file_name()?.to_str()?.to_owned();
                Some((name, content_hash(d)))
            })
            .collect()
    });
    hashes.get(name).map(String::as_str)
}

/// Resolves what follows `--suite`: a built-in name (materialised with
/// [`materialise`]) or the path of a suite directory — or of a single task
/// directory, which makes a suite of one. An argument containing `/` or
/// starting with `.` is always a path. Unknown names give
/// [`SuiteError::Unknown`], which lists the built-in suites.
pub fn resolve(name_or_path: &str) -> Result<Suite, SuiteError> {
    let looks_like_path = name_or_path.contains('/') || name_or_path.starts_with('.');
    if !looks_like_path && is_builtin(name_or_path) {
        let dir = materialise(name_or_path)?;
        return load_builtin(name_or_path, &dir);
    }
    let path = Path::new(name_or_path);
    if path.is_dir() {
        return load_dir(path);
    }
    Err(SuiteError::Unknown {
        given: name_or_path.to_owned(),
        builtins: builtin_names().join(", "),
    })
}

/// Loads the built-in suite `name` from a directory it was materialised
/// into. Only the task directories that are embedded are loaded, so nothing
/// added to the directory later becomes part of the suite.
pub fn load_builtin(name: &str, dir: &Path) -> Result<Suite, SuiteError> {
    let task_dirs = builtin_task_dirs(name).ok_or_else(|| SuiteError::Unknown {
        given: name.to_owned(),
        builtins: builtin_names().join(", "),
    })?;
    let paths = task_dirs.iter().map(|t| dir.join(t)).collect();
    let tasks = load_tasks(dir, paths)?;
    Ok(Suite {
        name: name.to_owned(),
        dir: dir.to_path_buf(),
        builtin: true,
        tasks,
    })
}

/// Loads the suite in `dir`: every sub-directory (except hidden ones, whose
/// names start with `.`) must be a task directory; plain files such as a
/// README are ignored. If `dir` is itself a task directory, the suite is
/// that one task.
pub fn load_dir(dir: &Path) -> Result<Suite, SuiteError> {
    if dir.join(TASK_TOML).is_file() {
        let task = Task::load(dir).map_err(|source| SuiteError::Task {
            dir: dir.to_path_buf(),
            source,
        })?;
        return Ok(Suite {
            name: task.spec().id.as_str().to_owned(),
            dir: dir.to_path_buf(),
            builtin: false,
            tasks: vec![task],
        });
    }
    let entries = std::fs::read_dir(dir).map_err(|e| SuiteError::io("read", dir, e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| SuiteError::io("read", dir, e))?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if !path.join(TASK_TOML).is_file() {
            return Err(SuiteError::NotATask { path });
        }
        paths.push(path);
    }
    paths.sort();
    let tasks = load_tasks(dir, paths)?;
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string());
    Ok(Suite {
        name,
        dir: dir.to_path_buf(),
        builtin: false,
        tasks,
    })
}

fn load_tasks(dir: &Path, paths: Vec<PathBuf>) -> Result<Vec<Task>, SuiteError> {
    if paths.is_empty() {
        return Err(SuiteError::Empty {
            dir: dir.to_path_buf(),
        });
    }
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut tasks = Vec::with_capacity(paths.len());
    for path in paths {
        let task = Task::load(&path).map_err(|source| SuiteError::Task {
            dir: dir.to_path_buf(),
            source,
        })?;
        let id = task.spec().id.as_str().to_owned();
        if let Some(first) = seen.get(&id) {
            return Err(SuiteError::DuplicateTask {
                dir: dir.to_path_buf(),
                id,
                first: first.clone(),
                second: path,
            });
        }
        seen.insert(id, path);
        tasks.push(task);
    }
    Ok(tasks)
}

/// Materialises the built-in suite `name` under the system temporary
/// directory (`$TMPDIR/bulwark-suites-UID/NAME-HASH/`) and returns that
/// directory. An existing directory is reused when every embedded file in
/// it is intact; otherwise it is rebuilt. The per-user cache directory is
/// created with mode 0700, and an existing one must belong to the current
/// user and not be writable by others.
pub fn materialise(name: &str) -> Result<PathBuf, SuiteError> {
    let uid = current_uid().map_err(|e| SuiteError::io("inspect", "/proc/self", e))?;
    let root = std::env::temp_dir().join(format!("{CACHE_DIR_NAME}-{uid}"));
    ensure_private_dir(&root)?;
    materialise_in(name, &root)
}

/// Materialises the built-in suite `name` as `root/NAME-HASH/` (creating
/// `root` if needed) and returns that directory. Reuses it when intact;
/// otherwise writes a fresh copy next to it and renames it into place, so
/// that concurrent callers never see a half-written suite.
pub fn materialise_in(name: &str, root: &Path) -> Result<PathBuf, SuiteError> {
    let unknown = || SuiteError::Unknown {
        given: name.to_owned(),
        builtins: builtin_names().join(", "),
    };
    let embedded = builtin_dir(name).ok_or_else(unknown)?;
    let hash = builtin_hash(name).ok_or_else(unknown)?;
    std::fs::create_dir_all(root).map_err(|e| SuiteError::io("create directory", root, e))?;
    let target = root.join(format!("{name}-{hash}"));
    if is_intact(embedded, &target) {
        return Ok(target);
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let staging = root.join(format!(".{name}-{hash}.tmp-{}-{nanos}", std::process::id()));
    let written = write_tree(embedded, &staging);
    if let Err(error) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    if is_intact(embedded, &target) {
        // Another process or thread finished its copy meanwhile.
        let _ = std::fs::remove_dir_all(&staging);
        return Ok(target);
    }
    if target.exists() {
        // Present but not intact (a file edited or removed): replace it.
        if let Err(error) = std::fs::remove_dir_all(&target) {
            if error.kind() != ErrorKind::NotFound {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(SuiteError::io("remove", &target, error));
            }
        }
    }
    match std::fs::rename(&staging, &target) {
        Ok(()) => Ok(target),
        Err(error) => {
            let _ = std::fs::remove_dir_all(&staging);
            // Another process may have put an intact copy there meanwhile.
            if is_intact(embedded, &target) {
                Ok(target)
            } else {
                Err(SuiteError::io("rename into place", &target, error))
            }
        }
    }
}

/// The embedded directory of a built-in suite.
fn builtin_dir(name: &str) -> Option<&'static Dir<'static>> {
    if name.is_empty() || name.contains('/') {
        return None;
    }
    BUILTIN
        .dirs()
        .find(|d| d.path().file_name().and_then(|n| n.to_str()) == Some(name))
}

/// Every file under `dir`, recursively, sorted by path.
fn files_of(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in d.entries() {
            match entry {
                DirEntry::Dir(sub) => stack.push(sub),
                DirEntry::File(file) => files.push(file),
            }
        }
    }
    files.sort_by(|a, b| a.path().cmp(b.path()));
    files
}

/// The path of an embedded file relative to its suite directory.
fn relative_to<'a>(dir: &Dir<'_>, file: &'a include_dir::File<'_>) -> &'a Path {
    file.path().strip_prefix(dir.path()).unwrap_or(file.path())
}

fn content_hash(dir: &'static Dir<'static>) -> String {
    let mut hasher = Sha256::new();
    for file in files_of(dir) {
        let path = relative_to(dir, file).to_string_lossy();
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update((file.contents().len() as u64).to_le_bytes());
        hasher.update(file.contents());
    }
    let digest = hex::encode(hasher.finalize());
    digest[..HASH_CHARS].to_owned()
}

/// Whether every embedded file exists under `target` with the same bytes
/// (regular files only; a symbolic link in their place is not intact).
fn is_intact(dir: &'static Dir<'static>, target: &Path) -> bool {
    if !target.is_dir() {
        return false;
    }
    files_of(dir).into_iter().all(|file| {
        let path = target.join(relative_to(dir, file));
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_file() => {
                meta.len() == file.contents().len() as u64
                    && std::fs::read(&path).is_ok_and(|bytes| bytes == file.contents())
            }
            _ => false,
        }
    })
}

fn write_tree(dir: &'static Dir<'static>, staging: &Path) -> Result<(), SuiteError> {
    std::fs::create_dir_all(staging).map_err(|e| SuiteError::io("create directory", staging, e))?;
    for file in files_of(dir) {
        let path = staging.join(relative_to(dir, file));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| SuiteError::io("create directory", parent, e))?;
        }
        std::fs::write(&path, file.contents()).map_err(|e| SuiteError::io("write", &path, e))?;
    }
    Ok(())
}

/// Creates `dir` (mode 0700) or checks an existing one: it must be a real
/// directory owned by the current user and not writable by group or others,
/// so that no other user can plant tasks in it.
fn ensure_private_dir(dir: &Path) -> Result<(), SuiteError> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) => return Err(SuiteError::io("create directory", dir, e)),
    }
    let meta = std::fs::symlink_metadata(dir).map_err(|e| SuiteError::io("inspect", dir, e))?;
    let refuse = |reason: &str| SuiteError::UnsafeCacheDir {
        path: dir.to_path_buf(),
        reason: reason.to_owned(),
    };
    if !meta.file_type().is_dir() {
        return Err(refuse("exists but is not a directory"));
    }
    let me = current_uid().map_err(|e| SuiteError::io("inspect", "/proc/self", e))?;
    if meta.uid() != me {
        return Err(refuse("belongs to another user"));
    }
    if meta.permissions().mode() & 0o022 != 0 {
        return Err(refuse(
            "is writable by group or others; make it private (chmod 700) or remove it",
        ));
    }
    Ok(())
}

/// The effective user id, without `unsafe`: the owner of `/proc/self`.
fn current_uid() -> std::io::Result<u32> {
    std::fs::metadata("/proc/self").map(|m| m.uid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyber_core_is_built_in_with_a_stable_hash() {
        assert!(builtin_names().contains(&"cyber-core"));
        let hash = builtin_hash("cyber-core").unwrap();
        assert_eq!(hash.len(), HASH_CHARS);
        assert_eq!(builtin_hash("cyber-core"), Some(hash));
        assert!(builtin_hash("no-such-suite").is_none());
        assert!(!is_builtin("../suites"));
    }

    #[test]
    fn unknown_names_list_the_built_ins() {
        let err = resolve("no-such-suite-anywhere").unwrap_err().to_string();
        assert!(err.contains("no-such-suite-anywhere"), "{err}");
        assert!(err.contains("cyber-core"), "{err}");
    }

    #[test]
    fn a_tampered_materialisation_is_rebuilt() {
        let root = tempfile::tempdir().unwrap();
        let dir = materialise_in("cyber-core", root.path()).unwrap();
        let first = builtin_task_dirs("cyber-core").unwrap()[0];
        let toml = dir.join(first).join(TASK_TOML);
        let original = std::fs::read(&toml).unwrap();
        std::fs::write(&toml, b"id = \"tampered\"").unwrap();
        let again = materialise_in("cyber-core", root.path()).unwrap();
        assert_eq!(again, dir);
        assert_eq!(std::fs::read(&toml).unwrap(), original);
    }
}
