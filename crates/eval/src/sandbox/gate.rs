//! Applying a sandbox's rlimits from outside, between bubblewrap's setup
//! and the start of the command.
//!
//! bubblewrap writes the host pid of the sandbox's first process (the pid
//! namespace's init, which later forks the command) to `--info-fd`, and
//! after setting up the sandbox waits on `--block-fd` until it can read a
//! byte. In between, the supervisor sets that process's rlimits with
//! prlimit(2); the command and everything it starts inherit them. This takes
//! the place of a `prlimit` program run inside the sandbox, one exec less per
//! command (about 9 % of the machine's CPU with 32 agent sandboxes in
//! flight, BENCHMARKS.md), and names the namespace's init at once.
//!
//! bubblewrap reads the block pipe whatever it holds, and end of file counts
//! too: closing the pipe without the limits set would run the command
//! without them. So an [`Opening`] that is dropped before it was opened
//! (an error, a cancelled supervisor) first kills the process group, which
//! the blocked process is still in.
//!
//! The two pipe ends bubblewrap gets must survive its `exec`, and reach no
//! other sandbox: they are made inheritable on the
//! [launcher](super::launcher) thread, which starts every sandbox process one
//! at a time, just before the spawn, and closed just after it. A process
//! started at that moment by another thread of Bulwark (never a sandbox)
//! could still inherit them, so nothing here waits for the end of the info
//! pipe: the report is read up to its first complete JSON object.

use std::ffi::OsString;
use std::io::{ErrorKind, PipeReader, PipeWriter, Write};
use std::os::fd::{AsRawFd, OwnedFd};

use rustix::io::{fcntl_setfd, FdFlags};
use rustix::process::{kill_process_group, Pid, Signal};
use serde::Deserialize;
use tokio::io::AsyncReadExt;
use tokio::net::unix::pipe::Receiver;

use super::host_identity::HostIdentity;
use super::launcher::set_rlimits;
use super::Limits;

/// Longest `--info-fd` report read (bubblewrap writes a few dozen bytes).
const MAX_INFO_BYTES: usize = 4096;

/// The pipes that tie one bubblewrap process to its supervisor, before the
/// process is started.
pub(crate) struct Gate {
    info: PipeReader,
    info_child: PipeWriter,
    block: PipeWriter,
    block_child: PipeReader,
}

impl Gate {
    /// Two new pipes (close-on-exec, as every descriptor of this process).
    pub(crate) fn new() -> std::io::Result<Self> {
        let (info, info_child) = std::io::pipe()?;
        let (block_child, block) = std::io::pipe()?;
        Ok(Gate {
            info,
            info_child,
            block,
            block_child,
        })
    }

    /// The bubblewrap options naming the child's ends.
    pub(crate) fn bwrap_args(&self) -> [OsString; 4] {
        [
            "--info-fd".into(),
            self.info_child.as_raw_fd().to_string().into(),
            "--block-fd".into(),
            self.block_child.as_raw_fd().to_string().into(),
        ]
    }

    /// Makes the child's ends inheritable, for the spawn that follows on the
    /// [launcher](super::launcher) thread (the only thread that may call
    /// this); [`spawned`](Self::spawned) closes them.
    pub(crate) fn hand_over(&self) -> std::io::Result<()> {
        fcntl_setfd(&self.info_child, FdFlags::empty())?;
        fcntl_setfd(&self.block_child, FdFlags::empty())?;
        Ok(())
    }

    /// After the spawn of the process in group `pgid`: closes this
    /// process's copies of the child's ends, so that the info pipe ends when
    /// bubblewrap closes it.
    pub(crate) fn spawned(self, pgid: u32) -> std::io::Result<Opening> {
        let Gate { info, block, .. } = self;
        let mut opening = Opening {
            pgid: i32::try_from(pgid).ok().and_then(Pid::from_raw),
            info: None,
            block: Some(block),
        };
        // On an error the opening is dropped, which kills the process.
        opening.info = Some(Receiver::from_owned_fd(OwnedFd::from(info))?);
        Ok(opening)
    }
}

/// A started bubblewrap process, held before its command runs.
pub(crate) struct Opening {
    /// The process group the sandbox was started in.
    pgid: Option<Pid>,
    info: Option<Receiver>,
    /// `None` once opened.
    block: Option<PipeWriter>,
}

/// What bubblewrap writes to `--info-fd`.
#[derive(Deserialize)]
struct Info {
    #[serde(rename = "child-pid")]
    child_pid: u32,
}

impl Opening {
    /// Waits until bubblewrap names the host pid of the sandbox's first
    /// process; `None` if it ended, or wrote something else, first. Reads
    /// until the report parses, not to the end of the pipe (see the module
    /// documentation).
    pub(crate) async fn child_pid(&mut self) -> Option<u32> {
        let mut info = self.info.take()?;
        let mut text = Vec::new();
        let mut chunk = [0u8; 256];
        while text.len() < MAX_INFO_BYTES {
            let read = info.read(&mut chunk).await.ok()?;
            if read == 0 {
                break;
            }
            text.extend_from_slice(&chunk[..read]);
            match serde_json::from_slice::<Info>(&text) {
                Ok(report) => return Some(report.child_pid),
                // Not complete yet.
                Err(e) if e.is_eof() => continue,
                Err(_) => return None,
            }
        }
        None
    }

    /// Sets `limits`' rlimits on process `pid` (running as `ids`' host
    /// user), then lets the sandbox start its command. A process that is
    /// already gone (bubblewrap failed in its setup) is no error: nothing
    /// will run.
    pub(crate) async fn open(
        mut self,
        pid: u32,
        limits: &Limits,
        ids: HostIdentity,
    ) -> std::io::Result<()> {
        let target = i32::try_from(pid)
            .ok()
            .and_then(Pid::from_raw)
            .ok_or_else(|| std::io::Error::new(ErrorKind::InvalidData, format!("pid {pid}")))?;
        match set_rlimits(ids, target, limits.rlimits()).await {
            // Gone: bubblewrap failed in its setup, nothing will run.
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::SRCH.raw_os_error()) => {}
            // Dropped unopened, the opening kills the process.
            Err(e) => return Err(e),
            Ok(()) => {
                if let Some(mut block) = self.block.as_ref() {
                    match block.write_all(b"1") {
                        // bubblewrap ended meanwhile: nothing will run.
                        Err(e) if e.kind() == ErrorKind::BrokenPipe => {}
                        other => other?,
                    }
                }
            }
        }
        // Opened, or nothing left to hold: no kill on drop, so that
        // bubblewrap's own status and message stay what the outcome says.
        self.block = None;
        Ok(())
    }
}

impl Drop for Opening {
    fn drop(&mut self) {
        // Not opened: kill the held process before closing the block pipe,
        // which would let it run the command without its limits.
        if self.block.is_some() {
            if let Some(pgid) = self.pgid {
                let _ = kill_process_group(pgid, Signal::KILL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::launcher;
    use std::path::Path;

    /// Starts a shell that, like bubblewrap, waits for the block pipe and
    /// then runs its command: writing `marker`. Returns the child and its
    /// opening.
    async fn held_shell(marker: &Path) -> std::io::Result<(tokio::process::Child, Opening)> {
        let gate = Gate::new()?;
        let [_, _, _, block_fd] = gate.bwrap_args();
        let mut command = tokio::process::Command::new("sh");
        command
            .arg("-c")
            .arg("head -c 1 \"/proc/self/fd/$0\" >/dev/null; cat /proc/self/limits > \"$1\"")
            .arg(block_fd)
            .arg(marker)
            .process_group(0)
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let runtime = tokio::runtime::Handle::current();
        launcher::run_as(HostIdentity::current(), move || {
            let _context = runtime.enter();
            gate.hand_over()?;
            let child = command.spawn()?;
            let opening = gate.spawned(child.id().unwrap_or_default())?;
            Ok((child, opening))
        })
        .await
    }

    /// An opening whose info pipe holds `report`, its write end kept open.
    fn reported(report: &[u8]) -> std::io::Result<(Opening, PipeWriter)> {
        let gate = Gate::new()?;
        let Gate {
            info,
            mut info_child,
            block,
            ..
        } = gate;
        info_child.write_all(report)?;
        let opening = Opening {
            pgid: None,
            info: Some(Receiver::from_owned_fd(OwnedFd::from(info))?),
            block: Some(block),
        };
        Ok((opening, info_child))
    }

    #[tokio::test]
    async fn the_report_is_read_without_waiting_for_the_end_of_the_pipe() -> std::io::Result<()> {
        // As bubblewrap writes it, while another process may still hold the
        // write end.
        let (mut opening, _held) =
            reported(b"{\n    \"child-pid\": 4321,\n    \"pid-namespace\": 4026532\n}\n")?;
        let pid =
            tokio::time::timeout(std::time::Duration::from_secs(5), opening.child_pid()).await;
        assert_eq!(pid.ok(), Some(Some(4321)));
        let (mut garbled, writer) = reported(b"{\"child-pid\": \"x\"}")?;
        drop(writer);
        assert_eq!(garbled.child_pid().await, None);
        let (mut cut_short, writer) = reported(b"{\"child-pid\": 12")?;
        drop(writer);
        assert_eq!(cut_short.child_pid().await, None);
        Ok(())
    }

    #[tokio::test]
    async fn the_command_runs_only_once_opened_and_under_the_limits() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let marker = dir.path().join("ran");
        let (child, opening) = held_shell(&marker).await?;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(!marker.exists(), "the command ran before the gate opened");
        let limits = Limits {
            max_processes: 77,
            ..Limits::default()
        };
        let pid = child.id().unwrap_or_default();
        opening.open(pid, &limits, HostIdentity::current()).await?;
        let output = child.wait_with_output().await?;
        assert!(output.status.success(), "{output:?}");
        let processes: Vec<String> = std::fs::read_to_string(&marker)?
            .lines()
            .filter(|line| line.starts_with("Max processes"))
            .flat_map(|line| line.split_whitespace().skip(2).take(2))
            .map(str::to_owned)
            .collect();
        assert_eq!(processes, ["77", "77"]);
        Ok(())
    }

    #[tokio::test]
    async fn an_opening_dropped_unopened_kills_the_held_process() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let marker = dir.path().join("ran");
        let (mut child, opening) = held_shell(&marker).await?;
        drop(opening);
        let status = child.wait().await?;
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9)
        );
        assert!(!marker.exists(), "the command ran without its limits");
        Ok(())
    }
}
