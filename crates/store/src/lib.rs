//! Bulwark persistence: one store over SQLite (embedded default, WAL) and
//! PostgreSQL (several processes), selected by the database URL.
//!
//! Architecture invariant: this is the only crate that contains SQL. Every query
//! is static text written once for both backends (`$n` placeholders work on
//! both); the few places where the dialects differ branch on [`Dialect`].
//! Migrations are embedded per backend and append-only.
#![forbid(unsafe_code)]

mod accounts;
mod advisories;
mod assets;
mod audit;
mod codec;
mod designations;
mod error;
mod eval_runs;
mod review;
mod secrets;
mod sql;
mod standards;
mod taxii;
mod vendor_cases;
mod vendor_outbox;
mod vuln_cases;
mod vuln_intake;
mod vuln_workflow;

pub use accounts::{ApiTokenRow, OrgRow, SessionRow, UserRow};
pub use advisories::{AdvisoryRevisionRow, AdvisoryRow, MAX_TLP_LEVELS};
pub use assets::{
    AdvisoryDocumentRow, AdvisoryPackageRow, AssetComponentRow, AssetRow, AssetVexRow, HolderRow,
    NewNotice, NoticeRow, NoticeTimesRow,
};
pub use audit::{AuditEventRow, CheckpointRow, NewAuditEvent};
pub use designations::{ContestRow, DesignationRow, ProfileRow};
pub use error::StoreError;
pub use eval_runs::{EvalLeaseRow, EvalRunOutcomeRow, EvalRunRow, EvalRunStatus};
pub use review::{FindingRow, ModelRow, OrgKeyRow, ReportRow, SubmissionRow};
pub use secrets::SecretRow;
pub use standards::{SignoffRow, StandardVersionRow};
pub use taxii::{
    NewTaxiiObject, TaxiiCollectionRow, TaxiiObjectQuery, TaxiiObjectRow, TaxiiStatusRow,
    TaxiiVersionFilter,
};
pub use vendor_cases::{VendorStatusRow, VendorStatusUpdate};
pub use vendor_outbox::{OutboxAttemptRow, OutboxMessageRow, OutboxOutcome, VendorContactRow};
pub use vuln_cases::{VulnCaseRow, VulnReportRow};
pub use vuln_intake::{CaseBump, CaseSignatureRow, NewVulnCase, NewVulnReport};
pub use vuln_workflow::{
    CaseEventRow, CaseFacts, EvidenceRow, ReportProvenanceRow, ShareDecision, VulnShareRow,
};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Which SQL engine is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Embedded SQLite in WAL mode.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A handle on the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// SQLite allows one writer at a time; writers queue here instead of
    /// failing with `SQLITE_BUSY` when a read transaction wants to upgrade.
    write_lock: Option<Arc<Mutex<()>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dialect", &self.dialect)
            .finish()
    }
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://...`). SQLite files are
    /// created when missing and put in WAL mode.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://...",
                redact_url(url)
            )));
        };
        let url = match dialect {
            Dialect::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Config(format!("bad database URL: {e}")))?;
        let max = match dialect {
            Dialect::Sqlite => 8,
            Dialect::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        use sqlx::Executor;
                        // cache_size: 32 MiB per connection (default 2 MiB), grown on
                        // demand; bulk intake inserts into several indexes on random
                        // keys (ids, content hashes, exact keys), which a small
                        // cache turns into a page read per row.
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -32768;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Config(format!("cannot open database: {e}")))?;
        Ok(Self {
            pool,
            dialect,
            write_lock: (dialect == Dialect::Sqlite).then(|| Arc::new(Mutex::new(()))),
        })
    }

    /// The backend in use.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &SQLITE_MIGRATOR,
            Dialect::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Begins a transaction that may write. Every mutation and every audited
    /// read runs in one of these; nothing is visible until [`Tx::commit`].
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let guard = match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        // SQLite: take the write lock at BEGIN, so a second process waits
        // (busy_timeout) instead of failing when the transaction first writes.
        let tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            tx,
            dialect: self.dialect,
            _guard: guard,
        })
    }

    /// Begins a read-only transaction (no audit event can be written in it).
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        let tx = self.pool.begin().await?;
        Ok(Tx {
            tx,
            dialect: self.dialect,
            _guard: None,
        })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// One database transaction. Dropping it without [`Tx::commit`] rolls back.
pub struct Tx {
    tx: Transaction<'static, Any>,
    dialect: Dialect,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    /// Makes every change of this transaction durable.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    /// The backend in use.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
}

/// Hides the password of a database URL for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
