//! Bulwark's cyber-capability evaluation harness (DESIGN §4.2): declarative
//! tasks and importers, OpenAI-compatible providers (and a mock server for
//! tests and benchmarks), a bubblewrap sandbox, and the statistics behind
//! capability profiles.
#![forbid(unsafe_code)]

pub mod export;
pub mod provider;
pub mod runlog;
pub mod runner;
pub mod sandbox;
pub mod scorer;
pub mod session;
pub mod solver;
pub mod stats;
pub mod suite;
pub mod task;
pub mod transcript;
pub mod verify;
