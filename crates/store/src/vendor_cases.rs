//! The vendors notified of clearinghouse cases and what each says
//! (`vuln_case_vendors`): notification, status updates and a vendor's own
//! list of cases.
use crate::codec::{ms, opt_text, parsed, text, time};
use crate::{StoreError, Tx};
use bulwark_domain::ids::{CaseId, OrgId};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

/// A vendor's standing on a case.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorStatusRow {
    /// The case.
    pub case_id: CaseId,
    /// The vendor organisation.
    pub vendor_org: OrgId,
    /// Its slug.
    pub vendor_slug: String,
    /// Its name.
    pub vendor_name: String,
    /// `unknown`, `affected`, `not_affected` or `fixed`.
    pub status: String,
    /// The VEX justification (not affected).
    pub justification: Option<String>,
    /// The vendor's own words.
    pub statement: Option<String>,
    /// Versions with the fix.
    pub fixed_versions: Vec<String>,
    /// Links to the patches.
    pub patch_refs: Vec<String>,
    /// When it was notified.
    pub notified_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A new status of a vendor on a case.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorStatusUpdate<'a> {
    /// `affected`, `not_affected` or `fixed`.
    pub status: &'a str,
    /// The VEX justification (not affected).
    pub justification: Option<&'a str>,
    /// The vendor's own words.
    pub statement: Option<&'a str>,
    /// Versions with the fix.
    pub fixed_versions: &'a [String],
    /// Links to the patches.
    pub patch_refs: &'a [String],
}

const COLUMNS: &str = "v.case_id, v.vendor_org, o.slug, o.name, v.status, v.justification, \
    v.statement, v.fixed_versions, v.patch_refs, v.notified_at, v.updated_at";

fn strings(r: &AnyRow, column: &'static str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(&text(r, column)?).map_err(|e| StoreError::Corrupt {
        column,
        message: e.to_string(),
    })
}

fn json_strings(list: &[String]) -> String {
    serde_json::Value::from(list.to_vec()).to_string()
}

fn status_row(r: &AnyRow) -> Result<VendorStatusRow, StoreError> {
    Ok(VendorStatusRow {
        case_id: parsed(r, "case_id")?,
        vendor_org: parsed(r, "vendor_org")?,
        vendor_slug: text(r, "slug")?,
        vendor_name: text(r, "name")?,
        status: text(r, "status")?,
        justification: opt_text(r, "justification")?,
        statement: opt_text(r, "statement")?,
        fixed_versions: strings(r, "fixed_versions")?,
        patch_refs: strings(r, "patch_refs")?,
        notified_at: time(r, "notified_at")?,
        updated_at: time(r, "updated_at")?,
    })
}

impl Tx {
    /// Records that `vendor` was notified of `case` (status `unknown`);
    /// false when it already was.
    pub async fn insert_case_vendor(
        &mut self,
        case: CaseId,
        vendor: OrgId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO vuln_case_vendors (case_id, vendor_org, status, fixed_versions, \
             patch_refs, notified_at, updated_at) VALUES ($1, $2, 'unknown', '[]', '[]', $3, $3) \
             ON CONFLICT (case_id, vendor_org) DO NOTHING",
        )
        .bind(case.to_string())
        .bind(vendor.to_string())
        .bind(ms(now))
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The vendors of a case, in the order they were notified.
    pub async fn case_vendor_statuses(
        &mut self,
        case: CaseId,
    ) -> Result<Vec<VendorStatusRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM vuln_case_vendors v JOIN orgs o ON o.id = v.vendor_org \
             WHERE v.case_id = $1 ORDER BY v.notified_at, o.slug"
        ))
        .bind(case.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(status_row).collect()
    }

    /// The cases `vendor` was notified of, most recently notified first.
    pub async fn vendor_case_statuses(
        &mut self,
        vendor: OrgId,
    ) -> Result<Vec<VendorStatusRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM vuln_case_vendors v JOIN orgs o ON o.id = v.vendor_org \
             WHERE v.vendor_org = $1 ORDER BY v.notified_at DESC, v.case_id"
        ))
        .bind(vendor.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(status_row).collect()
    }

    /// Sets a vendor's status on a case; false when it was not notified.
    pub async fn set_vendor_status(
        &mut self,
        case: CaseId,
        vendor: OrgId,
        update: &VendorStatusUpdate<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE vuln_case_vendors SET status = $3, justification = $4, statement = $5, \
             fixed_versions = $6, patch_refs = $7, updated_at = $8 \
             WHERE case_id = $1 AND vendor_org = $2",
        )
        .bind(case.to_string())
        .bind(vendor.to_string())
        .bind(update.status)
        .bind(update.justification)
        .bind(update.statement)
        .bind(json_strings(update.fixed_versions))
        .bind(json_strings(update.patch_refs))
        .bind(ms(now))
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
