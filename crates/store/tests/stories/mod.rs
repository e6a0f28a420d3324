//! One module per area of the store; every story runs on every backend.
mod accounts;
mod assets;
mod audit;
mod designations;
mod eval_runs;
mod review;
mod schema;
mod vuln_intake;
