//! Proving that bubblewrap is present and can build a sandbox here, before
//! anything untrusted runs. There is no fallback: failure is an error with an
//! install hint.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use super::{ExecOutcome, SandboxError};

/// How long `bwrap --version` may take.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);

/// bwrap binaries that already ran a trivial sandbox in this process.
static PROVEN: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();

/// Held while a new sandbox proves bubblewrap, so that sandboxes created
/// meanwhile (a run starts as many as it has connections) wait for the
/// verdict instead of each proving it again.
pub(crate) static PROVING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Whether `bwrap` already ran a trivial sandbox in this process.
pub(crate) fn already_proven(bwrap: &Path) -> bool {
    PROVEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .contains(bwrap)
}

/// Remembers that `bwrap` ran a trivial sandbox.
pub(crate) fn remember_proven(bwrap: &Path) {
    PROVEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(bwrap.to_path_buf());
}

/// The absolute path of `program`: itself if it contains a `/`, else the
/// first executable file of that name in the host's `PATH`. A program that
/// cannot be found is [`SandboxError::BwrapMissing`].
pub(crate) fn locate(program: &Path) -> Result<PathBuf, SandboxError> {
    let missing = |detail: &str| SandboxError::BwrapMissing {
        path: program.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, detail.to_owned()),
    };
    if program.as_os_str().is_empty() {
        return Err(missing("the configured path is empty"));
    }
    if program.components().count() > 1 || program.is_absolute() {
        return Ok(program.to_path_buf());
    }
    let search = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&search)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
        .ok_or_else(|| missing("not found in PATH"))
}

/// Whether `path` is a file someone may execute.
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs `bwrap --version`: a binary that cannot be started is
/// [`SandboxError::BwrapMissing`].
pub(crate) async fn check_version(bwrap: &Path) -> Result<String, SandboxError> {
    let run = tokio::process::Command::new(bwrap)
        .arg("--version")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(VERSION_TIMEOUT, run).await {
        Err(_) => {
            return Err(SandboxError::BwrapUnusable {
                path: bwrap.to_path_buf(),
                detail: "`bwrap --version` did not answer within 10 s".to_owned(),
            })
        }
        Ok(Err(source)) => {
            return Err(SandboxError::BwrapMissing {
                path: bwrap.to_path_buf(),
                source,
            })
        }
        Ok(Ok(output)) => output,
    };
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !output.status.success() || !version.starts_with("bubblewrap") {
        return Err(SandboxError::BwrapUnusable {
            path: bwrap.to_path_buf(),
            detail: format!(
                "`bwrap --version` answered {:?} ({}): {}",
                version,
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    Ok(version)
}

/// Turns the outcome of the trivial probe command (`true` in a full
/// sandbox) into success or the error that explains its failure.
pub(crate) fn judge_trivial_run(bwrap: &Path, outcome: &ExecOutcome) -> Result<(), SandboxError> {
    if outcome.success() {
        return Ok(());
    }
    let printed = outcome.stderr.trim();
    let detail = if printed.is_empty() {
        format!(
            "a trivial sandboxed command failed (exit code {:?}, signal {:?}, timed out: {})",
            outcome.exit_code, outcome.signal, outcome.timed_out
        )
    } else {
        printed.to_owned()
    };
    Err(SandboxError::BwrapUnusable {
        path: bwrap.to_path_buf(),
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_missing_binary_names_the_install_command() {
        let result = check_version(Path::new("/nonexistent/bwrap")).await;
        let Err(error) = result else {
            panic!("a missing bwrap must be an error");
        };
        assert!(matches!(error, SandboxError::BwrapMissing { .. }));
        assert!(error.to_string().contains("apt-get install bubblewrap"));
    }

    #[test]
    fn programs_are_located_in_path() -> Result<(), SandboxError> {
        let sh = locate(Path::new("sh"))?;
        assert!(sh.is_absolute() && sh.ends_with("sh"), "{sh:?}");
        assert_eq!(locate(Path::new("/x/bwrap"))?, Path::new("/x/bwrap"));
        assert!(matches!(
            locate(Path::new("no-such-bwrap-anywhere")),
            Err(SandboxError::BwrapMissing { .. })
        ));
        Ok(())
    }

    #[tokio::test]
    async fn a_binary_that_is_not_bwrap_is_unusable() {
        let result = check_version(Path::new("true")).await;
        assert!(matches!(result, Err(SandboxError::BwrapUnusable { .. })));
    }

    #[test]
    fn failures_are_explained() {
        let failed = ExecOutcome {
            exit_code: Some(1),
            signal: None,
            stdout: String::new(),
            stderr: "bwrap: execvp true: No such file or directory\n".to_owned(),
            truncated: false,
            timed_out: false,
            output_limit_exceeded: false,
            duration: Duration::ZERO,
        };
        assert!(matches!(
            judge_trivial_run(Path::new("bwrap"), &failed),
            Err(SandboxError::BwrapUnusable { ref detail, .. }) if detail.contains("execvp true")
        ));
        let no_userns = ExecOutcome {
            stderr: "bwrap: No permissions to creating new namespace".to_owned(),
            ..failed
        };
        let error = judge_trivial_run(Path::new("bwrap"), &no_userns);
        assert!(
            matches!(error, Err(SandboxError::BwrapUnusable { ref detail, .. }) if detail.contains("namespace"))
        );
    }
}
