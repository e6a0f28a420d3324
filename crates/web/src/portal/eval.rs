//! Evaluation runs in the portal: a submission's runs and the form that
//! starts one (assigned reviewers), a run's page with live progress and its
//! per-category results with 95% intervals (a server-rendered SVG chart),
//! sample transcripts (the agency that ran it), a side-by-side comparison of
//! capability profiles, and the designator's list of engine proposals.
//!
//! What a viewer may do is derived from the policy; the application still
//! authorises every read and audits it. While a run is queued or running its
//! page reloads itself every few seconds (a one-line inline script, which the
//! portal's CSP allows) to show live progress.
use super::error::{PageError, PageResult};
use super::layout::{Layout, Section};
use super::session::{CsrfForm, NoFields, PortalSession};
use super::{forms, render, see_other, Path, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use bulwark_app::views::{
    EvalComparisonView, EvalMetricView, EvalProposalView, EvalRunView, EvalSampleView,
    EvalTranscriptView, StartEvalRunParams, SubmissionView,
};
use bulwark_app::AppError;
use bulwark_domain::ids::{EvalRunId, OrgId, SubmissionId};
use bulwark_domain::policy::{authorize, Action, Resource};
use bulwark_domain::review::SubmissionState;
use serde::Deserialize;

/// Template filters: the portal's, and the badge of a run status.
mod filters {
    pub use super::super::layout::filters::*;

    /// The badge class of a run status.
    pub fn run_badge<T: std::fmt::Display>(status: &T) -> askama::Result<&'static str> {
        Ok(match status.to_string().as_str() {
            "queued" => "badge-submitted",
            "running" => "badge-in_review",
            "succeeded" => "badge-concluded",
            "failed" => "badge-withdrawn",
            _ => "badge-expired",
        })
    }
}

/// Seconds between reloads of an active run's page.
const REFRESH_SECONDS: u32 = 5;
/// Samples per page of the samples list.
const SAMPLES_PER_PAGE: usize = 100;

/// A number for people: three decimals.
fn num(v: f64) -> String {
    format!("{v:.3}")
}

fn opt_num(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), num)
}

/// What the viewer may do with a run, from the policy.
struct RunAbilities {
    transcripts: bool,
    cancel: bool,
}

impl RunAbilities {
    fn of(s: &PortalSession, run: &EvalRunView) -> Self {
        // The run was readable, so its submission is not withdrawn and its
        // agency is assigned: the state and agency list below say just that.
        let agencies = [run.agency_org_id];
        let res = Resource::AgencyWork {
            lab: run.lab_org_id,
            agency: run.agency_org_id,
            agencies: &agencies,
            state: SubmissionState::InReview,
        };
        let can = |a: Action| authorize(&s.ctx.actor, a, &res).is_ok();
        Self {
            transcripts: can(Action::ReadEvalTranscript),
            cancel: can(Action::CancelEvalRun) && run.status.is_active(),
        }
    }
}

/// A run as one line of a list.
struct RunLine {
    run: EvalRunView,
    percent: u32,
    overall: String,
}

impl From<EvalRunView> for RunLine {
    fn from(run: EvalRunView) -> Self {
        let percent = run
            .progress
            .as_ref()
            .map_or(0, |p| percent(p.done, p.total));
        let overall = run
            .metrics
            .iter()
            .find(|m| m.group == "overall")
            .map(|m| {
                format!(
                    "{} [{}, {}]",
                    num(m.value),
                    opt_num(m.ci95_lower),
                    opt_num(m.ci95_upper)
                )
            })
            .unwrap_or_default();
        Self {
            run,
            percent,
            overall,
        }
    }
}

fn percent(done: u64, total: u64) -> u32 {
    (done.min(total) * 100)
        .checked_div(total)
        .map_or(0, |p| p as u32)
}

#[derive(Template)]
#[template(path = "eval_runs.html")]
struct RunsPage {
    layout: Layout,
    sub: SubmissionView,
    runs: Vec<RunLine>,
    can_start: bool,
}

/// Whether the viewer may start a run on the submission (and it is open).
fn can_start(s: &PortalSession, sub: &SubmissionView) -> bool {
    let a = &s.ctx.actor;
    let assigned: Vec<OrgId> = if sub.agencies.contains(&a.org_slug) {
        vec![a.org_id]
    } else {
        Vec::new()
    };
    let res = Resource::Submission {
        lab: sub.lab_org_id,
        agencies: &assigned,
        state: sub.state,
    };
    authorize(a, Action::StartEvalRun, &res).is_ok() && sub.state.is_open()
}

/// GET /submissions/{id}/eval: the submission's runs, and the start form.
pub(super) async fn runs(
    State(app): State<AppState>,
    s: PortalSession,
    Path(id): Path<SubmissionId>,
) -> PageResult {
    s.enter(Section::Submissions)?;
    let back = format!("/submissions/{id}");
    let fail = |e| s.fail(e).back_to(&back);
    let sub = app.get_submission(&s.ctx, id).await.map_err(fail)?;
    let runs = app.list_eval_runs(&s.ctx, id).await.map_err(fail)?;
    let can_start = can_start(&s, &sub);
    let title = format!("Evaluation runs: {} {}", sub.model.name, sub.model.version);
    render(&RunsPage {
        layout: s.layout(&title, Section::Submissions, None),
        sub,
        runs: runs.into_iter().map(RunLine::from).collect(),
        can_start,
    })
}

/// The start form.
#[derive(Deserialize)]
pub(super) struct StartForm {
    #[serde(default)]
    suite: String,
    #[serde(default)]
    epochs: String,
    #[serde(default)]
    limit: String,
    #[serde(default)]
    max_connections: String,
}

fn optional_number<T: std::str::FromStr>(field: &str, v: &str) -> Result<Option<T>, AppError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse()
        .map(Some)
        .map_err(|_| AppError::invalid(field, format!("{v:?} is not a whole number")))
}

/// POST /submissions/{id}/eval: starts a run, then shows it.
pub(super) async fn start(
    State(app): State<AppState>,
    Path(id): Path<SubmissionId>,
    CsrfForm(s, f): CsrfForm<StartForm>,
) -> PageResult {
    let back = format!("/submissions/{id}/eval");
    let fail = |e| s.fail(e).back_to(&back);
    let params = (|| {
        Ok::<_, AppError>(StartEvalRunParams {
            suite: f.suite.trim().to_string(),
            epochs: optional_number("epochs", &f.epochs)?,
            limit: optional_number("limit", &f.limit)?,
            max_connections: optional_number("max_connections", &f.max_connections)?,
        })
    })()
    .map_err(fail)?;
    let run = app.start_eval_run(&s.ctx, id, params).await.map_err(fail)?;
    see_other(&format!("/eval/runs/{}", run.id))
}

/// One bar of the results chart.
struct ChartRow {
    label: String,
    value: String,
    interval: String,
    n: u64,
    y: u32,
    bar_width: u32,
    lower_x: u32,
    upper_x: u32,
    has_interval: bool,
}

/// The results chart: a bar per category with its 95% interval.
struct Chart {
    rows: Vec<ChartRow>,
    height: u32,
    scale_max: String,
}

const CHART_LEFT: u32 = 200;
const CHART_WIDTH: u32 = 400;
const ROW_HEIGHT: u32 = 28;

fn chart(metrics: &[&EvalMetricView]) -> Chart {
    let max = metrics
        .iter()
        .map(|m| m.ci95_upper.unwrap_or(m.value).max(m.value))
        .fold(1.0_f64, f64::max);
    let x =
        |v: f64| CHART_LEFT + ((v.clamp(0.0, max) / max) * f64::from(CHART_WIDTH)).round() as u32;
    let rows = metrics
        .iter()
        .enumerate()
        .map(|(i, m)| ChartRow {
            label: m.group.replace('_', " "),
            value: num(m.value),
            interval: format!("{} – {}", opt_num(m.ci95_lower), opt_num(m.ci95_upper)),
            n: m.n,
            y: 10 + (i as u32) * ROW_HEIGHT,
            bar_width: x(m.value) - CHART_LEFT,
            lower_x: x(m.ci95_lower.unwrap_or(m.value)),
            upper_x: x(m.ci95_upper.unwrap_or(m.value)),
            has_interval: m.ci95_lower.is_some() && m.ci95_upper.is_some(),
        })
        .collect::<Vec<_>>();
    Chart {
        height: 30 + rows.len() as u32 * ROW_HEIGHT,
        rows,
        scale_max: num(max),
    }
}

/// A metric as a table row.
struct MetricLine {
    group: String,
    metric: String,
    value: String,
    stderr: String,
    lower: String,
    upper: String,
    n: u64,
}

impl From<&EvalMetricView> for MetricLine {
    fn from(m: &EvalMetricView) -> Self {
        Self {
            group: m.group.clone(),
            metric: m.metric.clone(),
            value: num(m.value),
            stderr: opt_num(m.stderr),
            lower: opt_num(m.ci95_lower),
            upper: opt_num(m.ci95_upper),
            n: m.n,
        }
    }
}

#[derive(Template)]
#[template(path = "eval_run.html")]
struct RunPage {
    layout: Layout,
    run: EvalRunView,
    percent: u32,
    refresh_seconds: u32,
    chart: Chart,
    categories: Vec<MetricLine>,
    tasks: Vec<MetricLine>,
    can: RunAbilities,
}

/// GET /eval/runs/{id}: status, live progress, results.
pub(super) async fn show(
    State(app): State<AppState>,
    s: PortalSession,
    Path(id): Path<EvalRunId>,
) -> PageResult {
    s.enter(Section::Submissions)?;
    let run = app
        .get_eval_run(&s.ctx, id)
        .await
        .map_err(|e| s.fail(e).back_to("/submissions"))?;
    let (categories, tasks): (Vec<&EvalMetricView>, Vec<&EvalMetricView>) = run
        .metrics
        .iter()
        .partition(|m| !m.group.starts_with("task/"));
    let chart = chart(&categories);
    let categories = categories.into_iter().map(MetricLine::from).collect();
    let tasks = tasks.into_iter().map(MetricLine::from).collect();
    let percent = run
        .progress
        .as_ref()
        .map_or(0, |p| percent(p.done, p.total));
    let can = RunAbilities::of(&s, &run);
    let title = format!(
        "Evaluation run: {} on {} {}",
        run.suite, run.model_name, run.model_version
    );
    render(&RunPage {
        layout: s.layout(&title, Section::Submissions, None),
        percent,
        refresh_seconds: REFRESH_SECONDS,
        chart,
        categories,
        tasks,
        can,
        run,
    })
}

/// POST /eval/runs/{id}/cancel
pub(super) async fn cancel(
    State(app): State<AppState>,
    Path(id): Path<EvalRunId>,
    CsrfForm(s, _): CsrfForm<NoFields>,
) -> PageResult {
    let back = format!("/eval/runs/{id}");
    app.cancel_eval_run(&s.ctx, id)
        .await
        .map_err(|e| s.fail(e).back_to(&back))?;
    see_other(&back)
}

/// `?offset=` of the samples list.
#[derive(Deserialize)]
pub(super) struct OffsetQuery {
    #[serde(default)]
    offset: Option<usize>,
}

#[derive(Template)]
#[template(path = "eval_samples.html")]
struct SamplesPage {
    layout: Layout,
    run_id: EvalRunId,
    samples: Vec<EvalSampleView>,
    offset: usize,
    next: Option<usize>,
    previous: Option<usize>,
}

/// GET /eval/runs/{id}/samples: the finished samples, with links to transcripts.
pub(super) async fn samples(
    State(app): State<AppState>,
    s: PortalSession,
    Path(id): Path<EvalRunId>,
    Query(q): Query<OffsetQuery>,
) -> PageResult {
    s.enter(Section::Submissions)?;
    let offset = q.offset.unwrap_or(0);
    let samples = app
        .list_eval_samples(&s.ctx, id, offset, SAMPLES_PER_PAGE)
        .await
        .map_err(|e| s.fail(e).back_to(format!("/eval/runs/{id}")))?;
    render(&SamplesPage {
        layout: s.layout("Samples", Section::Submissions, None),
        run_id: id,
        next: (samples.len() == SAMPLES_PER_PAGE).then_some(offset + SAMPLES_PER_PAGE),
        previous: (offset > 0).then(|| offset.saturating_sub(SAMPLES_PER_PAGE)),
        samples,
        offset,
    })
}

#[derive(Template)]
#[template(path = "eval_transcript.html")]
struct TranscriptPage {
    layout: Layout,
    t: EvalTranscriptView,
}

/// GET /eval/runs/{id}/samples/{task_id}/{sample_id}/{epoch}: one transcript.
pub(super) async fn transcript(
    State(app): State<AppState>,
    s: PortalSession,
    Path((id, task_id, sample_id, epoch)): Path<(EvalRunId, String, String, u32)>,
) -> PageResult {
    s.enter(Section::Submissions)?;
    let t = app
        .get_eval_transcript(&s.ctx, id, &task_id, &sample_id, epoch)
        .await
        .map_err(|e| s.fail(e).back_to(format!("/eval/runs/{id}/samples")))?;
    let title = format!(
        "Transcript: {} (epoch {})",
        t.sample.sample_id, t.sample.epoch
    );
    render(&TranscriptPage {
        layout: s.layout(&title, Section::Submissions, None),
        t,
    })
}

/// A run offered for comparison.
struct Choice {
    run: EvalRunView,
    picked: bool,
}

/// One metric across the compared runs.
struct CompareLine {
    name: String,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "eval_compare.html")]
struct ComparePage {
    layout: Layout,
    choices: Vec<Choice>,
    comparison: Option<EvalComparisonView>,
    lines: Vec<CompareLine>,
}

fn cell(m: &Option<EvalMetricView>) -> String {
    match m {
        Some(m) => format!(
            "{} [{}, {}] n={}",
            num(m.value),
            opt_num(m.ci95_lower),
            opt_num(m.ci95_upper),
            m.n
        ),
        None => "—".to_string(),
    }
}

/// GET /eval/compare?runs=A&runs=B: capability profiles side by side.
pub(super) async fn compare(
    State(app): State<AppState>,
    s: PortalSession,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    s.enter(Section::Submissions)?;
    let fail = |e| s.fail(e).back_to("/eval/compare");
    let chosen: Vec<EvalRunId> = pairs
        .iter()
        .filter(|(k, _)| k == "runs")
        .enumerate()
        .map(|(i, (_, v))| forms::id(&format!("runs[{i}]"), v))
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    let all = app.list_all_eval_runs(&s.ctx).await.map_err(fail)?;
    let comparison = if chosen.is_empty() {
        None
    } else {
        Some(app.compare_eval_runs(&s.ctx, &chosen).await.map_err(fail)?)
    };
    let lines = comparison.as_ref().map_or_else(Vec::new, |c| {
        c.rows
            .iter()
            .map(|r| CompareLine {
                name: r.name.clone(),
                cells: r.cells.iter().map(cell).collect(),
            })
            .collect()
    });
    let choices = all
        .into_iter()
        .filter(|r| !r.metrics.is_empty())
        .map(|run| Choice {
            picked: chosen.contains(&run.id),
            run,
        })
        .collect();
    render(&ComparePage {
        layout: s.layout("Compare capability profiles", Section::Submissions, None),
        choices,
        comparison,
        lines,
    })
}

#[derive(Template)]
#[template(path = "eval_proposals.html")]
struct ProposalsPage {
    layout: Layout,
    proposals: Vec<EvalProposalView>,
}

/// GET /designations/evaluations: what the engine proposed from each run's profile.
pub(super) async fn proposals(State(app): State<AppState>, s: PortalSession) -> PageResult {
    s.enter(Section::Designations)?;
    let proposals = app.list_eval_proposals(&s.ctx).await.map_err(|e| {
        s.framed(PageError::from(e), Section::Designations)
            .back_to("/designations")
    })?;
    render(&ProposalsPage {
        layout: s.layout(
            "Proposals from evaluation runs",
            Section::Designations,
            None,
        ),
        proposals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(group: &str, value: f64, lower: f64, upper: f64) -> EvalMetricView {
        EvalMetricView {
            name: format!("s/{group}.accuracy"),
            group: group.into(),
            metric: "accuracy".into(),
            value,
            stderr: None,
            ci95_lower: Some(lower),
            ci95_upper: Some(upper),
            n: 10,
        }
    }

    #[test]
    fn chart_scales_bars_and_intervals_to_the_axis() {
        let a = m("cryptography", 0.5, 0.25, 0.75);
        let b = m("overall", 1.0, 0.9, 1.0);
        let c = chart(&[&a, &b]);
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[0].bar_width, 200);
        assert_eq!((c.rows[0].lower_x, c.rows[0].upper_x), (300, 500));
        assert_eq!(c.rows[1].bar_width, 400);
        assert_eq!(c.rows[0].value, "0.500");
        assert_eq!(c.rows[0].interval, "0.250 – 0.750");
        assert_eq!(c.scale_max, "1.000");
        assert_eq!(percent(3, 12), 25);
        assert_eq!(percent(5, 0), 0);
    }
}
