//! What operations take (`*Params`) and return (`*View`). These are the JSON
//! bodies of the API; none of them carries a secret.
use bulwark_domain::identity::{OrgKind, Role, Sector};
use bulwark_domain::ids::*;
use bulwark_domain::review::SubmissionState;
use bulwark_domain::vocabulary::{FindingCategory, Severity};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// An organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrgView {
    /// Id.
    #[schema(value_type = String)]
    pub id: OrgId,
    /// Short unique name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// Sector, for operators.
    pub sector: Option<Sector>,
    /// Hex Ed25519 public key that verifies this organisation's signed reports.
    pub signing_public_key: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
}

/// Create an organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgParams {
    /// Short unique name (a-z, 0-9, '-').
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// Sector (operators only).
    #[serde(default)]
    pub sector: Option<Sector>,
}

/// A user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    /// Id.
    #[schema(value_type = String)]
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation id.
    #[schema(value_type = String)]
    pub org_id: OrgId,
    /// Organisation slug.
    pub org_slug: String,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// When created.
    pub created_at: DateTime<Utc>,
}

/// Create a user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserParams {
    /// Login name.
    pub username: String,
    /// Display name (defaults to the login name).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Organisation slug.
    pub org: String,
    /// Role (must fit the organisation's kind).
    pub role: Role,
    /// Initial password (at least 12 characters).
    pub password: String,
}

/// Create an API token.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenParams {
    /// A name to recognise it by.
    pub name: String,
    /// `read` or `write` (default `write`).
    #[serde(default)]
    pub scope: Option<String>,
    /// Days until it expires (1-365, default 90).
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// An API token (never its secret, except once at creation).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenView {
    /// Id.
    #[schema(value_type = String)]
    pub id: TokenId,
    /// Name.
    pub name: String,
    /// First characters, to recognise it.
    pub prefix: String,
    /// `read` or `write`.
    pub scope: String,
    /// Owner.
    pub username: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// When revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last use.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A newly created token: the only time its value is shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IssuedTokenView {
    /// The token.
    pub token: TokenView,
    /// The secret value; store it now, it cannot be shown again.
    pub secret: String,
}

/// Register a model.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateModelParams {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Planned public release (RFC 3339).
    pub planned_release: DateTime<Utc>,
    /// Model card (Markdown).
    #[serde(default)]
    pub model_card: String,
    /// The endpoint reviewers call.
    pub endpoint: EndpointParams,
}

/// An OpenAI-compatible endpoint.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointParams {
    /// Base URL, e.g. `https://api.lab.example/v1`.
    pub base_url: String,
    /// Model name at that endpoint.
    pub model: String,
    /// API key; encrypted at rest, never shown again.
    #[serde(default)]
    pub api_key: Option<String>,
}

impl std::fmt::Debug for EndpointParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointParams")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

/// Replace a model's API key.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCredentialParams {
    /// The new API key.
    pub api_key: String,
}

impl std::fmt::Debug for SetCredentialParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetCredentialParams { api_key: [REDACTED] }")
    }
}

/// Whether a model's credential is usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialState {
    /// None was given.
    None,
    /// Stored, encrypted.
    Stored,
    /// Destroyed (crypto-shredded) on withdrawal.
    Destroyed,
}

/// A model.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModelView {
    /// Id.
    #[schema(value_type = String)]
    pub id: ModelId,
    /// Lab.
    #[schema(value_type = String)]
    pub lab_org_id: OrgId,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Planned public release.
    pub planned_release: DateTime<Utc>,
    /// Model card.
    pub model_card: String,
    /// Endpoint base URL.
    pub endpoint_base_url: String,
    /// Endpoint model name.
    pub endpoint_model: String,
    /// Credential state (never the credential).
    pub credential: CredentialState,
    /// When the lab released it publicly.
    pub released_at: Option<DateTime<Utc>>,
    /// When registered.
    pub created_at: DateTime<Utc>,
}

/// Opt a model in to review.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSubmissionParams {
    /// The model.
    #[schema(value_type = String)]
    pub model_id: ModelId,
    /// Slugs of the reviewing agencies.
    pub agencies: Vec<String>,
}

/// A submission.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubmissionView {
    /// Id.
    #[schema(value_type = String)]
    pub id: SubmissionId,
    /// Model.
    pub model: ModelSummary,
    /// Lab.
    #[schema(value_type = String)]
    pub lab_org_id: OrgId,
    /// State as of now (an open review past its window reads as expired).
    pub state: SubmissionState,
    /// Window start.
    pub window_start: DateTime<Utc>,
    /// Window end: min(start + max window, planned release).
    pub window_end: DateTime<Utc>,
    /// Seconds left in the window (0 when closed).
    pub seconds_remaining: i64,
    /// Max window policy applied.
    pub max_window_days: i64,
    /// Reviewing agencies (slugs).
    pub agencies: Vec<String>,
    /// When the review closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Why it closed.
    pub close_reason: Option<String>,
}

/// The model, as seen from a submission (no credential).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModelSummary {
    /// Id.
    #[schema(value_type = String)]
    pub id: ModelId,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Lab slug.
    pub lab: String,
    /// Planned release.
    pub planned_release: DateTime<Utc>,
    /// Model card.
    pub model_card: String,
    /// Endpoint base URL.
    pub endpoint_base_url: String,
    /// Endpoint model name.
    pub endpoint_model: String,
}

/// Record a finding.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFindingParams {
    /// Title.
    pub title: String,
    /// Category.
    pub category: FindingCategory,
    /// Severity.
    pub severity: Severity,
    /// Description.
    pub description: String,
    /// Evidence.
    #[serde(default)]
    pub evidence: String,
}

/// A finding.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FindingView {
    /// Id.
    #[schema(value_type = String)]
    pub id: FindingId,
    /// Submission.
    #[schema(value_type = String)]
    pub submission_id: SubmissionId,
    /// Agency slug.
    pub agency: String,
    /// Title.
    pub title: String,
    /// Category.
    pub category: FindingCategory,
    /// Severity.
    pub severity: Severity,
    /// Description.
    pub description: String,
    /// Evidence.
    pub evidence: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Issue the agency's signed report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueReportParams {
    /// Summary of the assessment.
    pub summary: String,
}

pub use bulwark_domain::report::SignedReport;

/// A report with metadata.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportView {
    /// Id.
    #[schema(value_type = String)]
    pub id: ReportId,
    /// Submission.
    #[schema(value_type = String)]
    pub submission_id: SubmissionId,
    /// Agency slug.
    pub agency: String,
    /// When.
    pub issued_at: DateTime<Utc>,
    /// The signed document.
    pub signed: SignedReport,
}

/// Draft a standard, or a new version of one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftStandardParams {
    /// Existing standard to add a version to; omit for a new standard.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub standard_id: Option<StandardId>,
    /// The rules document, TOML or JSON text.
    pub document: String,
}

/// A standard version without its rules.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StandardVersionView {
    /// Version id.
    #[schema(value_type = String)]
    pub id: StandardVersionId,
    /// Standard id.
    #[schema(value_type = String)]
    pub standard_id: StandardId,
    /// Name.
    pub name: String,
    /// Version number.
    pub version: i64,
    /// `draft`, `effective` or `retired`.
    pub status: String,
    /// Bodies that must sign.
    pub required_bodies: Vec<String>,
    /// Bodies that have signed.
    pub signed_by: Vec<String>,
    /// When drafted.
    pub created_at: DateTime<Utc>,
    /// When it took effect.
    pub effective_at: Option<DateTime<Utc>>,
    /// When retired.
    pub retired_at: Option<DateTime<Utc>>,
}

/// A standard version with its rules (authors and designators only).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StandardDetailView {
    /// Metadata.
    pub version: StandardVersionView,
    /// The canonical rules document.
    pub document: Value,
    /// SHA-256 of the canonical document (hex).
    pub document_sha256: String,
}

/// Submit a capability profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitProfileParams {
    /// The registered model, if any.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub model_id: Option<ModelId>,
    /// The profile document.
    pub profile: Value,
}

/// A stored profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProfileView {
    /// Id.
    #[schema(value_type = String)]
    pub id: ProfileId,
    /// Model.
    #[schema(value_type = Option<String>)]
    pub model_id: Option<ModelId>,
    /// Developer.
    pub developer: String,
    /// Model name.
    pub model_name: String,
    /// Model version.
    pub model_version: String,
    /// The profile.
    pub profile: Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Ask the engine for a proposal.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeParams {
    /// Stored profile.
    #[schema(value_type = String)]
    pub profile_id: ProfileId,
    /// Standard version (defaults to the newest effective one).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub standard_version_id: Option<StandardVersionId>,
}

/// Apply a label.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignateParams {
    /// A registered model; or give developer, model_name and model_version.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub model_id: Option<ModelId>,
    /// Developer (for unregistered models; matched to a lab's slug).
    #[serde(default)]
    pub developer: Option<String>,
    /// Model name (unregistered models).
    #[serde(default)]
    pub model_name: Option<String>,
    /// Model version (unregistered models).
    #[serde(default)]
    pub model_version: Option<String>,
    /// The effective standard version applied.
    #[schema(value_type = String)]
    pub standard_version_id: StandardVersionId,
    /// The profile evaluated, if any.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub profile_id: Option<ProfileId>,
    /// The designator's written reason.
    pub reason: String,
}

/// A label as the lab sees it: never the rules.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DesignationView {
    /// Id.
    #[schema(value_type = String)]
    pub id: DesignationId,
    /// Registered model.
    #[schema(value_type = Option<String>)]
    pub model_id: Option<ModelId>,
    /// Developer.
    pub developer: String,
    /// Model name.
    pub model_name: String,
    /// Model version.
    pub model_version: String,
    /// `covered` or `rescinded`.
    pub status: String,
    /// When labelled.
    pub designated_at: DateTime<Utc>,
    /// Standard version applied.
    #[schema(value_type = String)]
    pub standard_version_id: StandardVersionId,
    /// SHA-256(salt ‖ canonical standard), hex.
    pub commitment: String,
    /// The designator's reason.
    pub reason: String,
    /// When rescinded.
    pub rescinded_at: Option<DateTime<Utc>>,
    /// Why rescinded.
    pub rescind_reason: Option<String>,
    /// Contests and answers.
    pub contests: Vec<ContestView>,
    /// What happened, in order.
    pub timeline: Vec<TimelineEntry>,
}

/// The confidential parts of a label (designators and standards authors).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DesignationSecretsView {
    /// Label id.
    #[schema(value_type = String)]
    pub id: DesignationId,
    /// Commitment salt (hex).
    pub salt_hex: String,
    /// The commitment.
    pub commitment: String,
    /// Standard version applied.
    #[schema(value_type = String)]
    pub standard_version_id: StandardVersionId,
    /// The canonical standard document the commitment is over.
    pub standard_document: Value,
    /// The engine's proposal.
    pub proposal: Option<Value>,
}

/// One timeline entry.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// What.
    pub action: String,
    /// Who.
    pub actor: String,
    /// Details.
    pub details: Value,
}

/// File a contest.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileContestParams {
    /// The lab's statement.
    pub statement: String,
}

/// Answer a contest.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerContestParams {
    /// `uphold` or `rescind`.
    pub outcome: String,
    /// The designator's reason.
    pub reason: String,
}

/// A contest.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContestView {
    /// Id.
    #[schema(value_type = String)]
    pub id: ContestId,
    /// Label.
    #[schema(value_type = String)]
    pub designation_id: DesignationId,
    /// Statement.
    pub statement: String,
    /// When filed.
    pub filed_at: DateTime<Utc>,
    /// `open`, `upheld` or `rescinded`.
    pub status: String,
    /// When answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// The designator's reason.
    pub answer_reason: Option<String>,
}

/// Rescind a label.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescindParams {
    /// Why.
    pub reason: String,
}

/// Result of checking a commitment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommitmentCheckView {
    /// Label.
    #[schema(value_type = String)]
    pub designation_id: DesignationId,
    /// Standard version checked.
    #[schema(value_type = String)]
    pub standard_version_id: StandardVersionId,
    /// Whether SHA-256(salt ‖ canonical standard) equals the commitment.
    pub matches: bool,
}

/// Start an evaluation run on an assigned submission.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartEvalRunParams {
    /// The suite: a name (letters, digits, `.`, `_`, `-`) the workers resolve,
    /// e.g. `cyber-core`.
    pub suite: String,
    /// Epochs per sample (1–100), overriding every task's own.
    #[serde(default)]
    pub epochs: Option<u32>,
    /// Only the first N samples of each task (1–1,000,000).
    #[serde(default)]
    pub limit: Option<u64>,
    /// Samples in flight at once, and connections to the lab's endpoint (1–256).
    #[serde(default)]
    pub max_connections: Option<u32>,
}

/// How far a run has got.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvalProgressView {
    /// Sample-epochs in the run.
    pub total: u64,
    /// Finished so far.
    pub done: u64,
    /// Of those, ended in an error.
    pub errors: u64,
    /// Of those, scored 1.
    pub correct: u64,
    /// Tokens used so far.
    pub tokens: u64,
    /// Provider retries so far.
    pub retries: u64,
    /// Seconds the current attempt has been running.
    pub elapsed_seconds: f64,
}

/// One metric of a run's capability profile, with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvalMetricView {
    /// Profile name, `SUITE/GROUP.METRIC` (e.g. `cyber-core/cryptography.accuracy`).
    pub name: String,
    /// The group: `overall`, a category, or `task/ID`.
    pub group: String,
    /// The statistic (`accuracy`, `mean`, …).
    pub metric: String,
    /// Point estimate.
    pub value: f64,
    /// Standard error.
    pub stderr: Option<f64>,
    /// Lower bound of the 95% interval.
    pub ci95_lower: Option<f64>,
    /// Upper bound of the 95% interval.
    pub ci95_upper: Option<f64>,
    /// Samples behind it.
    pub n: u64,
}

/// An evaluation run (a job) on a submission.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvalRunView {
    /// Id.
    #[schema(value_type = String)]
    pub id: EvalRunId,
    /// The submission evaluated.
    #[schema(value_type = String)]
    pub submission_id: SubmissionId,
    /// The model.
    #[schema(value_type = String)]
    pub model_id: ModelId,
    /// Model name.
    pub model_name: String,
    /// Model version.
    pub model_version: String,
    /// The submission's lab.
    #[schema(value_type = String)]
    pub lab_org_id: OrgId,
    /// The agency that started it.
    #[schema(value_type = String)]
    pub agency_org_id: OrgId,
    /// Slug of the agency that started it.
    pub agency: String,
    /// The reviewer who started it.
    pub started_by: String,
    /// Suite.
    pub suite: String,
    /// Epochs override.
    pub epochs: Option<u32>,
    /// Samples per task.
    pub limit: Option<u64>,
    /// Samples in flight at once.
    pub max_connections: u32,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled` (a run of a
    /// review that closed reads as cancelled).
    #[schema(value_type = String, example = "running")]
    pub status: bulwark_store::EvalRunStatus,
    /// Times a worker took it (a crashed worker's run is taken again).
    pub attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// Live progress (the last heartbeat), once a worker took it.
    pub progress: Option<EvalProgressView>,
    /// Last heartbeat of its worker.
    pub heartbeat_at: Option<DateTime<Utc>>,
    /// Results: every metric of the capability profile, once succeeded.
    pub metrics: Vec<EvalMetricView>,
    /// The capability profile stored from it.
    #[schema(value_type = Option<String>)]
    pub profile_id: Option<ProfileId>,
    /// Why it failed or was cancelled.
    pub error: Option<String>,
    /// When started.
    pub created_at: DateTime<Utc>,
    /// When a worker first took it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
}

/// One finished sample (sample id, epoch) of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvalSampleView {
    /// Sample id.
    pub sample_id: String,
    /// Epoch.
    pub epoch: u32,
    /// Task.
    pub task_id: String,
    /// Score, absent when the sample failed.
    pub score: Option<f64>,
    /// The extracted answer.
    pub answer: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Finished.
    pub finished_at: DateTime<Utc>,
}

/// A tool call the model asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptToolCallView {
    /// Call id.
    pub id: String,
    /// Tool.
    pub name: String,
    /// Arguments (JSON text).
    pub arguments: String,
}

/// One message of a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptMessageView {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// Text.
    pub content: Option<String>,
    /// Tool calls (assistant).
    pub tool_calls: Vec<TranscriptToolCallView>,
    /// The call a tool message answers.
    pub tool_call_id: Option<String>,
}

/// One event of a transcript: a model call, a tool call and its output, a
/// submission, a score, a limit, an error or the sandbox set-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptEventView {
    /// `model`, `tool`, `submission`, `score`, `limit`, `error` or `setup`.
    pub kind: String,
    /// Milliseconds since the sample started.
    pub at_ms: u64,
    /// Duration, when it has one.
    pub duration_ms: Option<u64>,
    /// Tool, scorer or limit name.
    pub name: Option<String>,
    /// Tool arguments (JSON text).
    pub arguments: Option<String>,
    /// Exit code of a tool or set-up command.
    pub exit_code: Option<i32>,
    /// Score value.
    pub score: Option<f64>,
    /// Output, answer, explanation or message.
    pub text: String,
}

/// A sample's transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvalTranscriptView {
    /// The run.
    #[schema(value_type = String)]
    pub run_id: EvalRunId,
    /// The sample.
    pub sample: EvalSampleView,
    /// The conversation as the model saw it.
    pub messages: Vec<TranscriptMessageView>,
    /// What happened, in order.
    pub events: Vec<TranscriptEventView>,
}

/// A run in a comparison.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvalComparisonColumn {
    /// The run.
    #[schema(value_type = String)]
    pub run_id: EvalRunId,
    /// Model name.
    pub model_name: String,
    /// Model version.
    pub model_version: String,
    /// Suite.
    pub suite: String,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
}

/// One metric across the compared runs (`None` where a run lacks it).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvalComparisonRow {
    /// Profile name.
    pub name: String,
    /// Group.
    pub group: String,
    /// Statistic.
    pub metric: String,
    /// One cell per column, in column order.
    pub cells: Vec<Option<EvalMetricView>>,
}

/// Capability profiles of several runs, metric by metric, side by side.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvalComparisonView {
    /// The runs, in the order asked.
    pub columns: Vec<EvalComparisonColumn>,
    /// Every metric of any of them, by name.
    pub rows: Vec<EvalComparisonRow>,
}

/// What the designation engine proposed from an evaluation run's profile
/// (designators only: the rules' statuses reveal the thresholds).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvalProposalView {
    /// The run.
    #[schema(value_type = String)]
    pub run_id: EvalRunId,
    /// The model.
    #[schema(value_type = String)]
    pub model_id: ModelId,
    /// Model name.
    pub model_name: String,
    /// Model version.
    pub model_version: String,
    /// The lab's slug.
    pub lab: String,
    /// The stored profile (give it to the proposal form or the label form).
    #[schema(value_type = String)]
    pub profile_id: ProfileId,
    /// The standard version applied, when one was effective.
    #[schema(value_type = Option<String>)]
    pub standard_version_id: Option<StandardVersionId>,
    /// The engine's outcome (`covered`, `not_covered`, `insufficient_evidence`), when a standard was effective.
    pub outcome: Option<String>,
    /// The engine's sentence for people.
    pub summary: Option<String>,
    /// When the run ended.
    pub finished_at: Option<DateTime<Utc>>,
}
