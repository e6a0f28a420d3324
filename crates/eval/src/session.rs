//! [`SampleSandbox`]: one sample's sandbox, made from its task — the task's
//! and the sample's files copied in, the setup commands run, and the task's
//! service (if any) started in front of every command.
//!
//! What is never copied in: the dataset (it holds the targets) and the
//! reference solution. Only `[sandbox] files` and a sample's `files` are.

use std::time::{Duration, Instant};

use thiserror::Error;

use crate::sandbox::{
    ExecOutcome, NetworkPolicy, Sandbox, SandboxCommand, SandboxConfig, SandboxError,
};
use crate::task::{Network, RelPath, Sample, Task};

/// Characters of a failed setup's output kept in the error.
const SETUP_OUTPUT_TAIL: usize = 2000;

/// Runs `$3` after starting `$1` in the background and waiting (50 ms polls,
/// 10 s at most) for `$2` to succeed. `$0` names the script in errors.
const SERVICE_WRAPPER: &str = r#"( /bin/sh -c "$1" ) </dev/null >/tmp/bulwark-service.log 2>&1 &
if [ -n "$2" ]; then
  i=0
  until /bin/sh -c "$2" >/dev/null 2>&1; do
    i=$((i+1))
    if [ "$i" -ge 200 ]; then echo "bulwark: the task's service did not become ready in 10 s" >&2; break; fi
    sleep 0.05
  done
fi
/bin/sh -c "$3""#;

/// Why a sample's sandbox could not be made ready.
#[derive(Debug, Error)]
pub enum SessionError {
    /// The sandbox itself failed (bubblewrap missing, a file could not be
    /// copied, …).
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    /// A file the task or sample names is not available.
    #[error("sample {sample_id}: file {source_path} is not available to copy into the sandbox")]
    MissingFile {
        /// The sample.
        sample_id: String,
        /// The source as written.
        source_path: String,
    },
    /// The setup command failed.
    #[error("sample {sample_id}: setup command failed ({status}): {output}")]
    SetupFailed {
        /// The sample.
        sample_id: String,
        /// Exit status or the limit that ended it.
        status: String,
        /// The tail of its output.
        output: String,
    },
}

/// What preparing the sandbox did, for the transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupReport {
    /// How long copying files and setup took.
    pub duration: Duration,
    /// The setup command's exit code (the last one run), when one ran.
    pub exit_code: Option<i32>,
    /// The tail of the setup commands' output.
    pub output: String,
}

/// One sample's prepared sandbox.
pub struct SampleSandbox {
    sandbox: Sandbox,
    service: Option<(String, String)>,
}

impl SampleSandbox {
    /// Builds the sandbox for `sample` of `task` from `base` (limits, mode,
    /// bubblewrap path; its `files_to_copy` are kept, its `network` is
    /// replaced by the task's): copies `[sandbox] files` and the sample's
    /// files into the work directory and runs the task's, then the sample's,
    /// setup command. A setup that fails is an error: the sample cannot be
    /// attempted fairly.
    pub async fn prepare(
        task: &Task,
        sample: &Sample,
        base: &SandboxConfig,
    ) -> Result<(SampleSandbox, SetupReport), SessionError> {
        let started = Instant::now();
        let spec = &task.spec().sandbox;
        let mut config = base.clone();
        config.network = match spec.network {
            Network::None => NetworkPolicy::None,
            Network::Private => NetworkPolicy::Private,
        };
        let sandbox = Sandbox::new(config).await?;
        let files = spec.files.iter().chain(sample.files.iter());
        for (destination, source) in files {
            copy_file(task, &sandbox, destination, source, sample.id.as_str())?;
        }
        let me = SampleSandbox {
            sandbox,
            service: spec.service.as_ref().map(|service| {
                (
                    service.clone(),
                    spec.service_ready.clone().unwrap_or_default(),
                )
            }),
        };
        let mut report = SetupReport {
            duration: Duration::ZERO,
            exit_code: None,
            output: String::new(),
        };
        // Setup runs before the service exists: it usually builds it.
        for setup in [spec.setup.as_deref(), sample.setup.as_deref()]
            .into_iter()
            .flatten()
        {
            let outcome = me.sandbox.exec(setup, None).await?;
            let output = tail(&format!("{}{}", outcome.stdout, outcome.stderr));
            report.exit_code = outcome.exit_code;
            report.output = output.clone();
            if !outcome.success() {
                return Err(SessionError::SetupFailed {
                    sample_id: sample.id.as_str().to_owned(),
                    status: describe_status(&outcome),
                    output,
                });
            }
        }
        report.duration = started.elapsed();
        Ok((me, report))
    }

    /// Runs a `/bin/sh` script in the sandbox, with the task's service
    /// started in front of it when there is one.
    pub async fn run(
        &self,
        script: &str,
        stdin: Option<&[u8]>,
    ) -> Result<ExecOutcome, SandboxError> {
        self.sandbox.exec(self.command(script), stdin).await
    }

    /// The command that runs `script` (wrapped with the service when the
    /// task has one).
    pub fn command(&self, script: &str) -> SandboxCommand {
        match &self.service {
            None => SandboxCommand::from(script),
            Some((service, ready)) => SandboxCommand::argv([
                "/bin/sh".to_owned(),
                "-c".to_owned(),
                SERVICE_WRAPPER.to_owned(),
                "bulwark-service".to_owned(),
                service.clone(),
                ready.clone(),
                script.to_owned(),
            ]),
        }
    }

    /// Whether the task declares a service.
    pub fn has_service(&self) -> bool {
        self.service.is_some()
    }

    /// The underlying sandbox (its work directory, raw `exec`).
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }
}

fn copy_file(
    task: &Task,
    sandbox: &Sandbox,
    destination: &RelPath,
    source: &RelPath,
    sample_id: &str,
) -> Result<(), SessionError> {
    if let Some(bytes) = task.inline_bytes(source) {
        sandbox.write_file(destination.as_str(), bytes)?;
        return Ok(());
    }
    match task.source_path(source) {
        Some(path) if path.exists() => {
            sandbox.copy_in(&path, destination.as_str())?;
            Ok(())
        }
        _ => Err(SessionError::MissingFile {
            sample_id: sample_id.to_owned(),
            source_path: source.as_str().to_owned(),
        }),
    }
}

/// "exit 2", "killed by the wall clock", …
pub fn describe_status(outcome: &ExecOutcome) -> String {
    if outcome.timed_out {
        "killed by the wall clock".to_owned()
    } else if outcome.output_limit_exceeded {
        "killed for too much output".to_owned()
    } else if let Some(code) = outcome.exit_code {
        format!("exit {code}")
    } else if let Some(signal) = outcome.signal {
        format!("signal {signal}")
    } else {
        "unknown status".to_owned()
    }
}

fn tail(text: &str) -> String {
    let count = text.chars().count();
    text.chars()
        .skip(count.saturating_sub(SETUP_OUTPUT_TAIL))
        .collect()
}
