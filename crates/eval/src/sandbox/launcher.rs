//! The threads that start sandbox processes and set their rlimits: one per
//! host user the sandboxes run as.
//!
//! * **Identity.** As root, bubblewrap runs as an unprivileged host user
//!   ([`HostIdentity`]). On Linux user and group ids are per thread, and a
//!   child gets the ids of the thread that started it, so a thread whose ids
//!   are that user's starts bubblewrap as that user. The same thread may set
//!   its rlimits with prlimit(2): the kernel allows that to a process whose
//!   real ids are the target's, and root in a container often lacks
//!   `CAP_SYS_RESOURCE`. The rest of the process keeps its ids.
//! * **No fork.** The command needs no `uid`/`gid` and no `pre_exec` hook, so
//!   the standard library starts it with posix_spawn, which does not copy
//!   this process's page tables (with a fork, copying them and the
//!   copy-on-write faults after it were about a third of Bulwark's own CPU
//!   per agent sample).
//! * **One at a time.** Every sandbox process is started here, in turn, so
//!   a pipe end made inheritable just before one spawn and closed after it
//!   (the [`Gate`](super::gate::Gate)'s) reaches that bubblewrap and no
//!   other sandbox.

use std::collections::HashMap;
use std::io;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock, PoisonError};

use rustix::process::{prlimit, Gid, Pid, Rlimit as Value, Uid};
use rustix::thread::{set_thread_groups, set_thread_res_gid, set_thread_res_uid};
use tokio::sync::oneshot;

use super::host_identity::HostIdentity;
use super::limits::Rlimit;

/// The rlimits of one command.
pub(crate) type Rlimits = [Rlimit; 5];

/// Work for a launcher thread, given whether the thread became its user.
type Job = Box<dyn FnOnce(&io::Result<()>) + Send>;

/// The launcher threads, by the host user they run as (`None`: this
/// process's own ids), each started on first use.
static LAUNCHERS: OnceLock<Mutex<HashMap<Option<u32>, Sender<Job>>>> = OnceLock::new();

/// Runs `job` on the launcher thread of `ids`' host user and returns its
/// result (the caller's thread is free meanwhile).
pub(crate) async fn run_as<T: Send + 'static>(
    ids: HostIdentity,
    job: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    let (answer, answered) = oneshot::channel();
    let job: Job = Box::new(move |became| {
        let result = match became {
            Ok(()) => job(),
            Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
        };
        let _ = answer.send(result);
    });
    launcher(ids.dropped_to())?
        .send(job)
        .map_err(|_| stopped())?;
    answered.await.map_err(|_| stopped())?
}

/// Sets `rlimits` on process `pid`, which runs as `ids`' host user. A
/// process that is gone is `ESRCH`.
pub(crate) async fn set_rlimits(ids: HostIdentity, pid: Pid, rlimits: Rlimits) -> io::Result<()> {
    match ids.dropped_to() {
        // Any thread has this process's ids.
        None => apply(pid, &rlimits),
        Some(_) => run_as(ids, move || apply(pid, &rlimits)).await,
    }
}

fn stopped() -> io::Error {
    io::Error::other("the sandbox launcher thread stopped")
}

/// The launcher thread of host user `user` (`None`: this process's ids).
fn launcher(user: Option<u32>) -> io::Result<Sender<Job>> {
    let mut launchers = LAUNCHERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(jobs) = launchers.get(&user) {
        return Ok(jobs.clone());
    }
    let (jobs, incoming) = channel::<Job>();
    let name = match user {
        Some(user) => format!("sandbox-launcher-{user}"),
        None => "sandbox-launcher".to_owned(),
    };
    std::thread::Builder::new().name(name).spawn(move || {
        let became = match user {
            Some(user) => become_user(user).map_err(|errno| {
                io::Error::other(format!(
                    "could not become host user {user} to start sandboxes: {errno}"
                ))
            }),
            None => Ok(()),
        };
        for job in incoming {
            job(&became);
        }
    })?;
    launchers.insert(user, jobs.clone());
    Ok(jobs)
}

/// Makes this thread's user, group and supplementary groups `user` alone.
fn become_user(user: u32) -> rustix::io::Result<()> {
    let (uid, gid) = (Uid::from_raw(user), Gid::from_raw(user));
    // Groups first: changing the user gives up the right to.
    set_thread_groups(&[])?;
    set_thread_res_gid(gid, gid, gid)?;
    set_thread_res_uid(uid, uid, uid)
}

/// prlimit(2) for every rlimit, on this thread.
fn apply(pid: Pid, rlimits: &Rlimits) -> io::Result<()> {
    for limit in rlimits {
        let value = Value {
            current: Some(limit.soft),
            maximum: Some(limit.hard),
        };
        prlimit(Some(pid), limit.resource, value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_on_one_named_thread_with_this_process_ids() -> io::Result<()> {
        let ids = HostIdentity::current();
        let first = run_as(ids, || Ok(std::thread::current().id())).await?;
        let second = run_as(ids, || Ok(std::thread::current().id())).await?;
        assert_eq!(first, second);
        assert_ne!(first, std::thread::current().id());
        let name = run_as(ids, || Ok(std::thread::current().name().map(str::to_owned))).await?;
        assert_eq!(name.as_deref(), Some("sandbox-launcher"));
        let uid = run_as(ids, || Ok(rustix::process::getuid())).await?;
        assert_eq!(uid, rustix::process::getuid());
        Ok(())
    }

    #[tokio::test]
    async fn as_root_processes_start_as_the_host_user_alone() -> io::Result<()> {
        let ids = HostIdentity::detect(65534);
        if ids.dropped_to().is_none() {
            eprintln!("skipped: only root drops to a host user");
            return Ok(());
        }
        let output = run_as(ids, || {
            std::process::Command::new("sh")
                .args(["-c", "id -u; id -g; id -G"])
                .output()
        })
        .await?;
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "65534\n65534\n65534\n"
        );
        // The rest of the process keeps its ids.
        assert_eq!(rustix::process::getuid().as_raw(), 0);
        Ok(())
    }

    #[tokio::test]
    async fn a_job_error_reaches_the_caller() {
        let result: io::Result<()> =
            run_as(HostIdentity::current(), || Err(io::Error::other("no luck"))).await;
        assert_eq!(result.map_err(|e| e.to_string()), Err("no luck".to_owned()));
    }
}
