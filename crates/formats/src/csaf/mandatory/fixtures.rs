//! Small CSAF documents for the mandatory tests' unit tests: a minimal valid
//! `csaf_base` document with three products, changed by a JSON merge patch
//! (RFC 7386: objects merge, `null` deletes, anything else replaces).

use serde_json::{json, Value};

use crate::csaf::document::CsafDocument;
use crate::csaf::finding::Finding;

/// The minimal valid document.
pub(crate) fn base() -> Value {
    json!({
        "document": {
            "category": "csaf_base",
            "csaf_version": "2.0",
            "publisher": {
                "category": "other",
                "name": "Test",
                "namespace": "https://example.com"
            },
            "title": "Test document",
            "tracking": {
                "current_release_date": "2024-01-02T00:00:00.000Z",
                "id": "TEST-1",
                "initial_release_date": "2024-01-01T00:00:00.000Z",
                "revision_history": [
                    {"date": "2024-01-01T00:00:00.000Z", "number": "1", "summary": "Initial."}
                ],
                "status": "final",
                "version": "1"
            }
        },
        "product_tree": {
            "full_product_names": [
                {"name": "Product A", "product_id": "CSAFPID-1"},
                {"name": "Product B", "product_id": "CSAFPID-2"},
                {"name": "Product C", "product_id": "CSAFPID-3"}
            ]
        }
    })
}

/// Applies an RFC 7386 merge patch.
pub(crate) fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (key, value) in p {
                if value.is_null() {
                    t.remove(key);
                } else {
                    merge(t.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// The base document with `patch` applied, deserialised.
pub(crate) fn doc(patch: Value) -> CsafDocument {
    let mut value = base();
    merge(&mut value, &patch);
    match serde_json::from_value(value) {
        Ok(doc) => doc,
        Err(e) => panic!("fixture does not deserialise: {e}"),
    }
}

/// Runs `test` on the patched base document.
pub(crate) fn findings(test: fn(&CsafDocument) -> Vec<Finding>, patch: Value) -> Vec<Finding> {
    test(&doc(patch))
}

/// Asserts `test` passes on the patched document.
pub(crate) fn passes(test: fn(&CsafDocument) -> Vec<Finding>, patch: Value) {
    let found = findings(test, patch);
    assert!(found.is_empty(), "expected no findings, got {found:#?}");
}

/// Asserts `test` fails on the patched document, with a finding at `path`
/// (the first finding's path) and returns the findings.
pub(crate) fn fails(
    test: fn(&CsafDocument) -> Vec<Finding>,
    patch: Value,
    path: &str,
) -> Vec<Finding> {
    let found = findings(test, patch);
    assert!(
        found.iter().any(|f| f.path == path),
        "expected a finding at {path}, got {found:#?}"
    );
    found
}
