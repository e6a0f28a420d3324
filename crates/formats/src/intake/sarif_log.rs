//! The parts of a SARIF 2.1.0 log that intake reads, as serde types.
//! Unknown properties are ignored; lists may be `null`. Results stay raw
//! JSON at the run level so that each is read (and rejected) on its own.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::decode::nullable;

/// The log (`sarifLog`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Log<'a> {
    pub version: Option<String>,
    #[serde(borrow)]
    pub runs: Option<Vec<Run<'a>>>,
}

/// One run of one tool.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Run<'a> {
    pub tool: Tool,
    #[serde(borrow)]
    pub results: Option<Vec<&'a RawValue>>,
    #[serde(deserialize_with = "nullable")]
    pub taxonomies: Vec<ToolComponent>,
    #[serde(deserialize_with = "nullable")]
    pub original_uri_base_ids: HashMap<String, ArtifactLocation>,
    #[serde(deserialize_with = "nullable")]
    pub artifacts: Vec<Artifact>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Tool {
    pub driver: ToolComponent,
    #[serde(deserialize_with = "nullable")]
    pub extensions: Vec<ToolComponent>,
}

/// A driver, extension or taxonomy.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ToolComponent {
    pub name: String,
    pub guid: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub rules: Vec<Rule>,
    #[serde(deserialize_with = "nullable")]
    pub taxa: Vec<Descriptor>,
}

/// A rule (`reportingDescriptor`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Rule {
    pub id: String,
    pub name: Option<String>,
    pub short_description: Option<Message>,
    #[serde(deserialize_with = "nullable")]
    pub message_strings: HashMap<String, Message>,
    pub default_configuration: Option<Configuration>,
    pub properties: Option<PropertyBag>,
    #[serde(deserialize_with = "nullable")]
    pub relationships: Vec<Relationship>,
}

/// A taxon (only its id is read).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Descriptor {
    pub id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Configuration {
    pub level: Option<String>,
}

/// Property bags: CWE tags and GitHub's `security-severity`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PropertyBag {
    #[serde(deserialize_with = "nullable")]
    pub tags: Vec<Value>,
    #[serde(rename = "security-severity")]
    pub security_severity: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Relationship {
    pub target: DescriptorRef,
}

/// A reference to a rule or taxon (`reportingDescriptorReference`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct DescriptorRef {
    pub id: Option<String>,
    pub index: Option<i64>,
    pub guid: Option<String>,
    pub tool_component: Option<ComponentRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ComponentRef {
    pub name: Option<String>,
    pub guid: Option<String>,
    pub index: Option<i64>,
}

/// A message: text, or an id into the rule's `messageStrings` with
/// arguments.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Message {
    pub text: Option<String>,
    pub markdown: Option<String>,
    pub id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub arguments: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct ArtifactLocation {
    pub uri: Option<String>,
    pub uri_base_id: Option<String>,
    pub index: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Artifact {
    pub location: Option<ArtifactLocation>,
}

/// One result.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct SarifResult {
    pub rule_id: Option<String>,
    pub rule_index: Option<i64>,
    pub rule: Option<DescriptorRef>,
    pub kind: Option<String>,
    pub level: Option<String>,
    pub message: Message,
    #[serde(deserialize_with = "nullable")]
    pub locations: Vec<Location>,
    #[serde(deserialize_with = "nullable")]
    pub code_flows: Vec<CodeFlow>,
    #[serde(deserialize_with = "nullable")]
    pub stacks: Vec<Stack>,
    #[serde(deserialize_with = "nullable")]
    pub partial_fingerprints: BTreeMap<String, String>,
    #[serde(deserialize_with = "nullable")]
    pub fingerprints: BTreeMap<String, String>,
    pub suppressions: Option<Vec<Suppression>>,
    pub baseline_state: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub taxa: Vec<DescriptorRef>,
    pub properties: Option<PropertyBag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Location {
    pub physical_location: Option<PhysicalLocation>,
    #[serde(deserialize_with = "nullable")]
    pub logical_locations: Vec<LogicalLocation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct PhysicalLocation {
    pub artifact_location: Option<ArtifactLocation>,
    pub region: Option<Region>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Region {
    pub start_line: Option<i64>,
    pub end_line: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct LogicalLocation {
    pub name: Option<String>,
    pub fully_qualified_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct CodeFlow {
    #[serde(deserialize_with = "nullable")]
    pub thread_flows: Vec<ThreadFlow>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ThreadFlow {
    #[serde(deserialize_with = "nullable")]
    pub locations: Vec<FlowStep>,
}

/// A thread-flow location or a stack frame: both wrap a location.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct FlowStep {
    pub location: Option<Location>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Stack {
    #[serde(deserialize_with = "nullable")]
    pub frames: Vec<FlowStep>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Suppression {
    pub kind: Option<String>,
    pub status: Option<String>,
}
