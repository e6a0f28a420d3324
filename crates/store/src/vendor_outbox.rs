//! Reaching vendors: their contact details (webhook and e-mail) and the
//! outbox of notifications with every delivery attempt.
//!
//! A delivery worker claims due messages with one
//! `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING …`: on PostgreSQL the
//! sub-select takes `FOR UPDATE SKIP LOCKED`, so concurrent workers each get
//! other messages; SQLite has one writer, so the same statement without the
//! locking clause is just as exclusive. Claiming counts the attempt and
//! moves `next_attempt_at` past the delivery's lease, so a worker that stops
//! mid-delivery leaves the message due again later; the worker writes the
//! outcome naming the attempt it holds, so a stale worker changes nothing.
use crate::codec::{int, ms, opt_parsed, opt_text, opt_time, parsed, text, time};
use crate::{Dialect, StoreError, Tx};
use bulwark_domain::ids::{CaseId, OrgId, SecretId, UserId};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

/// How a vendor organisation is reached.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorContactRow {
    /// The vendor organisation.
    pub org_id: OrgId,
    /// Where webhook notifications are POSTed.
    pub webhook_url: Option<String>,
    /// The sealed HMAC key webhook bodies are signed with.
    pub webhook_secret_id: Option<SecretId>,
    /// Where e-mail notifications go.
    pub email: Option<String>,
    /// Who last set them.
    pub updated_by: UserId,
    /// When.
    pub updated_at: DateTime<Utc>,
}

/// One notification of a vendor on one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessageRow {
    /// Its id.
    pub id: String,
    /// The case it is about.
    pub case_id: CaseId,
    /// The vendor told.
    pub vendor_org: OrgId,
    /// `webhook` or `email`.
    pub channel: String,
    /// What is sent (JSON).
    pub payload: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// Attempts so far (claims).
    pub attempts: i64,
    /// When it is due (pending).
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Enqueued at.
    pub created_at: DateTime<Utc>,
}

/// One delivery attempt, as it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxAttemptRow {
    /// The message.
    pub message_id: String,
    /// Its number (from 1).
    pub attempt: i64,
    /// When it ended.
    pub at: DateTime<Utc>,
    /// Whether it was delivered.
    pub ok: bool,
    /// Why not.
    pub error: Option<String>,
}

/// How a delivery attempt ended, for [`Tx::finish_outbox_attempt`].
#[derive(Debug, Clone, PartialEq)]
pub enum OutboxOutcome {
    /// Delivered.
    Delivered,
    /// Failed; due again at the given time.
    Retry(DateTime<Utc>),
    /// Failed, and out of attempts.
    Failed,
}

const COLUMNS: &str = "id, case_id, vendor_org, channel, payload, state, attempts, \
    next_attempt_at, last_error, delivered_at, created_at";

/// `$1` now, `$2` lease end, `$3` how many.
const CLAIM_POSTGRES: &str =
    "UPDATE vendor_outbox SET attempts = attempts + 1, next_attempt_at = $2 \
    WHERE id IN (SELECT id FROM vendor_outbox WHERE state = 'pending' AND next_attempt_at <= $1 \
    ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING ";
const CLAIM_SQLITE: &str =
    "UPDATE vendor_outbox SET attempts = attempts + 1, next_attempt_at = $2 \
    WHERE id IN (SELECT id FROM vendor_outbox WHERE state = 'pending' AND next_attempt_at <= $1 \
    ORDER BY next_attempt_at, id LIMIT $3) RETURNING ";

fn message_row(r: &AnyRow) -> Result<OutboxMessageRow, StoreError> {
    Ok(OutboxMessageRow {
        id: text(r, "id")?,
        case_id: parsed(r, "case_id")?,
        vendor_org: parsed(r, "vendor_org")?,
        channel: text(r, "channel")?,
        payload: text(r, "payload")?,
        state: text(r, "state")?,
        attempts: int(r, "attempts")?,
        next_attempt_at: time(r, "next_attempt_at")?,
        last_error: opt_text(r, "last_error")?,
        delivered_at: opt_time(r, "delivered_at")?,
        created_at: time(r, "created_at")?,
    })
}

impl Tx {
    /// Sets a vendor's contact details (insert or replace).
    pub async fn upsert_vendor_contact(&mut self, c: &VendorContactRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vendor_contacts (org_id, webhook_url, webhook_secret_id, email, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET \
             webhook_url = excluded.webhook_url, webhook_secret_id = excluded.webhook_secret_id, \
             email = excluded.email, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(c.org_id.to_string())
        .bind(c.webhook_url.clone())
        .bind(c.webhook_secret_id.map(|s| s.to_string()))
        .bind(c.email.clone())
        .bind(c.updated_by.to_string())
        .bind(ms(c.updated_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// A vendor's contact details.
    pub async fn get_vendor_contact(
        &mut self,
        org: OrgId,
    ) -> Result<Option<VendorContactRow>, StoreError> {
        let row = sqlx::query(
            "SELECT org_id, webhook_url, webhook_secret_id, email, updated_by, updated_at \
             FROM vendor_contacts WHERE org_id = $1",
        )
        .bind(org.to_string())
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|r| {
            Ok(VendorContactRow {
                org_id: parsed(&r, "org_id")?,
                webhook_url: opt_text(&r, "webhook_url")?,
                webhook_secret_id: opt_parsed(&r, "webhook_secret_id")?,
                email: opt_text(&r, "email")?,
                updated_by: parsed(&r, "updated_by")?,
                updated_at: time(&r, "updated_at")?,
            })
        })
        .transpose()
    }

    /// Enqueues a message (state, attempts and times as given).
    pub async fn insert_outbox_message(&mut self, m: &OutboxMessageRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO vendor_outbox ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&m.id)
        .bind(m.case_id.to_string())
        .bind(m.vendor_org.to_string())
        .bind(&m.channel)
        .bind(&m.payload)
        .bind(&m.state)
        .bind(m.attempts)
        .bind(ms(m.next_attempt_at))
        .bind(m.last_error.clone())
        .bind(m.delivered_at.map(ms))
        .bind(ms(m.created_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Claims up to `limit` pending messages due at `now`: counts the
    /// attempt and makes each due again only at `lease_until` (see the
    /// module docs). The returned rows carry the new attempt count.
    pub async fn claim_due_outbox(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMessageRow>, StoreError> {
        let head = match self.dialect {
            Dialect::Postgres => CLAIM_POSTGRES,
            Dialect::Sqlite => CLAIM_SQLITE,
        };
        let rows = sqlx::query(&format!("{head}{COLUMNS}"))
            .bind(ms(now))
            .bind(ms(lease_until))
            .bind(limit)
            .fetch_all(&mut *self.tx)
            .await?;
        let mut out = rows
            .iter()
            .map(message_row)
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
    }

    /// Writes how attempt `attempt` of a message ended, when the message is
    /// still pending at that attempt (false: another worker took it over).
    pub async fn finish_outbox_attempt(
        &mut self,
        id: &str,
        attempt: i64,
        at: DateTime<Utc>,
        outcome: &OutboxOutcome,
        error: Option<&str>,
    ) -> Result<bool, StoreError> {
        let (state, next, delivered) = match outcome {
            OutboxOutcome::Delivered => ("delivered", at, Some(ms(at))),
            OutboxOutcome::Retry(next) => ("pending", *next, None),
            OutboxOutcome::Failed => ("failed", at, None),
        };
        let done = sqlx::query(
            "UPDATE vendor_outbox SET state = $3, next_attempt_at = $4, last_error = $5, \
             delivered_at = $6 WHERE id = $1 AND attempts = $2 AND state = 'pending'",
        )
        .bind(id)
        .bind(attempt)
        .bind(state)
        .bind(ms(next))
        .bind(error)
        .bind(delivered)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO vendor_outbox_attempts (message_id, attempt, at, ok, error) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(attempt)
        .bind(ms(at))
        .bind(i64::from(*outcome == OutboxOutcome::Delivered))
        .bind(error)
        .execute(&mut *self.tx)
        .await?;
        Ok(true)
    }

    /// The messages about a case, oldest first.
    pub async fn list_case_outbox(
        &mut self,
        case: CaseId,
    ) -> Result<Vec<OutboxMessageRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM vendor_outbox WHERE case_id = $1 ORDER BY created_at, id"
        ))
        .bind(case.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(message_row).collect()
    }

    /// The ended attempts of the messages about a case, by message and number.
    pub async fn list_case_outbox_attempts(
        &mut self,
        case: CaseId,
    ) -> Result<Vec<OutboxAttemptRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.message_id, a.attempt, a.at, a.ok, a.error FROM vendor_outbox_attempts a \
             JOIN vendor_outbox m ON m.id = a.message_id WHERE m.case_id = $1 \
             ORDER BY a.message_id, a.attempt",
        )
        .bind(case.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxAttemptRow {
                    message_id: text(r, "message_id")?,
                    attempt: int(r, "attempt")?,
                    at: time(r, "at")?,
                    ok: int(r, "ok")? != 0,
                    error: opt_text(r, "error")?,
                })
            })
            .collect()
    }
}
