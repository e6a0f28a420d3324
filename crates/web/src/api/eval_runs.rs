//! Evaluation runs: start on an assigned submission, follow, cancel, read
//! samples and transcripts, compare profiles; the designator's proposals.
use super::{ApiResult, Caller, Json, Path, Query};
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::State;
use bulwark_app::views::*;
use bulwark_domain::ids::{EvalRunId, SubmissionId};
use serde::Deserialize;

#[utoipa::path(post, path = "/api/v1/submissions/{id}/eval-runs", tag = "review", security(("bearer" = [])), params(("id" = String, Path)), request_body = StartEvalRunParams,
    responses((status = 200, body = EvalRunView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn start(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<SubmissionId>,
    Json(p): Json<StartEvalRunParams>,
) -> ApiResult<EvalRunView> {
    Ok(Json(app.start_eval_run(&ctx, id, p).await?))
}

#[utoipa::path(get, path = "/api/v1/submissions/{id}/eval-runs", tag = "review", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Vec<EvalRunView>), (status = 404, body = ErrorBody)))]
pub(super) async fn list_of_submission(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<SubmissionId>,
) -> ApiResult<Vec<EvalRunView>> {
    Ok(Json(app.list_eval_runs(&ctx, id).await?))
}

#[utoipa::path(get, path = "/api/v1/eval-runs", tag = "review", security(("bearer" = [])), responses((status = 200, body = Vec<EvalRunView>)))]
pub(super) async fn list(
    State(app): State<AppState>,
    Caller(ctx): Caller,
) -> ApiResult<Vec<EvalRunView>> {
    Ok(Json(app.list_all_eval_runs(&ctx).await?))
}

#[utoipa::path(get, path = "/api/v1/eval-runs/{id}", tag = "review", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = EvalRunView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<EvalRunId>,
) -> ApiResult<EvalRunView> {
    Ok(Json(app.get_eval_run(&ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/eval-runs/{id}/cancel", tag = "review", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = EvalRunView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn cancel(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<EvalRunId>,
) -> ApiResult<EvalRunView> {
    Ok(Json(app.cancel_eval_run(&ctx, id).await?))
}

/// A page of samples.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SamplePage {
    /// Samples to skip.
    #[serde(default)]
    offset: Option<usize>,
    /// Samples to return (1–1000, default 100).
    #[serde(default)]
    limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/eval-runs/{id}/samples", tag = "review", security(("bearer" = [])), params(("id" = String, Path), SamplePage),
    responses((status = 200, body = Vec<EvalSampleView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn samples(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<EvalRunId>,
    Query(page): Query<SamplePage>,
) -> ApiResult<Vec<EvalSampleView>> {
    let (offset, limit) = (page.offset.unwrap_or(0), page.limit.unwrap_or(100));
    Ok(Json(app.list_eval_samples(&ctx, id, offset, limit).await?))
}

#[utoipa::path(get, path = "/api/v1/eval-runs/{id}/samples/{task_id}/{sample_id}/{epoch}", tag = "review", security(("bearer" = [])),
    params(("id" = String, Path), ("task_id" = String, Path), ("sample_id" = String, Path), ("epoch" = u32, Path)),
    responses((status = 200, body = EvalTranscriptView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn transcript(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path((id, task_id, sample_id, epoch)): Path<(EvalRunId, String, String, u32)>,
) -> ApiResult<EvalTranscriptView> {
    Ok(Json(
        app.get_eval_transcript(&ctx, id, &task_id, &sample_id, epoch)
            .await?,
    ))
}

/// The runs to compare.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CompareQuery {
    /// Comma-separated run ids (2 to 8).
    runs: String,
}

/// Parses `a,b,c` into run ids, naming the bad one.
pub(crate) fn parse_run_ids(text: &str) -> Result<Vec<EvalRunId>, bulwark_app::AppError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, s)| {
            s.parse().map_err(|_| {
                bulwark_app::AppError::invalid(
                    format!("runs[{i}]"),
                    format!("{s:?} is not an evaluation run id"),
                )
            })
        })
        .collect()
}

#[utoipa::path(get, path = "/api/v1/eval-runs/compare", tag = "review", security(("bearer" = [])), params(CompareQuery),
    responses((status = 200, body = EvalComparisonView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn compare(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(q): Query<CompareQuery>,
) -> ApiResult<EvalComparisonView> {
    let ids = parse_run_ids(&q.runs).map_err(ApiError::from)?;
    Ok(Json(app.compare_eval_runs(&ctx, &ids).await?))
}

#[utoipa::path(get, path = "/api/v1/eval-proposals", tag = "designation", security(("bearer" = [])),
    responses((status = 200, body = Vec<EvalProposalView>), (status = 404, body = ErrorBody)))]
pub(super) async fn proposals(
    State(app): State<AppState>,
    Caller(ctx): Caller,
) -> ApiResult<Vec<EvalProposalView>> {
    Ok(Json(app.list_eval_proposals(&ctx).await?))
}
