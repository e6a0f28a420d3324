//! The one error type of the sandbox.

use std::path::PathBuf;

/// The install hint every "bubblewrap is missing" message carries.
pub const BWRAP_INSTALL_HINT: &str = "apt-get install bubblewrap";

/// Everything that can go wrong while preparing a sandbox or running a
/// command in it. A command that *runs* and fails (non-zero exit, killed by a
/// limit, timed out) is not an error: it is an [`ExecOutcome`](super::ExecOutcome).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The bubblewrap binary could not be started at all.
    #[error(
        "bubblewrap (`{path}`) is not installed or not executable; install it with \
         `{BWRAP_INSTALL_HINT}` (Debian/Ubuntu). Bulwark never falls back to running \
         untrusted code unsandboxed"
    )]
    BwrapMissing {
        /// The bwrap path that was tried.
        path: PathBuf,
        /// Why starting it failed.
        #[source]
        source: std::io::Error,
    },

    /// bubblewrap starts but cannot build a sandbox on this machine (usually:
    /// user namespaces are disabled).
    #[error(
        "bubblewrap (`{path}`) is installed but cannot create a sandbox here: {detail}. \
         Check that unprivileged user namespaces are enabled \
         (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, \
         kernel.apparmor_restrict_unprivileged_userns=0) or reinstall it with \
         `{BWRAP_INSTALL_HINT}`"
    )]
    BwrapUnusable {
        /// The bwrap path that was tried.
        path: PathBuf,
        /// What bwrap printed, or how the probe failed.
        detail: String,
    },

    /// `prlimit` (util-linux), which applies the rlimits of unsandboxed
    /// commands, is not available on the host.
    #[error(
        "`prlimit` is not available ({detail}); install it with \
         `apt-get install util-linux`"
    )]
    PrlimitMissing {
        /// Why it could not be started.
        detail: String,
    },

    /// The resource limits could not be set on a sandbox; its command did
    /// not run.
    #[error("could not set the sandbox's resource limits: {source}")]
    Rlimits {
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A path handed to the sandbox (a destination in the work directory, a
    /// work directory, a read-only bind) is not acceptable.
    #[error("path `{path}` is not allowed: {reason}")]
    InvalidPath {
        /// The offending path, as given.
        path: PathBuf,
        /// Why it was refused.
        reason: &'static str,
    },

    /// An environment variable of the configuration cannot be passed on.
    #[error("environment variable `{name}` is not allowed: {reason}")]
    InvalidEnv {
        /// The variable's name, as given.
        name: String,
        /// Why it was refused.
        reason: &'static str,
    },

    /// A limit of the configuration is out of range.
    #[error("sandbox limit `{field}` is invalid: {reason}")]
    InvalidLimit {
        /// The field of [`Limits`](super::Limits).
        field: &'static str,
        /// Why it was refused.
        reason: &'static str,
    },

    /// The command to run is empty or contains a NUL byte.
    #[error("invalid sandbox command: {reason}")]
    InvalidCommand {
        /// Why it was refused.
        reason: &'static str,
    },

    /// A file-system operation on the host side failed.
    #[error("could not {action} `{path}`")]
    Io {
        /// What was being done ("copy", "read", "create directory", ...).
        action: &'static str,
        /// The host path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// The sandbox process could not be started or waited for.
    #[error("could not {action} the sandbox process `{program}`")]
    Process {
        /// "start" or "wait for".
        action: &'static str,
        /// The program that was run on the host (bwrap or prlimit).
        program: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl SandboxError {
    /// Shorthand for [`SandboxError::Io`].
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> SandboxError {
        let path = path.into();
        move |source| SandboxError::Io {
            action,
            path,
            source,
        }
    }

    /// Shorthand for [`SandboxError::InvalidPath`].
    pub(crate) fn invalid_path(path: impl Into<PathBuf>, reason: &'static str) -> SandboxError {
        SandboxError::InvalidPath {
            path: path.into(),
            reason,
        }
    }
}
