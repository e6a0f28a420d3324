//! The bubblewrap sandbox: the only place in Bulwark that starts untrusted
//! processes (DESIGN §4.2, §5).
//!
//! Every [`Sandbox::exec`] runs one command in a fresh
//! [bubblewrap](https://github.com/containers/bubblewrap) sandbox (Debian
//! package `bubblewrap`):
//!
//! * new user, pid, network, ipc, uts (and, where possible, cgroup)
//!   namespaces; no capabilities; no further user namespaces inside; the
//!   sandbox user is uid 1000 (`sandbox`), hostname `sandbox`;
//! * no network: the network namespace has only its own loopback interface
//!   ([`NetworkPolicy`]);
//! * a read-only system: `/usr` and the top-level `/bin`, `/lib*`, `/sbin`,
//!   an `/etc` of a few copied host files (linker cache, alternatives, time
//!   zone; accounts and host names are synthetic) bound as one directory, `/proc`, a minimal read-only `/dev`, the
//!   read-only root; writable only the private work directory at `/work`
//!   (never `/`) and size-limited `/tmp` and `/dev/shm`; nothing else of the
//!   host (no `/root`, `/home`, `/opt`, `/var`, `/run`) is visible;
//! * an environment of its own (`PATH`, `HOME=/work`, `LANG`, plus the
//!   configured variables);
//! * rlimits on CPU, address space, processes and file size ([`Limits`],
//!   set with prlimit(2) on the sandbox's first process while bubblewrap
//!   holds it after setup, so the command starts under them);
//! * a wall clock that kills the whole process group, and bounded output
//!   (head and tail kept; a runaway stream gets the sandbox killed).
//!
//! If bubblewrap is missing or cannot build namespaces, [`Sandbox::new`]
//! fails with an install hint. Running unsandboxed needs
//! [`SandboxMode::UnsandboxedDangerous`], which only a caller that received
//! [`UNSANDBOXED_FLAG`] should select, and which logs a warning on every run.
//!
//! ```no_run
//! # async fn demo() -> Result<(), bulwark_eval::sandbox::SandboxError> {
//! use bulwark_eval::sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::new(SandboxConfig::default()).await?;
//! let outcome = sandbox.exec("echo hello > greeting; cat greeting", None).await?;
//! assert_eq!(outcome.stdout, "hello\n");
//! assert_eq!(sandbox.read_file("greeting")?, b"hello\n");
//! # Ok(()) }
//! ```
//!
//! When Bulwark runs as root, bubblewrap is started as an unprivileged host
//! user ([`SandboxConfig::host_id_when_root`]) because the kernel exempts host
//! uid 0 from the process limit.

mod bwrap_args;
mod command;
mod config;
mod error;
mod etc_dir;
mod gate;
mod host_identity;
mod instance;
mod launcher;
mod limits;
mod mode;
mod network;
mod outcome;
mod output;
mod pid_namespace;
mod probe;
mod process_group;
mod relative_path;
mod supervise;
mod work_dir;

pub use command::SandboxCommand;
pub use config::{SandboxConfig, DEFAULT_HOST_ID_WHEN_ROOT, DEFAULT_WORK_MOUNT};
pub use error::{SandboxError, BWRAP_INSTALL_HINT};
pub use instance::Sandbox;
pub use limits::Limits;
pub use mode::{SandboxMode, UNSANDBOXED_FLAG};
pub use network::NetworkPolicy;
pub use outcome::ExecOutcome;
