//! [`RunOptions`]: what a run is asked to do besides the tasks and the model.

use std::path::PathBuf;

use bulwark_domain::designation::ProfileSubject;

use crate::sandbox::SandboxConfig;
use crate::solver::GenerateConfig;

/// Samples solved at once when nothing is said.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 32;

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The run directory: created, or resumed when it holds a run already.
    pub run_dir: PathBuf,
    /// The run id recorded in the header (a fresh run only).
    pub run_id: String,
    /// The suite name, used as the metric prefix (`cyber-core/…`); for
    /// single tasks, the task id.
    pub suite: String,
    /// Whose model it is, for the profile.
    pub subject: ProfileSubject,
    /// Overrides every task's epochs.
    pub epochs: Option<u32>,
    /// Samples in flight at once (and the provider's connection bound).
    pub max_connections: u32,
    /// Generation settings.
    pub generate: GenerateConfig,
    /// The base sandbox configuration (mode, limits, bubblewrap path).
    pub sandbox: SandboxConfig,
    /// Only the first N samples of each task.
    pub limit: Option<usize>,
}
