//! Running one sandbox process to its end: feeding stdin, capturing bounded
//! output, enforcing the wall clock and the output limit, killing the whole
//! process group, and waiting until nothing it started is left.

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::{sleep_until, timeout, timeout_at, Instant};

use super::gate::{Gate, Opening};
use super::host_identity::HostIdentity;
use super::launcher;
use super::output::{capture, lock, HeadTail, SharedCapture};
use super::pid_namespace::{self, NamespaceInit};
use super::process_group::kill_process_group;
use super::{ExecOutcome, Limits, SandboxError};

/// How long output pipes may stay open after the command ended or was
/// killed (processes it left behind are killed after this).
const READER_GRACE: Duration = Duration::from_secs(2);

/// How long the processes of a finished sandbox may take to disappear.
const NAMESPACE_GRACE: Duration = Duration::from_secs(5);

/// One host process to start: bubblewrap, or `prlimit` when unsandboxed.
#[derive(Debug)]
pub(crate) struct Launch {
    /// The host program.
    pub(crate) program: PathBuf,
    /// Its arguments.
    pub(crate) args: Vec<OsString>,
    /// Its complete environment (the host's is cleared).
    pub(crate) env: Vec<(OsString, OsString)>,
    /// Its working directory on the host.
    pub(crate) current_dir: PathBuf,
    /// The host user it runs as.
    pub(crate) ids: HostIdentity,
    /// Whether it is bubblewrap: then the rlimits are set through a
    /// [`Gate`], its pid namespace is waited for, and exit statuses
    /// 129..=192 mean "killed by a signal".
    pub(crate) bubblewrap: bool,
}

/// How the first phase (until the command ends or must be killed) ended.
enum Ending {
    Exited(ExitStatus),
    TimedOut,
    Runaway,
}

/// A started sandbox process and the tasks attending to it.
struct Running<'a> {
    launch: &'a Launch,
    child: tokio::process::Child,
    /// The process group (= the leader's pid).
    pgid: Option<u32>,
    stdin_task: Option<JoinHandle<()>>,
    stdout: SharedCapture,
    stderr: SharedCapture,
    readers: Vec<JoinHandle<()>>,
    runaway: Arc<Notify>,
    /// The pid namespace's init, when bubblewrap named it.
    namespace: Option<NamespaceInit>,
}

/// Starts `launch`, feeds it `stdin`, and supervises it under `limits`.
pub(crate) async fn supervise(
    launch: Launch,
    stdin: Option<&[u8]>,
    limits: &Limits,
) -> Result<ExecOutcome, SandboxError> {
    let started = Instant::now();
    let deadline = started + limits.wall_clock;
    let mut running = Running::start(&launch, stdin, limits, deadline).await?;
    let ending = running.wait_for_end(deadline).await?;
    let status = running.stop(&ending).await?;
    running.drain().await;
    if let Some(namespace) = &running.namespace {
        pid_namespace::wait_until_empty(namespace, NAMESPACE_GRACE).await;
    }
    Ok(running.outcome(status, &ending, limits, started.elapsed()))
}

impl<'a> Running<'a> {
    /// Spawns the process and the tasks feeding stdin and capturing output;
    /// for bubblewrap, sets the rlimits and lets the command start.
    async fn start(
        launch: &'a Launch,
        stdin: Option<&[u8]>,
        limits: &Limits,
        deadline: Instant,
    ) -> Result<Self, SandboxError> {
        let (mut child, opening) = spawn(launch, stdin.is_some()).await?;
        let pgid = child.id();
        let stdin_task = match (stdin, child.stdin.take()) {
            (Some(bytes), Some(mut pipe)) => {
                let bytes = bytes.to_vec();
                Some(tokio::spawn(async move {
                    // A command that does not read its input is not an error.
                    let _ = pipe.write_all(&bytes).await;
                    let _ = pipe.shutdown().await;
                }))
            }
            _ => None,
        };
        let runaway = Arc::new(Notify::new());
        let stdout = Arc::new(Mutex::new(HeadTail::new(limits.max_output_bytes)));
        let stderr = Arc::new(Mutex::new(HeadTail::new(limits.max_output_bytes)));
        let kill_after = limits.max_streamed_output_bytes;
        let mut readers = Vec::new();
        if let Some(pipe) = child.stdout.take() {
            let task = capture(pipe, stdout.clone(), kill_after, runaway.clone());
            readers.push(tokio::spawn(task));
        }
        if let Some(pipe) = child.stderr.take() {
            let task = capture(pipe, stderr.clone(), kill_after, runaway.clone());
            readers.push(tokio::spawn(task));
        }
        let namespace = match opening {
            Some(opening) => admit(opening, limits, launch.ids, deadline).await?,
            None => None,
        };
        Ok(Running {
            launch,
            child,
            pgid,
            stdin_task,
            stdout,
            stderr,
            readers,
            runaway,
            namespace,
        })
    }

    /// Waits until the process exits, the wall clock runs out, or the output
    /// runs away.
    async fn wait_for_end(&mut self, deadline: Instant) -> Result<Ending, SandboxError> {
        Ok(tokio::select! {
            // A sandbox held past the deadline was killed: it timed out.
            biased;
            _ = sleep_until(deadline) => Ending::TimedOut,
            status = self.child.wait() => Ending::Exited(status.map_err(wait_error(self.launch))?),
            _ = self.runaway.notified() => Ending::Runaway,
        })
    }

    /// Kills the process group unless the process exited by itself; returns
    /// the exit status.
    async fn stop(&mut self, ending: &Ending) -> Result<ExitStatus, SandboxError> {
        if let Ending::Exited(status) = ending {
            return Ok(*status);
        }
        // The leader is not reaped yet, so its group id cannot have been reused.
        if let Some(pgid) = self.pgid {
            kill_process_group(pgid);
        }
        let _ = self.child.start_kill();
        self.child.wait().await.map_err(wait_error(self.launch))
    }

    /// Lets the output readers reach the end of their pipes; processes still
    /// holding a pipe after a grace period are killed.
    async fn drain(&mut self) {
        let readers = &mut self.readers;
        let done = timeout(READER_GRACE, async {
            for reader in readers.iter_mut() {
                let _ = reader.await;
            }
        })
        .await
        .is_ok();
        if !done {
            // Leftover processes hold the pipes; they keep the group id alive.
            if let Some(pgid) = self.pgid {
                kill_process_group(pgid);
            }
            self.readers.iter().for_each(JoinHandle::abort);
        }
        if let Some(task) = self.stdin_task.take() {
            task.abort();
        }
    }

    /// The outcome of the finished process.
    fn outcome(
        &self,
        status: ExitStatus,
        ending: &Ending,
        limits: &Limits,
        duration: Duration,
    ) -> ExecOutcome {
        let (exit_code, signal) = interpret(status, self.launch.bubblewrap);
        let (stdout, stdout_total, stdout_truncated) = finish(&self.stdout);
        let (stderr, stderr_total, stderr_truncated) = finish(&self.stderr);
        let kill_after = limits.max_streamed_output_bytes;
        let runaway = stdout_total > kill_after || stderr_total > kill_after;
        ExecOutcome {
            exit_code,
            signal,
            stdout,
            stderr,
            truncated: stdout_truncated || stderr_truncated,
            timed_out: matches!(ending, Ending::TimedOut),
            output_limit_exceeded: matches!(ending, Ending::Runaway) || runaway,
            duration,
        }
    }
}

/// The rendered text of a capture, its total size and whether anything was
/// left out.
fn finish(capture: &SharedCapture) -> (String, u64, bool) {
    let kept = lock(capture);
    let (text, truncated) = kept.render();
    (text, kept.total(), truncated)
}

/// Sets the rlimits on the sandbox's first process, which bubblewrap holds
/// after setup, and lets its command start; returns the pid namespace's init.
/// `None` when bubblewrap ended before naming the process (its status and
/// message tell why) or the wall clock ran out first: then the dropped
/// opening kills whatever is left.
async fn admit(
    mut opening: Opening,
    limits: &Limits,
    ids: HostIdentity,
    deadline: Instant,
) -> Result<Option<NamespaceInit>, SandboxError> {
    let Ok(Some(pid)) = timeout_at(deadline, opening.child_pid()).await else {
        return Ok(None);
    };
    let namespace = NamespaceInit::of(pid);
    opening
        .open(pid, limits, ids)
        .await
        .map_err(|source| SandboxError::Rlimits { source })?;
    Ok(namespace)
}

/// Spawns the host process in its own process group, killed if dropped.
/// bubblewrap is started by the [launcher](super::launcher) thread of its
/// host user, with the pipes of a [`Gate`], and comes with its opening.
async fn spawn(
    launch: &Launch,
    with_stdin: bool,
) -> Result<(tokio::process::Child, Option<Opening>), SandboxError> {
    let mut command = tokio::process::Command::new(&launch.program);
    let gate = if launch.bubblewrap {
        let gate = Gate::new().map_err(|source| SandboxError::Rlimits { source })?;
        command.args(gate.bwrap_args());
        Some(gate)
    } else {
        None
    };
    command
        .args(&launch.args)
        .env_clear()
        .envs(launch.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&launch.current_dir)
        .stdin(if with_stdin {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let start_error = |source| SandboxError::Process {
        action: "start",
        program: launch.program.clone(),
        source,
    };
    let Some(gate) = gate else {
        return Ok((command.spawn().map_err(start_error)?, None));
    };
    let runtime = tokio::runtime::Handle::current();
    let launched = launcher::run_as(launch.ids, move || {
        let _context = runtime.enter();
        gate.hand_over()?;
        // A spawn error is the program's, told apart from the gate's below.
        Ok(command.spawn().map(|child| {
            let opening = child
                .id()
                .ok_or_else(|| std::io::Error::other("bubblewrap ended before it could be limited"))
                .and_then(|pgid| gate.spawned(pgid));
            (child, opening)
        }))
    })
    .await
    .map_err(|source| SandboxError::Rlimits { source })?;
    let (child, opening) = launched.map_err(start_error)?;
    let opening = opening.map_err(|source| SandboxError::Rlimits { source })?;
    Ok((child, Some(opening)))
}

fn wait_error(launch: &Launch) -> impl FnOnce(std::io::Error) -> SandboxError + '_ {
    move |source| SandboxError::Process {
        action: "wait for",
        program: launch.program.clone(),
        source,
    }
}

/// `(exit code, signal)` of a finished host process. Inside bubblewrap a
/// death by signal `n` arrives as exit status `128 + n`.
fn interpret(status: ExitStatus, shell_convention: bool) -> (Option<i32>, Option<i32>) {
    if let Some(signal) = status.signal() {
        return (None, Some(signal));
    }
    match status.code() {
        Some(code) if shell_convention && (129..=192).contains(&code) => (None, Some(code - 128)),
        code => (code, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(script: &str) -> Launch {
        Launch {
            program: PathBuf::from("sh"),
            args: vec![OsString::from("-c"), OsString::from(script)],
            env: vec![(OsString::from("PATH"), OsString::from("/usr/bin:/bin"))],
            current_dir: PathBuf::from("/"),
            ids: HostIdentity::current(),
            bubblewrap: false,
        }
    }

    #[test]
    fn statuses_are_interpreted() {
        assert_eq!(
            interpret(ExitStatus::from_raw(3 << 8), true),
            (Some(3), None)
        );
        assert_eq!(interpret(ExitStatus::from_raw(9), true), (None, Some(9)));
        assert_eq!(
            interpret(ExitStatus::from_raw(152 << 8), true),
            (None, Some(24))
        );
        assert_eq!(
            interpret(ExitStatus::from_raw(152 << 8), false),
            (Some(152), None)
        );
    }

    #[tokio::test]
    async fn stdin_and_exit_code_pass_through() -> Result<(), SandboxError> {
        let outcome = supervise(launch("cat; exit 4"), Some(b"abc"), &Limits::default()).await?;
        assert_eq!(outcome.stdout, "abc");
        assert_eq!(outcome.exit_code, Some(4));
        assert!(!outcome.timed_out);
        Ok(())
    }

    #[tokio::test]
    async fn the_wall_clock_kills_leftovers_too() -> Result<(), SandboxError> {
        let limits = Limits {
            wall_clock: Duration::from_millis(300),
            ..Limits::default()
        };
        let outcome = supervise(launch("sleep 30 & sleep 30"), None, &limits).await?;
        assert!(outcome.timed_out);
        assert_eq!(outcome.signal, Some(9));
        assert!(outcome.duration < Duration::from_secs(5));
        Ok(())
    }
}
