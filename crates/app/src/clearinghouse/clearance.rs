//! Organisations' TLP clearance: what an administrator clears an
//! organisation to receive. Every way out reads it through
//! `policy::tlp_clearance`; this is the only place that changes it.

use bulwark_domain::policy::{tlp_clearance, Action};
use bulwark_formats::model::Tlp;
use bulwark_store::Tx;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::accounts::require;
use crate::audit::record;
use crate::{App, AppError, OpContext};

/// The highest TLP level an organisation may receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MaxTlpView {
    /// The organisation's slug.
    pub org: String,
    /// `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT` or `RED`; absent: CLEAR only.
    pub max_tlp: Option<String>,
}

/// The highest TLP level the caller may receive: its organisation's stored
/// level through the one rule (`policy::tlp_clearance`). Every clearinghouse
/// read that filters by TLP starts here.
pub(crate) async fn caller_clearance(tx: &mut Tx, ctx: &OpContext) -> Result<Tlp, AppError> {
    let stored = tx.org_tlp_clearance(ctx.actor.org_id).await?;
    Ok(tlp_clearance(
        &ctx.actor,
        stored.as_deref().and_then(Tlp::parse),
    ))
}

impl App {
    /// Sets (or, with `None`, removes) an organisation's TLP clearance
    /// (administrators; audited).
    pub async fn set_org_clearance(
        &self,
        ctx: &OpContext,
        slug: &str,
        level: Option<&str>,
    ) -> Result<MaxTlpView, AppError> {
        require(ctx, Action::AdminAccounts)?;
        let level = match level.map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(text) => Some(Tlp::parse(text).ok_or_else(|| {
                AppError::invalid(
                    "max_tlp",
                    format!("{text:?} is not a TLP level (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)"),
                )
            })?),
        };
        let mut tx = self.store.begin().await?;
        let org = tx
            .get_org_by_slug(slug)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("organisation {slug}")))?;
        let stored = level.map(Tlp::as_str);
        tx.set_org_tlp_clearance(org.id, stored).await?;
        record(
            &mut tx,
            ctx.into(),
            self.clock.now(),
            "org.tlp_clearance",
            ("org", &org.id.to_string()),
            json!({"slug": slug, "tlp_clearance": stored}),
        )
        .await?;
        tx.commit().await?;
        Ok(MaxTlpView {
            org: slug.to_owned(),
            max_tlp: stored.map(str::to_owned),
        })
    }
}
