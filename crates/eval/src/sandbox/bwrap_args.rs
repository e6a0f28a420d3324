//! The bubblewrap command line: namespaces, mounts, environment and the
//! command; and the `prlimit` wrapper of unsandboxed commands.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::etc_dir::SANDBOX_UID;
use super::{Limits, NetworkPolicy, SandboxConfig};

/// `PATH` inside the sandbox.
pub(crate) const SANDBOX_PATH: &str =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Top-level system directories: bound read-only if real directories, or
/// recreated as the same symbolic links on merged-`/usr` systems.
const SYSTEM_DIRS: [&str; 6] = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/// The fixed part of the command line of every command of one sandbox:
/// `bwrap` options up to, not including, the `--` before the command.
pub(crate) fn sandbox_args(
    config: &SandboxConfig,
    work_dir: &Path,
    etc_dir: &Path,
) -> Vec<OsString> {
    let mut args = Args::default();
    isolation(&mut args, config.network);
    system_mounts(&mut args, etc_dir, &config.extra_ro_binds);
    scratch_and_work_mounts(
        &mut args,
        config.limits.tmpfs_bytes,
        work_dir,
        &config.work_mount,
    );
    environment(&mut args, &config.work_mount, &config.env);
    args.0
}

/// Namespaces, identity, and the ties to the supervising process.
fn isolation(args: &mut Args, network: NetworkPolicy) {
    args.flags(&[
        "--unshare-user",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--disable-userns",
    ]);
    // Both policies get a network namespace of their own; bubblewrap brings
    // its loopback interface up (see `NetworkPolicy`).
    match network {
        NetworkPolicy::None | NetworkPolicy::Private => args.flags(&["--unshare-net"]),
    }
    let uid = SANDBOX_UID.to_string();
    args.flags(&["--uid", &uid, "--gid", &uid, "--hostname", "sandbox"]);
    args.flags(&["--die-with-parent", "--new-session", "--cap-drop", "ALL"]);
}

/// The read-only system: `/usr`, the top-level directories, the prepared
/// `/etc`, and the configured extra binds.
fn system_mounts(args: &mut Args, etc_dir: &Path, extra: &[PathBuf]) {
    args.pair("--ro-bind", "/usr", "/usr");
    for dir in SYSTEM_DIRS {
        let path = Path::new(dir);
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                if let Ok(target) = std::fs::read_link(path) {
                    args.pair("--symlink", target, path);
                }
            }
            Ok(meta) if meta.is_dir() => args.pair("--ro-bind", path, path),
            _ => {}
        }
    }
    args.pair("--ro-bind", etc_dir, "/etc");
    for bind in extra {
        args.pair("--ro-bind", bind, bind);
    }
}

/// Kernel interfaces, bounded scratch space, the work directory, and the
/// read-only root.
fn scratch_and_work_mounts(args: &mut Args, tmpfs_bytes: u64, work_dir: &Path, mount: &Path) {
    // The device tmpfs itself is read-only (writing to /dev/null still works).
    args.pair_flag("--proc", "/proc");
    args.pair_flag("--dev", "/dev");
    let tmpfs_bytes = tmpfs_bytes.to_string();
    args.flags(&["--size", &tmpfs_bytes, "--tmpfs", "/dev/shm"]);
    args.flags(&["--remount-ro", "/dev"]);
    args.flags(&["--size", &tmpfs_bytes, "--tmpfs", "/tmp"]);
    // The one writable host directory.
    args.pair("--bind", work_dir, mount);
    // The root itself (a tmpfs bubblewrap made) becomes read-only last.
    args.flags(&["--remount-ro", "/"]);
    args.pair_path("--chdir", mount);
}

/// A fresh environment: nothing from the host, minimal defaults, then the
/// configured variables.
fn environment(args: &mut Args, home: &Path, configured: &[(String, String)]) {
    args.flags(&["--clearenv"]);
    args.0.extend([
        "--setenv".into(),
        "HOME".into(),
        home.as_os_str().to_owned(),
    ]);
    let user = "sandbox";
    for (name, value) in [
        ("PATH", SANDBOX_PATH),
        ("LANG", "C.UTF-8"),
        ("TMPDIR", "/tmp"),
        ("USER", user),
        ("LOGNAME", user),
    ] {
        args.flags(&["--setenv", name, value]);
    }
    for (name, value) in configured {
        args.flags(&["--setenv", name, value]);
    }
}

/// The command part: `-- <argv...>` (the rlimits are set from outside,
/// see `gate`).
pub(crate) fn command_args(argv: &[String]) -> Vec<OsString> {
    let mut args = vec![OsString::from("--")];
    args.extend(argv.iter().map(OsString::from));
    args
}

/// `prlimit <limits> -- <argv...>`, the unsandboxed command that sets the
/// rlimits and then executes `argv` in the same process.
pub(crate) fn prlimit_argv(limits: &Limits, argv: &[String]) -> Vec<OsString> {
    let mut args = vec![OsString::from("prlimit")];
    args.extend(limits.prlimit_args().into_iter().map(OsString::from));
    args.push(OsString::from("--"));
    args.extend(argv.iter().map(OsString::from));
    args
}

/// A growing argument list.
#[derive(Default)]
struct Args(Vec<OsString>);

impl Args {
    fn flags(&mut self, flags: &[&str]) {
        self.0.extend(flags.iter().map(OsString::from));
    }

    fn pair_flag(&mut self, flag: &str, value: &str) {
        self.flags(&[flag, value]);
    }

    fn pair_path(&mut self, flag: &str, value: &Path) {
        self.0.push(OsString::from(flag));
        self.0.push(value.as_os_str().to_owned());
    }

    fn pair(&mut self, flag: &str, first: impl AsRef<Path>, second: impl AsRef<Path>) {
        self.0.push(OsString::from(flag));
        self.0.push(first.as_ref().as_os_str().to_owned());
        self.0.push(second.as_ref().as_os_str().to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(args: &[OsString]) -> String {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn every_namespace_is_unshared_and_the_system_is_read_only() {
        let config = SandboxConfig {
            env: vec![("FLAG_HINT".to_owned(), "none".to_owned())],
            extra_ro_binds: vec![PathBuf::from("/opt/tool")],
            ..SandboxConfig::default()
        };
        let args = joined(&sandbox_args(
            &config,
            Path::new("/tmp/w"),
            Path::new("/tmp/etc"),
        ));
        for expected in [
            "--unshare-user",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--die-with-parent",
            "--new-session",
            "--cap-drop ALL",
            "--hostname sandbox",
            "--ro-bind /usr /usr",
            "--ro-bind /tmp/etc /etc",
            "--proc /proc",
            "--dev /dev",
            "--tmpfs /tmp",
            "--bind /tmp/w /work",
            "--remount-ro / --chdir /work",
            "--setenv HOME /work",
            "--clearenv",
            "--setenv HOME /work",
            "--setenv FLAG_HINT none",
            "--ro-bind /opt/tool /opt/tool",
        ] {
            assert!(args.contains(expected), "missing `{expected}` in {args}");
        }
        assert!(!args.contains("--share-net"));
        assert!(!args.contains("--bind / "));
    }

    #[test]
    fn the_work_directory_can_appear_elsewhere() {
        let config = SandboxConfig {
            work_mount: PathBuf::from("/root"),
            ..SandboxConfig::default()
        };
        let args = joined(&sandbox_args(
            &config,
            Path::new("/tmp/w"),
            Path::new("/tmp/etc"),
        ));
        assert!(args.contains("--bind /tmp/w /root"), "{args}");
        assert!(args.contains("--chdir /root"), "{args}");
        assert!(args.contains("--setenv HOME /root"), "{args}");
    }

    #[test]
    fn private_network_still_gets_its_own_namespace() {
        let config = SandboxConfig {
            network: NetworkPolicy::Private,
            ..SandboxConfig::default()
        };
        let args = joined(&sandbox_args(
            &config,
            Path::new("/tmp/w"),
            Path::new("/tmp/etc"),
        ));
        assert!(args.contains("--unshare-net"));
    }

    #[test]
    fn the_command_follows_the_options_and_unsandboxed_runs_under_prlimit() {
        let argv = ["echo".to_owned(), "hi".to_owned()];
        assert_eq!(joined(&command_args(&argv)), "-- echo hi");
        let limits = Limits {
            cpu_seconds: 3,
            ..Limits::default()
        };
        let args = joined(&prlimit_argv(&limits, &argv));
        assert!(args.starts_with("prlimit --cpu=3:4 "), "{args}");
        assert!(args.ends_with(" -- echo hi"), "{args}");
    }
}
