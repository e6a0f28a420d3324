//! SARIF 2.1.0 logs: every `runs[].results[]` entry is one report.
//!
//! * source id: `tool:ruleId#n` (`n` counts results across the log);
//! * title: the rule's short description, else its name, else its id;
//!   description: the result's message (text, markdown, or the rule's
//!   message string with `{0}` arguments filled in);
//! * CWEs: `CWE-79` / `external/cwe/cwe-079` tags on the rule or result,
//!   and rule relationships or result taxa pointing into a CWE taxonomy;
//! * severity: `security-severity` (rule or result) in GitHub's bands,
//!   else the level (result, else the rule's default, else `warning`):
//!   error → high, warning → medium, note → low;
//! * locations: physical locations (`uriBaseId` resolved through
//!   `originalUriBaseIds`; an artifact index through `artifacts[]`) with
//!   lines and the logical location as the function;
//! * fingerprints: `partialFingerprints`, then `fingerprints`;
//! * stack trace: stack frames, then code-flow steps, one
//!   `uri:line function` a line.
//!
//! Results that are suppressed (a suppression accepted, or with no status),
//! that are not findings (`kind` pass, notApplicable, informational), or
//! that a baseline says are gone (`baselineState: absent`) yield no record:
//! they are not vulnerabilities, and a valid log is never "rejected" for
//! holding them. A log with no runs or no results yields no records.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::budget::Budget;
use super::error::{IntakeError, RecordError};
use super::sarif_log::{
    ArtifactLocation, DescriptorRef, Location, Log, Message, Rule, Run, SarifResult,
};
use super::{cwe, decode, severity, unique, RecordOutcome};
use crate::model::{CodeLocation, Report, SourceFormat};

/// How deep `originalUriBaseIds` may refer to one another (cycles end here).
const MAX_BASE_DEPTH: usize = 8;
/// The longest message a rule's message string is expanded to (its
/// arguments could otherwise repeat without bound).
const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Reads a SARIF log.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<RecordOutcome>, IntakeError> {
    let log: Log<'_> = decode::json_document(bytes, SourceFormat::Sarif)?;
    match log.version.as_deref() {
        Some("2.1.0") => {}
        Some(other) => {
            return Err(IntakeError::invalid(format!(
                "version: `{other}` is not 2.1.0"
            )))
        }
        None => return Err(IntakeError::invalid("version: missing")),
    }
    let mut outcomes = Vec::new();
    let mut budget = Budget::for_input(bytes.len());
    for (r, run) in log.runs.unwrap_or_default().iter().enumerate() {
        let context = RunContext::new(run);
        for (i, raw) in run.results.iter().flatten().enumerate() {
            let index = outcomes.len();
            let decoded = decode::json_record::<SarifResult>(raw.get());
            // Suppressed, passing and vanished results are not findings:
            // they yield no record (neither accepted nor rejected).
            if decoded
                .as_ref()
                .is_ok_and(|result| not_a_finding(result).is_some())
            {
                continue;
            }
            let result = decoded
                .and_then(|result| context.convert(result, index))
                .map_err(|e| e.within(&format!("runs[{r}].results[{i}]")));
            if let Ok(report) = &result {
                budget.charge(report)?;
            }
            outcomes.push(RecordOutcome { index, result });
        }
    }
    Ok(outcomes)
}

/// What a run says once, used for each of its results.
struct RunContext<'r> {
    run: &'r Run<'r>,
    tool: &'r str,
    rules_by_id: HashMap<&'r str, &'r Rule>,
    /// GUIDs of the run's CWE taxonomies, lower case.
    cwe_guids: HashSet<String>,
    /// Each rule's CWEs (tags and relationships), found once per run, by
    /// the rule's address.
    rule_cwes: HashMap<*const Rule, Vec<u32>>,
}

impl<'r> RunContext<'r> {
    fn new(run: &'r Run<'r>) -> Self {
        let mut rules_by_id = HashMap::new();
        let components = std::iter::once(&run.tool.driver).chain(&run.tool.extensions);
        for rule in components.flat_map(|c| &c.rules) {
            rules_by_id.entry(rule.id.as_str()).or_insert(rule);
        }
        let cwe_guids = run
            .taxonomies
            .iter()
            .filter(|t| t.name.eq_ignore_ascii_case("CWE"))
            .filter_map(|t| t.guid.as_deref())
            .map(str::to_ascii_lowercase)
            .collect();
        let mut context = RunContext {
            run,
            tool: run.tool.driver.name.trim(),
            rules_by_id,
            cwe_guids,
            rule_cwes: HashMap::new(),
        };
        let components = std::iter::once(&run.tool.driver).chain(&run.tool.extensions);
        for rule in components.flat_map(|c| &c.rules) {
            let mut cwes = context.rule_cwes_of(rule);
            unique::dedupe_by(&mut cwes, |c| *c);
            context.rule_cwes.insert(std::ptr::from_ref(rule), cwes);
        }
        context
    }

    /// A rule's CWEs: from its tags and its relationships into a CWE taxonomy.
    fn rule_cwes_of(&self, rule: &Rule) -> Vec<u32> {
        let tags = rule.properties.iter().flat_map(|b| &b.tags);
        let tagged = tags.filter_map(|t| t.as_str().and_then(cwe::parse_cwe));
        let related = rule
            .relationships
            .iter()
            .filter_map(|r| self.cwe_of(&r.target));
        tagged.chain(related).collect()
    }

    /// Builds the report of one result, or says why it is not one.
    fn convert(&self, result: SarifResult, index: usize) -> Result<Report, RecordError> {
        let rule = self.rule_of(&result);
        let rule_id = result
            .rule_id
            .as_deref()
            .or(result.rule.as_ref().and_then(|r| r.id.as_deref()))
            .or(rule.map(|r| r.id.as_str()))
            .filter(|id| !id.is_empty());
        let source_id = match rule_id {
            Some(id) => format!("{}:{id}#{index}", self.tool),
            None => format!("{}#{index}", self.tool),
        };
        let mut report = Report {
            source_id: Some(source_id),
            title: rule
                .and_then(|r| r.short_description.as_ref().and_then(|m| m.text.as_deref()))
                .or(rule.and_then(|r| r.name.as_deref()))
                .or(rule_id)
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
            description: message_text(&result.message, rule),
            ..Report::default()
        };
        self.add_cwes(&mut report.cwes, &result, rule);
        report.severities.extend(rating(&result, rule));
        report.locations = result
            .locations
            .iter()
            .filter_map(|l| self.code_location(l))
            .collect();
        report.stack_trace = self.stack_trace(&result);
        report.fingerprints = result
            .partial_fingerprints
            .into_iter()
            .chain(result.fingerprints)
            .collect();
        unique::tidy(&mut report);
        Ok(report)
    }

    /// The rule a result names: by index (in the driver or the extension
    /// its reference names), else by id (a hierarchical `a/b` id falls back
    /// to `a`).
    fn rule_of(&self, result: &SarifResult) -> Option<&'r Rule> {
        let reference = result.rule.as_ref();
        let index = reference.and_then(|r| r.index).or(result.rule_index);
        let component = match reference
            .and_then(|r| r.tool_component.as_ref())
            .and_then(|c| c.index)
        {
            Some(i) => usize::try_from(i)
                .ok()
                .and_then(|i| self.run.tool.extensions.get(i)),
            None => Some(&self.run.tool.driver),
        };
        if let (Some(index), Some(component)) = (index, component) {
            if let Some(rule) = usize::try_from(index)
                .ok()
                .and_then(|i| component.rules.get(i))
            {
                return Some(rule);
            }
        }
        let id = result
            .rule_id
            .as_deref()
            .or(reference.and_then(|r| r.id.as_deref()))?;
        self.rules_by_id
            .get(id)
            .or_else(|| {
                id.split_once('/')
                    .and_then(|(head, _)| self.rules_by_id.get(head))
            })
            .copied()
    }

    /// CWEs from the rule (see [`Self::rule_cwes_of`]), the result's tags
    /// and the result's taxa.
    fn add_cwes(&self, cwes: &mut Vec<u32>, result: &SarifResult, rule: Option<&Rule>) {
        if let Some(known) = rule.and_then(|r| self.rule_cwes.get(&std::ptr::from_ref(r))) {
            cwes.extend_from_slice(known);
        }
        let tags = result.properties.iter().flat_map(|b| &b.tags);
        cwes.extend(tags.filter_map(|t| t.as_str().and_then(cwe::parse_cwe)));
        cwes.extend(result.taxa.iter().filter_map(|target| self.cwe_of(target)));
    }

    /// The CWE a taxon reference points at, when it points into a CWE
    /// taxonomy (by name, or by the taxonomy's GUID on either side).
    fn cwe_of(&self, target: &DescriptorRef) -> Option<u32> {
        let component = target.tool_component.as_ref();
        let taxonomy = component
            .and_then(|c| c.index)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.run.taxonomies.get(i));
        let is_cwe = component
            .and_then(|c| c.name.as_deref())
            .is_some_and(|n| n.eq_ignore_ascii_case("CWE"))
            || taxonomy.is_some_and(|t| t.name.eq_ignore_ascii_case("CWE"))
            || [
                component.and_then(|c| c.guid.as_deref()),
                target.guid.as_deref(),
            ]
            .into_iter()
            .flatten()
            .any(|g| self.cwe_guids.contains(&g.to_ascii_lowercase()));
        if !is_cwe {
            return None;
        }
        let by_index = || {
            let taxa = &taxonomy.or_else(|| self.cwe_taxonomy())?.taxa;
            taxa.get(usize::try_from(target.index?).ok()?)
                .map(|t| t.id.as_str())
        };
        target
            .id
            .as_deref()
            .or_else(by_index)
            .and_then(cwe::parse_cwe_or_number)
    }

    fn cwe_taxonomy(&self) -> Option<&'r super::sarif_log::ToolComponent> {
        self.run
            .taxonomies
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case("CWE"))
    }

    /// A result location as a code location (`None` without a file).
    fn code_location(&self, location: &Location) -> Option<CodeLocation> {
        let physical = location.physical_location.as_ref()?;
        let uri = self.resolve_uri(physical.artifact_location.as_ref()?)?;
        let region = physical.region.as_ref();
        let line = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0);
        let function = location
            .logical_locations
            .iter()
            .find_map(|l| l.fully_qualified_name.as_deref().or(l.name.as_deref()))
            .map(str::to_owned);
        Some(CodeLocation {
            uri,
            start_line: line(region.and_then(|r| r.start_line)),
            end_line: line(region.and_then(|r| r.end_line)),
            function,
        })
    }

    /// An artifact location's URI, its base id resolved where the log
    /// gives the base's URI.
    fn resolve_uri(&self, location: &ArtifactLocation) -> Option<String> {
        let artifact = || {
            let i = usize::try_from(location.index?).ok()?;
            self.run.artifacts.get(i)?.location.as_ref()
        };
        let (uri, base) = match location.uri.as_deref().filter(|u| !u.is_empty()) {
            Some(uri) => (uri, location.uri_base_id.as_deref()),
            None => {
                let from_artifact = artifact()?;
                (
                    from_artifact.uri.as_deref()?,
                    from_artifact.uri_base_id.as_deref(),
                )
            }
        };
        let base = base.and_then(|b| self.base_uri(b, 0).flatten());
        Some(match base {
            Some(base) if !is_absolute(uri) => join(&base, uri),
            _ => uri.to_owned(),
        })
    }

    /// The URI an `originalUriBaseIds` entry stands for, through the bases
    /// it is itself relative to: `Some(None)` when the log does not say
    /// (no such base, or one without a URI), `None` when the bases refer
    /// to one another in a cycle.
    fn base_uri(&self, id: &str, depth: usize) -> Option<Option<String>> {
        if depth > MAX_BASE_DEPTH {
            return None;
        }
        let Some(uri) = self
            .run
            .original_uri_base_ids
            .get(id)
            .and_then(|b| b.uri.as_deref().map(|u| (u, b)))
        else {
            return Some(None);
        };
        let (uri, base) = uri;
        let parent = match base.uri_base_id.as_deref() {
            Some(parent) if !is_absolute(uri) => self.base_uri(parent, depth + 1)?,
            _ => None,
        };
        Some(Some(match parent {
            Some(parent) => join(&parent, uri),
            None => uri.to_owned(),
        }))
    }

    /// Stack frames, then code-flow steps, one frame a line.
    fn stack_trace(&self, result: &SarifResult) -> Option<String> {
        let frames = result.stacks.iter().flat_map(|s| &s.frames);
        let steps = result
            .code_flows
            .iter()
            .flat_map(|f| &f.thread_flows)
            .flat_map(|t| &t.locations);
        let lines: Vec<String> = frames
            .chain(steps)
            .filter_map(|step| step.location.as_ref())
            .filter_map(|location| self.frame_line(location))
            .collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }

    /// `uri:line function`, leaving out what the location lacks.
    fn frame_line(&self, location: &Location) -> Option<String> {
        let code = self.code_location(location);
        let function = location
            .logical_locations
            .iter()
            .find_map(|l| l.fully_qualified_name.as_deref().or(l.name.as_deref()));
        let place = code.map(|c| match c.start_line {
            Some(line) => format!("{}:{line}", c.uri),
            None => c.uri,
        });
        match (place, function) {
            (Some(place), Some(function)) => Some(format!("{place} {function}")),
            (Some(place), None) => Some(place),
            (None, Some(function)) => Some(function.to_owned()),
            (None, None) => None,
        }
    }
}

/// Why a result is not a finding to take in, if it is not (the reason
/// documents the rule; intake skips such results).
fn not_a_finding(result: &SarifResult) -> Option<String> {
    if let Some(suppressions) = &result.suppressions {
        // A suppression without a status is in effect (SARIF §3.35.3).
        if let Some(s) = suppressions
            .iter()
            .find(|s| s.status.is_none() || s.status.as_deref() == Some("accepted"))
        {
            let how = s.kind.as_deref().unwrap_or("unknown");
            let status = s.status.as_deref().unwrap_or("no status");
            return Some(format!("suppressed ({how}, {status})"));
        }
    }
    if let Some(kind @ ("pass" | "notApplicable" | "informational")) = result.kind.as_deref() {
        return Some(format!("kind `{kind}` is not a finding"));
    }
    if result.baseline_state.as_deref() == Some("absent") {
        return Some("baselineState `absent`: the result is no longer present".to_owned());
    }
    None
}

/// The result's message: its text, its markdown, or the rule's message
/// string it names with the arguments put in.
fn message_text(message: &Message, rule: Option<&Rule>) -> String {
    if let Some(text) = message.text.as_deref().or(message.markdown.as_deref()) {
        return text.to_owned();
    }
    let template = message
        .id
        .as_deref()
        .and_then(|id| rule?.message_strings.get(id))
        .and_then(|m| m.text.as_deref().or(m.markdown.as_deref()));
    match template {
        Some(template) => fill_arguments(template, &message.arguments),
        None => String::new(),
    }
}

/// Replaces `{0}`, `{1}`, … with the arguments (`{{`/`}}` are literal).
fn fill_arguments(template: &str, arguments: &[String]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if out.len() > MAX_MESSAGE_BYTES {
            return out;
        }
        let (before, tail) = rest.split_at(open);
        out.push_str(before);
        if let Some(after) = tail.strip_prefix("{{").or_else(|| tail.strip_prefix("}}")) {
            out.push_str(tail.get(..1).unwrap_or_default());
            rest = after;
            continue;
        }
        let placeholder = tail
            .strip_prefix('{')
            .and_then(|inner| inner.split_once('}'))
            .and_then(|(number, after)| {
                Some((arguments.get(number.parse::<usize>().ok()?)?, after))
            });
        if let Some((argument, after)) = placeholder {
            out.push_str(argument);
            rest = after;
            continue;
        }
        // A lone brace is literal; braces are one byte, so this splits at a
        // character boundary.
        let (brace, after) = tail.split_at(1);
        out.push_str(brace);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The qualitative rating of a result (see the module docs).
fn rating(result: &SarifResult, rule: Option<&Rule>) -> Option<crate::model::Severity> {
    let score = [
        result.properties.as_ref(),
        rule.and_then(|r| r.properties.as_ref()),
    ]
    .into_iter()
    .flatten()
    .filter_map(|b| b.security_severity.as_ref())
    .find_map(|v| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    });
    if let Some(rating) = score.and_then(severity::rating_of_score) {
        return severity::qualitative(rating);
    }
    let level = result
        .level
        .as_deref()
        .or(rule.and_then(|r| r.default_configuration.as_ref()?.level.as_deref()))
        .unwrap_or("warning");
    severity::qualitative(match level {
        "error" => "high",
        "warning" => "medium",
        "note" => "low",
        _ => return None,
    })
}

/// Whether a URI has a scheme (`file:`, `https:`) and so needs no base.
fn is_absolute(uri: &str) -> bool {
    uri.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    })
}

fn join(base: &str, uri: &str) -> String {
    let uri = uri.trim_start_matches("./");
    if base.ends_with('/') {
        format!("{base}{uri}")
    } else {
        format!("{base}/{uri}")
    }
}

#[cfg(test)]
#[path = "sarif_tests.rs"]
mod tests;
