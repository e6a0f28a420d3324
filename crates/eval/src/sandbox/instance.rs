//! [`Sandbox`]: a work directory plus the means to run untrusted commands
//! against it.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::bwrap_args::{command_args, prlimit_argv, sandbox_args, SANDBOX_PATH};
use super::etc_dir::EtcDir;
use super::host_identity::HostIdentity;
use super::probe;
use super::relative_path::checked_relative;
use super::supervise::{supervise, Launch};
use super::work_dir::WorkDir;
use super::{
    ExecOutcome, Limits, SandboxCommand, SandboxConfig, SandboxError, SandboxMode, UNSANDBOXED_FLAG,
};

/// Wall clock of the trivial command that proves bubblewrap works.
const PROBE_WALL_CLOCK: Duration = Duration::from_secs(20);

/// A sandbox: a private work directory (mounted at `/work` inside, or at
/// [`SandboxConfig::work_mount`]) and a
/// configuration under which every [`exec`](Sandbox::exec) runs a command in a
/// fresh bubblewrap sandbox. Files written by one command are seen by the
/// next; processes are not (each command ends with all of its processes).
/// A temporary work directory is removed when the sandbox is dropped.
#[derive(Debug)]
pub struct Sandbox {
    config: SandboxConfig,
    /// The bubblewrap binary, located once (absolute).
    bwrap: PathBuf,
    ids: HostIdentity,
    bwrap_args: Vec<OsString>,
    // Dropped last, after everything that refers to their paths.
    work_dir: WorkDir,
    _etc: Option<Arc<EtcDir>>,
}

impl Sandbox {
    /// Validates `config`, proves that bubblewrap is present and can build a
    /// sandbox here (`bwrap --version`, then a trivial sandboxed `true`),
    /// prepares the work directory and copies
    /// [`files_to_copy`](SandboxConfig::files_to_copy) into it.
    ///
    /// Without a usable bubblewrap this fails with
    /// [`SandboxError::BwrapMissing`] (whose message contains
    /// `apt-get install bubblewrap`) or [`SandboxError::BwrapUnusable`];
    /// it never falls back to running unsandboxed. Only
    /// [`SandboxMode::UnsandboxedDangerous`] skips bubblewrap.
    pub async fn new(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        config.validate()?;
        for (_, destination) in &config.files_to_copy {
            checked_relative(destination)?;
        }
        let sandboxed = config.mode == SandboxMode::Bubblewrap;
        let ids = if sandboxed {
            HostIdentity::detect(config.host_id_when_root)
        } else {
            tracing::warn!(
                flag = UNSANDBOXED_FLAG,
                "sandbox created in UNSANDBOXED mode: untrusted code will run directly on the host"
            );
            HostIdentity::current()
        };
        let bwrap = if sandboxed {
            probe::locate(&config.bwrap_path)?
        } else {
            config.bwrap_path.clone()
        };
        // A caller-given work directory is proven every time; otherwise the
        // first sandbox of the process proves bubblewrap for all.
        let proving = if sandboxed && config.work_dir.is_none() && !probe::already_proven(&bwrap) {
            Some(probe::PROVING.lock().await)
        } else {
            None
        };
        let must_probe = sandboxed && (config.work_dir.is_some() || !probe::already_proven(&bwrap));
        if must_probe {
            probe::check_version(&bwrap).await?;
        }
        let work_dir = WorkDir::open(config.work_dir.as_deref(), ids)?;
        let (etc, bwrap_args) = if sandboxed {
            let etc = EtcDir::shared()?;
            let args = sandbox_args(&config, work_dir.root(), etc.path());
            (Some(etc), args)
        } else {
            (None, Vec::new())
        };
        let sandbox = Sandbox {
            config,
            bwrap,
            ids,
            bwrap_args,
            work_dir,
            _etc: etc,
        };
        if must_probe {
            sandbox.prove_usable().await?;
        }
        drop(proving);
        for (source, destination) in &sandbox.config.files_to_copy {
            sandbox.work_dir.copy_in(source, destination)?;
        }
        Ok(sandbox)
    }

    /// Runs `command` (an argument vector, or a `/bin/sh -c` script given as
    /// a string) in a fresh sandbox over the work directory, with `stdin` as
    /// its standard input (none: `/dev/null`), under the configured limits.
    /// Returns when the command and every process it started have ended:
    /// nothing outlives the call, so a service a task needs (say, a web
    /// target started by its setup) must be started in the same command as
    /// whatever uses it. Files in the work directory do persist.
    pub async fn exec(
        &self,
        command: impl Into<SandboxCommand>,
        stdin: Option<&[u8]>,
    ) -> Result<ExecOutcome, SandboxError> {
        let argv = command.into().to_argv()?;
        self.run(&argv, stdin, &self.config.limits).await
    }

    /// The work directory on the host (the work mount, `/work`, inside).
    pub fn work_dir(&self) -> &Path {
        self.work_dir.root()
    }

    /// The configuration this sandbox was created with.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// Reads a regular file of the work directory. Paths are relative to it;
    /// absolute paths, `..` and symbolic links leading out of it are refused.
    pub fn read_file(&self, relative: impl AsRef<Path>) -> Result<Vec<u8>, SandboxError> {
        self.work_dir.read(relative.as_ref())
    }

    /// Writes (creating or replacing) a file of the work directory, creating
    /// parent directories; the same path rules as [`read_file`](Self::read_file).
    pub fn write_file(&self, relative: impl AsRef<Path>, bytes: &[u8]) -> Result<(), SandboxError> {
        self.work_dir.write(relative.as_ref(), bytes).map(|_| ())
    }

    /// Copies a host file or directory into the work directory at `relative`.
    pub fn copy_in(
        &self,
        source: impl AsRef<Path>,
        relative: impl AsRef<Path>,
    ) -> Result<(), SandboxError> {
        self.work_dir.copy_in(source.as_ref(), relative.as_ref())
    }

    /// Runs a trivial command in a full sandbox; remembers success.
    async fn prove_usable(&self) -> Result<(), SandboxError> {
        let limits = Limits {
            wall_clock: PROBE_WALL_CLOCK,
            ..self.config.limits.clone()
        };
        let outcome = self.run(&["true".to_owned()], None, &limits).await?;
        probe::judge_trivial_run(&self.bwrap, &outcome)?;
        probe::remember_proven(&self.bwrap);
        Ok(())
    }

    async fn run(
        &self,
        argv: &[String],
        stdin: Option<&[u8]>,
        limits: &Limits,
    ) -> Result<ExecOutcome, SandboxError> {
        let launch = match self.config.mode {
            SandboxMode::Bubblewrap => {
                let mut args = self.bwrap_args.clone();
                args.extend(command_args(argv));
                Launch {
                    program: self.bwrap.clone(),
                    args,
                    env: Vec::new(),
                    current_dir: PathBuf::from("/"),
                    ids: self.ids,
                    bubblewrap: true,
                }
            }
            SandboxMode::UnsandboxedDangerous => self.unsandboxed_launch(argv, limits),
        };
        supervise(launch, stdin, limits)
            .await
            .map_err(|error| match error {
                SandboxError::Process {
                    action: "start",
                    source,
                    ..
                } if matches!(
                    source.kind(),
                    ErrorKind::NotFound | ErrorKind::PermissionDenied
                ) =>
                {
                    match self.config.mode {
                        SandboxMode::Bubblewrap => SandboxError::BwrapMissing {
                            path: self.bwrap.clone(),
                            source,
                        },
                        SandboxMode::UnsandboxedDangerous => SandboxError::PrlimitMissing {
                            detail: source.to_string(),
                        },
                    }
                }
                other => other,
            })
    }

    /// `prlimit ... -- argv` directly on the host, loudly.
    fn unsandboxed_launch(&self, argv: &[String], limits: &Limits) -> Launch {
        tracing::warn!(
            work_dir = %self.work_dir().display(),
            command = %argv.join(" "),
            flag = UNSANDBOXED_FLAG,
            "running untrusted code UNSANDBOXED on the host (SandboxMode::UnsandboxedDangerous)"
        );
        let mut args = prlimit_argv(limits, argv);
        let program = PathBuf::from(args.remove(0));
        let home = self.work_dir().as_os_str().to_owned();
        let mut env = vec![
            (OsString::from("PATH"), OsString::from(SANDBOX_PATH)),
            (OsString::from("HOME"), home),
            (OsString::from("LANG"), OsString::from("C.UTF-8")),
        ];
        env.extend(
            self.config
                .env
                .iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        );
        Launch {
            program,
            args,
            env,
            current_dir: self.work_dir().to_path_buf(),
            ids: HostIdentity::current(),
            bubblewrap: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_send_sync<T: Send + Sync>() {}

    fn is_send<T: Send>(_: &T) {}

    #[test]
    fn sandboxes_and_their_commands_can_cross_threads() {
        is_send_sync::<Sandbox>();
        let _check = |sandbox: &Sandbox| {
            let running = sandbox.exec("true", None);
            is_send(&running);
        };
    }
}
