//! Bulwark persistence: one store over SQLite (embedded default, WAL) and
//! PostgreSQL (several processes), selected by the database URL.
//!
//! Architecture invariant: this is the only crate that contains SQL. Every query
//! is static text written once for both backends (`$n` placeholders work on
//! both); the few places where the dialects differ branch on [`Dialect`].
//! Migrations are embedded per backend and append-only.
//!
//! Unsafe code lives only in `sqlite_memory` (SQLite's allocator hooks).
#![deny(unsafe_code)]

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
#[allow(unsafe_code)]
mod sqlite_memory;
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
pub use vuln_intake::{CaseBump, CaseSignatureRow, IntakeTable, NewVulnCase, NewVulnReport};
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
    /// Every transaction on PostgreSQL; read transactions on SQLite.
    pool: AnyPool,
    dialect: Dialect,
    /// SQLite: the one connection every write transaction runs on. SQLite
    /// allows one writer at a time anyway, and a connection drops its page
    /// cache whenever another connection has written, so a dedicated writer
    /// keeps a warm cache across transactions (bulk intake inserts into
    /// indexes on random keys: a cold cache is a page read per row).
    writer: Option<Writer>,
}

/// SQLite's writer connection and the queue in front of it.
#[derive(Clone)]
struct Writer {
    pool: AnyPool,
    /// Writers queue here in order (the pool's own wait is bounded).
    queue: Arc<Mutex<()>>,
    /// Held by every clone of the store: the background checkpointer stops
    /// when the last one is dropped.
    _alive: Arc<()>,
}

/// Settings of every SQLite connection. `mmap_size`: pages are read from the
/// OS page cache in place instead of copied in by `pread`. `temp_store`:
/// statement journals (the pages a multi-row statement changed, kept until
/// it completes) stay in memory instead of spilling to temporary files.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
    PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA mmap_size = 2147418112; \
    PRAGMA temp_store = MEMORY;";

/// SQLite's read connections: a page cache of 32 MiB (SQLite's default is
/// 2 MiB), grown on demand.
const SQLITE_READER: &str = "PRAGMA cache_size = -32768;";

/// SQLite's writer connection: a page cache of 512 MiB, grown on demand
/// (enough for the indexes a million reports' intake keeps inserting into),
/// and checkpoints left to the background checkpointer (see
/// [`spawn_checkpointer`]) unless the log outgrows 256 MiB, so commits do
/// not stop to copy the log back.
const SQLITE_WRITER: &str = "PRAGMA cache_size = -524288; PRAGMA wal_autocheckpoint = 65536;";

/// How often the background checkpointer looks at SQLite's log.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

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
        if dialect == Dialect::Sqlite {
            sqlite_memory::configure();
        }
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
        let pool = open_pool(&options, dialect, max, SQLITE_READER).await?;
        let writer = match dialect {
            Dialect::Sqlite => {
                let alive = Arc::new(());
                spawn_checkpointer(pool.clone(), Arc::downgrade(&alive));
                Some(Writer {
                    pool: open_pool(&options, dialect, 1, SQLITE_WRITER).await?,
                    queue: Arc::new(Mutex::new(())),
                    _alive: alive,
                })
            }
            Dialect::Postgres => None,
        };
        Ok(Self {
            pool,
            dialect,
            writer,
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
        let (tx, guard) = match &self.writer {
            Some(writer) => {
                let guard = writer.queue.clone().lock_owned().await;
                // Take SQLite's write lock at BEGIN, so a second process waits
                // (busy_timeout) instead of failing when the transaction
                // first writes.
                let tx = writer.pool.begin_with("BEGIN IMMEDIATE").await?;
                (tx, Some(guard))
            }
            None => (self.pool.begin().await?, None),
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
        if let Some(writer) = &self.writer {
            writer.pool.close().await;
        }
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

/// A pool of at most `max` connections; SQLite connections get
/// [`SQLITE_PRAGMAS`], then `role_pragmas`.
async fn open_pool(
    options: &AnyConnectOptions,
    dialect: Dialect,
    max: u32,
    role_pragmas: &'static str,
) -> Result<AnyPool, StoreError> {
    let mut pool = AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30));
    if dialect == Dialect::Sqlite {
        // A SQLite connection's page cache is the hot part of the
        // database: keep connections instead of reopening them cold
        // every half hour (sqlx's default lifetime).
        pool = pool.max_lifetime(None).idle_timeout(None);
    }
    pool.after_connect(move |conn, _| {
        Box::pin(async move {
            if dialect == Dialect::Sqlite {
                use sqlx::Executor;
                conn.execute(SQLITE_PRAGMAS).await?;
                conn.execute(role_pragmas).await?;
            }
            Ok(())
        })
    })
    .connect_with(options.clone())
    .await
    .map_err(|e| StoreError::Config(format!("cannot open database: {e}")))
}

/// Copies SQLite's write-ahead log back into the database file from a read
/// connection, off the writer's path, until the pool closes. PASSIVE
/// checkpoints never wait for or block the writer: they copy what no reader
/// still needs, and the log restarts from its beginning once all of it was.
/// Stops when the store is closed or dropped (`alive` gone).
fn spawn_checkpointer(pool: AnyPool, alive: std::sync::Weak<()>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !pool.is_closed() && alive.strong_count() > 0 {
            tick.tick().await;
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                if !pool.is_closed() {
                    tracing::debug!(error = %e, "background checkpoint failed");
                }
            }
        }
    });
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
