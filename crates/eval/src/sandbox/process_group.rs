//! Killing the process group a sandbox was started in.
//!
//! The sandbox process is spawned as the leader of a new process group
//! (`process_group(0)`); killing the group kills bubblewrap and its
//! namespace init, and with them (`--die-with-parent`, and the pid namespace
//! dying with its init) everything inside.

use rustix::process::{kill_process_group as killpg, Pid, Signal};

/// Sends `SIGKILL` to every process in group `pgid`. Failures (the group is
/// already gone) are logged, not returned: the caller also kills the leader
/// directly.
pub(crate) fn kill_process_group(pgid: u32) {
    let Some(group) = i32::try_from(pgid).ok().and_then(Pid::from_raw) else {
        return;
    };
    if let Err(error) = killpg(group, Signal::KILL) {
        tracing::debug!(pgid, %error, "kill of the sandbox process group failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_whole_group_dies() -> std::io::Result<()> {
        let mut leader = tokio::process::Command::new("sh")
            .args(["-c", "sleep 30 & sleep 30 & wait"])
            .process_group(0)
            .kill_on_drop(true)
            .spawn()?;
        let pgid = leader.id().unwrap_or_default();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        kill_process_group(pgid);
        let status = tokio::time::timeout(std::time::Duration::from_secs(5), leader.wait())
            .await
            .map_err(std::io::Error::other)??;
        assert!(!status.success());
        // Killed children are reaped by init a moment later.
        let mut remaining = Vec::new();
        for _ in 0..100 {
            remaining = std::process::Command::new("pgrep")
                .args(["-g", &pgid.to_string()])
                .output()?
                .stdout;
            if remaining.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(
            remaining.is_empty(),
            "group still has {}",
            String::from_utf8_lossy(&remaining)
        );
        Ok(())
    }
}
