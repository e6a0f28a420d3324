//! Which host user bubblewrap runs as.
//!
//! The kernel never applies `RLIMIT_NPROC` to processes whose host uid is 0,
//! even inside a user namespace, so a fork bomb started by root would not be
//! contained. When Bulwark runs as root, bubblewrap is therefore started as an
//! unprivileged host user (started by a launcher thread whose ids are that
//! user's, see `launcher`), and the files the sandbox must be able to write
//! are handed to that user.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::SandboxError;

/// The host user and group the sandbox process runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HostIdentity {
    /// `Some(id)` when Bulwark is root and bubblewrap runs as uid = gid = `id`.
    drop_to: Option<u32>,
}

impl HostIdentity {
    /// Drops to `id_when_root` if this process runs as root, else keeps the
    /// current user.
    pub(crate) fn detect(id_when_root: u32) -> Self {
        HostIdentity {
            drop_to: running_as_root().then_some(id_when_root),
        }
    }

    /// Keeps the current user (the unsandboxed mode).
    pub(crate) fn current() -> Self {
        HostIdentity { drop_to: None }
    }

    /// The unprivileged host user bubblewrap runs as instead of root, if any.
    pub(crate) fn dropped_to(&self) -> Option<u32> {
        self.drop_to
    }

    /// Hands `path` (not following a final symbolic link) to the sandbox's
    /// host user, so that the sandbox can change it.
    pub(crate) fn adopt(&self, path: &Path) -> Result<(), SandboxError> {
        match self.drop_to {
            Some(id) => std::os::unix::fs::lchown(path, Some(id), Some(id))
                .map_err(SandboxError::io("hand to the sandbox user", path)),
            None => Ok(()),
        }
    }
}

/// Whether the effective uid is 0: `/proc/self` belongs to the effective
/// user. Without `/proc`, assume not.
fn running_as_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}
