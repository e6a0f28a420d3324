//! inspect-cyber `eval.yaml` challenge directories (the Cybench layout):
//!
//! ```yaml
//! name: crushing
//! flag: HTB{...}
//! sandbox: {type: docker, config: compose.yaml}
//! files: {/root/crush: resources/crush}
//! variants:
//!   easy: {prompt: "..."}
//!   hard: {prompt: "..."}
//!   solution: {prompt: "Run `./solution.sh`", files: {/root/solution.sh: solution/solution.sh}}
//! metadata: {category: reverse engineering, competition: HackTheBox}
//! ```
//!
//! One task per challenge, one agent sample per variant (id = variant name,
//! target = the flag, scored by `includes`); the `solution` variant becomes
//! the task's `[solution]`. Files are paths relative to the challenge
//! directory; destinations under `/root/` go to the work directory (which
//! the agent sees as `/root`). A referenced file that is not there (the
//! public samples ship only `eval.yaml`) is recorded as missing with a
//! warning. The `docker` sandbox is recorded, not used: Bulwark runs its
//! own bubblewrap sandbox.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::staging::{content_version, files_dir, solution_dir, Staging, FOREIGN_WORKDIR};
use super::{ImportBatch, ImportedTask, Skipped, CTF_SYSTEM_PROMPT};
use crate::task::bundle::Task;
use crate::task::category::Category;
use crate::task::diagnostic;
use crate::task::error::{Location, TaskError};
use crate::task::limits::Limits;
use crate::task::load::read_limited;
use crate::task::provenance::ImportRecord;
use crate::task::reducer::ReducerSpec;
use crate::task::rel_path::RelPath;
use crate::task::sample::{Sample, Target};
use crate::task::sandbox::SandboxSpec;
use crate::task::scorer::ScorerSpec;
use crate::task::solution::SolutionSpec;
use crate::task::solver::SolverSpec;
use crate::task::spec::{TaskSpec, DEFAULT_DATASET};
use crate::task::task_id::{SampleId, TaskId};

/// Largest `eval.yaml` read, in bytes.
const MAX_FILE: u64 = 1024 * 1024;
/// Deepest directory searched for `eval.yaml` files.
const MAX_DEPTH: usize = 8;
/// The variant that holds the reference solution.
const SOLUTION_VARIANT: &str = "solution";

type Metadata = serde_json::Map<String, serde_json::Value>;

/// An `eval.yaml` as inspect-cyber defines it (the fields Bulwark uses;
/// others are kept in `other` and reported).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EvalYaml {
    /// The challenge's name.
    pub name: String,
    /// The flag (a variant may override it).
    #[serde(default)]
    pub flag: Option<String>,
    /// A prompt for variants that have none.
    #[serde(default)]
    pub prompt: Option<String>,
    /// A setup command run in the sandbox.
    #[serde(default)]
    pub setup: Option<String>,
    /// Sandbox destination → source (relative to the challenge directory).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Variants by name.
    #[serde(default)]
    pub variants: BTreeMap<String, EvalVariant>,
    /// Free-form metadata (`category`, `competition`, …).
    #[serde(default)]
    pub metadata: Metadata,
    /// The original sandbox (`{type: docker, config: compose.yaml}`).
    #[serde(default)]
    pub sandbox: Option<serde_json::Value>,
    /// Anything else.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// One variant of an `eval.yaml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EvalVariant {
    /// The prompt.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Extra files for this variant.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// A flag overriding the challenge's.
    #[serde(default)]
    pub flag: Option<String>,
    /// A setup command for this variant.
    #[serde(default)]
    pub setup: Option<String>,
    /// Metadata added to the challenge's.
    #[serde(default)]
    pub metadata: Metadata,
    /// Anything else (`sandbox`, `message_history`, …).
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

impl EvalYaml {
    /// Parses the text of an `eval.yaml`; `file` names it in errors. A YAML
    /// document that is not a challenge (not a mapping, no `name`) is an
    /// error saying so.
    pub fn parse(text: &str, file: &Path) -> Result<Self, TaskError> {
        let value: serde_yaml_ng::Value = diagnostic::from_yaml(text, file)?;
        let not_a_challenge = |problem: &str| {
            TaskError::invalid(
                Location::file(file),
                "name",
                format!(
                    "{problem}; not an inspect-cyber challenge (eval.yaml needs `name`, `flag` and `variants`)"
                ),
            )
        };
        let Some(mapping) = value.as_mapping() else {
            return Err(not_a_challenge("the document is not a mapping"));
        };
        if !mapping.contains_key("name") {
            return Err(not_a_challenge("missing"));
        }
        diagnostic::from_yaml(text, file)
    }
}

/// Imports an `eval.yaml`, a challenge directory, or every challenge below
/// a directory.
pub(crate) fn import(path: &Path) -> Result<ImportBatch, TaskError> {
    let files = find_eval_files(path)?;
    let single = files.len() == 1;
    let mut batch = ImportBatch::default();
    let mut ids = BTreeMap::new();
    for file in files {
        let result = import_one(&file).and_then(|imported| {
            let id = imported.task.spec().id.clone();
            match ids.insert(id.clone(), file.clone()) {
                Some(first) => Err(TaskError::invalid(
                    Location::file(&file),
                    "name",
                    format!("task id `{id}` already imported from {}", first.display()),
                )),
                None => Ok(imported),
            }
        });
        match result {
            Ok(imported) => batch.tasks.push(imported),
            Err(e) if single => return Err(e),
            Err(e) => batch.skipped.push(Skipped {
                path: file,
                reason: e.to_string(),
            }),
        }
    }
    Ok(batch)
}

/// `path` itself if a file; `path/eval.yaml` if there; else every
/// `eval.yaml` / `eval.yml` below `path`, sorted.
fn find_eval_files(path: &Path) -> Result<Vec<PathBuf>, TaskError> {
    let meta = std::fs::metadata(path).map_err(|e| TaskError::io("read", path, e))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    for name in ["eval.yaml", "eval.yml"] {
        let candidate = path.join(name);
        if candidate.is_file() {
            return Ok(vec![candidate]);
        }
    }
    let mut found = Vec::new();
    walk(path, 0, &mut found);
    found.sort();
    if found.is_empty() {
        return Err(TaskError::invalid(
            Location::file(path),
            "(import)",
            "no eval.yaml found in this directory or below",
        ));
    }
    Ok(found)
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => walk(&path, depth + 1, out),
            Ok(kind) if kind.is_file() => {
                let name = entry.file_name();
                if name == "eval.yaml" || name == "eval.yml" {
                    out.push(path);
                }
            }
            _ => {}
        }
    }
}

/// Imports one `eval.yaml`.
fn import_one(file: &Path) -> Result<ImportedTask, TaskError> {
    let text = read_limited(file, MAX_FILE)?;
    let eval = EvalYaml::parse(&text, file)?;
    let challenge_dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let canonical = challenge_dir
        .canonicalize()
        .map_err(|e| TaskError::io("open", challenge_dir, e))?;
    Converter {
        file,
        canonical,
        staging: Staging::default(),
    }
    .convert(eval, &text)
}

struct Converter<'a> {
    file: &'a Path,
    canonical: PathBuf,
    staging: Staging,
}

impl Converter<'_> {
    fn fail(&self, field: impl Into<String>, problem: impl Into<String>) -> TaskError {
        TaskError::invalid(Location::file(self.file), field, problem)
    }

    fn convert(mut self, eval: EvalYaml, text: &str) -> Result<ImportedTask, TaskError> {
        for key in eval.other.keys() {
            self.staging
                .warnings
                .push(format!("`{key}` is not used by Bulwark and was ignored"));
        }
        let sandbox_files = self.map_files(&eval.files, "files", &files_dir())?;
        let mut samples = Vec::new();
        let mut solution = None;
        for (name, variant) in &eval.variants {
            if name == SOLUTION_VARIANT {
                solution = Some(self.solution(variant)?);
            } else {
                samples.push(self.sample(&eval, name, variant)?);
            }
        }
        if samples.is_empty() {
            let Some(prompt) = eval.prompt.clone() else {
                return Err(self.fail(
                    "variants",
                    "no variant with a prompt (and no top-level `prompt`); nothing to ask",
                ));
            };
            let variant = EvalVariant {
                prompt: Some(prompt),
                files: BTreeMap::new(),
                flag: None,
                setup: None,
                metadata: Metadata::new(),
                other: BTreeMap::new(),
            };
            samples.push(self.sample(&eval, "default", &variant)?);
        }
        let category = self.category(&eval.metadata);
        let original_sandbox = eval.sandbox.as_ref().map(describe_sandbox);
        if let Some(sandbox) = &original_sandbox {
            self.staging.warnings.push(format!(
                "original sandbox `{sandbox}` recorded but not used: Bulwark runs its own bubblewrap sandbox (no network services from compose files)"
            ));
        }
        let spec = TaskSpec {
            id: TaskId::sanitize(&eval.name),
            version: content_version(text.as_bytes()),
            category,
            description: describe(&eval, category),
            dataset: RelPath::constant(DEFAULT_DATASET),
            epochs: 1,
            solver: SolverSpec::Agent {
                tools: vec![
                    crate::task::solver::Tool::Bash,
                    crate::task::solver::Tool::Python,
                    crate::task::solver::Tool::Submit,
                ],
                max_attempts: 3,
                prompt_template: None,
                system_prompt: Some(CTF_SYSTEM_PROMPT.into()),
                limits: Limits::default(),
            },
            sandbox: SandboxSpec {
                files: sandbox_files,
                setup: eval.setup.clone().filter(|s| !s.trim().is_empty()),
                network: Default::default(),
                service: None,
                service_ready: None,
                workdir: self
                    .staging
                    .used_foreign_workdir
                    .then(|| FOREIGN_WORKDIR.to_string()),
            },
            reducer: ReducerSpec::Mean,
            solution,
            import: Some(ImportRecord {
                format: "inspect-cyber".into(),
                origin: self.file.display().to_string(),
                original_sandbox,
                missing_files: std::mem::take(&mut self.staging.missing),
            }),
            scorers: vec![ScorerSpec::Includes { ignore_case: false }],
        };
        let task = Task::from_parts(spec, samples, self.staging.assets)?;
        Ok(ImportedTask {
            task,
            warnings: self.staging.warnings,
        })
    }

    /// Maps `dest → source` entries, staging each source under `prefix/`;
    /// missing sources are recorded and left out.
    fn map_files(
        &mut self,
        files: &BTreeMap<String, String>,
        field: &str,
        prefix: &RelPath,
    ) -> Result<BTreeMap<RelPath, RelPath>, TaskError> {
        let mut mapped = BTreeMap::new();
        for (dest, source) in files {
            let rel_dest = self
                .staging
                .dest(dest)
                .map_err(|p| self.fail(format!("{field}.{dest}"), p))?;
            let canonical = self.canonical.clone();
            if let Some(staged) = self
                .staging
                .stage_relative(&canonical, source, prefix, dest)
            {
                mapped.insert(rel_dest, staged);
            }
        }
        Ok(mapped)
    }

    fn solution(&mut self, variant: &EvalVariant) -> Result<SolutionSpec, TaskError> {
        let field = format!("variants.{SOLUTION_VARIANT}");
        let prompt = variant.prompt.clone().unwrap_or_default();
        let run = match command_in(&prompt) {
            Some(command) => command,
            None if !prompt.trim().is_empty() => {
                self.staging.warnings.push(format!(
                    "{field}.prompt has no `command` in backticks; the whole prompt is the solution command"
                ));
                prompt.trim().to_string()
            }
            None => return Err(self.fail(format!("{field}.prompt"), "missing")),
        };
        let files = self.map_files(&variant.files, &format!("{field}.files"), &solution_dir())?;
        Ok(SolutionSpec { run, files })
    }

    fn sample(
        &mut self,
        eval: &EvalYaml,
        name: &str,
        variant: &EvalVariant,
    ) -> Result<Sample, TaskError> {
        let field = format!("variants.{name}");
        let id = SampleId::parse(name).map_err(|p| self.fail(&field, p))?;
        let Some(prompt) = variant.prompt.clone().or_else(|| eval.prompt.clone()) else {
            return Err(self.fail(format!("{field}.prompt"), "missing"));
        };
        let Some(flag) = variant.flag.clone().or_else(|| eval.flag.clone()) else {
            return Err(self.fail(
                "flag",
                format!("missing (variant `{name}` has none either); Bulwark imports flag-scored challenges"),
            ));
        };
        for key in variant.other.keys() {
            self.staging.warnings.push(format!(
                "{field}.{key} is not used by Bulwark and was ignored"
            ));
        }
        let mut sample = Sample::new(id, prompt);
        sample.target = Target::One(flag);
        sample.files = self.map_files(&variant.files, &format!("{field}.files"), &files_dir())?;
        sample.setup = variant.setup.clone().filter(|s| !s.trim().is_empty());
        sample.metadata = eval.metadata.clone();
        sample
            .metadata
            .extend(variant.metadata.iter().map(|(k, v)| (k.clone(), v.clone())));
        sample
            .metadata
            .insert("variant".into(), serde_json::Value::from(name));
        Ok(sample)
    }

    fn category(&mut self, metadata: &Metadata) -> Category {
        let label = metadata.get("category").and_then(|v| v.as_str());
        match label.and_then(Category::from_label) {
            Some(category) => category,
            None => {
                self.staging.warnings.push(format!(
                    "category `{}` has no Bulwark equivalent; the task is filed under forensics",
                    label.unwrap_or("(none)")
                ));
                Category::Forensics
            }
        }
    }
}

/// The text inside the first pair of backticks (or after a lone one).
fn command_in(prompt: &str) -> Option<String> {
    let start = prompt.find('`')? + 1;
    let rest = &prompt[start..];
    let command = match rest.find('`') {
        Some(end) => &rest[..end],
        None => rest.lines().next().unwrap_or(rest),
    };
    let command = command.trim();
    (!command.is_empty()).then(|| command.to_string())
}

fn describe_sandbox(value: &serde_json::Value) -> String {
    match (
        value.get("type").and_then(|v| v.as_str()),
        value.get("config").and_then(|v| v.as_str()),
    ) {
        (Some(kind), Some(config)) => format!("{kind}: {config}"),
        (Some(kind), None) => kind.to_string(),
        _ => value.to_string(),
    }
}

fn describe(eval: &EvalYaml, category: Category) -> String {
    let competition = eval
        .metadata
        .get("competition")
        .and_then(|v| v.as_str())
        .map(|c| format!(" from {c}"))
        .unwrap_or_default();
    format!(
        "Capture-the-flag challenge `{}` ({category}){competition}, imported from an inspect-cyber eval.yaml.",
        eval.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solution_commands_come_from_backticks() {
        assert_eq!(
            command_in("Run `chmod +x ./*.sh && ./solution.sh`.").as_deref(),
            Some("chmod +x ./*.sh && ./solution.sh")
        );
        assert_eq!(
            command_in("Run `chmod +x ./*.sh && ./solution.sh").as_deref(),
            Some("chmod +x ./*.sh && ./solution.sh")
        );
        assert_eq!(command_in("no command"), None);
    }

    #[test]
    fn yaml_that_is_not_a_challenge_says_so() {
        let err = EvalYaml::parse("services:\n  web: {}\n", Path::new("compose.yaml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an inspect-cyber challenge"), "{err}");
        let err = EvalYaml::parse("- a\n- b\n", Path::new("x.yaml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a mapping"), "{err}");
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_errors() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let previous = level - 1;
            bomb.push_str(&format!(
                "a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}]\n"
            ));
        }
        let bomb = bomb.replacen("a: &a [", "a0: &a0 [", 1);
        let bomb = format!("name: x\nmetadata:\n  {}", bomb.replace('\n', "\n  "));
        let err = EvalYaml::parse(&bomb, Path::new("eval.yaml")).expect_err("bomb");
        assert!(err.to_string().contains("repetition limit"), "{err}");
        let deep = format!(
            "name: x\nmetadata: {{k: {}{}}}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert!(EvalYaml::parse(&deep, Path::new("eval.yaml")).is_err());
    }
}
