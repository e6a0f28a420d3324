//! The OpenAPI 3.1 document of the JSON API, served at `/api/v1/openapi.json`.
use crate::api;
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Bulwark API", description = "Voluntary pre-release cyber review, covered-frontier-model designation and the AI cybersecurity clearinghouse."),
    paths(
        api::accounts::health, api::accounts::token_login, api::accounts::me,
        api::accounts::list_orgs, api::accounts::create_org, api::accounts::get_org, api::accounts::set_max_tlp,
        api::accounts::list_users, api::accounts::create_user, api::accounts::disable_user, api::accounts::enable_user,
        api::accounts::list_tokens, api::accounts::create_token, api::accounts::revoke_token,
        api::accounts::get_settings, api::accounts::put_settings,
        api::models::list, api::models::create, api::models::show, api::models::set_credential, api::models::release,
        api::submissions::list, api::submissions::create, api::submissions::show, api::submissions::withdraw, api::submissions::start,
        api::submissions::list_findings, api::submissions::record_finding, api::submissions::list_reports, api::submissions::issue_report, api::submissions::get_report,
        api::standards::list, api::standards::draft, api::standards::show, api::standards::sign, api::standards::retire,
        api::designations::submit_profile, api::designations::propose, api::designations::list, api::designations::create, api::designations::show,
        api::designations::secrets, api::designations::commitment_check, api::designations::rescind, api::designations::file_contest,
        api::designations::open_contests, api::designations::answer_contest,
        api::audit::events, api::audit::checkpoint, api::audit::verify, api::audit::proof,
        api::eval_runs::start, api::eval_runs::list_of_submission, api::eval_runs::list, api::eval_runs::show, api::eval_runs::cancel,
        api::eval_runs::samples, api::eval_runs::transcript, api::eval_runs::compare, api::eval_runs::proposals,
        api::intake::ingest, api::cases::list, api::cases::show,
        api::case_workflow::transition, api::case_workflow::triage, api::case_workflow::embargo, api::case_workflow::tlp,
        api::case_workflow::merge, api::case_workflow::split, api::case_workflow::add_evidence, api::case_workflow::list_evidence,
        api::case_workflow::get_evidence, api::case_workflow::propose_share, api::case_workflow::list_shares,
        api::case_workflow::consent_share, api::case_workflow::decline_share,
        api::coordination::set_contact, api::coordination::notify, api::coordination::outbox,
        api::coordination::vendor_status, api::coordination::vendor_cases, api::coordination::publish,
        api::coordination::list_advisories, api::coordination::show_advisory, api::coordination::advisory_revisions,
        api::assets::add, api::assets::list, api::assets::matches, api::assets::notices, api::assets::ack, api::assets::time_to_patch,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "system"), (name = "accounts"), (name = "review", description = "Voluntary pre-release review"),
        (name = "designation", description = "Standards, covered-frontier-model labels and contests"), (name = "audit"),
        (name = "clearinghouse", description = "Vulnerability intake, cases, advisories, SBOM matching"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("bwk_...")
                        .build(),
                ),
            );
        }
    }
}

/// Serves the document.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
