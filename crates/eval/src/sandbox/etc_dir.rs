//! The sandbox's `/etc`: one directory prepared on the host and bound
//! read-only, holding the few host files programs need plus synthetic
//! accounts, host names and name-service switch.
//!
//! One bind instead of one per file matters: every mount bubblewrap makes
//! takes the kernel's global mount lock and re-reads the mount table, so the
//! number of mounts bounds how many sandboxes a machine can start per second.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use tempfile::TempDir;

use super::SandboxError;

/// The uid and gid of the sandbox user inside the sandbox.
pub(crate) const SANDBOX_UID: u32 = 1000;

/// Host entries of `/etc` that programs need (dynamic linker, Debian
/// alternatives such as `cc` and `awk`, time zone, protocol and service
/// names), copied with symbolic links kept as links. Everything else in the
/// host's `/etc` stays invisible.
const FROM_HOST: [&str; 8] = [
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "alternatives",
    "localtime",
    "protocols",
    "services",
    "os-release",
];

/// Synthetic files, as `(name, contents)`.
const SYNTHETIC: [(&str, &str); 4] = [
    (
        "passwd",
        "root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n\
         sandbox:x:1000:1000:Bulwark sandbox:/work:/bin/sh\n\
         nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    ),
    ("group", "root:x:0:\nsandbox:x:1000:\nnogroup:x:65534:\n"),
    (
        "hosts",
        "127.0.0.1\tlocalhost sandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n",
    ),
    (
        "nsswitch.conf",
        "passwd: files\ngroup: files\nshadow: files\nhosts: files\n\
         networks: files\nprotocols: files\nservices: files\n",
    ),
];

/// Deepest directory level copied from the host (`ld.so.conf.d` is flat).
const MAX_DEPTH: usize = 4;

/// Where the directory is made when it can be: a memory file system.
/// Creating the few hundred links of a Debian `/etc/alternatives` there takes
/// ~10 ms, on a disk file system with `discard` ~220 ms, a cost every
/// `eval run` pays before its first sandbox.
const MEMORY_DIR: &str = "/dev/shm";

/// The directory shared by the sandboxes alive in this process.
static SHARED: Mutex<Weak<EtcDir>> = Mutex::new(Weak::new());

/// A private host directory holding the sandbox's `/etc`, removed when
/// dropped.
#[derive(Debug)]
pub(crate) struct EtcDir {
    dir: TempDir,
}

impl EtcDir {
    /// The directory of the sandboxes alive in this process, or a new one
    /// if there are none (one copy serves all; it is removed with the last
    /// sandbox, so a long-lived process picks up host changes between runs).
    pub(crate) fn shared() -> Result<Arc<Self>, SandboxError> {
        let mut slot = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(live) = slot.upgrade() {
            return Ok(live);
        }
        let fresh = Arc::new(EtcDir::create(Path::new("/etc"))?);
        *slot = Arc::downgrade(&fresh);
        Ok(fresh)
    }

    /// Builds the directory in a new temporary directory readable by every
    /// host user (bubblewrap may run as an unprivileged one), in
    /// [`MEMORY_DIR`] if this process may write there, else in the temporary
    /// directory, copying [`FROM_HOST`] from `host_etc` (missing entries are
    /// skipped).
    pub(crate) fn create(host_etc: &Path) -> Result<Self, SandboxError> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("bulwark-sandbox-etc-");
        let dir = match builder.tempdir_in(MEMORY_DIR) {
            Ok(dir) => dir,
            Err(_) => builder
                .tempdir()
                .map_err(SandboxError::io("create", std::env::temp_dir()))?,
        };
        set_mode(dir.path(), 0o755)?;
        for name in FROM_HOST {
            copy_entry(&host_etc.join(name), &dir.path().join(name), 0)?;
        }
        for (name, contents) in SYNTHETIC {
            let path = dir.path().join(name);
            std::fs::write(&path, contents).map_err(SandboxError::io("write", &path))?;
            set_mode(&path, 0o644)?;
        }
        Ok(EtcDir { dir })
    }

    /// The directory on the host.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Copies a file, a symbolic link (as a link) or a directory (recursively,
/// to [`MAX_DEPTH`]); a missing or unreadable source is skipped, since a
/// host without, say, `/etc/services` simply gives the sandbox none. Links
/// to manual pages (most of `/etc/alternatives`) are skipped as well.
fn copy_entry(source: &Path, target: &Path, depth: usize) -> Result<(), SandboxError> {
    let Ok(meta) = std::fs::symlink_metadata(source) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        let Ok(link) = std::fs::read_link(source) else {
            return Ok(());
        };
        if is_manual_page(&link) {
            return Ok(());
        }
        return std::os::unix::fs::symlink(link, target)
            .map_err(SandboxError::io("create link", target));
    }
    if meta.is_dir() {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        std::fs::create_dir(target).map_err(SandboxError::io("create", target))?;
        set_mode(target, 0o755)?;
        let Ok(entries) = std::fs::read_dir(source) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            copy_entry(&entry.path(), &target.join(entry.file_name()), depth + 1)?;
        }
        return Ok(());
    }
    if meta.is_file() && std::fs::copy(source, target).is_ok() {
        set_mode(target, 0o644)?;
    }
    Ok(())
}

/// Whether `path` lies in a `man` directory (`/usr/share/man/man1/x.1.gz`,
/// `/usr/share/postgresql/15/man/man7/y.7.gz`).
fn is_manual_page(path: &Path) -> bool {
    path.components().any(|part| part.as_os_str() == "man")
}

fn set_mode(path: &Path, mode: u32) -> Result<(), SandboxError> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(SandboxError::io("set permissions of", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_directories_are_shared_and_removed_with_the_last_user(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let first = EtcDir::shared()?;
        let second = EtcDir::shared()?;
        assert!(Arc::ptr_eq(&first, &second));
        let dir = first.path().to_path_buf();
        drop(first);
        assert!(dir.exists());
        drop(second);
        // Another test may hold one too; only check removal when it was ours.
        let third = EtcDir::shared()?;
        if third.path() != dir {
            assert!(!dir.exists());
        }
        Ok(())
    }

    #[test]
    fn host_entries_are_copied_with_links_kept_and_accounts_are_synthetic(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let host = tempfile::tempdir()?;
        std::fs::write(host.path().join("ld.so.cache"), b"cache")?;
        std::fs::create_dir(host.path().join("ld.so.conf.d"))?;
        std::fs::write(host.path().join("ld.so.conf.d/x.conf"), b"/opt/lib\n")?;
        std::fs::create_dir(host.path().join("alternatives"))?;
        std::os::unix::fs::symlink("/usr/bin/mawk", host.path().join("alternatives/awk"))?;
        std::os::unix::fs::symlink(
            "/usr/share/man/man1/mawk.1.gz",
            host.path().join("alternatives/awk.1.gz"),
        )?;
        std::os::unix::fs::symlink("../usr/lib/os-release", host.path().join("os-release"))?;
        std::fs::write(host.path().join("shadow"), b"root:secret")?;
        std::fs::write(
            host.path().join("passwd"),
            b"host-only-user:x:5:5::/:/bin/sh\n",
        )?;

        let etc = EtcDir::create(host.path())?;
        let dir = etc.path();
        assert_eq!(std::fs::read(dir.join("ld.so.cache"))?, b"cache");
        assert_eq!(
            std::fs::read(dir.join("ld.so.conf.d/x.conf"))?,
            b"/opt/lib\n"
        );
        assert_eq!(
            std::fs::read_link(dir.join("alternatives/awk"))?,
            Path::new("/usr/bin/mawk")
        );
        assert!(
            std::fs::symlink_metadata(dir.join("alternatives/awk.1.gz")).is_err(),
            "links to manual pages are left out"
        );
        assert_eq!(
            std::fs::read_link(dir.join("os-release"))?,
            Path::new("../usr/lib/os-release")
        );
        // Only the listed host entries: never shadow, never host accounts.
        assert!(!dir.join("shadow").exists());
        let passwd = std::fs::read_to_string(dir.join("passwd"))?;
        assert!(passwd.contains(&format!("sandbox:x:{SANDBOX_UID}:{SANDBOX_UID}:")));
        assert!(!passwd.contains("host-only-user"));
        assert!(
            !dir.join("services").exists(),
            "missing entries are skipped"
        );
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        assert_eq!(mode, 0o755);
        Ok(())
    }
}
