//! Resource limits applied to every command run in a sandbox.

use std::time::Duration;

use rustix::process::Resource;

use super::SandboxError;

/// Resource limits for one command run in a sandbox.
///
/// `cpu_seconds`, `memory_bytes`, `max_processes` and `max_file_bytes` are
/// kernel rlimits set before the command starts (in a sandbox with
/// prlimit(2), unsandboxed by the `prlimit` program of util-linux), so they
/// hold for every process it starts. `wall_clock` and the output limits are
/// enforced by the supervising Bulwark process, `tmpfs_bytes` by bubblewrap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// CPU time per process (`RLIMIT_CPU`), in seconds. At the limit the
    /// process gets `SIGXCPU`, one second later `SIGKILL`.
    pub cpu_seconds: u64,
    /// Virtual address space per process (`RLIMIT_AS`), in bytes.
    pub memory_bytes: u64,
    /// Processes and threads the sandbox user may have at once
    /// (`RLIMIT_NPROC`, counted inside the sandbox's own user namespace).
    pub max_processes: u64,
    /// Largest file a process may write (`RLIMIT_FSIZE`), in bytes.
    pub max_file_bytes: u64,
    /// Wall-clock time for the whole command; at expiry the sandbox and
    /// everything in it is killed and the outcome says `timed_out`.
    pub wall_clock: Duration,
    /// Bytes of stdout, and separately of stderr, kept in the outcome (half
    /// from the head, half from the tail of the stream).
    pub max_output_bytes: usize,
    /// Bytes the command may write to stdout, or to stderr, before the
    /// sandbox is killed as a runaway (the outcome says
    /// `output_limit_exceeded`). At least `max_output_bytes`.
    pub max_streamed_output_bytes: u64,
    /// Size of each in-memory file system of the sandbox (`/tmp` and
    /// `/dev/shm`), in bytes.
    pub tmpfs_bytes: u64,
}

impl Default for Limits {
    /// 60 s CPU, 1 GiB memory, 256 processes, 64 MiB files, 120 s wall
    /// clock, 1 MiB kept output, 64 MiB streamed output, 256 MiB tmpfs.
    fn default() -> Self {
        Limits {
            cpu_seconds: 60,
            memory_bytes: 1 << 30,
            max_processes: 256,
            max_file_bytes: 64 << 20,
            wall_clock: Duration::from_secs(120),
            max_output_bytes: 1 << 20,
            max_streamed_output_bytes: 64 << 20,
            tmpfs_bytes: 256 << 20,
        }
    }
}

impl Limits {
    /// Refuses limits that would make every command fail or that contradict
    /// each other.
    pub fn validate(&self) -> Result<(), SandboxError> {
        let nonzero = [
            ("cpu_seconds", self.cpu_seconds),
            ("memory_bytes", self.memory_bytes),
            ("max_processes", self.max_processes),
            ("max_file_bytes", self.max_file_bytes),
            ("tmpfs_bytes", self.tmpfs_bytes),
        ];
        for (field, value) in nonzero {
            if value == 0 {
                return Err(SandboxError::InvalidLimit {
                    field,
                    reason: "must be greater than zero",
                });
            }
        }
        if self.wall_clock.is_zero() {
            return Err(SandboxError::InvalidLimit {
                field: "wall_clock",
                reason: "must be greater than zero",
            });
        }
        if self.max_output_bytes < 2 {
            return Err(SandboxError::InvalidLimit {
                field: "max_output_bytes",
                reason: "must be at least 2 (one byte of head, one of tail)",
            });
        }
        if self.max_streamed_output_bytes < self.max_output_bytes as u64 {
            return Err(SandboxError::InvalidLimit {
                field: "max_streamed_output_bytes",
                reason: "must be at least max_output_bytes",
            });
        }
        Ok(())
    }

    /// The kernel rlimits of a command under these limits: core dumps off;
    /// at the CPU limit a process gets `SIGXCPU`, one second later `SIGKILL`.
    pub(crate) fn rlimits(&self) -> [Rlimit; 5] {
        let both = |option, resource, value| Rlimit {
            option,
            resource,
            soft: value,
            hard: value,
        };
        [
            Rlimit {
                option: "cpu",
                resource: Resource::Cpu,
                soft: self.cpu_seconds,
                hard: self.cpu_seconds.saturating_add(1),
            },
            both("as", Resource::As, self.memory_bytes),
            both("nproc", Resource::Nproc, self.max_processes),
            both("fsize", Resource::Fsize, self.max_file_bytes),
            both("core", Resource::Core, 0),
        ]
    }

    /// The `prlimit` options (util-linux) that apply [`Limits::rlimits`],
    /// without the program name and without the closing `--`, for
    /// unsandboxed commands.
    pub(crate) fn prlimit_args(&self) -> Vec<String> {
        self.rlimits()
            .iter()
            .map(|limit| {
                if limit.soft == limit.hard {
                    format!("--{}={}", limit.option, limit.soft)
                } else {
                    format!("--{}={}:{}", limit.option, limit.soft, limit.hard)
                }
            })
            .collect()
    }
}

/// One kernel rlimit of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rlimit {
    /// Its option name for the `prlimit` program.
    pub(crate) option: &'static str,
    /// The resource.
    pub(crate) resource: Resource,
    /// The soft limit.
    pub(crate) soft: u64,
    /// The hard limit.
    pub(crate) hard: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_sensible() {
        let limits = Limits::default();
        assert!(limits.validate().is_ok());
        assert_eq!(limits.cpu_seconds, 60);
        assert_eq!(limits.memory_bytes, 1024 * 1024 * 1024);
        assert_eq!(limits.max_processes, 256);
        assert_eq!(limits.wall_clock, Duration::from_secs(120));
        assert_eq!(limits.max_output_bytes, 1024 * 1024);
    }

    #[test]
    fn every_rlimit_is_set() {
        let limits = Limits {
            cpu_seconds: 5,
            memory_bytes: 1000,
            max_processes: 7,
            max_file_bytes: 99,
            ..Limits::default()
        };
        let set: Vec<(i32, u64, u64)> = limits
            .rlimits()
            .into_iter()
            .map(|r| (r.resource as i32, r.soft, r.hard))
            .collect();
        assert_eq!(
            set,
            [
                (Resource::Cpu as i32, 5, 6),
                (Resource::As as i32, 1000, 1000),
                (Resource::Nproc as i32, 7, 7),
                (Resource::Fsize as i32, 99, 99),
                (Resource::Core as i32, 0, 0),
            ]
        );
    }

    #[test]
    fn prlimit_args_carry_every_rlimit() {
        let limits = Limits {
            cpu_seconds: 5,
            memory_bytes: 1000,
            max_processes: 7,
            max_file_bytes: 99,
            ..Limits::default()
        };
        assert_eq!(
            limits.prlimit_args(),
            [
                "--cpu=5:6",
                "--as=1000",
                "--nproc=7",
                "--fsize=99",
                "--core=0"
            ]
        );
    }

    #[test]
    fn zero_and_contradictory_limits_are_refused() {
        let zero_cpu = Limits {
            cpu_seconds: 0,
            ..Limits::default()
        };
        assert!(matches!(
            zero_cpu.validate(),
            Err(SandboxError::InvalidLimit {
                field: "cpu_seconds",
                ..
            })
        ));
        let zero_wall = Limits {
            wall_clock: Duration::ZERO,
            ..Limits::default()
        };
        assert!(zero_wall.validate().is_err());
        let streamed_below_kept = Limits {
            max_output_bytes: 100,
            max_streamed_output_bytes: 10,
            ..Limits::default()
        };
        assert!(matches!(
            streamed_below_kept.validate(),
            Err(SandboxError::InvalidLimit {
                field: "max_streamed_output_bytes",
                ..
            })
        ));
    }
}
