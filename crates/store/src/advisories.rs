//! Published advisories: the current revision of each, every revision as
//! published, and the global `seq` raised on every revision (matching and
//! TAXII follow it). Publications are serialised (SQLite's single writer; a
//! PostgreSQL advisory lock, [`Tx::lock_advisories`]) so `seq` is gapless
//! and ordered by commit.
use crate::codec::{int, ms, opt_text, parsed, text, time};
use crate::{StoreError, Tx};
use bulwark_domain::ids::{CaseId, OrgId};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Advisory-lock key of publications on PostgreSQL ("bulwark advisory").
const ADVISORY_LOCK: i64 = 0x6275_6c77_6164_7673;

/// Most TLP levels a listing may name (TLP 2.0 has five).
pub const MAX_TLP_LEVELS: usize = 5;

/// An advisory's current revision.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryRow {
    /// Its id (the case name, `BWK-2026-000123`).
    pub id: String,
    /// The case it publishes.
    pub case_id: CaseId,
    /// The current revision (from 1).
    pub revision: i64,
    /// The sequence number of the current revision.
    pub seq: i64,
    /// TLP level (`CLEAR`, `GREEN`, …).
    pub tlp: String,
    /// Target sectors (JSON array of sector names; empty: every sector).
    pub sectors: String,
    /// Title.
    pub title: String,
    /// The advisory document (`bulwark_formats::model::Advisory` JSON).
    pub document: String,
    /// First publication.
    pub published_at: DateTime<Utc>,
    /// Last revision.
    pub updated_at: DateTime<Utc>,
}

/// One revision of an advisory.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryRevisionRow {
    /// The advisory.
    pub advisory_id: String,
    /// Its number.
    pub revision: i64,
    /// Its sequence number.
    pub seq: i64,
    /// The document as published.
    pub document: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, case_id, revision, seq, tlp, sectors, title, document, published_at, updated_at";

fn advisory_row(r: &AnyRow) -> Result<AdvisoryRow, StoreError> {
    Ok(AdvisoryRow {
        id: text(r, "id")?,
        case_id: parsed(r, "case_id")?,
        revision: int(r, "revision")?,
        seq: int(r, "seq")?,
        tlp: text(r, "tlp")?,
        sectors: text(r, "sectors")?,
        title: text(r, "title")?,
        document: text(r, "document")?,
        published_at: time(r, "published_at")?,
        updated_at: time(r, "updated_at")?,
    })
}

impl Tx {
    /// Serialises publications (PostgreSQL advisory lock until commit;
    /// SQLite has one writer).
    pub async fn lock_advisories(&mut self) -> Result<(), StoreError> {
        self.xact_lock(ADVISORY_LOCK).await
    }

    /// The next advisory sequence number (call under [`Tx::lock_advisories`]).
    pub async fn next_advisory_seq(&mut self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS top FROM advisory_revisions")
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(row.try_get::<i64, _>("top")? + 1)
    }

    /// The advisory of a case, when it was published.
    pub async fn get_advisory_of_case(
        &mut self,
        case: CaseId,
    ) -> Result<Option<AdvisoryRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM advisories WHERE case_id = $1"
        ))
        .bind(case.to_string())
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(advisory_row).transpose()
    }

    /// One advisory, when its TLP level is one of `levels` (the levels the
    /// caller is cleared for).
    pub async fn get_visible_advisory(
        &mut self,
        id: &str,
        levels: &[&str],
    ) -> Result<Option<AdvisoryRow>, StoreError> {
        let levels = padded_levels(levels)?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM advisories WHERE id = $1 AND tlp IN ($2, $3, $4, $5, $6)"
        ))
        .bind(id)
        .bind(levels[0])
        .bind(levels[1])
        .bind(levels[2])
        .bind(levels[3])
        .bind(levels[4])
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(advisory_row).transpose()
    }

    /// Advisories whose TLP level is one of `levels`, by `seq`, after
    /// `after_seq`, at most `limit`.
    pub async fn list_visible_advisories(
        &mut self,
        levels: &[&str],
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AdvisoryRow>, StoreError> {
        let levels = padded_levels(levels)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM advisories WHERE tlp IN ($1, $2, $3, $4, $5) AND seq > $6 \
             ORDER BY seq LIMIT $7"
        ))
        .bind(levels[0])
        .bind(levels[1])
        .bind(levels[2])
        .bind(levels[3])
        .bind(levels[4])
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(advisory_row).collect()
    }

    /// Stores a new revision of an advisory: the current row (inserted or
    /// replaced) and the revision's own row.
    pub async fn put_advisory_revision(&mut self, a: &AdvisoryRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO advisories ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, seq = excluded.seq, \
             tlp = excluded.tlp, sectors = excluded.sectors, title = excluded.title, \
             document = excluded.document, updated_at = excluded.updated_at"
        ))
        .bind(&a.id)
        .bind(a.case_id.to_string())
        .bind(a.revision)
        .bind(a.seq)
        .bind(&a.tlp)
        .bind(&a.sectors)
        .bind(&a.title)
        .bind(&a.document)
        .bind(ms(a.published_at))
        .bind(ms(a.updated_at))
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "INSERT INTO advisory_revisions (advisory_id, revision, seq, document, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&a.id)
        .bind(a.revision)
        .bind(a.seq)
        .bind(&a.document)
        .bind(ms(a.updated_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Every revision of an advisory, oldest first.
    pub async fn list_advisory_revisions(
        &mut self,
        id: &str,
    ) -> Result<Vec<AdvisoryRevisionRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT advisory_id, revision, seq, document, created_at FROM advisory_revisions \
             WHERE advisory_id = $1 ORDER BY revision",
        )
        .bind(id)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AdvisoryRevisionRow {
                    advisory_id: text(r, "advisory_id")?,
                    revision: int(r, "revision")?,
                    seq: int(r, "seq")?,
                    document: text(r, "document")?,
                    created_at: time(r, "created_at")?,
                })
            })
            .collect()
    }

    /// An organisation's TLP clearance as stored (None: CLEAR only).
    pub async fn org_tlp_clearance(&mut self, org: OrgId) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT tlp_clearance FROM orgs WHERE id = $1")
            .bind(org.to_string())
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(match row {
            Some(r) => opt_text(&r, "tlp_clearance")?,
            None => None,
        })
    }
}

/// The levels padded to [`MAX_TLP_LEVELS`] with a value no advisory has.
fn padded_levels<'a>(levels: &[&'a str]) -> Result<[&'a str; MAX_TLP_LEVELS], StoreError> {
    if levels.len() > MAX_TLP_LEVELS {
        return Err(StoreError::Config(format!(
            "at most {MAX_TLP_LEVELS} TLP levels, got {}",
            levels.len()
        )));
    }
    let mut out = [""; MAX_TLP_LEVELS];
    for (slot, level) in out.iter_mut().zip(levels) {
        *slot = level;
    }
    Ok(out)
}
