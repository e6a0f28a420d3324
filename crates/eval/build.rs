//! Rebuild the crate when the built-in suites (`suites/` at the repository
//! root, embedded by `suite.rs` with `include_dir!`) change: a new file is not
//! otherwise noticed by Cargo.
fn main() {
    println!("cargo:rerun-if-changed=../../suites");
}
