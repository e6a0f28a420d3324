//! Waiting until every process of a sandbox's pid namespace is gone.
//!
//! bubblewrap's outer process can exit (or be killed) a moment before the
//! kernel has finished killing the processes inside the sandbox's pid
//! namespace. To return only when nothing the command started is still
//! running, the supervisor learns the namespace's init (bubblewrap's child,
//! whose host pid bubblewrap reports), and afterwards waits until that init
//! is dead: the kernel kills and reaps every other process of a pid
//! namespace before its init becomes a zombie, so a dead init means an empty
//! namespace.

use std::path::Path;
use std::time::Duration;

use tokio::time::{sleep, Instant};

/// How often `/proc` is polled.
const POLL: Duration = Duration::from_millis(1);

/// The init process of a sandbox's pid namespace, as seen from the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamespaceInit {
    /// Host pid of the init.
    pid: String,
    /// Its pid namespace, as `readlink /proc/PID/ns/pid` names it
    /// (`pid:[NNN]`); guards against pid reuse.
    namespace: String,
}

impl NamespaceInit {
    /// The init `pid` (a host pid bubblewrap reported), if it runs in a pid
    /// namespace other than this process's.
    pub(crate) fn of(pid: u32) -> Option<Self> {
        let pid = pid.to_string();
        let namespace = namespace_of(&pid)?;
        (namespace_of("self")? != namespace).then_some(NamespaceInit { pid, namespace })
    }
}

/// Waits until the namespace's init is dead (and with it every process of
/// the namespace), at most `patience`. Returns whether it is.
pub(crate) async fn wait_until_empty(init: &NamespaceInit, patience: Duration) -> bool {
    let give_up = Instant::now() + patience;
    loop {
        if !is_live(init) {
            return true;
        }
        if Instant::now() >= give_up {
            tracing::warn!(
                pid = init.pid,
                namespace = init.namespace,
                "processes of a finished sandbox are still alive"
            );
            return false;
        }
        sleep(POLL).await;
    }
}

/// Whether the init still runs (is in its namespace and not a zombie).
fn is_live(init: &NamespaceInit) -> bool {
    namespace_of(&init.pid).as_deref() == Some(init.namespace.as_str()) && !is_zombie(&init.pid)
}

/// The pid namespace of `/proc/<pid>`.
fn namespace_of(pid: &str) -> Option<String> {
    let link = std::fs::read_link(Path::new("/proc").join(pid).join("ns/pid")).ok()?;
    Some(link.to_string_lossy().into_owned())
}

/// Whether `/proc/<pid>/stat` says zombie or dead (or is gone): the state
/// follows the last `)` of the command name.
fn is_zombie(pid: &str) -> bool {
    let Ok(stat) = std::fs::read_to_string(Path::new("/proc").join(pid).join("stat")) else {
        return true;
    };
    let state = stat
        .rfind(')')
        .and_then(|i| stat[i + 1..].split_whitespace().next());
    matches!(state, Some("Z") | Some("X") | None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_live() {
        let own = NamespaceInit {
            pid: std::process::id().to_string(),
            namespace: namespace_of("self").unwrap_or_default(),
        };
        assert!(is_live(&own));
        let reused = NamespaceInit {
            namespace: "pid:[1]".to_owned(),
            ..own
        };
        assert!(!is_live(&reused));
    }

    #[test]
    fn a_process_in_this_namespace_is_no_init() {
        assert_eq!(NamespaceInit::of(std::process::id()), None);
        assert_eq!(NamespaceInit::of(u32::MAX), None);
    }
}
