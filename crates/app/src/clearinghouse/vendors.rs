//! Vendor coordination: how vendors are reached (contacts), notifying the
//! vendors of a triaged case (one outbox message per channel per vendor, in
//! the transaction that moves the case to `vendor_notified`), vendors'
//! statuses (affected, not affected with a VEX justification, fixed with
//! versions and patches) and a vendor's own view of its cases.
//!
//! Need-to-know: analysts coordinate (`ManageVulnCase`); a vendor contact
//! reads and answers only the cases its organisation was notified of
//! (`ReadVendorCase`, `UpdateVendorStatus` on `Resource::VulnCase`), and
//! sees only the title, the canonical report's description and affected
//! products, the embargo deadline, the TLP and its own status. Every read
//! and change is audited.

use bulwark_crypto::SecretString;
use bulwark_domain::clearinghouse::case::CaseState;
use bulwark_domain::identity::OrgKind;
use bulwark_domain::ids::{CaseId, OrgId};
use bulwark_domain::policy::{authorize, Action, Resource};
use bulwark_formats::model::{Affected, Report};
use bulwark_store::{OutboxMessageRow, Tx, VendorStatusRow, VendorStatusUpdate, VulnCaseRow};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::cases::case_name;
use super::outbox::{webhook_secret_aad, Notification};
use super::workflow::{move_case, record_case_event};
use crate::accounts::require;
use crate::audit::record;
use crate::{App, AppError, OpContext};

/// Most vendors named in one notification.
pub const MAX_VENDORS: usize = 50;
/// Most fixed versions or patch references in one status.
pub const MAX_LIST: usize = 100;
/// Longest vendor statement (characters).
pub const MAX_STATEMENT: usize = 4000;

/// The VEX justifications of a `not_affected` status (CSAF 2.0 product
/// status flags and OpenVEX, the same five names).
pub const JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

/// A vendor's contact details, as given by an administrator or analyst.
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VendorContactParams {
    /// Where webhook notifications are POSTed (`http://` or `https://`).
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// The key webhook bodies are signed with (HMAC-SHA256); required with
    /// a new webhook URL, kept when omitted for an existing one.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub webhook_secret: Option<SecretString>,
    /// Where e-mail notifications go.
    #[serde(default)]
    pub email: Option<String>,
}

impl std::fmt::Debug for VendorContactParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VendorContactParams")
            .field("webhook_url", &self.webhook_url)
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("email", &self.email)
            .finish()
    }
}

/// A vendor's contact details (never the secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VendorContactView {
    /// The vendor organisation (slug).
    pub vendor: String,
    /// The webhook URL.
    pub webhook_url: Option<String>,
    /// Whether a webhook secret is stored (encrypted).
    pub webhook_secret_set: bool,
    /// The e-mail address.
    pub email: Option<String>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Which vendors to notify of a case.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NotifyVendorsParams {
    /// Vendor organisations, by slug.
    pub vendors: Vec<String>,
}

/// A vendor's standing on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VendorStatusView {
    /// The vendor organisation (slug).
    pub vendor: String,
    /// Its name.
    pub vendor_name: String,
    /// `unknown`, `affected`, `not_affected` or `fixed`.
    pub status: String,
    /// VEX justification (not affected).
    pub justification: Option<String>,
    /// The vendor's statement.
    pub statement: Option<String>,
    /// Versions with the fix.
    pub fixed_versions: Vec<String>,
    /// Links to patches.
    pub patch_refs: Vec<String>,
    /// When it was notified.
    pub notified_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// The outcome of a notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotifyOutcomeView {
    /// The case's state now.
    pub state: String,
    /// Vendors notified by this request (slugs).
    pub notified: Vec<String>,
    /// Vendors named that had been notified before (slugs).
    pub already_notified: Vec<String>,
    /// Messages enqueued (`vendor/channel`).
    pub messages: Vec<String>,
    /// Every vendor of the case.
    pub vendors: Vec<VendorStatusView>,
}

/// A vendor's status on a case.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct VendorStatusParams {
    /// `affected`, `not_affected` or `fixed`.
    pub status: String,
    /// Required with `not_affected`: one of the five VEX justifications.
    #[serde(default)]
    pub justification: Option<String>,
    /// Free text.
    #[serde(default)]
    pub statement: Option<String>,
    /// Required with `fixed`: the versions that have the fix.
    #[serde(default)]
    pub fixed_versions: Vec<String>,
    /// Links (http/https) to the patches.
    #[serde(default)]
    pub patch_refs: Vec<String>,
}

/// A case as its vendor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VendorCaseView {
    /// The case id.
    pub id: String,
    /// The case name.
    pub name: String,
    /// Title.
    pub title: String,
    /// The canonical report's description.
    pub description: String,
    /// Affected products and versions (the canonical report's).
    #[schema(value_type = Vec<Object>)]
    pub affected: Vec<Affected>,
    /// The publication deadline.
    pub embargo_until: Option<DateTime<Utc>>,
    /// The TLP level to handle it under.
    pub tlp: String,
    /// The vendor's own status.
    pub status: VendorStatusView,
}

pub(crate) fn status_view(row: VendorStatusRow) -> VendorStatusView {
    VendorStatusView {
        vendor: row.vendor_slug,
        vendor_name: row.vendor_name,
        status: row.status,
        justification: row.justification,
        statement: row.statement,
        fixed_versions: row.fixed_versions,
        patch_refs: row.patch_refs,
        notified_at: row.notified_at,
        updated_at: row.updated_at,
    }
}

/// Checks an http(s) URL, naming `field`.
pub(crate) fn validate_http_url(field: &str, text: &str) -> Result<(), AppError> {
    let parsed = url::Url::parse(text.trim())
        .map_err(|e| AppError::invalid(field, format!("{text:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(AppError::invalid(
            field,
            format!("{text:?} must be an http:// or https:// URL with a host"),
        ));
    }
    if text.len() > 2000 {
        return Err(AppError::invalid(field, "must be at most 2000 characters"));
    }
    Ok(())
}

fn validate_email(text: &str) -> Result<(), AppError> {
    text.parse::<lettre::Address>().map(|_| ()).map_err(|e| {
        AppError::invalid(
            "email",
            format!("{text:?} is not an e-mail address such as psirt@vendor.example: {e}"),
        )
    })
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Fails unless `ctx`'s actor may coordinate cases; the error is a 404 for
/// those who may not know the case.
pub(crate) fn require_manage(ctx: &OpContext) -> Result<(), AppError> {
    crate::models::check(ctx, Action::ManageVulnCase, &Resource::Global, "case")
}

/// The case locked for change, or 404.
pub(crate) async fn locked_case(tx: &mut Tx, id: CaseId) -> Result<VulnCaseRow, AppError> {
    tx.lock_vuln_case(id).await?;
    tx.get_vuln_case(id)
        .await?
        .ok_or_else(|| AppError::NotFound("case".into()))
}

impl App {
    /// Sets how a vendor organisation is reached (administrators and
    /// analysts). The webhook secret is sealed; the old one is shredded.
    pub async fn set_vendor_contact(
        &self,
        ctx: &OpContext,
        vendor: &str,
        params: VendorContactParams,
    ) -> Result<VendorContactView, AppError> {
        require(ctx, Action::AdminAccounts).or_else(|_| require(ctx, Action::ManageVulnCase))?;
        let webhook_url = non_empty(params.webhook_url);
        let email = non_empty(params.email);
        if let Some(url) = &webhook_url {
            validate_http_url("webhook_url", url)?;
        }
        if let Some(email) = &email {
            validate_email(email)?;
        }
        if let Some(secret) = &params.webhook_secret {
            if webhook_url.is_none() {
                return Err(AppError::invalid(
                    "webhook_secret",
                    "is only used with a webhook_url",
                ));
            }
            if !(16..=512).contains(&secret.expose().len()) {
                return Err(AppError::invalid(
                    "webhook_secret",
                    "must have 16 to 512 characters",
                ));
            }
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let org = vendor_org(&mut tx, "vendor", vendor).await?;
        let old = tx.get_vendor_contact(org).await?;
        let old_secret = old.as_ref().and_then(|c| c.webhook_secret_id);
        let secret_id = match (&params.webhook_secret, &webhook_url) {
            (Some(secret), Some(_)) => {
                let id = self
                    .seal_secret(
                        &mut tx,
                        &webhook_secret_aad(&org.to_string()),
                        secret.expose().as_bytes(),
                        now,
                    )
                    .await?;
                Some(id)
            }
            (None, Some(_)) => Some(old_secret.ok_or_else(|| {
                AppError::invalid("webhook_secret", "is required with a new webhook_url")
            })?),
            (_, None) => None,
        };
        if let Some(old_id) = old_secret.filter(|o| Some(*o) != secret_id) {
            tx.shred_secret(old_id, now).await?;
        }
        let row = bulwark_store::VendorContactRow {
            org_id: org,
            webhook_url: webhook_url.clone(),
            webhook_secret_id: secret_id,
            email: email.clone(),
            updated_by: ctx.actor.user_id,
            updated_at: now,
        };
        tx.upsert_vendor_contact(&row).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vendor_contact.set",
            ("org", &org.to_string()),
            json!({"vendor": vendor, "webhook_url": webhook_url, "email": email,
                "webhook_secret_replaced": params.webhook_secret.is_some()}),
        )
        .await?;
        tx.commit().await?;
        Ok(VendorContactView {
            vendor: vendor.to_owned(),
            webhook_url,
            webhook_secret_set: secret_id.is_some(),
            email,
            updated_at: now,
        })
    }

    /// Notifies vendors of a case (see the module docs): a triaged case
    /// moves to `vendor_notified`; a case already there (or with a fix)
    /// gains vendors.
    pub async fn notify_vendors(
        &self,
        ctx: &OpContext,
        case: CaseId,
        params: NotifyVendorsParams,
    ) -> Result<NotifyOutcomeView, AppError> {
        require_manage(ctx)?;
        let mut slugs: Vec<String> = params
            .vendors
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        slugs.sort();
        slugs.dedup();
        if slugs.is_empty() || slugs.len() > MAX_VENDORS {
            return Err(AppError::invalid(
                "vendors",
                format!("name 1 to {MAX_VENDORS} vendor organisations (slugs)"),
            ));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let row = locked_case(&mut tx, case).await?;
        let state = CaseState::parse(&row.state)
            .ok_or_else(|| AppError::Internal(format!("case {case} has state {:?}", row.state)))?;
        if !matches!(
            state,
            CaseState::Triaged | CaseState::VendorNotified | CaseState::FixAvailable
        ) {
            return Err(AppError::Conflict(format!(
                "a {} case cannot be sent to vendors: triage it first (vendors are notified of triaged cases)",
                state.as_str()
            )));
        }
        let mut orgs = Vec::new();
        for slug in &slugs {
            orgs.push((slug.clone(), vendor_org(&mut tx, "vendors", slug).await?));
        }
        let name = case_name(row.seq, row.created_at);
        let (mut notified, mut already, mut messages) = (Vec::new(), Vec::new(), Vec::new());
        for (slug, org) in orgs {
            if !tx.insert_case_vendor(case, org, now).await? {
                already.push(slug);
                continue;
            }
            let channels = self
                .enqueue_notifications(&mut tx, &row, &name, org, &slug, now)
                .await?;
            record_case_event(
                &mut tx,
                case,
                now,
                Some(ctx.actor.user_id),
                "vendor_notified",
                json!({"vendor": slug, "channels": channels}),
            )
            .await?;
            messages.extend(channels.iter().map(|c| format!("{slug}/{c}")));
            notified.push(slug);
        }
        if state == CaseState::Triaged && !notified.is_empty() {
            let note = format!("notified {}", notified.join(", "));
            move_case(
                &mut tx,
                &row,
                CaseState::VendorNotified,
                &ctx.actor,
                now,
                Some(&note),
            )
            .await?;
        }
        let vendors = tx.case_vendor_statuses(case).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_case.notify_vendors",
            ("vuln_case", &case.to_string()),
            json!({"notified": notified, "already_notified": already, "messages": messages}),
        )
        .await?;
        tx.commit().await?;
        let state = if state == CaseState::Triaged && !notified.is_empty() {
            CaseState::VendorNotified
        } else {
            state
        };
        Ok(NotifyOutcomeView {
            state: state.as_str().to_owned(),
            notified,
            already_notified: already,
            messages,
            vendors: vendors.into_iter().map(status_view).collect(),
        })
    }

    /// One message per channel the vendor can be reached on.
    async fn enqueue_notifications(
        &self,
        tx: &mut Tx,
        case: &VulnCaseRow,
        name: &str,
        org: OrgId,
        slug: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<&'static str>, AppError> {
        let Some(contact) = tx.get_vendor_contact(org).await? else {
            return Ok(Vec::new());
        };
        let payload = Notification {
            event: "case.notified".into(),
            case: name.to_owned(),
            case_id: case.id.to_string(),
            title: case.title.clone(),
            tlp: case.tlp.clone(),
            embargo_until: case.embargo_until,
            vendor: slug.to_owned(),
            link: self
                .coordination
                .link(&format!("/vendor/cases#{}", case.id)),
        };
        let payload = serde_json::to_string(&payload)
            .map_err(|e| AppError::Internal(format!("notification payload: {e}")))?;
        let mut channels = Vec::new();
        if contact.webhook_url.is_some() {
            channels.push("webhook");
        }
        if contact.email.is_some() {
            channels.push("email");
        }
        for channel in &channels {
            tx.insert_outbox_message(&OutboxMessageRow {
                id: uuid::Uuid::new_v4().to_string(),
                case_id: case.id,
                vendor_org: org,
                channel: (*channel).to_owned(),
                payload: payload.clone(),
                state: "pending".into(),
                attempts: 0,
                next_attempt_at: now,
                last_error: None,
                delivered_at: None,
                created_at: now,
            })
            .await?;
        }
        Ok(channels)
    }

    /// Records the caller's vendor organisation's status on a case; a
    /// `fixed` status moves a `vendor_notified` case to `fix_available`.
    pub async fn set_vendor_status(
        &self,
        ctx: &OpContext,
        case: CaseId,
        params: VendorStatusParams,
    ) -> Result<VendorStatusView, AppError> {
        let params = validate_status(params)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let row = locked_case(&mut tx, case).await?;
        let vendors = tx.case_vendor_statuses(case).await?;
        let orgs: Vec<OrgId> = vendors.iter().map(|v| v.vendor_org).collect();
        let resource = Resource::VulnCase { vendors: &orgs };
        if authorize(&ctx.actor, Action::UpdateVendorStatus, &resource).is_err() {
            let sees = authorize(&ctx.actor, Action::ReadVendorCase, &resource).is_ok()
                || require(ctx, Action::ReadVulnCase).is_ok();
            return Err(if sees {
                AppError::Forbidden(format!(
                    "your role ({}) may not record a vendor status; the vendor's contacts do",
                    ctx.actor.role
                ))
            } else {
                AppError::NotFound("case".into())
            });
        }
        let state = CaseState::parse(&row.state)
            .ok_or_else(|| AppError::Internal(format!("case {case} has state {:?}", row.state)))?;
        if matches!(state, CaseState::Rejected | CaseState::Duplicate) {
            return Err(AppError::Conflict(format!(
                "the case is {}; there is nothing to answer",
                state.as_str()
            )));
        }
        let update = VendorStatusUpdate {
            status: &params.status,
            justification: params.justification.as_deref(),
            statement: params.statement.as_deref(),
            fixed_versions: &params.fixed_versions,
            patch_refs: &params.patch_refs,
        };
        if !tx
            .set_vendor_status(case, ctx.actor.org_id, &update, now)
            .await?
        {
            return Err(AppError::NotFound("case".into()));
        }
        let detail = json!({"vendor": ctx.actor.org_slug, "status": params.status,
            "justification": params.justification, "fixed_versions": params.fixed_versions,
            "patch_refs": params.patch_refs});
        record_case_event(
            &mut tx,
            case,
            now,
            Some(ctx.actor.user_id),
            "vendor_status",
            detail.clone(),
        )
        .await?;
        if params.status == "fixed" && state == CaseState::VendorNotified {
            let note = format!("{} reported a fix", ctx.actor.org_slug);
            move_case(
                &mut tx,
                &row,
                CaseState::FixAvailable,
                &ctx.actor,
                now,
                Some(&note),
            )
            .await?;
        }
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_case.vendor_status",
            ("vuln_case", &case.to_string()),
            detail,
        )
        .await?;
        let mine = tx
            .case_vendor_statuses(case)
            .await?
            .into_iter()
            .find(|v| v.vendor_org == ctx.actor.org_id)
            .ok_or_else(|| AppError::Internal("vendor status vanished".into()))?;
        tx.commit().await?;
        Ok(status_view(mine))
    }

    /// The cases the caller's vendor organisation was notified of, most
    /// recent first, with what a vendor may see of each.
    pub async fn vendor_cases(&self, ctx: &OpContext) -> Result<Vec<VendorCaseView>, AppError> {
        let own = [ctx.actor.org_id];
        authorize(
            &ctx.actor,
            Action::ReadVendorCase,
            &Resource::VulnCase { vendors: &own },
        )
        .map_err(|_| {
            AppError::Forbidden(format!(
                "your role ({}) has no vendor cases",
                ctx.actor.role
            ))
        })?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let statuses = tx.vendor_case_statuses(ctx.actor.org_id).await?;
        let mut out = Vec::with_capacity(statuses.len());
        for status in statuses {
            let case = tx
                .get_vuln_case(status.case_id)
                .await?
                .ok_or_else(|| AppError::Internal(format!("case {} vanished", status.case_id)))?;
            let report = canonical_report(&mut tx, &case).await?;
            out.push(VendorCaseView {
                id: case.id.to_string(),
                name: case_name(case.seq, case.created_at),
                title: case.title,
                description: report.description,
                affected: report.affected,
                embargo_until: case.embargo_until,
                tlp: case.tlp,
                status: status_view(status),
            });
        }
        record(
            &mut tx,
            ctx.into(),
            now,
            "vendor_case.list",
            ("org", &ctx.actor.org_id.to_string()),
            json!({"cases": out.iter().map(|c| c.id.clone()).collect::<Vec<_>>()}),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// The canonical report of a case, parsed.
pub(crate) async fn canonical_report(tx: &mut Tx, case: &VulnCaseRow) -> Result<Report, AppError> {
    let reports = tx.list_case_reports(case.id).await?;
    let canonical = reports
        .iter()
        .find(|r| r.id == case.canonical_report_id)
        .or(reports.first())
        .ok_or_else(|| AppError::Internal(format!("case {} has no reports", case.id)))?;
    serde_json::from_str(&canonical.report).map_err(|e| {
        AppError::Internal(format!(
            "stored report {} is not a report: {e}",
            canonical.id
        ))
    })
}

/// A vendor organisation by slug; a 4xx naming `field` otherwise.
async fn vendor_org(tx: &mut Tx, field: &str, slug: &str) -> Result<OrgId, AppError> {
    let org = tx
        .get_org_by_slug(slug)
        .await?
        .ok_or_else(|| AppError::invalid(field, format!("there is no organisation `{slug}`")))?;
    if org.kind != OrgKind::Vendor {
        return Err(AppError::invalid(
            field,
            format!("`{slug}` is a {} organisation, not a vendor", org.kind),
        ));
    }
    Ok(org.id)
}

fn validate_status(mut p: VendorStatusParams) -> Result<VendorStatusParams, AppError> {
    p.status = p.status.trim().to_owned();
    p.justification = non_empty(p.justification);
    p.statement = non_empty(p.statement);
    p.fixed_versions = p
        .fixed_versions
        .iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    p.patch_refs = p
        .patch_refs
        .iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    match p.status.as_str() {
        "affected" | "fixed" => {
            if p.justification.is_some() {
                return Err(AppError::invalid(
                    "justification",
                    "is given only with status not_affected",
                ));
            }
        }
        "not_affected" => match p.justification.as_deref() {
            Some(j) if JUSTIFICATIONS.contains(&j) => {}
            Some(j) => {
                return Err(AppError::invalid(
                    "justification",
                    format!(
                        "{j:?} is not a VEX justification; use one of: {}",
                        JUSTIFICATIONS.join(", ")
                    ),
                ))
            }
            None => {
                return Err(AppError::invalid(
                    "justification",
                    format!(
                        "is required with not_affected: one of {}",
                        JUSTIFICATIONS.join(", ")
                    ),
                ))
            }
        },
        other => {
            return Err(AppError::invalid(
                "status",
                format!("{other:?} is not a vendor status; use affected, not_affected or fixed"),
            ))
        }
    }
    if p.status == "fixed" && p.fixed_versions.is_empty() {
        return Err(AppError::invalid(
            "fixed_versions",
            "name at least one version with the fix",
        ));
    }
    if p.status != "fixed" && !p.fixed_versions.is_empty() {
        return Err(AppError::invalid(
            "fixed_versions",
            "are given only with status fixed",
        ));
    }
    if p.fixed_versions.len() > MAX_LIST || p.patch_refs.len() > MAX_LIST {
        return Err(AppError::invalid(
            if p.patch_refs.len() > MAX_LIST {
                "patch_refs"
            } else {
                "fixed_versions"
            },
            format!("at most {MAX_LIST} entries"),
        ));
    }
    for v in &p.fixed_versions {
        if v.len() > 100 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(AppError::invalid(
                "fixed_versions",
                format!("{v:?} is not a version (no spaces, at most 100 characters)"),
            ));
        }
    }
    for r in &p.patch_refs {
        validate_http_url("patch_refs", r)?;
    }
    if p.statement
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_STATEMENT)
    {
        return Err(AppError::invalid(
            "statement",
            format!("must be at most {MAX_STATEMENT} characters"),
        ));
    }
    Ok(p)
}
