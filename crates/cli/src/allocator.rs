//! The process allocator: mimalloc (its 2.x line, see the workspace
//! `Cargo.toml`) instead of the system allocator. Matching, intake and the
//! database driver allocate many small, short-lived values, and glibc's
//! malloc/free took a fifth of the CPU of SBOM matching (BENCHMARKS.md).
//!
//! The one module of the binary with `unsafe`: mimalloc's options are set
//! through its C interface.
#![allow(unsafe_code)]

use std::os::raw::c_long;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`'s place in mimalloc 2.x's `mi_option_e`
/// (libmimalloc-sys does not name it; the test below checks it by the
/// documented defaults around it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with a server or worker before mimalloc
/// hands it back to the OS. Its default, 10 ms, is shorter than the gap
/// between two intake uploads, so each upload's memory was returned and then
/// faulted in again, zeroed by the kernel: 6 % of the server's CPU during
/// bulk intake, which ran 19,879 reports/s with 10 ms and 21,199/s with 1 s
/// (BENCHMARKS.md). 1 s is what mimalloc 3.x uses.
///
/// One-shot commands keep the default: an evaluation run holding freed
/// memory for 1 s peaked at 41-45 MB at 20,000 samples against 37 MB at
/// 2,000 (10 ms: 38-40 MB against 36-37 MB), for 5-10 % more samples/s.
const SERVER_PURGE_DELAY_MS: c_long = 1_000;

/// Sets mimalloc's options for a server or worker (`long_running`), unless
/// the environment sets them (mimalloc reads `MIMALLOC_*` variables itself).
/// Call before the command starts its work.
pub fn configure(long_running: bool) {
    if long_running && std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mi_option_set stores an integer in mimalloc's option
        // table; any value is valid for purge_delay, and PURGE_DELAY is
        // that option (checked by the test below).
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, SERVER_PURGE_DELAY_MS) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_is_the_option_we_set() {
        // SAFETY: reading and writing option values, as `configure` does.
        unsafe {
            // mimalloc 2.x's defaults: eager_commit_delay 1, purge_delay 10,
            // use_numa_nodes 0 — a shifted enum fails here.
            assert_eq!(libmimalloc_sys::mi_option_get(PURGE_DELAY - 1), 1);
            assert_eq!(libmimalloc_sys::mi_option_get(PURGE_DELAY), 10);
            assert_eq!(libmimalloc_sys::mi_option_get(PURGE_DELAY + 1), 0);
            configure(false);
            assert_eq!(libmimalloc_sys::mi_option_get(PURGE_DELAY), 10);
            configure(true);
            assert_eq!(
                libmimalloc_sys::mi_option_get(PURGE_DELAY),
                SERVER_PURGE_DELAY_MS
            );
        }
    }
}
