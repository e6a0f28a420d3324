//! [`TaskFacts`]: what an export knows about how a task was run — from its
//! definition when the task directory is given, else from what the runner
//! recorded in the header (`elicitation.extra.tasks`).

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use crate::runlog::RunHeader;
use crate::task::{SolverSpec, TaskSpec};

/// How one task was run, as far as it is known.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TaskFacts {
    /// Whether the solver is an agent loop (`None`: unknown).
    pub agent: Option<bool>,
    /// The tools offered, for agents.
    pub tools: Vec<String>,
    /// The primary scorer's kind.
    pub scorer: Option<String>,
    /// `{messages, tokens, wall_seconds}`.
    pub limits: Option<Value>,
    /// Submission attempts, for agents.
    pub attempts: Option<u32>,
    /// The system prompt.
    pub system_prompt: Option<String>,
    /// The prompt template, when it is not just `{input}`.
    pub template: Option<String>,
    /// The task's description.
    pub description: Option<String>,
    /// The task directory.
    pub location: Option<PathBuf>,
}

/// One entry of the runner's `elicitation.extra.tasks`.
#[derive(Debug, Deserialize)]
struct RecordedTask {
    id: String,
    #[serde(default)]
    scorers: Vec<String>,
    #[serde(default)]
    scaffold: Option<RecordedScaffold>,
}

/// The solver part of a [`RecordedTask`].
#[derive(Debug, Deserialize)]
struct RecordedScaffold {
    solver: String,
    #[serde(default)]
    tools: Vec<String>,
    #[serde(default)]
    max_attempts: Option<u32>,
    #[serde(default)]
    limits: Option<Value>,
}

impl TaskFacts {
    /// From the task's definition.
    pub fn from_spec(spec: &TaskSpec, dir: PathBuf) -> Self {
        let (agent, tools, attempts, system_prompt) = match &spec.solver {
            SolverSpec::SingleTurn { system_prompt, .. } => {
                (false, Vec::new(), None, system_prompt.clone())
            }
            SolverSpec::Agent {
                tools,
                max_attempts,
                system_prompt,
                ..
            } => (
                true,
                tools.iter().map(|t| t.to_string()).collect(),
                Some(*max_attempts),
                system_prompt.clone(),
            ),
        };
        Self {
            agent: Some(agent),
            tools,
            scorer: spec.scorers.first().map(|s| s.kind().as_str().to_owned()),
            limits: serde_json::to_value(spec.solver.limits()).ok(),
            attempts,
            system_prompt,
            template: spec
                .solver
                .prompt_template()
                .map(|t| t.as_str().to_owned())
                .filter(|t| t != "{input}"),
            description: Some(spec.description.clone()),
            location: Some(dir),
        }
    }

    /// From the header's `elicitation.extra.tasks` entry for `task`, when
    /// the runner recorded one.
    pub fn from_header(header: &RunHeader, task: &str) -> Option<Self> {
        let entries = header.elicitation.extra.get("tasks")?.as_array()?;
        let recorded = entries
            .iter()
            .filter_map(|e| RecordedTask::deserialize(e).ok())
            .find(|e| e.id == task)?;
        let scaffold = recorded.scaffold;
        Some(Self {
            agent: scaffold.as_ref().map(|s| s.solver == "agent"),
            tools: scaffold
                .as_ref()
                .map(|s| s.tools.clone())
                .unwrap_or_default(),
            scorer: recorded.scorers.first().cloned(),
            limits: scaffold.as_ref().and_then(|s| s.limits.clone()),
            attempts: scaffold.as_ref().and_then(|s| s.max_attempts),
            ..Self::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runlog::{ElicitationSettings, TaskRef};
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    #[test]
    fn reads_what_the_runner_records() {
        let header = RunHeader {
            run_id: "r".into(),
            tasks: vec![TaskRef {
                id: "t".into(),
                version: "1".into(),
            }],
            model: "m".into(),
            elicitation: ElicitationSettings {
                extra: json!({"tasks": [
                    {"id": "other", "scorers": ["exact"]},
                    {"id": "t", "scorers": ["includes", "regex"], "scaffold": {
                        "solver": "agent", "tools": ["bash", "submit"], "max_attempts": 2,
                        "limits": {"messages": 30, "tokens": 1000, "wall_seconds": 60}}}
                ]}),
                ..ElicitationSettings::default()
            },
            started_at: Utc.timestamp_opt(0, 0).unwrap(),
            config: Value::Null,
        };
        let facts = TaskFacts::from_header(&header, "t").unwrap();
        assert_eq!(facts.agent, Some(true));
        assert_eq!(facts.tools, ["bash", "submit"]);
        assert_eq!(facts.scorer.as_deref(), Some("includes"));
        assert_eq!(facts.attempts, Some(2));
        assert_eq!(facts.limits.unwrap()["messages"], 30);
        assert_eq!(TaskFacts::from_header(&header, "missing"), None);
    }
}
