//! prlimit(2) on a sandbox process, as the host user it runs as.
//!
//! The kernel lets a process set another's rlimits when it holds
//! `CAP_SYS_RESOURCE` over it, or when its real user and group are the
//! other's. Without root, bubblewrap runs as Bulwark's own user: any thread
//! may set the limits. As root, bubblewrap runs as an unprivileged host user
//! ([`HostIdentity`]) and root may lack `CAP_SYS_RESOURCE` (containers often
//! drop it), so the limits are set from a dedicated thread whose user and
//! group ids are that user's (on Linux they are per thread). The thread does
//! nothing else, and the rest of the process keeps its ids.

use std::collections::HashMap;
use std::io;
use std::sync::mpsc::{channel, sync_channel, Sender, SyncSender};
use std::sync::{Mutex, OnceLock, PoisonError};

use rustix::process::{prlimit, Gid, Pid, Rlimit as Value, Uid};
use rustix::thread::{set_thread_res_gid, set_thread_res_uid};

use super::host_identity::HostIdentity;
use super::limits::Rlimit;

/// The rlimits of one command.
type Rlimits = [Rlimit; 5];

/// A request to a limiter thread and where to answer.
type Request = (Pid, Rlimits, SyncSender<io::Result<()>>);

/// One limiter thread per host user, started on first use.
static LIMITERS: OnceLock<Mutex<HashMap<u32, Sender<Request>>>> = OnceLock::new();

/// Sets `rlimits` on process `pid`, which runs as `ids`' host user. A
/// process that is gone is `ESRCH`.
pub(crate) fn set_rlimits(ids: HostIdentity, pid: Pid, rlimits: Rlimits) -> io::Result<()> {
    let Some(user) = ids.dropped_to() else {
        return apply(pid, &rlimits);
    };
    let (answer, answered) = sync_channel(1);
    limiter(user)?
        .send((pid, rlimits, answer))
        .map_err(|_| io::Error::other("the sandbox limiter thread stopped"))?;
    answered
        .recv()
        .map_err(|_| io::Error::other("the sandbox limiter thread stopped"))?
}

/// The limiter thread of host user `user`.
fn limiter(user: u32) -> io::Result<Sender<Request>> {
    let mut limiters = LIMITERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(requests) = limiters.get(&user) {
        return Ok(requests.clone());
    }
    let (requests, incoming) = channel::<Request>();
    std::thread::Builder::new()
        .name(format!("sandbox-limiter-{user}"))
        .spawn(move || {
            // Group first: changing the user gives up the right to.
            let became = set_thread_res_gid(
                Gid::from_raw(user),
                Gid::from_raw(user),
                Gid::from_raw(user),
            )
            .and_then(|()| {
                set_thread_res_uid(
                    Uid::from_raw(user),
                    Uid::from_raw(user),
                    Uid::from_raw(user),
                )
            });
            for (pid, rlimits, answer) in incoming {
                let result = match became {
                    Ok(()) => apply(pid, &rlimits),
                    Err(errno) => Err(io::Error::other(format!(
                        "could not become host user {user} to set limits: {errno}"
                    ))),
                };
                let _ = answer.send(result);
            }
        })?;
    limiters.insert(user, requests.clone());
    Ok(requests)
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
