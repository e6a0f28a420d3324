//! SQLite's memory allocator: the process's Rust global allocator.
//!
//! SQLite allocates through the C library's `malloc` by default, and with
//! its memory statistics on, which take a process-wide mutex around every
//! allocation. Intake's writer allocates and frees page buffers and
//! statement journals at a high rate: glibc's `malloc`/`free` (chunk
//! unlinking, consolidation) and that mutex took ~12 % of the CPU of a
//! million-report intake in `perf`. Routing SQLite's allocations to the Rust
//! global allocator (mimalloc in the `bulwark` binary) and turning the
//! statistics off removes both. Configured once per process, before the
//! first SQLite connection; if SQLite was already initialised (another
//! library opened a database first) it keeps its own allocator.

use std::alloc::{alloc, dealloc, realloc, Layout};
use std::ffi::{c_int, c_void};
use std::sync::Once;

use libsqlite3_sys as ffi;

/// Bytes in front of each allocation: its total size, padded so the caller's
/// pointer keeps the 16-byte alignment `malloc` gives.
const HEADER: usize = 16;
const ALIGN: usize = 16;

static CONFIGURE: Once = Once::new();

/// Points SQLite at the Rust allocator (once per process).
pub(crate) fn configure() {
    CONFIGURE.call_once(|| {
        let methods = ffi::sqlite3_mem_methods {
            xMalloc: Some(x_malloc),
            xFree: Some(x_free),
            xRealloc: Some(x_realloc),
            xSize: Some(x_size),
            xRoundup: Some(x_roundup),
            xInit: Some(x_init),
            xShutdown: Some(x_shutdown),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: sqlite3_config may only be called before SQLite is
        // initialised and while no other thread uses SQLite; `Once` makes
        // this the only call, and it runs before this process opens its
        // first connection. SQLite copies the methods struct. If SQLite was
        // initialised already, both calls return SQLITE_MISUSE and change
        // nothing, which is safe.
        let (malloc, memstatus) = unsafe {
            (
                ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &methods as *const _),
                ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int),
            )
        };
        if malloc != ffi::SQLITE_OK || memstatus != ffi::SQLITE_OK {
            tracing::debug!(
                malloc,
                memstatus,
                "SQLite was initialised before Bulwark configured it; it keeps its own allocator"
            );
        }
    });
}

fn layout(total: usize) -> Option<Layout> {
    Layout::from_size_align(total, ALIGN).ok()
}

unsafe extern "C" fn x_malloc(n: c_int) -> *mut c_void {
    let Some(total) = usize::try_from(n).ok().and_then(|n| n.checked_add(HEADER)) else {
        return std::ptr::null_mut();
    };
    let Some(layout) = layout(total) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `layout` has a non-zero size (at least HEADER). The first
    // HEADER bytes hold the total size, aligned for a usize; SQLite gets the
    // rest.
    unsafe {
        let base = alloc(layout);
        if base.is_null() {
            return std::ptr::null_mut();
        }
        base.cast::<usize>().write(total);
        base.add(HEADER).cast()
    }
}

/// The start of the block `p` (returned by `x_malloc`) lives in, and its size.
///
/// # Safety
/// `p` must come from `x_malloc` or `x_realloc` and not have been freed.
unsafe fn block(p: *mut c_void) -> (*mut u8, usize) {
    // SAFETY: by the contract above, HEADER bytes before `p` hold the size.
    unsafe {
        let base = p.cast::<u8>().sub(HEADER);
        (base, base.cast::<usize>().read())
    }
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: SQLite frees only what its xMalloc/xRealloc returned; the
    // layout is the one it was allocated with.
    unsafe {
        let (base, total) = block(p);
        dealloc(base, Layout::from_size_align_unchecked(total, ALIGN));
    }
}

unsafe extern "C" fn x_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    if p.is_null() {
        // SAFETY: a fresh allocation.
        return unsafe { x_malloc(n) };
    }
    let Some(total) = usize::try_from(n).ok().and_then(|n| n.checked_add(HEADER)) else {
        return std::ptr::null_mut();
    };
    if layout(total).is_none() {
        return std::ptr::null_mut();
    }
    // SAFETY: `p` came from x_malloc/x_realloc (SQLite's contract); the old
    // layout is the one it was allocated with and the new size is non-zero
    // and valid for ALIGN (checked above). On failure the old block stays.
    unsafe {
        let (base, old) = block(p);
        let grown = realloc(base, Layout::from_size_align_unchecked(old, ALIGN), total);
        if grown.is_null() {
            return std::ptr::null_mut();
        }
        grown.cast::<usize>().write(total);
        grown.add(HEADER).cast()
    }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    if p.is_null() {
        return 0;
    }
    // SAFETY: SQLite asks only about blocks its allocator returned.
    let total = unsafe { block(p).1 };
    c_int::try_from(total - HEADER).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn x_roundup(n: c_int) -> c_int {
    // What x_malloc(n) makes usable: SQLite asks so it can use the slack.
    n.saturating_add(7) & !7
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_size_and_contents_through_realloc() {
        // SAFETY: the functions are used as SQLite would use them.
        unsafe {
            let p = x_malloc(100);
            assert!(!p.is_null());
            assert_eq!(p as usize % ALIGN, 0);
            assert_eq!(x_size(p), 100);
            std::ptr::write_bytes(p.cast::<u8>(), 0xAB, 100);
            let q = x_realloc(p, 5000);
            assert_eq!(x_size(q), 5000);
            assert_eq!(*q.cast::<u8>().add(99), 0xAB);
            let r = x_realloc(q, 10);
            assert_eq!(x_size(r), 10);
            assert_eq!(*r.cast::<u8>().add(9), 0xAB);
            x_free(r);
            x_free(std::ptr::null_mut());
            assert!(x_malloc(-1).is_null());
            assert_eq!(x_roundup(13), 16);
        }
    }
}
