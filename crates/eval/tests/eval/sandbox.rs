//! Containment tests for `bulwark_eval::sandbox` (issue 3, acceptance 2):
//! no network, no writes outside the work directory, no host files beyond
//! what is mounted, fork bombs, runaway output, CPU and memory hogs contained,
//! and no silent fallback when bubblewrap is missing.
//!
//! Every test needs a working bubblewrap. Where it cannot build namespaces the
//! tests print `skipping sandbox test: ...` and pass, unless
//! `BULWARK_REQUIRE_SANDBOX=1` (CI), where they fail.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, ensure, Context, Result};
use bulwark_eval::sandbox::{
    Limits, NetworkPolicy, Sandbox, SandboxCommand, SandboxConfig, SandboxError, SandboxMode,
};

/// The sandbox for `config`, or `None` (after printing why) where bubblewrap
/// is not usable and the sandbox is not required.
async fn sandbox(config: SandboxConfig) -> Result<Option<Sandbox>> {
    match Sandbox::new(config).await {
        Ok(sandbox) => Ok(Some(sandbox)),
        Err(error) => crate::skip_without_bwrap(error, "sandbox test").map(|()| None),
    }
}

/// `let s = sandbox_or_skip!(config);` returns from the test when skipping.
macro_rules! sandbox_or_skip {
    ($config:expr) => {
        match sandbox($config).await? {
            Some(sandbox) => sandbox,
            None => return Ok(()),
        }
    };
}

fn limits(wall_clock_secs: u64) -> Limits {
    Limits {
        wall_clock: Duration::from_secs(wall_clock_secs),
        ..Limits::default()
    }
}

/// A string no other process on the machine has in its command line.
fn marker(what: &str) -> Result<String> {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    Ok(format!("bulwark-{what}-{}-{nanos}", std::process::id()))
}

/// Host processes whose command line contains `marker`.
fn processes_with(marker: &str) -> Result<String> {
    let output = std::process::Command::new("pgrep")
        .args(["-a", "-f", marker])
        .output()
        .context("running pgrep")?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Python that tries a TCP connection and prints `CONNECTED` or
/// `BLOCKED <errno>`.
fn connect_script(host: &str, port: u16) -> String {
    format!(
        "import socket\n\
         try:\n    socket.create_connection(('{host}', {port}), timeout=2)\n    print('CONNECTED')\n\
         except OSError as e:\n    print('BLOCKED', e.errno)\n"
    )
}

#[tokio::test]
async fn no_route_to_the_internet() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig::default());
    let outcome = sandbox
        .exec(["python3", "-c", &connect_script("1.1.1.1", 53)], None)
        .await?;
    ensure!(
        outcome.stdout.starts_with("BLOCKED"),
        "reached 1.1.1.1:53 from the sandbox: {outcome:?}"
    );
    // Nothing but the sandbox's own loopback interface exists.
    let links = sandbox.exec("cat /proc/net/dev", None).await?;
    let interfaces: Vec<&str> = links
        .stdout
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(str::trim)
        .collect();
    assert_eq!(interfaces, ["lo"], "{links:?}");
    Ok(())
}

#[tokio::test]
async fn services_on_the_host_loopback_are_unreachable() -> Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    listener.set_nonblocking(true)?;
    // Control: the port does accept connections from the host.
    drop(std::net::TcpStream::connect(("127.0.0.1", port))?);
    std::thread::sleep(Duration::from_millis(50));
    ensure!(
        listener.accept().is_ok(),
        "the control connection was not accepted"
    );

    for network in [NetworkPolicy::None, NetworkPolicy::Private] {
        let sandbox = sandbox_or_skip!(SandboxConfig {
            network,
            ..SandboxConfig::default()
        });
        let outcome = sandbox
            .exec(["python3", "-c", &connect_script("127.0.0.1", port)], None)
            .await?;
        assert_eq!(
            outcome.stdout.trim(),
            "BLOCKED 111",
            "{network:?}: the host's 127.0.0.1:{port} answered: {outcome:?}"
        );
    }
    std::thread::sleep(Duration::from_millis(50));
    ensure!(
        listener.accept().is_err(),
        "the host listener got a connection from a sandbox"
    );
    Ok(())
}

#[tokio::test]
async fn private_network_has_a_working_loopback() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig {
        network: NetworkPolicy::Private,
        limits: limits(60),
        ..SandboxConfig::default()
    });
    let server = "import socket\n\
                  s = socket.socket()\n\
                  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
                  s.bind(('127.0.0.1', 8080))\n\
                  s.listen(1)\n\
                  c, _ = s.accept()\n\
                  c.sendall(b'hello from the server inside')\n\
                  c.close()\n";
    let client = "import socket\n\
                  c = socket.create_connection(('localhost', 8080), timeout=2)\n\
                  print(c.recv(100).decode())\n";
    sandbox.write_file("server.py", server.as_bytes())?;
    sandbox.write_file("client.py", client.as_bytes())?;
    let outcome = sandbox
        .exec(
            "python3 server.py & \
             for i in $(seq 100); do python3 client.py 2>/dev/null && break; sleep 0.1; done; \
             wait",
            None,
        )
        .await?;
    assert_eq!(
        outcome.stdout, "hello from the server inside\n",
        "{outcome:?}"
    );
    assert_eq!(outcome.exit_code, Some(0));
    Ok(())
}

#[tokio::test]
async fn writes_outside_the_work_directory_fail() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig::default());
    let script = "for p in /usr/x /etc/x /root/x /x /bin/x /lib/x /dev/x /proc/x /home/x; do \
                    if touch $p 2>/dev/null; then echo \"WROTE $p\"; else echo \"DENIED $p\"; fi; \
                  done; \
                  if mkdir /root 2>/dev/null; then echo 'WROTE /root'; else echo 'DENIED /root'; fi; \
                  touch /work/x && echo 'WROTE /work/x'; \
                  touch /tmp/x && echo 'WROTE /tmp/x'; \
                  echo shm > /dev/shm/x && echo 'WROTE /dev/shm/x'";
    let outcome = sandbox.exec(script, None).await?;
    let expected = "DENIED /usr/x\nDENIED /etc/x\nDENIED /root/x\nDENIED /x\nDENIED /bin/x\n\
                    DENIED /lib/x\nDENIED /dev/x\nDENIED /proc/x\nDENIED /home/x\nDENIED /root\n\
                    WROTE /work/x\nWROTE /tmp/x\nWROTE /dev/shm/x\n";
    assert_eq!(outcome.stdout, expected, "{outcome:?}");
    // /work/x is the host's work directory; nothing else reached the host.
    assert!(sandbox.work_dir().join("x").is_file());
    assert!(!Path::new("/usr/x").exists());
    assert!(!Path::new("/etc/x").exists());
    assert!(!Path::new("/x").exists());
    // /tmp is the sandbox's own: the next command starts with an empty one.
    let again = sandbox.exec("ls -A /tmp; ls /work", None).await?;
    assert_eq!(again.stdout, "x\n", "{again:?}");
    Ok(())
}

#[tokio::test]
async fn host_files_that_are_not_mounted_are_invisible() -> Result<()> {
    let in_tmp = tempfile::tempdir()?;
    let in_target = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let mut secrets = Vec::new();
    for dir in [in_tmp.path(), in_target.path()] {
        let secret = dir.join("secret.txt");
        std::fs::write(&secret, "host secret 8f3a")?;
        std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
        secrets.push(secret);
    }
    let sandbox = sandbox_or_skip!(SandboxConfig::default());
    for secret in &secrets {
        let outcome = sandbox
            .exec(
                SandboxCommand::argv(["cat", &secret.to_string_lossy()]),
                None,
            )
            .await?;
        assert!(
            !outcome.stdout.contains("8f3a"),
            "read {secret:?}: {outcome:?}"
        );
        assert_ne!(outcome.exit_code, Some(0), "{outcome:?}");
    }
    let script = "for p in /root /home /opt /var /srv /mnt /run /boot /etc/shadow /etc/hostname \
                  /etc/postgresql /work/main; do \
                    if [ -e $p ]; then echo \"VISIBLE $p\"; else echo \"ABSENT $p\"; fi; \
                  done; \
                  ls /proc | grep -c '^[0-9]'";
    let outcome = sandbox.exec(script, None).await?;
    let mut lines = outcome.stdout.lines();
    for path in [
        "/root",
        "/home",
        "/opt",
        "/var",
        "/srv",
        "/mnt",
        "/run",
        "/boot",
        "/etc/shadow",
        "/etc/hostname",
        "/etc/postgresql",
        "/work/main",
    ] {
        assert_eq!(
            lines.next(),
            Some(format!("ABSENT {path}").as_str()),
            "{outcome:?}"
        );
    }
    // A pid namespace of its own: only a handful of processes are visible.
    let visible: usize = lines.next().context("process count")?.trim().parse()?;
    assert!(visible <= 6, "{visible} processes visible: {outcome:?}");
    Ok(())
}

#[tokio::test]
async fn environment_identity_and_hostname_are_the_sandbox_own() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig {
        env: vec![("BULWARK_TASK".to_owned(), "demo".to_owned())],
        ..SandboxConfig::default()
    });
    let outcome = sandbox
        .exec("id -u; id -un; hostname; pwd; env | sort", None)
        .await?;
    let mut lines = outcome.stdout.lines();
    assert_eq!(lines.next(), Some("1000"));
    assert_eq!(lines.next(), Some("sandbox"));
    assert_eq!(lines.next(), Some("sandbox"));
    assert_eq!(lines.next(), Some("/work"));
    let env: Vec<&str> = lines.collect();
    assert!(env.contains(&"BULWARK_TASK=demo"), "{env:?}");
    assert!(env.contains(&"HOME=/work"), "{env:?}");
    // Nothing of the host's environment: only the sandbox's own variables
    // (and what the shell itself adds).
    let allowed = [
        "PATH",
        "HOME",
        "LANG",
        "TMPDIR",
        "USER",
        "LOGNAME",
        "BULWARK_TASK",
        "PWD",
        "OLDPWD",
        "SHLVL",
        "_",
    ];
    for line in &env {
        let name = line.split('=').next().unwrap_or_default();
        assert!(allowed.contains(&name), "host variable leaked: {line}");
    }
    // No capabilities, and no way to get new ones from a user namespace.
    let caps = sandbox
        .exec(
            "grep CapEff /proc/self/status; unshare -U true && echo UNSHARED",
            None,
        )
        .await?;
    assert!(
        caps.stdout.starts_with("CapEff:\t0000000000000000\n"),
        "{caps:?}"
    );
    assert!(!caps.stdout.contains("UNSHARED"), "{caps:?}");
    Ok(())
}

#[tokio::test]
async fn usual_tools_work_inside() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig {
        limits: limits(60),
        ..SandboxConfig::default()
    });
    sandbox.write_file(
        "hello.c",
        b"#include <stdio.h>\nint main(void){puts(\"compiled\");return 0;}\n",
    )?;
    let outcome = sandbox
        .exec(
            "python3 -c 'print(6*7)' && gcc -o hello hello.c && ./hello && \
             echo a b | awk '{print $2}' && bash -c 'echo bash'",
            None,
        )
        .await?;
    assert_eq!(outcome.stdout, "42\ncompiled\nb\nbash\n", "{outcome:?}");
    assert!(sandbox.work_dir().join("hello").is_file());
    Ok(())
}

#[tokio::test]
async fn a_fork_bomb_is_held_by_the_process_limit_and_the_wall_clock() -> Result<()> {
    let max_processes = 48;
    let sandbox = sandbox_or_skip!(SandboxConfig {
        limits: Limits {
            max_processes,
            wall_clock: Duration::from_secs(4),
            ..Limits::default()
        },
        ..SandboxConfig::default()
    });
    let marker = marker("forkbomb")?;
    // Count the bomb's processes from the host while it runs.
    let peak = Arc::new(AtomicUsize::new(0));
    let watching = {
        let (peak, marker) = (peak.clone(), marker.clone());
        tokio::spawn(async move {
            loop {
                let count = processes_with(&marker)
                    .map(|p| p.lines().count())
                    .unwrap_or(0);
                peak.fetch_max(count, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let outcome = sandbox
        .exec(
            SandboxCommand::argv(["bash", "-c", ":(){ :|:& };: ; sleep 60", marker.as_str()]),
            None,
        )
        .await?;
    watching.abort();
    let peak = peak.load(Ordering::Relaxed);
    assert!(outcome.timed_out, "{outcome:?}");
    assert_eq!(outcome.signal, Some(9));
    assert!(outcome.duration < Duration::from_secs(15), "{outcome:?}");
    assert!(
        outcome.stderr.contains("Resource temporarily unavailable"),
        "the process limit was never hit: {outcome:?}"
    );
    // Sandbox processes plus the outer bubblewrap, never more.
    assert!(peak >= 10, "the bomb did not run: peak {peak}");
    assert!(
        peak <= max_processes as usize + 2,
        "{peak} processes with the marker, limit {max_processes}"
    );
    let left = processes_with(&marker)?;
    assert!(left.is_empty(), "stray processes after the call:\n{left}");
    Ok(())
}

#[tokio::test]
async fn forks_stop_at_the_process_limit_and_die_with_the_command() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig {
        limits: Limits {
            max_processes: 32,
            wall_clock: Duration::from_secs(60),
            ..Limits::default()
        },
        ..SandboxConfig::default()
    });
    let marker = marker("forkloop")?;
    let script = format!(
        "# {marker}\n\
         import os, time\n\
         n = 0\n\
         try:\n\
         \x20   while n < 10000:\n\
         \x20       if os.fork() == 0:\n\
         \x20           time.sleep(300)\n\
         \x20           os._exit(0)\n\
         \x20       n += 1\n\
         except OSError as e:\n\
         \x20   print('FORK LIMIT', n, e.errno)\n"
    );
    let outcome = sandbox.exec(["python3", "-c", &script], None).await?;
    let words: Vec<&str> = outcome.stdout.split_whitespace().collect();
    assert_eq!(words.first().copied(), Some("FORK"), "{outcome:?}");
    let forked: u32 = words.get(2).context("fork count")?.parse()?;
    assert!(
        (1..32).contains(&forked),
        "forked {forked} times: {outcome:?}"
    );
    assert_eq!(
        words.get(3).copied(),
        Some("11"),
        "EAGAIN expected: {outcome:?}"
    );
    assert_eq!(outcome.exit_code, Some(0));
    assert!(!outcome.timed_out);
    // The sleeping children died with the command, before exec returned.
    let left = processes_with(&marker)?;
    assert!(left.is_empty(), "stray processes after the call:\n{left}");
    Ok(())
}

#[tokio::test]
async fn background_processes_do_not_outlive_the_command() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig::default());
    let marker = marker("background")?;
    let outcome = sandbox
        .exec(
            SandboxCommand::argv([
                "bash",
                "-c",
                "(sleep 300; true) >/dev/null 2>&1 & echo started",
                marker.as_str(),
            ]),
            None,
        )
        .await?;
    assert_eq!(outcome.stdout, "started\n");
    assert!(outcome.duration < Duration::from_secs(10), "{outcome:?}");
    let left = processes_with(&marker)?;
    assert!(left.is_empty(), "stray processes after the call:\n{left}");
    Ok(())
}

#[tokio::test]
async fn runaway_output_is_truncated_and_the_call_returns() -> Result<()> {
    let kept = 64 * 1024;
    let sandbox = sandbox_or_skip!(SandboxConfig {
        limits: Limits {
            max_output_bytes: kept,
            max_streamed_output_bytes: 4 << 20,
            wall_clock: Duration::from_secs(60),
            ..Limits::default()
        },
        ..SandboxConfig::default()
    });
    let outcome = sandbox.exec(["yes"], None).await?;
    assert!(outcome.output_limit_exceeded, "{:?}", outcome.stdout.len());
    assert!(outcome.truncated);
    assert!(!outcome.timed_out);
    assert!(
        outcome.duration < Duration::from_secs(20),
        "{:?}",
        outcome.duration
    );
    assert!(
        outcome.stdout.len() <= kept + 64,
        "kept {} bytes",
        outcome.stdout.len()
    );
    assert!(outcome.stdout.starts_with("y\ny\ny\n"));
    assert!(outcome.stdout.contains(" bytes truncated ...]"));
    assert!(outcome.stdout.ends_with("y\n") || outcome.stdout.ends_with('y'));

    // Output above the kept size but below the runaway limit: head and tail
    // survive, the command finishes normally.
    let outcome = sandbox
        .exec(
            "echo FIRST; head -c 300000 /dev/zero | tr '\\0' a; echo; echo LAST; \
             head -c 300000 /dev/zero | tr '\\0' e >&2",
            None,
        )
        .await?;
    assert_eq!(outcome.exit_code, Some(0));
    assert!(!outcome.output_limit_exceeded);
    assert!(outcome.truncated);
    assert!(
        outcome.stdout.starts_with("FIRST\naaa"),
        "{}",
        &outcome.stdout[..20]
    );
    assert!(outcome.stdout.ends_with("aaa\nLAST\n"));
    assert!(outcome.stdout.len() <= kept + 64);
    assert!(outcome.stderr.starts_with("eee") && outcome.stderr.len() <= kept + 64);
    Ok(())
}

#[tokio::test]
async fn a_cpu_loop_hits_the_cpu_limit() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig {
        limits: Limits {
            cpu_seconds: 1,
            wall_clock: Duration::from_secs(60),
            ..Limits::default()
        },
        ..SandboxConfig::default()
    });
    let outcome = sandbox
        .exec(["python3", "-c", "while True: pass"], None)
        .await?;
    // SIGXCPU at the soft limit (SIGKILL one second later if ignored).
    assert!(matches!(outcome.signal, Some(24) | Some(9)), "{outcome:?}");
    assert_eq!(outcome.exit_code, None);
    assert!(!outcome.timed_out);
    assert!(outcome.duration < Duration::from_secs(30), "{outcome:?}");
    Ok(())
}

#[tokio::test]
async fn the_wall_clock_kills_a_sleeping_command() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig {
        limits: limits(1),
        ..SandboxConfig::default()
    });
    let outcome = sandbox
        .exec("echo before; sleep 60; echo after", None)
        .await?;
    assert!(outcome.timed_out, "{outcome:?}");
    assert_eq!(outcome.signal, Some(9));
    assert_eq!(outcome.stdout, "before\n", "output until the kill is kept");
    assert!(outcome.duration >= Duration::from_secs(1));
    assert!(outcome.duration < Duration::from_secs(10), "{outcome:?}");
    Ok(())
}

#[tokio::test]
async fn a_memory_hog_hits_the_memory_limit() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig {
        limits: Limits {
            memory_bytes: 256 << 20,
            ..limits(60)
        },
        ..SandboxConfig::default()
    });
    let script = "small = bytearray(32 * 1024 * 1024)\n\
                  print('SMALL OK', flush=True)\n\
                  try:\n    big = bytearray(1024 ** 3)\n    print('BIG OK')\n\
                  except MemoryError:\n    print('BIG REFUSED')\n";
    let outcome = sandbox.exec(["python3", "-c", script], None).await?;
    assert_eq!(outcome.stdout, "SMALL OK\nBIG REFUSED\n", "{outcome:?}");
    Ok(())
}

#[tokio::test]
async fn a_file_cannot_grow_past_the_file_size_limit() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig {
        limits: Limits {
            max_file_bytes: 1 << 20,
            ..limits(60)
        },
        ..SandboxConfig::default()
    });
    let outcome = sandbox
        .exec("head -c 4000000 /dev/zero > /work/big", None)
        .await?;
    assert!(!outcome.success(), "{outcome:?}");
    let size = std::fs::metadata(sandbox.work_dir().join("big"))?.len();
    assert!(size <= 1 << 20, "the file grew to {size} bytes");
    Ok(())
}

#[tokio::test]
async fn exit_codes_signals_and_stdin_pass_through() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig::default());
    let outcome = sandbox.exec("exit 7", None).await?;
    assert_eq!((outcome.exit_code, outcome.signal), (Some(7), None));
    let outcome = sandbox.exec(["true"], None).await?;
    assert!(outcome.success());
    let outcome = sandbox.exec(["cat"], Some(b"line one\nline two\n")).await?;
    assert_eq!(outcome.stdout, "line one\nline two\n");
    let outcome = sandbox
        .exec(
            "read first; echo \"got $first\" >&2; exit 3",
            Some(b"abc\n"),
        )
        .await?;
    assert_eq!(outcome.stderr, "got abc\n");
    assert_eq!(outcome.exit_code, Some(3));
    let outcome = sandbox.exec("kill -TERM $$", None).await?;
    assert_eq!((outcome.exit_code, outcome.signal), (None, Some(15)));
    // Large stdin is streamed while output is read (no deadlock).
    let big = vec![b'z'; 1 << 20];
    let outcome = sandbox.exec("wc -c", Some(&big)).await?;
    assert_eq!(outcome.stdout.trim(), "1048576");
    Ok(())
}

#[tokio::test]
async fn files_are_copied_in_and_read_back_safely() -> Result<()> {
    let task = tempfile::tempdir()?;
    std::fs::write(task.path().join("flag.txt"), "flag{copied}")?;
    std::fs::create_dir(task.path().join("src"))?;
    std::fs::write(task.path().join("src/main.py"), "print('from src')\n")?;
    let sandbox = sandbox_or_skip!(SandboxConfig {
        files_to_copy: vec![
            (task.path().join("flag.txt"), PathBuf::from("task/flag.txt")),
            (task.path().join("src"), PathBuf::from("task/src")),
        ],
        ..SandboxConfig::default()
    });
    sandbox.write_file("setup/input.txt", b"written by setup")?;
    let outcome = sandbox
        .exec(
            "cat task/flag.txt; echo; python3 task/src/main.py; cat setup/input.txt; \
             echo answer > out.txt; ln -s /etc/passwd pw; ln -s /etc esc",
            None,
        )
        .await?;
    assert_eq!(
        outcome.stdout, "flag{copied}\nfrom src\nwritten by setup",
        "{outcome:?}"
    );
    assert_eq!(sandbox.read_file("out.txt")?, b"answer\n");
    // Links planted by the sandbox cannot make the host read its own files.
    for planted in ["pw", "esc/passwd"] {
        assert!(
            matches!(
                sandbox.read_file(planted),
                Err(SandboxError::InvalidPath { .. })
            ),
            "{planted} was followed out of the work directory"
        );
    }
    assert!(matches!(
        sandbox.write_file("esc/evil", b"x"),
        Err(SandboxError::InvalidPath { .. })
    ));
    assert!(!Path::new("/etc/evil").exists());
    for escaping in ["../x", "/etc/passwd", "a/../../x"] {
        assert!(matches!(
            sandbox.read_file(escaping),
            Err(SandboxError::InvalidPath { .. })
        ));
    }
    Ok(())
}

#[tokio::test]
async fn destinations_that_escape_the_work_directory_are_refused() -> Result<()> {
    let source = tempfile::NamedTempFile::new()?;
    for destination in ["../escape", "/etc/escape", "a/../../escape", ""] {
        let result = Sandbox::new(SandboxConfig {
            files_to_copy: vec![(source.path().to_path_buf(), PathBuf::from(destination))],
            ..SandboxConfig::default()
        })
        .await;
        assert!(
            matches!(result, Err(SandboxError::InvalidPath { .. })),
            "{destination:?}: {result:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_temporary_work_directory_is_removed_on_drop() -> Result<()> {
    let sandbox = sandbox_or_skip!(SandboxConfig::default());
    sandbox
        .exec("mkdir -p deep/er && echo x > deep/er/f", None)
        .await?;
    let work_dir = sandbox.work_dir().to_path_buf();
    assert!(work_dir.join("deep/er/f").is_file());
    drop(sandbox);
    assert!(!work_dir.exists(), "{work_dir:?} survived the sandbox");

    // A work directory the caller gave is kept.
    let given = tempfile::tempdir()?;
    let dir = given.path().join("work");
    let sandbox = sandbox_or_skip!(SandboxConfig {
        work_dir: Some(dir.clone()),
        ..SandboxConfig::default()
    });
    sandbox.exec("echo kept > result", None).await?;
    drop(sandbox);
    assert_eq!(std::fs::read_to_string(dir.join("result"))?, "kept\n");
    Ok(())
}

#[tokio::test]
async fn the_work_directory_can_be_mounted_elsewhere() -> Result<()> {
    // Imported Cybench tasks expect their files under /root.
    let sandbox = sandbox_or_skip!(SandboxConfig {
        work_mount: PathBuf::from("/root"),
        ..SandboxConfig::default()
    });
    let outcome = sandbox
        .exec(
            "pwd; echo $HOME; echo here > /root/x; ls -d /work 2>&1 || true",
            None,
        )
        .await?;
    let mut lines = outcome.stdout.lines();
    assert_eq!(lines.next(), Some("/root"), "{outcome:?}");
    assert_eq!(lines.next(), Some("/root"), "{outcome:?}");
    assert!(
        lines.next().is_some_and(|l| l.contains("No such file")),
        "{outcome:?}"
    );
    assert_eq!(sandbox.read_file("x")?, b"here\n");
    Ok(())
}

#[tokio::test]
async fn a_missing_bwrap_is_an_error_with_the_install_hint() -> Result<()> {
    let result = Sandbox::new(SandboxConfig {
        bwrap_path: PathBuf::from("/nonexistent/bin/bwrap"),
        ..SandboxConfig::default()
    })
    .await;
    let Err(error) = result else {
        bail!("a sandbox was created without bubblewrap");
    };
    assert!(
        matches!(error, SandboxError::BwrapMissing { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("apt-get install bubblewrap"), "{message}");
    assert!(message.contains("/nonexistent/bin/bwrap"), "{message}");
    Ok(())
}

#[tokio::test]
async fn unsandboxed_mode_is_explicit_and_really_unsandboxed() -> Result<()> {
    // The escape hatch needs no bwrap, and is visibly not contained: it
    // reaches the host's loopback, which every sandboxed test above cannot.
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let sandbox = Sandbox::new(SandboxConfig {
        mode: SandboxMode::UnsandboxedDangerous,
        bwrap_path: PathBuf::from("/nonexistent/bin/bwrap"),
        ..SandboxConfig::default()
    })
    .await?;
    let outcome = sandbox
        .exec(["python3", "-c", &connect_script("127.0.0.1", port)], None)
        .await?;
    assert_eq!(outcome.stdout.trim(), "CONNECTED", "{outcome:?}");
    let outcome = sandbox.exec("pwd; exit 5", None).await?;
    assert_eq!(
        outcome.stdout.trim(),
        sandbox.work_dir().to_string_lossy(),
        "{outcome:?}"
    );
    assert_eq!(outcome.exit_code, Some(5));
    assert_eq!(
        bulwark_eval::sandbox::UNSANDBOXED_FLAG,
        "--i-understand-this-runs-untrusted-code-unsandboxed"
    );
    Ok(())
}

#[tokio::test]
async fn sandboxes_created_together_prove_bubblewrap_once() -> Result<()> {
    // A bwrap that counts its starts, under a path no other test uses (the
    // proof is remembered per path).
    let Ok(real) = which("bwrap") else {
        return crate::skip_without_bwrap(
            SandboxError::BwrapMissing {
                path: PathBuf::from("bwrap"),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not in PATH"),
            },
            "sandbox test",
        );
    };
    let dir = tempfile::tempdir()?;
    // bubblewrap may run as an unprivileged host user: it must reach both.
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )?;
    let starts = dir.path().join("starts");
    std::fs::write(&starts, "")?;
    std::fs::set_permissions(&starts, std::os::unix::fs::PermissionsExt::from_mode(0o666))?;
    let wrapper = dir.path().join("bwrap");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho \"$1\" >> '{}'\nexec '{}' \"$@\"\n",
            starts.display(),
            real.display()
        ),
    )?;
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    let config = SandboxConfig {
        bwrap_path: wrapper,
        ..SandboxConfig::default()
    };
    let mut creating = tokio::task::JoinSet::new();
    for _ in 0..8 {
        creating.spawn(Sandbox::new(config.clone()));
    }
    let mut sandboxes = Vec::new();
    while let Some(result) = creating.join_next().await {
        match result? {
            Ok(sandbox) => sandboxes.push(sandbox),
            Err(error) => return crate::skip_without_bwrap(error, "sandbox test"),
        }
    }
    // `--version`, then one trivial sandbox (its first option is the gate's).
    let started = std::fs::read_to_string(&starts)?;
    assert_eq!(
        started.lines().collect::<Vec<_>>(),
        ["--version", "--info-fd"]
    );
    // Each sandbox still works, without proving anything again.
    let outcome = sandboxes[7].exec("echo ok", None).await?;
    assert_eq!(outcome.stdout, "ok\n", "{outcome:?}");
    assert_eq!(std::fs::read_to_string(&starts)?.lines().count(), 3);
    Ok(())
}

/// The first executable `name` in `PATH`.
fn which(name: &str) -> Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .context("not found in PATH")
}
