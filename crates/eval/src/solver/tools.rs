//! The agent's tools as the model sees them — Chat Completions function
//! tools `bash` (`cmd`), `python` (`code`) and `submit` (`answer`) — and the
//! checking of the calls the model makes ([`parse_call`]).

use serde_json::{json, Value};

use crate::provider::{ToolCall, ToolDefinition};
use crate::task::Tool;

/// The function tools offered for `tools`, in the order given.
pub fn tool_definitions(tools: &[Tool]) -> Vec<ToolDefinition> {
    tools.iter().map(|&tool| definition(tool)).collect()
}

/// The function tool of `tool`.
pub fn definition(tool: Tool) -> ToolDefinition {
    let (description, param, param_description) = match tool {
        Tool::Bash => (
            "Run a shell command (/bin/sh) in the sandbox's working directory. Each call \
             starts a fresh shell: files persist between calls, processes, variables and the \
             current directory do not. Returns stdout, stderr and the exit status.",
            "cmd",
            "The shell command to run.",
        ),
        Tool::Python => (
            "Run a Python 3 program in the sandbox's working directory (as `python3 -`, the \
             code on standard input). Each call is a fresh interpreter: print what you need \
             to see. Returns stdout, stderr and the exit status.",
            "code",
            "The Python source code to run.",
        ),
        Tool::Submit => (
            "Submit your final answer (for a capture-the-flag challenge, the flag itself). \
             Each call is one graded attempt.",
            "answer",
            "The answer to submit, and nothing else.",
        ),
    };
    ToolDefinition::function(
        tool.as_str(),
        description,
        json!({
            "type": "object",
            "properties": { param: { "type": "string", "description": param_description } },
            "required": [param],
            "additionalProperties": false
        }),
    )
}

/// A tool call whose name and arguments were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolRequest {
    /// Run `cmd` with `/bin/sh`.
    Bash {
        /// The command.
        cmd: String,
    },
    /// Run `code` with `python3 -`.
    Python {
        /// The program.
        code: String,
    },
    /// Submit `answer`.
    Submit {
        /// The answer.
        answer: String,
    },
}

/// A tool call, checked: its arguments for the transcript (parsed when they
/// are JSON, else the raw text) and what it asks for, or why it cannot run
/// (a sentence for the model).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedCall {
    /// The arguments as sent.
    pub arguments: Value,
    /// The request, or what is wrong with the call.
    pub request: Result<ToolRequest, String>,
}

/// Checks `call` against the `offered` tools: a known name, arguments that
/// are a JSON object with the tool's one string parameter.
pub fn parse_call(call: &ToolCall, offered: &[Tool]) -> ParsedCall {
    let name = call.function.name.as_str();
    let parsed = call.arguments_json();
    let tool = offered.iter().copied().find(|t| t.as_str() == name);
    let (arguments, request) = match (tool, parsed) {
        (None, parsed) => {
            let arguments = parsed.unwrap_or_else(|_| raw(call));
            (arguments, Err(unknown_tool(name, offered)))
        }
        (Some(tool), Err(error)) => (
            raw(call),
            Err(format!(
                "the arguments of `{name}` are not valid JSON ({error}); send a JSON object such as {}",
                example(tool)
            )),
        ),
        (Some(tool), Ok(arguments)) => {
            let request = request_for(tool, &arguments);
            (arguments, request)
        }
    };
    ParsedCall { arguments, request }
}

/// The raw argument text, as a JSON string.
fn raw(call: &ToolCall) -> Value {
    Value::String(call.function.arguments.clone())
}

fn unknown_tool(name: &str, offered: &[Tool]) -> String {
    let names: Vec<&str> = offered.iter().map(|t| t.as_str()).collect();
    format!(
        "there is no tool named `{name}`; the available tools are: {}",
        names.join(", ")
    )
}

/// An example of a well-formed call of `tool`, for error messages.
fn example(tool: Tool) -> &'static str {
    match tool {
        Tool::Bash => r#"{"cmd": "ls -la"}"#,
        Tool::Python => r#"{"code": "print(1 + 1)"}"#,
        Tool::Submit => r#"{"answer": "flag{...}"}"#,
    }
}

fn request_for(tool: Tool, arguments: &Value) -> Result<ToolRequest, String> {
    let param = match tool {
        Tool::Bash => "cmd",
        Tool::Python => "code",
        Tool::Submit => "answer",
    };
    let value = match arguments {
        Value::Object(map) => map.get(param),
        _ => None,
    };
    let text = match value {
        Some(Value::String(text)) => text.clone(),
        // Models sometimes submit a number unquoted; the answer is its text.
        Some(value @ (Value::Number(_) | Value::Bool(_))) if tool == Tool::Submit => {
            value.to_string()
        }
        _ => {
            return Err(format!(
                "`{}` needs a string argument `{param}`, e.g. {}",
                tool.as_str(),
                example(tool)
            ))
        }
    };
    match tool {
        Tool::Bash if text.contains('\0') => {
            Err("`cmd` contains a NUL byte, which a shell command cannot contain".into())
        }
        Tool::Bash => Ok(ToolRequest::Bash { cmd: text }),
        Tool::Python => Ok(ToolRequest::Python { code: text }),
        Tool::Submit => Ok(ToolRequest::Submit { answer: text }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Tool; 3] = [Tool::Bash, Tool::Python, Tool::Submit];

    fn call(name: &str, arguments: &str) -> ToolCall {
        let mut call = ToolCall::function("c1", name, &json!({}));
        call.function.arguments = arguments.to_owned();
        call
    }

    #[test]
    fn definitions_are_function_tools_with_one_string_parameter() {
        let defs = tool_definitions(&[Tool::Bash, Tool::Submit]);
        let names: Vec<&str> = defs.iter().map(|d| d.function.name.as_str()).collect();
        assert_eq!(names, ["bash", "submit"]);
        let v = serde_json::to_value(&defs[0]).unwrap_or(Value::Null);
        assert_eq!(v["type"], "function");
        assert_eq!(v["function"]["parameters"]["required"], json!(["cmd"]));
        assert_eq!(
            v["function"]["parameters"]["properties"]["cmd"]["type"],
            "string"
        );
        let python = definition(Tool::Python);
        assert_eq!(python.function.parameters["required"], json!(["code"]));
    }

    #[test]
    fn good_calls_become_requests() {
        let parsed = parse_call(&call("bash", r#"{"cmd":"ls"}"#), &ALL);
        assert_eq!(parsed.request, Ok(ToolRequest::Bash { cmd: "ls".into() }));
        assert_eq!(parsed.arguments, json!({"cmd": "ls"}));
        let parsed = parse_call(&call("python", r#"{"code":"print(2)"}"#), &ALL);
        assert_eq!(
            parsed.request,
            Ok(ToolRequest::Python {
                code: "print(2)".into()
            })
        );
        let parsed = parse_call(&call("submit", r#"{"answer": 42}"#), &ALL);
        assert_eq!(
            parsed.request,
            Ok(ToolRequest::Submit {
                answer: "42".into()
            })
        );
    }

    #[test]
    fn unknown_and_unoffered_tools_are_refused_by_name() {
        let parsed = parse_call(&call("curl", r#"{"url":"x"}"#), &ALL);
        let error = parsed.request.err().unwrap_or_default();
        assert!(error.contains("no tool named `curl`"), "{error}");
        assert!(error.contains("bash, python, submit"), "{error}");
        assert_eq!(parsed.arguments, json!({"url": "x"}));
        let parsed = parse_call(&call("python", r#"{"code":"1"}"#), &[Tool::Bash]);
        let error = parsed.request.err().unwrap_or_default();
        assert!(error.contains("no tool named `python`"), "{error}");
    }

    #[test]
    fn bad_arguments_say_what_was_expected() {
        let parsed = parse_call(&call("bash", "{cmd: ls"), &ALL);
        let error = parsed.request.err().unwrap_or_default();
        assert!(error.contains("not valid JSON"), "{error}");
        assert!(error.contains(r#"{"cmd": "ls -la"}"#), "{error}");
        assert_eq!(parsed.arguments, json!("{cmd: ls"));
        for bad in [r#"{"command":"ls"}"#, r#"["ls"]"#, r#"{"cmd": 3}"#] {
            let error = parse_call(&call("bash", bad), &ALL)
                .request
                .err()
                .unwrap_or_default();
            assert!(
                error.contains("needs a string argument `cmd`"),
                "{bad}: {error}"
            );
        }
        let error = parse_call(&call("bash", r#"{"cmd":"a\u0000b"}"#), &ALL)
            .request
            .err()
            .unwrap_or_default();
        assert!(error.contains("NUL"), "{error}");
        let error = parse_call(&call("submit", r#"{"answer": null}"#), &ALL)
            .request
            .err()
            .unwrap_or_default();
        assert!(error.contains("`answer`"), "{error}");
    }
}
