//! Bulwark application operations.
//!
//! Every operation takes an [`OpContext`] (who, which request), authorises with
//! the one policy function, applies the pure domain rules, writes through the
//! store and appends its audit event — all in one database transaction.
//! Architecture invariant: web and CLI call only this crate; they never reach
//! the store directly for anything that needs authorisation or auditing.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod audit;
pub mod clearinghouse;
pub mod clock;
pub mod context;
pub mod designations;
pub mod error;
pub mod eval_executor;
pub mod eval_runs;
pub mod keys;
pub mod models;
pub mod reports;
mod secrets;
pub mod standards;
pub mod submissions;
pub mod taxii;
pub mod throttle;
pub mod views;
pub mod worker;

pub use clock::{Clock, ManualClock, SystemClock};
pub use context::OpContext;
pub use error::AppError;
pub use keys::Keys;

use bulwark_store::Store;
use std::sync::Arc;

/// The application: store, keys and clock, shared by every request.
#[derive(Clone)]
pub struct App {
    /// The database.
    pub store: Store,
    /// Key-encryption key and audit signing key.
    pub keys: Arc<Keys>,
    /// The injected clock.
    pub clock: Arc<dyn Clock>,
    /// Failed-login throttle.
    pub throttle: Arc<throttle::LoginThrottle>,
    /// The clearinghouse's near-duplicate index (held during an intake batch).
    pub(crate) near_index: Arc<tokio::sync::Mutex<clearinghouse::near_index::NearIndex>>,
    /// Fingerprints of stored content hashes and exact keys (SQLite's
    /// intake; locked after `near_index`).
    pub(crate) exact_filter: Arc<tokio::sync::Mutex<clearinghouse::exact_filter::ExactFilter>>,
    /// Uploads waiting to be filed together (group commit).
    pub(crate) intake_queue: Arc<clearinghouse::intake_queue::IntakeQueue>,
    /// How vendors are reached and advisories signed (links, SMTP relay, retries).
    pub coordination: Arc<clearinghouse::outbox::CoordinationConfig>,
    /// The TAXII server's credential cache and read-audit throttle.
    pub(crate) taxii_memo: Arc<taxii::TaxiiMemo>,
}

impl App {
    /// Assembles an application.
    pub fn new(store: Store, keys: Keys, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            keys: Arc::new(keys),
            clock,
            throttle: Arc::new(throttle::LoginThrottle::default()),
            near_index: Arc::default(),
            exact_filter: Arc::default(),
            intake_queue: Arc::default(),
            coordination: Arc::default(),
            taxii_memo: Arc::default(),
        }
    }
}
