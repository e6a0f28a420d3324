//! The page frame every template extends: title, the signed-in user, the
//! role-aware navigation and a one-line notice after an action.
//!
//! What a role can use is decided by the one policy function
//! (`bulwark_domain::policy`): the navigation shows a section only when the
//! policy lets the role act in it, and [`Section::allows`] refuses the page
//! otherwise. The application still authorises every operation.
use bulwark_domain::identity::{Actor, Role};
use bulwark_domain::policy::{
    authorize, designation_scope, standard_scope, submission_scope, Action, Resource, Scope,
};

/// The signed-in user, as the header shows them.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Display name.
    pub display_name: String,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Organisation slug.
    pub org_slug: String,
}

/// One link of the navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Target.
    pub href: &'static str,
    /// Text.
    pub label: &'static str,
    /// The current page is in this section.
    pub active: bool,
}

/// The parts of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The home page.
    Home,
    /// A lab's models.
    Models,
    /// Review submissions (labs and reviewers).
    Submissions,
    /// Covered-frontier-model labels (labs and designators).
    Designations,
    /// The designator's contest queue.
    Contests,
    /// Capability profiles (designators).
    Profiles,
    /// Standards (authors and designators).
    Standards,
    /// Organisations (administrators).
    Orgs,
    /// Users (administrators).
    Users,
    /// Everybody's API tokens (administrators).
    AllTokens,
    /// The audit log (administrators).
    Audit,
    /// The user's own API tokens.
    Tokens,
    /// The clearinghouse's case queue (analysts).
    Cases,
    /// Published advisories (everyone).
    Advisories,
    /// The cases a vendor was notified of (vendor contacts).
    VendorCases,
    /// An operator's assets and notices (operators).
    Operator,
}

impl Section {
    const NAV: &'static [(Section, &'static str, &'static str)] = &[
        (Section::Home, "/", "Home"),
        (Section::Models, "/models", "Models"),
        (Section::Submissions, "/submissions", "Submissions"),
        (Section::Designations, "/designations", "Labels"),
        (Section::Contests, "/contests", "Contests"),
        (Section::Profiles, "/profiles/new", "Profiles"),
        (Section::Standards, "/standards", "Standards"),
        (Section::Cases, "/cases", "Cases"),
        (Section::VendorCases, "/vendor/cases", "Vendor cases"),
        (Section::Operator, "/operator", "Operator"),
        (Section::Advisories, "/advisories", "Advisories"),
        (Section::Orgs, "/admin/orgs", "Organisations"),
        (Section::Users, "/admin/users", "Users"),
        (Section::AllTokens, "/admin/tokens", "All tokens"),
        (Section::Audit, "/admin/audit", "Audit log"),
        (Section::Tokens, "/tokens", "My API tokens"),
    ];

    /// Whether the policy lets `actor` use this part of the portal.
    pub fn allows(self, actor: &Actor) -> bool {
        let can =
            |action: Action, resource: Resource<'_>| authorize(actor, action, &resource).is_ok();
        match self {
            Section::Home | Section::Tokens => true,
            Section::Models => {
                can(Action::ReadModel, Resource::OwnedBy(actor.org_id))
                    && can(Action::CreateModel, Resource::OwnedBy(actor.org_id))
            }
            Section::Submissions => submission_scope(actor) != Scope::Nothing,
            Section::Designations => designation_scope(actor) != Scope::Nothing,
            Section::Contests => can(Action::Designate, Resource::Global),
            Section::Profiles => can(Action::SubmitProfile, Resource::Global),
            Section::Standards => standard_scope(actor) != Scope::Nothing,
            Section::Orgs | Section::Users | Section::AllTokens => {
                can(Action::AdminAccounts, Resource::Global)
            }
            Section::Audit => can(Action::ReadAudit, Resource::Global),
            Section::Cases => can(Action::ReadVulnCase, Resource::Global),
            Section::Advisories => can(Action::ReadAdvisory, Resource::Global),
            Section::VendorCases => can(Action::ReadVendorCase, Resource::OwnedBy(actor.org_id)),
            Section::Operator => can(Action::ReadAssets, Resource::OwnedBy(actor.org_id)),
        }
    }

    /// Who the section is for, in words (for the refusal page).
    pub fn audience(self) -> &'static str {
        match self {
            Section::Home | Section::Tokens | Section::Advisories => "every user",
            Section::Cases => "clearinghouse analysts",
            Section::VendorCases => "vendor contacts",
            Section::Operator => "operators",
            Section::Models => "lab users",
            Section::Submissions => "lab users and reviewers",
            Section::Designations => "lab users and the designation authority",
            Section::Contests | Section::Profiles => "the designation authority",
            Section::Standards => "standards authors and the designation authority",
            Section::Orgs | Section::Users | Section::AllTokens | Section::Audit => {
                "administrators"
            }
        }
    }

    /// The navigation for `actor`, with `current` highlighted.
    pub fn nav(actor: &Actor, current: Section) -> Vec<NavLink> {
        Self::NAV
            .iter()
            .filter(|(section, _, _)| section.allows(actor))
            .map(|(section, href, label)| NavLink {
                href,
                label,
                active: *section == current,
            })
            .collect()
    }
}

/// The frame of a page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page title.
    pub title: String,
    /// The signed-in user, if any.
    pub viewer: Option<Viewer>,
    /// Navigation links.
    pub nav: Vec<NavLink>,
    /// A message about what just happened.
    pub notice: Option<&'static str>,
    /// The session's CSRF token, echoed by every form.
    pub csrf: String,
}

impl Layout {
    /// A frame without a user (login and early errors).
    pub fn anonymous(title: &str) -> Self {
        Self {
            title: title.to_string(),
            viewer: None,
            nav: Vec::new(),
            notice: None,
            csrf: String::new(),
        }
    }
}

/// The fixed messages shown after an action (`?notice=` keys). Unknown keys
/// show nothing, so the address cannot put words on the page.
pub fn notice_text(key: &str) -> Option<&'static str> {
    Some(match key {
        "model_registered" => "The model is registered.",
        "credential_replaced" => "The API key was replaced; the old one is destroyed.",
        "released" => "The public release is recorded. Open reviews closed with what they have.",
        "submitted" => "The model is submitted for review; the window is running.",
        "withdrawn" => "The submission is withdrawn: reviewers lost access and the stored API key is destroyed.",
        "review_started" => "The review has started.",
        "finding_recorded" => "The finding is recorded.",
        "report_issued" => "The signed report is issued.",
        "labelled" => "The label is recorded with its commitment.",
        "rescinded" => "The label is rescinded.",
        "contest_filed" => "Your contest is filed; the designation authority must answer it.",
        "contest_answered" => "The contest is answered.",
        "standard_drafted" => "The draft is stored. It takes effect once every required body has signed.",
        "standard_signed" => "Your body's signature is recorded.",
        "standard_retired" => "The standard version is retired.",
        "org_created" => "The organisation is created.",
        "user_created" => "The user is created.",
        "user_disabled" => "The user is disabled and their sessions ended.",
        "user_enabled" => "The user is enabled.",
        "token_revoked" => "The token is revoked.",
        "checkpoint_signed" => "A checkpoint of the audit log is signed.",
        "case_updated" => "The case is updated.",
        "case_merged" => "The case is merged; this is the case that absorbed it.",
        "case_split" => "The reports are split off; this is the new case.",
        "audit_empty" => "The audit log is empty; there is nothing to sign.",
        _ => return None,
    })
}

/// Template filters (askama looks them up as `filters::name`).
pub mod filters {
    use chrono::{DateTime, Utc};

    /// A timestamp for people: `2026-05-01 14:03 UTC`.
    pub fn when(at: &DateTime<Utc>) -> askama::Result<String> {
        Ok(at.format("%Y-%m-%d %H:%M UTC").to_string())
    }

    /// An optional timestamp (`—` when absent).
    pub fn when_opt(at: &Option<DateTime<Utc>>) -> askama::Result<String> {
        Ok(at.as_ref().map_or_else(
            || "—".to_string(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        ))
    }

    /// A machine timestamp for `<time datetime=...>`.
    pub fn iso(at: &DateTime<Utc>) -> askama::Result<String> {
        Ok(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }

    /// A stable snake_case name as words: `in_review` → `in review`.
    pub fn words<T: std::fmt::Display>(v: &T) -> askama::Result<String> {
        Ok(v.to_string().replace('_', " "))
    }

    /// Seconds left as `12d 03:04:05` (the countdown's first frame).
    pub fn countdown(secs: &i64) -> askama::Result<String> {
        Ok(super::format_countdown(*secs))
    }

    /// The first characters of a long identifier or hex value.
    pub fn short<T: std::fmt::Display>(v: &T) -> askama::Result<String> {
        Ok(v.to_string().chars().take(8).collect())
    }
}

/// Seconds left as `12d 03:04:05`, or "window closed" (same as the page script).
pub fn format_countdown(secs: i64) -> String {
    if secs <= 0 {
        return "window closed".to_string();
    }
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    if d > 0 {
        format!("{d}d {h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_format_matches_the_script() {
        assert_eq!(format_countdown(0), "window closed");
        assert_eq!(format_countdown(59), "00:00:59");
        assert_eq!(
            format_countdown(86_400 * 12 + 3 * 3600 + 4 * 60 + 5),
            "12d 03:04:05"
        );
    }

    #[test]
    fn unknown_notices_show_nothing() {
        assert!(notice_text("<script>").is_none());
        assert!(notice_text("withdrawn").is_some());
    }
}
