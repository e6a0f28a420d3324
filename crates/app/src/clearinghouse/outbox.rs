//! The notification outbox: messages to vendors, enqueued in the same
//! transaction as the coordination step that caused them, delivered
//! afterwards by a loop (`bulwark serve`) or the one-shot
//! [`App::deliver_due_outbox`].
//!
//! Webhooks are POSTed as JSON with
//! `X-Bulwark-Signature: sha256=<hex HMAC-SHA256 of the body>` keyed with
//! the vendor's webhook secret (opened from its sealed row only here, per
//! delivery); e-mails go through the configured SMTP relay. A failed
//! attempt is retried with exponential backoff and jitter, at most
//! [`CoordinationConfig::max_attempts`] times, then the message is
//! `failed`. Every attempt is recorded (`vendor_outbox_attempts`); the
//! final outcome of a message is on the audit log.

use std::time::Duration;

use bulwark_crypto::Aad;
use bulwark_domain::ids::CaseId;
use bulwark_domain::policy::{Action, Resource};
use bulwark_formats::model::Publisher;
use bulwark_store::{OutboxMessageRow, OutboxOutcome, VendorContactRow};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use crate::audit::{record, AuditWho};
use crate::models::check;
use crate::{App, AppError, OpContext};

/// Most messages one delivery round claims.
pub const CLAIM_BATCH: i64 = 50;
/// How long a claimed message stays away from other workers.
const CLAIM_LEASE_SECONDS: i64 = 300;
/// How often the loop looks for due messages.
pub const LOOP_INTERVAL: Duration = Duration::from_secs(5);
/// Longest error text kept.
const MAX_ERROR_CHARS: usize = 500;

/// How the clearinghouse reaches vendors and signs what it publishes.
#[derive(Clone)]
pub struct CoordinationConfig {
    /// The portal's public address (links in notifications), e.g.
    /// `https://bulwark.example.org`; None: links are paths.
    pub public_url: Option<String>,
    /// The SMTP relay (`smtp://host:port`, `smtps://…`, with
    /// `?tls=required` for STARTTLS); None: e-mail messages fail with a
    /// recorded error saying so.
    pub smtp_url: Option<String>,
    /// The `From:` of notification e-mails.
    pub mail_from: String,
    /// Time limit of one webhook or SMTP delivery.
    pub delivery_timeout: Duration,
    /// Attempts before a message is given up as failed.
    pub max_attempts: i64,
    /// Delay after the first failed attempt (doubled on each further one).
    pub backoff_base: Duration,
    /// Longest delay between attempts.
    pub backoff_max: Duration,
    /// Who publishes advisories (CSAF `publisher`).
    pub publisher: Publisher,
}

impl Default for CoordinationConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            smtp_url: None,
            mail_from: "Bulwark clearinghouse <clearinghouse@localhost>".into(),
            delivery_timeout: Duration::from_secs(10),
            max_attempts: 6,
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            publisher: Publisher {
                name: "Bulwark clearinghouse".into(),
                namespace: "https://bulwark.localhost".into(),
                contact: None,
            },
        }
    }
}

impl std::fmt::Debug for CoordinationConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The relay URL may carry a password.
        f.debug_struct("CoordinationConfig")
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("mail_from", &self.mail_from)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl CoordinationConfig {
    /// The link to a path of the portal.
    pub fn link(&self, path: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path.to_owned(),
        }
    }

    /// The delay before attempt `attempts + 1`: `base · 2^(attempts-1)`
    /// capped at `max`, of which a random half is jitter.
    pub fn backoff(&self, attempts: i64) -> chrono::Duration {
        let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        let full = self
            .backoff_base
            .saturating_mul(2u32.saturating_pow(exp))
            .min(self.backoff_max);
        let full_ms = i64::try_from(full.as_millis()).unwrap_or(i64::MAX / 2);
        let half = full_ms / 2;
        let jitter = if half > 0 {
            rand::random::<u64>() % (half as u64 + 1)
        } else {
            0
        };
        chrono::Duration::milliseconds(half + jitter as i64)
    }
}

/// One delivery attempt of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutboxAttemptView {
    /// Its number (from 1).
    pub attempt: i64,
    /// When it ended.
    pub at: DateTime<Utc>,
    /// Whether it was delivered.
    pub ok: bool,
    /// Why not.
    pub error: Option<String>,
}

/// A notification of a vendor and how its delivery went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutboxMessageView {
    /// Its id.
    pub id: String,
    /// The vendor organisation (slug).
    pub vendor: String,
    /// `webhook` or `email`.
    pub channel: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// Attempts so far.
    pub attempts: i64,
    /// When the next attempt is due (pending).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Enqueued at.
    pub created_at: DateTime<Utc>,
    /// What is sent.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Every ended attempt, in order.
    pub history: Vec<OutboxAttemptView>,
}

/// What one delivery round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryRoundView {
    /// Messages claimed.
    pub claimed: usize,
    /// Delivered now.
    pub delivered: usize,
    /// Failed and due again later.
    pub retrying: usize,
    /// Failed for good (out of attempts).
    pub failed: usize,
}

type HmacSha256 = Hmac<Sha256>;

/// Whether `url` is an SMTP relay URL the mailer accepts.
pub fn is_smtp_url(url: &str) -> bool {
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url).is_ok()
}

/// Whether `text` is a mailbox (`Name <addr@host>` or `addr@host`).
pub fn is_mailbox(text: &str) -> bool {
    text.parse::<lettre::message::Mailbox>().is_ok()
}

/// `sha256=<hex HMAC-SHA256 of body keyed with secret>`: the value of the
/// `X-Bulwark-Signature` header.
pub fn webhook_signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mac = HmacSha256::new_from_slice(secret).map(|mut m| {
        m.update(body);
        hex::encode(m.finalize().into_bytes())
    });
    format!("sha256={}", mac.unwrap_or_default())
}

/// The AAD of a vendor's sealed webhook secret.
pub(crate) fn webhook_secret_aad(org: &str) -> Aad {
    Aad::new("vendor_contacts", org, "webhook_secret")
}

impl App {
    /// Delivers every message due at `now` (one round of at most
    /// [`CLAIM_BATCH`]); the delivery loop calls this repeatedly.
    pub async fn deliver_due_outbox(
        &self,
        now: DateTime<Utc>,
    ) -> Result<DeliveryRoundView, AppError> {
        let lease = now + chrono::Duration::seconds(CLAIM_LEASE_SECONDS);
        let mut tx = self.store.begin().await?;
        let claimed = tx.claim_due_outbox(now, lease, CLAIM_BATCH).await?;
        tx.commit().await?;
        let mut round = DeliveryRoundView {
            claimed: claimed.len(),
            ..DeliveryRoundView::default()
        };
        for message in claimed {
            let result = self.deliver_one(&message).await;
            let outcome = match &result {
                Ok(()) => OutboxOutcome::Delivered,
                Err(_) if message.attempts >= self.coordination.max_attempts => {
                    OutboxOutcome::Failed
                }
                Err(_) => OutboxOutcome::Retry(now + self.coordination.backoff(message.attempts)),
            };
            let error = result.err().map(|e| truncate(&e));
            if self
                .finish(&message, now, &outcome, error.as_deref())
                .await?
            {
                match outcome {
                    OutboxOutcome::Delivered => round.delivered += 1,
                    OutboxOutcome::Retry(_) => round.retrying += 1,
                    OutboxOutcome::Failed => round.failed += 1,
                }
            }
        }
        Ok(round)
    }

    /// Runs delivery rounds forever, every [`LOOP_INTERVAL`] (sooner while
    /// full batches keep coming). Errors are logged and retried.
    pub async fn run_outbox_loop(self) {
        loop {
            let full = match self.deliver_due_outbox(self.clock.now()).await {
                Ok(round) => round.claimed as i64 >= CLAIM_BATCH,
                Err(e) => {
                    tracing::warn!(error = %e, "vendor notification delivery round failed");
                    false
                }
            };
            if !full {
                tokio::time::sleep(LOOP_INTERVAL).await;
            }
        }
    }

    /// The notifications of a case with their delivery history (analysts).
    pub async fn list_case_outbox(
        &self,
        ctx: &OpContext,
        case: CaseId,
    ) -> Result<Vec<OutboxMessageView>, AppError> {
        check(ctx, Action::ReadVulnCase, &Resource::Global, "case")?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.get_vuln_case(case)
            .await?
            .ok_or_else(|| AppError::NotFound("case".into()))?;
        let messages = tx.list_case_outbox(case).await?;
        let attempts = tx.list_case_outbox_attempts(case).await?;
        let vendors = tx.case_vendor_statuses(case).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_outbox.list",
            ("vuln_case", &case.to_string()),
            json!({"messages": messages.len()}),
        )
        .await?;
        tx.commit().await?;
        messages
            .into_iter()
            .map(|m| {
                let vendor = vendors
                    .iter()
                    .find(|v| v.vendor_org == m.vendor_org)
                    .map(|v| v.vendor_slug.clone())
                    .unwrap_or_else(|| m.vendor_org.to_string());
                let history = attempts
                    .iter()
                    .filter(|a| a.message_id == m.id)
                    .map(|a| OutboxAttemptView {
                        attempt: a.attempt,
                        at: a.at,
                        ok: a.ok,
                        error: a.error.clone(),
                    })
                    .collect();
                Ok(OutboxMessageView {
                    payload: serde_json::from_str(&m.payload).map_err(|e| {
                        AppError::Internal(format!("outbox payload {} is not JSON: {e}", m.id))
                    })?,
                    next_attempt_at: (m.state == "pending").then_some(m.next_attempt_at),
                    id: m.id,
                    vendor,
                    channel: m.channel,
                    state: m.state,
                    attempts: m.attempts,
                    last_error: m.last_error,
                    delivered_at: m.delivered_at,
                    created_at: m.created_at,
                    history,
                })
            })
            .collect()
    }

    /// Writes the outcome of an attempt, audited when it is final.
    async fn finish(
        &self,
        message: &OutboxMessageRow,
        now: DateTime<Utc>,
        outcome: &OutboxOutcome,
        error: Option<&str>,
    ) -> Result<bool, AppError> {
        let mut tx = self.store.begin().await?;
        let written = tx
            .finish_outbox_attempt(&message.id, message.attempts, now, outcome, error)
            .await?;
        let action = match outcome {
            OutboxOutcome::Delivered => Some("vuln_outbox.delivered"),
            OutboxOutcome::Failed => Some("vuln_outbox.failed"),
            OutboxOutcome::Retry(_) => None,
        };
        if let (true, Some(action)) = (written, action) {
            record(
                &mut tx,
                AuditWho {
                    actor: "system:outbox".into(),
                    request_id: &message.id,
                },
                now,
                action,
                ("vuln_outbox", &message.id),
                json!({"case": message.case_id.to_string(), "vendor_org": message.vendor_org.to_string(),
                    "channel": message.channel, "attempts": message.attempts, "error": error}),
            )
            .await?;
        }
        tx.commit().await?;
        if !written {
            tracing::warn!(message = %message.id, "outbox message was taken over by another worker");
        }
        Ok(written)
    }

    /// One attempt; the error is what gets recorded (never a secret).
    async fn deliver_one(&self, message: &OutboxMessageRow) -> Result<(), String> {
        let contact = {
            let mut tx = self.store.begin_read().await.map_err(|e| e.to_string())?;
            tx.get_vendor_contact(message.vendor_org)
                .await
                .map_err(|e| e.to_string())?
        };
        let Some(contact) = contact else {
            return Err("the vendor has no contact details".into());
        };
        match message.channel.as_str() {
            "webhook" => self.send_webhook(&contact, message).await,
            "email" => self.send_email(&contact, message).await,
            other => Err(format!("unknown channel {other:?}")),
        }
    }

    async fn send_webhook(
        &self,
        contact: &VendorContactRow,
        message: &OutboxMessageRow,
    ) -> Result<(), String> {
        let url = contact
            .webhook_url
            .as_deref()
            .ok_or("the vendor has no webhook URL any more")?;
        let secret_id = contact
            .webhook_secret_id
            .ok_or("the vendor's webhook has no secret")?;
        let secret = {
            let mut tx = self.store.begin_read().await.map_err(|e| e.to_string())?;
            self.open_secret(
                &mut tx,
                secret_id,
                &webhook_secret_aad(&contact.org_id.to_string()),
            )
            .await
            .map_err(|e| format!("cannot open the webhook secret: {e}"))?
        };
        let body = message.payload.as_bytes().to_vec();
        let signature = webhook_signature(secret.expose(), &body);
        let client = reqwest::Client::builder()
            .timeout(self.coordination.delivery_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let answer = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Bulwark-Signature", signature)
            .header("X-Bulwark-Delivery", &message.id)
            .header("X-Bulwark-Attempt", message.attempts.to_string())
            .body(body)
            .send()
            .await
            .map_err(|e| format!("webhook request failed: {}", describe(&e)))?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("webhook answered HTTP {}", status.as_u16()))
        }
    }

    async fn send_email(
        &self,
        contact: &VendorContactRow,
        message: &OutboxMessageRow,
    ) -> Result<(), String> {
        use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
        let relay =
            self.coordination.smtp_url.as_deref().ok_or(
                "no SMTP relay is configured (bulwark serve --smtp-url or BULWARK_SMTP_URL)",
            )?;
        let to = contact
            .email
            .as_deref()
            .ok_or("the vendor has no e-mail address any more")?;
        let payload: Notification = serde_json::from_str(&message.payload)
            .map_err(|e| format!("the stored payload is not a notification: {e}"))?;
        let email = Message::builder()
            .from(
                self.coordination
                    .mail_from
                    .parse()
                    .map_err(|e| format!("the configured From address is invalid: {e}"))?,
            )
            .to(to
                .parse()
                .map_err(|e| format!("the vendor's e-mail address is invalid: {e}"))?)
            .subject(format!("[Bulwark] {}: {}", payload.case, payload.title))
            .body(payload.email_text())
            .map_err(|e| format!("cannot build the e-mail: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(relay)
            .map_err(|_| "the SMTP relay URL is invalid".to_owned())?
            .timeout(Some(self.coordination.delivery_timeout))
            .build();
        transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP delivery failed: {e}"))
    }
}

/// What a vendor is told about a case (webhook body; e-mail text).
/// Never evidence: that stays in the portal, behind the vendor's login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notification {
    /// `case.notified`.
    pub event: String,
    /// The case name (`BWK-2026-000001`).
    pub case: String,
    /// The case id.
    pub case_id: String,
    /// Its title.
    pub title: String,
    /// The TLP level the vendor must keep it under.
    pub tlp: String,
    /// The publication deadline.
    pub embargo_until: Option<DateTime<Utc>>,
    /// The vendor organisation notified (slug).
    pub vendor: String,
    /// Where the vendor reads the case and records its status.
    pub link: String,
}

impl Notification {
    fn email_text(&self) -> String {
        let deadline = self
            .embargo_until
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "none set".into());
        format!(
            "The Bulwark clearinghouse has notified your organisation ({vendor}) of a vulnerability.\n\n\
             Case: {case}\nTitle: {title}\nTLP: {tlp}\nEmbargo deadline (UTC): {deadline}\n\n\
             Read the case and record your status (affected, not affected, fixed) at:\n{link}\n\n\
             This information is under embargo until the deadline; handle it per TLP:{tlp}.\n",
            vendor = self.vendor,
            case = self.case,
            title = self.title,
            tlp = self.tlp,
            link = self.link,
        )
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(MAX_ERROR_CHARS).collect()
}

/// A reqwest error with its causes (connection refused, timeout), without
/// the URL (it may carry credentials).
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "request error".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        let sig = webhook_signature(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let c = CoordinationConfig::default();
        for attempts in 1..=12 {
            let d = c.backoff(attempts).num_milliseconds();
            let full = (30_000i64 << (attempts - 1).min(20)).min(3_600_000);
            assert!(d >= full / 2 && d <= full, "{attempts}: {d} vs {full}");
        }
    }
}
