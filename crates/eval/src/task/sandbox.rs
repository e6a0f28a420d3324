//! [`SandboxSpec`]: what the sandbox of every sample starts with
//! (`[sandbox]` in `task.toml`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rel_path::RelPath;

/// Network access inside the sandbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// No network at all (the default).
    #[default]
    None,
    /// A private network inside the sandbox only (loopback services such as
    /// a web target started by `setup`); never the host's or the internet.
    Private,
}

/// The sandbox every sample of the task runs in (the agent's tools, the
/// execution scorer's check, the reference solution).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxSpec {
    /// Files copied into the work directory: destination (relative to the
    /// work directory) → source (relative to the task directory, usually
    /// under `files/`). A source may be a directory.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<RelPath, RelPath>,
    /// A shell command run in the work directory once the files are in,
    /// before the solver starts (compile a target, start a service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<String>,
    /// A long-running service (a web target, say) the agent's commands
    /// talk to. Every command runs in a fresh sandbox over the same work
    /// directory, so the service is started in the background before each
    /// command (and the reference solution and execution checks) and ends
    /// with it. Needs `network = "private"` when it listens on a port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// A command that succeeds once `service` is ready (`curl -s
    /// localhost:8080`, say); polled every 50 ms for up to 10 s before the
    /// command runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_ready: Option<String>,
    /// Network access; `none` unless the task declares `private`.
    #[serde(default)]
    pub network: Network,
    /// The absolute path at which the agent sees its work directory, when
    /// the task's prompts name one (imported Cybench tasks say `/root`).
    /// `None` leaves it to the sandbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workdir: Option<String>,
}
