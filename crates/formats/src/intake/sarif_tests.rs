//! Tests of SARIF intake on small logs written for them.

use super::*;
use crate::model::Severity;

const LOG: &str = r#"{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [{
    "tool": {"driver": {
      "name": "CodeQL",
      "rules": [
        {"id": "js/xss", "name": "XssRule",
         "shortDescription": {"text": "Cross-site scripting"},
         "defaultConfiguration": {"level": "error"},
         "properties": {"tags": ["security", "external/cwe/cwe-079", "external/cwe/cwe-116", 7], "security-severity": "6.1"}},
        {"id": "CS0001", "messageStrings": {"default": {"text": "Variable '{0}' used before '{1}' {{braces}} {9}."}},
         "relationships": [{"target": {"id": "401", "toolComponent": {"name": "CWE"}}}]}
      ]}},
    "originalUriBaseIds": {
      "REPOROOT": {"description": {"text": "no uri"}},
      "SRCROOT": {"uri": "src/", "uriBaseId": "REPOROOT"},
      "ABS": {"uri": "file:///C:/work/"},
      "LOOP": {"uri": "x/", "uriBaseId": "LOOP"}
    },
    "artifacts": [{"location": {"uri": "lib/util.js", "uriBaseId": "SRCROOT"}}],
    "taxonomies": [{"name": "CWE", "guid": "A9282C88-F1FE-4A01-8137-E8D2A037AB82", "taxa": [{"id": "787"}]}],
    "results": [
      {"ruleId": "js/xss", "ruleIndex": 0, "message": {"text": "User input flows to innerHTML."},
       "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app/view.js", "uriBaseId": "SRCROOT"},
                        "region": {"startLine": 12, "endLine": 14}},
                      "logicalLocations": [{"fullyQualifiedName": "View.render"}]}],
       "partialFingerprints": {"primaryLocationLineHash": "abc:1"},
       "fingerprints": {"stable/v1": "f00d"},
       "codeFlows": [{"threadFlows": [{"locations": [
          {"location": {"physicalLocation": {"artifactLocation": {"uri": "app/input.js", "uriBaseId": "SRCROOT"}, "region": {"startLine": 3}},
                        "logicalLocations": [{"name": "read"}]}},
          {"location": {"physicalLocation": {"artifactLocation": {"index": 0}, "region": {"startLine": 8}}}},
          {"location": {"logicalLocations": [{"name": "sink"}]}},
          {"location": {}}
       ]}]}]},
      {"ruleId": "CS0001", "message": {"id": "default", "arguments": ["x", "init"]},
       "taxa": [{"index": 0, "toolComponent": {"index": 0}}],
       "stacks": [{"frames": [
          {"location": {"physicalLocation": {"artifactLocation": {"uri": "main.c", "uriBaseId": "ABS"}, "region": {"startLine": 110}},
                        "logicalLocations": [{"fullyQualifiedName": "add_core"}]}},
          {"location": {"physicalLocation": {"artifactLocation": {"uri": "README.md", "uriBaseId": "REPOROOT"}}}}
       ]}],
       "locations": [{"physicalLocation": {"artifactLocation": {"uri": "y.c", "uriBaseId": "LOOP"}, "region": {"startLine": -1}}}],
       "level": "note"},
      {"rule": {"id": "js/xss", "index": 0}, "message": {"text": "suppressed"},
       "suppressions": [{"kind": "external", "status": "rejected"}, {"kind": "inSource"}]},
      {"ruleId": "js/xss", "message": {"text": "accepted"}, "suppressions": [{"kind": "external", "status": "accepted"}]},
      {"ruleId": "js/xss", "message": {"text": "visible"}, "suppressions": [{"kind": "external", "status": "underReview"}]},
      {"ruleId": "js/xss", "kind": "pass", "message": {"text": "fine"}},
      {"ruleId": "js/xss", "baselineState": "absent", "message": {"text": "gone"}},
      {"ruleId": "js/xss", "message": "not an object"}
    ]
  }, {
    "tool": {"driver": {"name": "Lint"}},
    "results": [{"message": {"markdown": "**bold**"}, "level": "none"}]
  }]
}"#;

fn outcomes() -> Vec<RecordOutcome> {
    parse(LOG.as_bytes()).unwrap_or_default()
}

fn reason(outcome: &RecordOutcome) -> String {
    outcome
        .result
        .as_ref()
        .err()
        .map(|e| e.reason.clone())
        .unwrap_or_default()
}

#[test]
fn a_result_with_rule_metadata_locations_and_a_code_flow() -> Result<(), RecordError> {
    let outcomes = outcomes();
    assert_eq!(outcomes.len(), 5);
    let report = outcomes[0].result.clone()?;
    assert_eq!(report.source_id.as_deref(), Some("CodeQL:js/xss#0"));
    assert_eq!(report.title.as_deref(), Some("Cross-site scripting"));
    assert_eq!(report.description, "User input flows to innerHTML.");
    assert_eq!(report.cwes, vec![79, 116]);
    assert_eq!(
        report.severities,
        vec![Severity::Qualitative {
            rating: "medium".into()
        }]
    );
    assert_eq!(
        report.locations,
        vec![CodeLocation {
            uri: "src/app/view.js".into(),
            start_line: Some(12),
            end_line: Some(14),
            function: Some("View.render".into()),
        }]
    );
    assert_eq!(
        report.fingerprints,
        vec![
            ("primaryLocationLineHash".to_string(), "abc:1".to_string()),
            ("stable/v1".to_string(), "f00d".to_string()),
        ]
    );
    assert_eq!(
        report.stack_trace.as_deref(),
        Some("src/app/input.js:3 read\nsrc/lib/util.js:8\nsink")
    );
    Ok(())
}

#[test]
fn message_strings_taxa_stacks_and_bases() -> Result<(), RecordError> {
    let report = outcomes()[1].result.clone()?;
    assert_eq!(report.source_id.as_deref(), Some("CodeQL:CS0001#1"));
    assert_eq!(report.title.as_deref(), Some("CS0001"));
    assert_eq!(
        report.description,
        "Variable 'x' used before 'init' {braces} {9}."
    );
    assert_eq!(report.cwes, vec![401, 787]);
    assert_eq!(
        report.severities,
        vec![Severity::Qualitative {
            rating: "low".into()
        }]
    );
    assert_eq!(
        report.stack_trace.as_deref(),
        Some("file:///C:/work/main.c:110 add_core\nREADME.md")
    );
    assert_eq!(report.locations[0].uri, "y.c");
    assert_eq!(report.locations[0].start_line, None);
    Ok(())
}

#[test]
fn suppressed_and_non_findings_yield_no_record() {
    let outcomes = outcomes();
    // Of results 2..=7 only the one under review (4) and the malformed one
    // (7) are records: suppressed (2, 3), passing (5) and vanished (6)
    // results are not findings.
    assert_eq!(outcomes[2].index, 2);
    let visible = outcomes[2].result.as_ref().map(|r| r.description.clone());
    assert_eq!(visible.ok().as_deref(), Some("visible"));
    assert!(
        reason(&outcomes[3]).starts_with("runs[0].results[7].message: invalid type"),
        "{}",
        reason(&outcomes[3])
    );
    assert_eq!(
        outcomes[3]
            .result
            .as_ref()
            .err()
            .and_then(|e| e.source_id.as_deref()),
        None
    );
}

#[test]
fn results_without_rules_across_runs() -> Result<(), RecordError> {
    let outcomes = outcomes();
    assert_eq!(outcomes[4].index, 4);
    let report = outcomes[4].result.clone()?;
    assert_eq!(report.source_id.as_deref(), Some("Lint#4"));
    assert_eq!(report.title, None);
    assert_eq!(report.description, "**bold**");
    assert!(report.severities.is_empty());
    Ok(())
}

#[test]
fn empty_logs_have_no_records() -> Result<(), IntakeError> {
    for log in [
        r#"{"version":"2.1.0","runs":[]}"#,
        r#"{"version":"2.1.0","runs":null}"#,
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}}}]}"#,
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[]}]}"#,
    ] {
        assert!(parse(log.as_bytes())?.is_empty(), "{log}");
    }
    Ok(())
}

#[test]
fn documents_that_are_not_sarif_2_1_0() {
    assert!(matches!(
        parse(br#"{"version":"2.0.0","runs":[]}"#),
        Err(IntakeError::Invalid { .. })
    ));
    assert!(matches!(
        parse(br#"{"runs":[]}"#),
        Err(IntakeError::Invalid { .. })
    ));
    assert!(matches!(
        parse(br#"{"version":"2.1.0","runs":{}}"#),
        Err(IntakeError::Invalid { .. })
    ));
    assert!(matches!(
        parse(b"{\"version\":"),
        Err(IntakeError::Json { .. })
    ));
}

#[test]
fn argument_templates() {
    assert_eq!(
        fill_arguments("{0} and {1}", &["a".into(), "b".into()]),
        "a and b"
    );
    assert_eq!(fill_arguments("{{0}} {0", &["a".into()]), "{0} {0");
    assert_eq!(fill_arguments("}{x}", &[]), "}{x}");
    assert_eq!(fill_arguments("é{0}ü", &["ß".into()]), "éßü");
}

#[test]
fn shared_rule_text_cannot_blow_up() {
    let results = vec![r#"{"ruleId":"R","ruleIndex":0,"message":{"text":"m"}}"#; 400].join(",");
    let log = format!(
        r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"t","rules":[{{"id":"R","shortDescription":{{"text":"{}"}}}}]}}}},"results":[{results}]}}]}}"#,
        "x".repeat(64 * 1024)
    );
    let error = parse(log.as_bytes())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("times its size"), "{error}");
    let template = "{0}".repeat(10_000);
    let filled = fill_arguments(&template, &["y".repeat(1024)]);
    assert!(filled.len() <= MAX_MESSAGE_BYTES + 2048, "{}", filled.len());
}
